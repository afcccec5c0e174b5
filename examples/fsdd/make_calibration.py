#!/usr/bin/python3
"""Writes calibration.npy, the representative inputs from which `fsdd-cnn-int8` gets its int8
activation ranges: analysis windows of FSDD training clips (recordings 5-49; none of the test
split), the model inputs train.py trains on (earshot.windows).

    /usr/bin/python3 examples/fsdd/make_calibration.py --python build/default/python \
        --data ../shared/data/fsdd/recordings --out examples/fsdd/calibration.npy

Every 27th training clip in name order, all their windows, up to WINDOWS windows: a spread of
digits and speakers, deterministic.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train import FRONTEND, clip_windows, import_earshot, split_of  # noqa: E402

WINDOWS = 100
STEP = 27


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--python", required=True, help="the folder of the earshot binding (<build>/python)")
    parser.add_argument("--data", required=True, help="FSDD recordings folder")
    parser.add_argument("--out", required=True, help="the .npy to write")
    args = parser.parse_args()
    earshot = import_earshot(args.python)
    frontend = earshot.read_frontend(FRONTEND)
    names = [n for n in sorted(os.listdir(args.data)) if n.endswith(".wav") and split_of(n)[1] == "train"]
    windows = []
    for name in names[::STEP]:
        windows.extend(clip_windows(earshot, frontend, os.path.join(args.data, name)))
        if len(windows) >= WINDOWS:
            break
    calibration = np.stack(windows[:WINDOWS]).astype(np.float32)
    np.save(args.out, calibration)
    print(f"{args.out}: {calibration.shape[0]} windows {calibration.shape[1:]} from {len(names[::STEP])} "
          f"training clips (every {STEP}th)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
