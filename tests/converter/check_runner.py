"""Runs a generated model runner on a PyTorch test input and compares with PyTorch's output.

    check_runner.py RUNNER DATA_PREFIX WORK_PREFIX

DATA_PREFIX.input.npy / .output.npy are the framework's input and output (batch 1). Checks the
input with its batch dimension, without it, as a batch of two, and bad inputs that must be
refused with exit code 2 and one line: a wrong shape, a NaN (PyTorch would answer NaN; earshot's
ReLU and max pooling would hide it), and float64 data (the message names the file once).
"""
import subprocess
import sys

import numpy as np

TOLERANCE = 1e-5  # relative to the largest magnitude of the reference output


def run(runner, array, work, tag):
    source, target = f"{work}.{tag}.in.npy", f"{work}.{tag}.out.npy"
    np.save(source, array.astype(np.float32))
    done = subprocess.run([runner, source, target], capture_output=True, text=True)
    return done, target


def main():
    runner, data, work = sys.argv[1:4]
    x = np.load(data + ".input.npy")
    expected = np.load(data + ".output.npy")
    failures = []

    def compare(tag, got, want):
        error = float(np.max(np.abs(got - want)) / np.max(np.abs(want)))
        print(f"{tag}: shape {got.shape}, max error {error:.2e} of the output's maximum")
        if got.shape != want.shape or not error <= TOLERANCE:
            failures.append(f"{tag}: shape {got.shape} (want {want.shape}), error {error:.2e}")

    for tag, array, want in (("batched", x, expected), ("unbatched", x[0], expected[0]),
                             ("batch of two", np.concatenate([x, x]), np.concatenate([expected, expected]))):
        done, target = run(runner, array, work, tag.replace(" ", "_"))
        if done.returncode != 0:
            failures.append(f"{tag}: exit code {done.returncode}: {done.stderr.strip()}")
            continue
        compare(tag, np.load(target), want)

    def refused(tag, array, words):
        source, target = f"{work}.{tag}.in.npy", f"{work}.{tag}.out.npy"
        np.save(source, array)
        done = subprocess.run([runner, source, target], capture_output=True, text=True)
        lines = done.stderr.strip().splitlines()
        print(f"{tag}: exit code {done.returncode}, stderr {done.stderr.strip()!r}")
        if done.returncode != 2 or len(lines) != 1 or not all(w in lines[0] for w in words) \
                or lines[0].count(source) != 1:
            failures.append(f"{tag}: exit code {done.returncode}, stderr {done.stderr!r}")

    refused("wrong_shape", x.reshape(-1)[:-1].astype(np.float32), ["does not fit"])
    poisoned = x.astype(np.float32).copy()
    poisoned.reshape(-1)[poisoned.size // 2] = np.nan
    refused("nan", poisoned, ["value", "NaN"])
    refused("float64", x.astype(np.float64), ["dtype '<f8' (only"])
    for failure in failures:
        print("FAILED", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
