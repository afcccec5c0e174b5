#!/usr/bin/env python3
"""`earshot stream`'s windows, votes and changes of state against the rules its help states,
worked out here independently from the model's pipeline (`earshot info --json`) and the window
probabilities the stream prints (themselves checked against PyTorch elsewhere):
  - no centring: frame f spans samples [f hop, f hop + n_fft); window k holds frames
    k hop_frames .. k hop_frames + window_frames - 1 and ends at the end of its last frame;
  - the vote is the mean of the last `horizon` windows' probabilities, its label the first
    largest, "unknown" below the threshold;
  - the state changes when `min_windows` windows in a row vote for the same new label, at the
    end of the last of them.

    check_stream.py EARSHOT MODEL RECORDING HORIZON MIN_WINDOWS"""
import json
import subprocess
import sys
import wave

import numpy as np


def main():
    earshot, model, recording = sys.argv[1:4]
    horizon, min_windows = int(sys.argv[4]), int(sys.argv[5])
    info = json.loads(subprocess.run([earshot, "info", "--model", model, "--json"], check=True,
                                     capture_output=True, text=True).stdout)
    pipeline = info["pipeline"]
    labels = info["labels"]
    threshold = pipeline["threshold"] or 0.0
    with wave.open(recording) as audio:
        samples, rate = audio.getnframes(), audio.getframerate()
    hop, n_fft = pipeline["hop_length"], pipeline["n_fft"]
    frames = 1 + (samples - n_fft) // hop
    count = 1 + (frames - pipeline["window_frames"]) // pipeline["hop_frames"]
    out = subprocess.run([earshot, "stream", "--model", model, recording, "--json", "--windows",
                          "--horizon", str(horizon), "--min-windows", str(min_windows)],
                         check=True, capture_output=True, text=True).stdout
    objects = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    windows = [o for o in objects if o["event"] == "window"]
    states = [o for o in objects if o["event"] == "state"]
    problems = []
    if len(windows) != count:
        problems.append(f"{len(windows)} windows, the pipeline makes {count}")
    expected_states, state, candidate, run = [], "unknown", None, 0
    for k, window in enumerate(windows):
        last_frame = k * pipeline["hop_frames"] + pipeline["window_frames"] - 1
        end = last_frame * hop + n_fft
        if abs(window["seconds"] - end / rate) > 5e-5:  # printed to 4 decimals
            problems.append(f"window {k} ends at {window['seconds']} s, its frames at {end / rate:.4f} s")
        recent = np.array([w["probabilities"] for w in windows[max(0, k + 1 - horizon):k + 1]], np.float64)
        scores = recent.mean(0)
        best = int(np.argmax(scores))
        vote = labels[best] if scores[best] >= threshold else "unknown"
        if window["vote"] != vote:
            problems.append(f"window {k} votes {window['vote']}, the mean of the last {len(recent)} is {vote}")
        run = run + 1 if vote == candidate else 1
        candidate = vote
        if run >= min_windows and candidate != state:
            expected_states.append((candidate, state, end, round(float(scores[best]), 6)))
            state = candidate
    printed = [(s["state"], s["previous"], s["sample"], round(s["confidence"], 6)) for s in states]
    if printed != expected_states:
        problems.append(f"changes of state {printed}, by the rules {expected_states}")
    for problem in problems:
        print(problem)
    print(f"{model} on {recording}, horizon {horizon}, {min_windows} windows to change: {len(windows)} windows, "
          f"{len(states)} changes of state")
    return 1 if problems or not states else 0


if __name__ == "__main__":
    sys.exit(main())
