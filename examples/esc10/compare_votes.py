#!/usr/bin/env python3
"""Clip accuracy of the device's vote rules (examples/train/vote.py: mean, geometric, majority,
max) on the same trained models: each hold-out training's reference/ holds PyTorch's probabilities
for every window of its held-out fold (earshot's float32 gives them within 5e-7), so the five
hold-outs of a recipe re-vote its 5-fold run without training again. Gated windows, which
reference/ lists as zeros, are left out of the vote as the device leaves them out.

    compare_votes.py MANIFEST HOLDOUT_RUN [HOLDOUT_RUN ...]   (HOLDOUT_RUN/fold-1 ... fold-5)"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "train"))
from manifest import read_manifest  # noqa: E402
from vote import RULES, vote  # noqa: E402


def fold_accuracies(folder, truth):
    """{rule: clip accuracy in %} for one hold-out training's folder."""
    reference = os.path.join(folder, "reference", "test_window_probabilities.npy")
    if not os.path.isfile(reference):
        print(f"compare_votes.py: {reference} is missing: give the folder of train.py --holdout 1 ... 5's "
              "outputs, fold-1 ... fold-5", file=sys.stderr)
        sys.exit(2)
    labels = open(os.path.join(folder, "labels.txt"), encoding="utf-8").read().split()
    probabilities = np.load(reference).astype(np.float64)
    names = open(os.path.join(folder, "reference", "test_window_clips.txt"), encoding="utf-8").read().split("\n")
    names = np.array(names[:len(probabilities)])
    clips = sorted(set(names))
    right = dict.fromkeys(RULES, 0)
    for clip in clips:
        windows = probabilities[names == clip]
        windows = windows[windows.sum(axis=1) > 0]
        for rule in RULES:  # a clip with every window gated has no decision: wrong
            right[rule] += len(windows) > 0 and labels[int(vote(windows, rule).argmax())] == truth[clip]
    return {rule: 100.0 * right[rule] / len(clips) for rule in RULES}


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    truth = {os.path.basename(clip["file"]): clip["label"] for clip in read_manifest(sys.argv[1])}
    for run in sys.argv[2:]:
        folds = [fold_accuracies(os.path.join(run, f"fold-{fold}"), truth) for fold in range(1, 6)]
        print(os.path.basename(os.path.normpath(run)))
        for rule in RULES:
            values = [fold[rule] for fold in folds]
            print(f"  {rule:10} {np.mean(values):.2f}% +- {np.std(values):.2f} ({' / '.join(f'{v:.2f}' for v in values)})")


if __name__ == "__main__":
    main()
