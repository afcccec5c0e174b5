#!/usr/bin/env python3
"""Ties the Cortex-M4F machine monitor's states to the host's through one committed reference.

The reference (reference/machine_states.jsonl) is what the host tool prints: a `# MODEL FILE`
line, then one JSON line per change of state as `earshot stream --model MODEL --json FILE`
writes it. States, previous states, samples and times must be equal; scores within 1e-5
relative (the float sums may round differently) and levels within 0.01 dB (null: silence).

  compare_states.py firmware REFERENCE -- COMMAND...   run the firmware (in QEMU) and compare
  compare_states.py host REFERENCE EARSHOT CLIPS_DIR    run the host tool per section, compare
  compare_states.py write REFERENCE EARSHOT CLIPS_DIR   (re)make REFERENCE with the host tool
Standard library only.
"""
import json
import os
import sys

from compare_decisions import run  # the firmware or the host tool, its output or one error line

MODELS = ["machine-monitor", "machine-monitor-int8"]


def parse(text, origin):
    """{"MODEL FILE": [events]} from a reference or a program's output."""
    sections, current = {}, None
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("# "):
            current = sections.setdefault(line[2:].strip(), [])
        elif line.startswith("{"):
            if current is None:
                sys.exit(f"{origin}:{number}: an event before the first '# MODEL FILE' line")
            current.append(json.loads(line))
    return sections


def host_output(earshot, clips, sections):
    text = ""
    for section in sections:
        model, name = section.split(" ", 1)
        text += f"# {section}\n" + run([earshot, "stream", "--model", model, "--json", os.path.join(clips, name)])
    return text


def compare(reference, actual):
    problems, events, worst = 0, 0, 0.0
    for section, expected in reference.items():
        got = actual.get(section)
        if got is None or len(got) != len(expected):
            print(f"MISMATCH {section}: {None if got is None else len(got)} events, expected {len(expected)}")
            problems += 1
            continue
        for e, g in zip(expected, got):
            events += 1
            for key in ("state", "previous", "sample", "time"):
                if e[key] != g[key]:
                    print(f"MISMATCH {section} event {events}: {key} {g[key]!r}, expected {e[key]!r}")
                    problems += 1
            relative = abs(e["score"] - g["score"]) / max(abs(e["score"]), 1e-30)
            worst = max(worst, relative if e["score"] else abs(g["score"]))
            levels_differ = (e["level"] is None) != (g["level"] is None) or \
                (e["level"] is not None and abs(e["level"] - g["level"]) > 0.01)
            if relative > 1e-5 or levels_differ:
                print(f"MISMATCH {section} event {events}: score {g['score']}, level {g['level']}, expected "
                      f"{e['score']}, {e['level']}")
                problems += 1
    print(f"{events} state changes in {len(reference)} sections: largest relative score difference {worst:.3g}, "
          f"{problems} problems")
    return problems


def main(argv):
    if len(argv) >= 4 and argv[1] == "firmware" and argv[3] == "--":
        reference = parse(open(argv[2]).read(), argv[2])
        output = run(argv[4:])
        sys.stdout.write(output)
        return 1 if compare(reference, parse(output, "firmware output")) else 0
    if len(argv) == 5 and argv[1] in ("host", "write"):
        path, earshot, clips = argv[2:]
        if argv[1] == "host":
            reference = parse(open(path).read(), path)
            return 1 if compare(reference, parse(host_output(earshot, clips, list(reference)), "earshot stream")) else 0
        names = sorted(n for n in os.listdir(clips) if n.endswith(".wav"))
        text = host_output(earshot, clips, [f"{model} {name}" for model in MODELS for name in names])
        with open(path, "w") as out:
            out.write(text)
        print(f"wrote {path}: {sum(len(e) for e in parse(text, path).values())} state changes")
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
