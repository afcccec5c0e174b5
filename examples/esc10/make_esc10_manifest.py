#!/usr/bin/env python3
"""Writes the manifest of ESC-10 (examples/train/train.py's input): one line per clip with its
path relative to the manifest, its label (the class folder's name: "001 - Dog bark" -> dog_bark)
and its fold (the first character of the file name: ESC-10 comes in 5 prearranged folds, clips of
one source recording in one fold).

    /usr/bin/python3 examples/esc10/make_esc10_manifest.py ../shared/data/esc10 esc10.csv"""
import csv
import os
import re
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[-1].strip())
    data, out = sys.argv[1:]
    rows = []
    for folder in sorted(os.listdir(data)):
        match = re.fullmatch(r"\d{3} - (.+)", folder)
        if not match or not os.path.isdir(os.path.join(data, folder)):
            continue
        label = match.group(1).lower().replace(" ", "_")
        for name in sorted(os.listdir(os.path.join(data, folder))):
            if name.endswith(".ogg"):
                path = os.path.relpath(os.path.join(data, folder, name), os.path.dirname(os.path.abspath(out)))
                rows.append((path, label, name.split("-")[0]))
    if not rows:
        sys.exit(f"{data}: no '<NNN> - <class>/<fold>-<id>-<take>.ogg' files")
    with open(out, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["file", "label", "fold"])
        writer.writerows(rows)
    print(f"{out}: {len(rows)} clips, {len({r[1] for r in rows})} classes, folds {sorted({r[2] for r in rows})}")


if __name__ == "__main__":
    main()
