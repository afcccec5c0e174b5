#!/usr/bin/env python3
"""An int8 converted model against PyTorch's fake quantization (make_int8_models.py): runs the
generated runner on NAME.input.npy and requires every output within 1 LSB of the reference
(the output scale; 2 for the separable convolution, NAME.json); prints the largest difference and how often a 1-LSB difference occurs.
    check_int8.py RUNNER DATA_PREFIX WORK_PREFIX"""
import json
import subprocess
import sys

import numpy as np


def main():
    runner, data, work = sys.argv[1:4]
    done = subprocess.run([runner, data + ".input.npy", work + ".output.npy"], capture_output=True, text=True)
    if done.returncode != 0:
        print(f"runner failed ({done.returncode}): {done.stderr.strip()}")
        return 1
    got = np.load(work + ".output.npy").astype(np.float64)
    expected = np.load(data + ".expected.npy").astype(np.float64)
    with open(data + ".json", encoding="utf-8") as f:
        meta = json.load(f)
    scale, tolerance = meta["output_scale"], meta["tolerance_lsb"]
    if got.shape != expected.shape:
        print(f"shape {got.shape}, expected {expected.shape}")
        return 1
    lsb = np.abs(got - expected) / scale
    off = int(np.sum(lsb > 0.5))
    print(f"{got.size} outputs: largest difference {lsb.max():.3f} LSB; {off} ({100.0 * off / got.size:.2f}%) "
          f"differ by 1 LSB")
    return 0 if lsb.max() <= tolerance + 1e-3 else 1


if __name__ == "__main__":
    sys.exit(main())
