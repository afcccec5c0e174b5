#!/usr/bin/env python3
"""An anomaly detector's window scores through the C++ pipeline against PyTorch's: for each
REFERENCE/NAME.npy (examples/machine/train.py's reference/: one score per window of
CLIPS/NAME.wav), `earshot stream --model MODEL --windows --json` must print as many window
scores, each within RELATIVE x the reference score (a relative error, the scores being mean
squared dB of order 1-100). Prints the largest relative difference.

    check_scores.py EARSHOT MODEL CLIPS REFERENCE RELATIVE"""
import json
import os
import subprocess
import sys

import numpy as np


def main():
    earshot, model, clips, reference, relative = sys.argv[1:6]
    worst, windows, files = 0.0, 0, 0
    for entry in sorted(os.listdir(reference)):
        expected = np.load(os.path.join(reference, entry)).astype(np.float64)
        clip = os.path.join(clips, entry[:-4] + ".wav")
        done = subprocess.run([earshot, "stream", "--model", model, "--windows", "--json", clip], check=True,
                              capture_output=True, text=True)
        events = [json.loads(line) for line in done.stdout.splitlines()]
        got = np.array([e["score"] for e in events if e["event"] == "window"], np.float64)
        if got.shape != expected.shape:
            print(f"{entry}: {got.shape} windows from earshot, {expected.shape} in the reference")
            return 1
        worst = max(worst, float(np.max(np.abs(got - expected) / expected)))
        windows += len(got)
        files += 1
    print(f"{model}: {files} clips, {windows} windows, largest relative difference from PyTorch {worst:.3g}")
    return 0 if files > 0 and worst <= float(relative) else 1


if __name__ == "__main__":
    sys.exit(main())
