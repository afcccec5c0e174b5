#!/usr/bin/env python3
"""The C++ pipeline against the framework on bundled clips: every window probability that
`earshot classify --model MODEL --resample --windows --json` prints for the clips in CLIPS equals, within
TOLERANCE, PyTorch's for the same clip in REFERENCE (train.py's reference/: one row per window of
the held-out clips, named in test_window_clips.txt). A bundled clip's name may carry a label
prefix ("rooster__5-194930-A.ogg" is the reference's "5-194930-A.ogg").

    check_clip_reference.py EARSHOT MODEL CLIPS REFERENCE TOLERANCE"""
import json
import os
import subprocess
import sys

import numpy as np


def main():
    earshot, model, clips, reference, tolerance = sys.argv[1:6]
    rows = np.load(os.path.join(reference, "test_window_probabilities.npy"))
    names = open(os.path.join(reference, "test_window_clips.txt"), encoding="utf-8").read().split("\n")[:len(rows)]
    done = subprocess.run([earshot, "classify", "--model", model, "--resample", clips, "--windows", "--json"], check=True,
                          capture_output=True, text=True)
    worst, windows, files = 0.0, 0, 0
    for line in done.stdout.splitlines():
        decision = json.loads(line)
        name = os.path.basename(decision["file"]).split("__")[-1]
        expected = rows[[i for i, n in enumerate(names) if n == name]]
        got = np.array(decision["windows"], np.float32)
        if got.shape != expected.shape:
            print(f"{name}: {got.shape} windows from earshot, {expected.shape} in the reference")
            return 1
        worst = max(worst, float(np.max(np.abs(got - expected))))
        windows += len(got)
        files += 1
    print(f"{model}: {files} clips, {windows} windows, largest difference from PyTorch {worst:.3g}")
    return 0 if files > 0 and worst <= float(tolerance) else 1


if __name__ == "__main__":
    sys.exit(main())
