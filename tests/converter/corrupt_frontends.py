#!/usr/bin/env python3
"""The front-end file reader (earshot_converter/metadata.py: earshot_add_model's FRONTEND, the
Python binding's read_frontend) on corrupted files: the committed front-end files with random
bytes changed, inserted or removed, or one key set to a value of another kind (null, a string,
a list, a negative, NaN, 1e308, ...), removed, or unknown. Each is read, or refused with one line
naming the problem (ConvertError); never another exception. What is read is then written as the
header's lines, as the converter writes them.

    corrupt_frontends.py CONVERTER_DIR WORK_DIR FRONTEND.json... [--count N] [--seed S]"""
import argparse
import json
import os
import random
import sys

VALUES = [None, -1, 0, 1, 2.5, 1e308, -1e308, float("nan"), float("inf"), "x", "", [], [1, 2], {}, {"a": 1},
          True, False, 16000, 1024, 2 ** 64]


def corrupt_text(text, rng):
    data = bytearray(text.encode())
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(data) + 1)
        change = rng.choice(["flip", "insert", "delete"])
        if change == "flip" and at < len(data):
            data[at] ^= 1 << rng.randrange(8)
        elif change == "insert":
            data[at:at] = bytes([rng.choice(b'{}[],:"0123456789.-eE \\\xff')])
        elif at < len(data):
            del data[at]
    return bytes(data)


def corrupt_value(config, rng):
    config = json.loads(json.dumps(config))
    target = config
    if "anomaly" in config and rng.random() < 0.3:
        target = config["anomaly"]
    keys = list(target)
    change = rng.choice(["set", "set", "remove", "unknown"])
    if change == "set" and keys:
        target[rng.choice(keys)] = rng.choice(VALUES)
    elif change == "remove" and keys:
        del target[rng.choice(keys)]
    else:
        target["earshot_unknown_key"] = rng.choice(VALUES)
    return json.dumps(config).encode()  # NaN and Infinity as Python writes them


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("converter_dir")
    parser.add_argument("work")
    parser.add_argument("frontends", nargs="+")
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    sys.path.insert(0, args.converter_dir)
    from earshot_converter import metadata
    from earshot_converter.errors import ConvertError
    originals = []
    for path in args.frontends:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        originals.append((text, json.loads(text)))
    rng = random.Random(args.seed)
    os.makedirs(args.work, exist_ok=True)
    path = os.path.join(args.work, "frontend.json")
    accepted, refused, problems = 0, 0, []
    for index in range(args.count):
        text, config = rng.choice(originals)
        data = corrupt_text(text, rng) if rng.random() < 0.5 else corrupt_value(config, rng)
        with open(path, "wb") as f:
            f.write(data)
        try:
            read = metadata.read_frontend(path)
            metadata.frontend_lines(read)
            if "window_frames" in read:
                metadata.pipeline_lines(read, read["window_frames"])
            if "anomaly" in read:
                metadata.anomaly_lines(read)
            accepted += 1
        except ConvertError as error:
            if "\n" in str(error) or not str(error):
                problems.append(f"corruption {index}: a message of {str(error).count(chr(10)) + 1} lines: {error!r}")
            refused += 1
        except Exception as error:  # a traceback for the user
            problems.append(f"corruption {index} ({data[:120]!r}): {type(error).__name__}: {error}")
    for problem in problems[:20]:
        print(problem)
    print(f"{args.count} corrupted front-end files (seed {args.seed}): {refused} refused with one line, "
          f"{accepted} read; {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
