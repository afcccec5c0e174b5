"""The recipe's manifest: a CSV with the header `file,label[,fold]`, paths relative to it, read by
train.py and evaluate_on_device.py alike (a clip without a fold is in fold 1)."""
import csv
import os
import sys


def read_manifest(path):
    folder = os.path.dirname(os.path.abspath(path))
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    if not rows or "file" not in rows[0] or "label" not in rows[0]:
        sys.exit(f"{path}: a manifest needs a header line with the columns file,label[,fold]")
    clips = []
    for number, row in enumerate(rows, 2):
        if not row["file"] or not row["label"]:
            sys.exit(f"{path}:{number}: empty file or label")
        fold = row.get("fold") or "1"
        clips.append({"file": os.path.join(folder, row["file"]), "label": row["label"], "fold": fold})
    return clips
