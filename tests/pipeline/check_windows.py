#!/usr/bin/env python3
"""`earshot windows` writes exactly what the model receives: its tensors, run through the model's
generated RUNNER, give bit for bit the window probabilities `earshot classify --windows --json`
prints for the same clips (float32 read back from nine significant digits). And there are as many
windows as the model's recorded pipeline (`earshot info --json`) makes: centred frames,
1 + samples // hop_length of them, and a window of window_frames every hop_frames (a clip shorter
than one window: one, padded).

    check_windows.py EARSHOT RUNNER MODEL WORK CLIP..."""
import json
import os
import subprocess
import sys
import wave

import numpy as np


def expected_windows(clip, pipeline):
    with wave.open(clip) as audio:
        frames = 1 + audio.getnframes() // pipeline["hop_length"]
    if frames < pipeline["window_frames"]:
        return 1
    return 1 + (frames - pipeline["window_frames"]) // pipeline["hop_frames"]


def main():
    earshot, runner, model, work = sys.argv[1:5]
    clips = sys.argv[5:]
    worst, windows = 0.0, 0
    info = subprocess.run([earshot, "info", "--model", model, "--json"], check=True, capture_output=True, text=True)
    pipeline = json.loads(info.stdout)["pipeline"]
    for clip in clips:
        tensors = os.path.join(work, os.path.basename(clip) + ".windows.npy")
        outputs = os.path.join(work, os.path.basename(clip) + ".outputs.npy")
        subprocess.run([earshot, "windows", "--model", model, clip, "-o", tensors], check=True)
        subprocess.run([runner, tensors, outputs], check=True)
        done = subprocess.run([earshot, "classify", "--model", model, clip, "--windows", "--json"], check=True,
                              capture_output=True, text=True)
        expected = np.array(json.loads(done.stdout)["windows"], np.float32)
        got = np.load(outputs)
        if got.shape != expected.shape or len(got) != expected_windows(clip, pipeline):
            print(f"{clip}: {got.shape} windows from the runner, {expected.shape} from classify, "
                  f"{expected_windows(clip, pipeline)} by the model's pipeline {pipeline}")
            return 1
        worst = max(worst, float(np.max(np.abs(got - expected))))
        windows += len(got)
    print(f"{len(clips)} clips, {windows} windows: largest difference {worst:g}")
    return 0 if worst == 0.0 else 1


if __name__ == "__main__":
    sys.exit(main())
