#!/usr/bin/env python3
"""Features per second through the Python binding on 1 and 2 threads (it releases the GIL, so a
thread pool, or a DataLoader's workers, scale it across cores). Reported in the README, never
asserted. Each task: earshot.features of one 5 s clip at 22.05 kHz, 60 mels, n_fft 1024, hop 512
(the thesis' front-end), median of 3 runs.

    PYTHONPATH=build/default/python /usr/bin/python3 bench/python/features_threads.py"""
import concurrent.futures
import statistics
import time

import numpy as np

import earshot


def main():
    rng = np.random.default_rng(0)
    clips = [rng.uniform(-0.5, 0.5, 22050 * 5).astype(np.float32) for _ in range(64)]

    def task(y):
        return earshot.features(y, 22050, n_fft=1024, hop_length=512, n_mels=60)

    rates = {}
    for threads in (1, 2):
        runs = []
        with concurrent.futures.ThreadPoolExecutor(threads) as pool:
            list(pool.map(task, clips[:8]))  # warm up
            for _ in range(3):
                start = time.perf_counter()
                list(pool.map(task, clips))
                runs.append(len(clips) / (time.perf_counter() - start))
        rates[threads] = statistics.median(runs)
        print(f"{threads} thread{'s' if threads > 1 else ''}: {rates[threads]:.0f} clips/s "
              f"({rates[threads] * 5:.0f} s of audio per second)")
    print(f"2 threads / 1 thread: {rates[2] / rates[1]:.2f}x")


if __name__ == "__main__":
    main()
