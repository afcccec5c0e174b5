#!/usr/bin/env python3
"""Ties the Cortex-M4F firmware's decisions to the host's through one committed reference.

The reference (reference/fsdd_clips.jsonl) is what the host tool prints: sections headed by
`# <options of earshot classify>` (`# --model fsdd-cnn-int8 --overlap 0.5`), then one JSON line
per clip as `earshot classify --windows --json <options>` writes it (file names without their
folder). Every board's firmware (clip_decisions.hpp) prints the same sections. Labels and
indices must be equal, the vote's confidence and scores and every window's probabilities within
1e-5.

  compare_decisions.py firmware REFERENCE -- COMMAND...   run the firmware (in QEMU) and compare
  compare_decisions.py host REFERENCE EARSHOT CLIPS_DIR    run the host tool per section, compare
  compare_decisions.py write REFERENCE EARSHOT CLIPS_DIR   (re)make REFERENCE with the host tool
Standard library only: CI needs no numpy for it.
"""
import json
import os
import subprocess
import sys

TOLERANCE = 1e-5
# What `write` puts into a new reference: each model, float32 and int8, at two overlaps.
SECTIONS = [f"--model {model} --overlap {overlap}"
            for model in ("fsdd-cnn", "fsdd-cnn-int8") for overlap in ("0.5", "0.9375")]


def parse(text, origin):
    """{section options: {file name: decision}} from a reference or a program's output."""
    sections = {}
    current = None
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("# --"):
            current = sections.setdefault(line[2:].strip(), {})
        elif line.startswith("{"):
            if current is None:
                sys.exit(f"{origin}:{number}: a decision before the first '# <options>' line")
            try:
                decision = json.loads(line)
            except json.JSONDecodeError as problem:
                sys.exit(f"{origin}:{number}: not JSON: {problem}")
            current[os.path.basename(decision["file"])] = decision
    return sections


def run(command):
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        sys.stdout.write(result.stdout + result.stderr)
        sys.exit(f"{command[0]} exited with {result.returncode}")
    return result.stdout


def host_output(earshot, clips, sections):
    text = ""
    for options in sections:
        command = [earshot, "classify", "--windows", "--json", *options.split(), clips]
        text += f"# {options}\n" + run(command)
    return text


def compare(reference, actual):
    """Number of problems; prints each and a summary."""
    problems = 0
    worst = {}  # section: largest difference
    decisions = windows = 0

    def report(message):
        nonlocal problems
        problems += 1
        print("MISMATCH " + message)

    def close(section, where, expected, got):
        if len(expected) != len(got):
            report(f"{where}: {len(got)} values, expected {len(expected)}")
            return
        for index, (e, g) in enumerate(zip(expected, got)):
            worst[section] = max(worst.get(section, 0.0), abs(e - g))
            if abs(e - g) > TOLERANCE:
                report(f"{where}[{index}]: {g!r}, expected {e!r}")

    for options, expected_files in reference.items():
        got_files = actual.get(options)
        if got_files is None:
            report(f"no section '# {options}' in the output")
            continue
        if set(got_files) != set(expected_files):
            report(f"'# {options}': files {sorted(got_files)}, expected {sorted(expected_files)}")
        for name, expected in expected_files.items():
            got = got_files.get(name)
            if got is None:
                continue
            where = f"'# {options}' {name}"
            decisions += 1
            for key in ("label", "index"):
                if got[key] != expected[key]:
                    report(f"{where}: {key} {got[key]!r}, expected {expected[key]!r}")
            close(options, where + " confidence", [expected["confidence"]], [got["confidence"]])
            close(options, where + " probabilities", expected["probabilities"], got["probabilities"])
            if len(got["windows"]) != len(expected["windows"]):
                report(f"{where}: {len(got['windows'])} windows, expected {len(expected['windows'])}")
                continue
            for w, (e, g) in enumerate(zip(expected["windows"], got["windows"])):
                windows += 1
                close(options, f"{where} window {w}", e, g)
    for options, difference in worst.items():
        print(f"'# {options}': worst difference {difference:.3g}")
    print(f"{decisions} decisions, {windows} windows in {len(reference)} sections: worst difference "
          f"{max(worst.values(), default=0.0):.3g} (tolerance {TOLERANCE:g}), {problems} problems")
    return problems


def main(argv):
    if len(argv) >= 4 and argv[1] == "firmware" and argv[3] == "--":
        reference_path, command = argv[2], argv[4:]
        reference = parse(open(reference_path).read(), reference_path)
        output = run(command)
        sys.stdout.write(output)
        return 1 if compare(reference, parse(output, "firmware output")) else 0
    if len(argv) == 5 and argv[1] == "host":
        reference_path, earshot, clips = argv[2:]
        reference = parse(open(reference_path).read(), reference_path)
        output = host_output(earshot, clips, list(reference))
        return 1 if compare(reference, parse(output, "earshot classify")) else 0
    if len(argv) == 5 and argv[1] == "write":
        reference_path, earshot, clips = argv[2:]
        sections = parse(host_output(earshot, clips, SECTIONS), "earshot classify")
        with open(reference_path, "w") as out:
            for options, decisions in sections.items():
                out.write(f"# {options}\n")
                for name in sorted(decisions):
                    decision = dict(decisions[name], file=name)
                    out.write(json.dumps(decision) + "\n")
        print(f"wrote {reference_path}: {sum(len(d) for d in sections.values())} decisions")
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
