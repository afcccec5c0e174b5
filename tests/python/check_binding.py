#!/usr/bin/env python3
"""The Python binding keeps its promises (examples/python/earshot):
- load() gives the samples the tool reads; features() equals `earshot features` bit for bit over
  options that reach every FFT backend and every scale;
- features() is within the front-end's tolerances of librosa 0.11 on the golden cases
  (tests/data/frontend, computed by librosa itself): mel 1e-4 of the frame maximum, dB 0.01
  within 60 dB of the case's maximum, MFCC 0.01;
- windows() equals `earshot windows --model fsdd-cnn` bit for bit, with its front-end file, for
  a clip shorter than one window, single- and multi-window clips, and another overlap; its
  levels are the device's (by hand, and against `earshot stream`);
- resampling (libsoxr) matches analytic sines and `earshot windows --resample`;
- front-end files are read and written with the converter's checks;
- bad arguments are ValueError / TypeError with one line;
- the GIL is released while features() runs: another Python thread makes progress meanwhile.

    check_binding.py PYTHON_DIR EARSHOT SOURCE_DIR WORK"""
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np

python_dir, tool, source, work = sys.argv[1:5]
sys.path.insert(0, python_dir)
import earshot  # noqa: E402

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message)


def tool_features(path, options):
    out = os.path.join(work, "features.npy")
    subprocess.run([tool, "features", path, "-o", out] + options, check=True, capture_output=True)
    return np.load(out)


def binding_vs_tool():
    clip = os.path.join(source, "examples/fsdd/clips/0_george_0.wav")
    chirp = os.path.join(source, "tests/data/frontend/chirp_thesis22k/input.wav")
    cases = [  # (file, binding keywords, the same as tool options)
        (clip, dict(n_fft=256, hop_length=128, n_mels=40, fmax=4000), "--n-fft 256 --hop-length 128 --n-mels 40 --fmax 4000"),
        (clip, dict(n_fft=256, hop_length=64, n_mels=24, scale="linear"), "--n-fft 256 --hop-length 64 --n-mels 24 --scale linear"),
        (clip, dict(n_fft=512, hop_length=128, n_mels=40, scale="ln", ln_offset=1e-3),
         "--n-fft 512 --hop-length 128 --n-mels 40 --scale ln --ln-offset 1e-3"),
        (clip, dict(n_fft=512, win_length=400, hop_length=160, n_mels=40, scale="mfcc", n_mfcc=13),
         "--n-fft 512 --win-length 400 --hop-length 160 --n-mels 40 --mfcc 13"),
        (clip, dict(n_fft=255, hop_length=100, n_mels=20, window="hamming"),
         "--n-fft 255 --hop-length 100 --n-mels 20 --window hamming"),  # KissFFT, complex (odd)
        (chirp, dict(n_fft=6000, hop_length=1500, n_mels=60, power=1.0, htk=True, norm=None, top_db=None, center=False),
         "--n-fft 6000 --hop-length 1500 --n-mels 60 --power 1 --htk --norm none --top-db none --no-center"),  # KissFFT real
        (chirp, dict(n_fft=1024, hop_length=512, n_mels=60, fmin=300.0, fmax=8000.0, top_db=60.0),
         "--n-fft 1024 --hop-length 512 --n-mels 60 --fmin 300 --fmax 8000 --top-db 60"),
    ]
    for path, keywords, options in cases:
        y, sr = earshot.load(path)
        got = earshot.features(y, sr, **keywords)
        expected = tool_features(path, options.split())
        check(got.dtype == np.float32 and got.shape == expected.shape, f"{options}: shape {got.shape} vs {expected.shape}")
        check(np.array_equal(got, expected), f"{options}: differs from the tool by {np.max(np.abs(got - expected))}")
    print(f"features: {len(cases)} configurations equal to `earshot features` bit for bit")


def binding_vs_librosa():
    cases = json.load(open(os.path.join(source, "tests/data/frontend/cases.json")))
    worst = {"mel": 0.0, "db": 0.0, "mfcc": 0.0}
    for case in cases:
        folder = os.path.join(source, "tests/data/frontend", case["name"])
        y, sr = earshot.load(os.path.join(folder, case["input"]))
        params = dict(case["params"])
        rate = params.pop("sr")
        n_mfcc = params.pop("n_mfcc", None)
        mel = earshot.features(y, rate, scale="linear", **params)
        reference = np.load(os.path.join(folder, "mel.npy"))
        error = np.max(np.abs(mel - reference) / np.maximum(reference.max(axis=0, keepdims=True), 1e-30))
        worst["mel"] = max(worst["mel"], float(error))
        db = earshot.features(y, rate, scale="db", **params)
        reference = np.load(os.path.join(folder, "db.npy"))
        near = reference >= reference.max() - 60.0
        worst["db"] = max(worst["db"], float(np.max(np.abs(db - reference)[near])))
        if n_mfcc:
            mfcc = earshot.features(y, rate, scale="mfcc", n_mfcc=n_mfcc, **params)
            worst["mfcc"] = max(worst["mfcc"], float(np.max(np.abs(mfcc - np.load(os.path.join(folder, "mfcc.npy"))))))
    check(worst["mel"] <= 1e-4 and worst["db"] <= 0.01 and worst["mfcc"] <= 0.01, f"librosa: worst {worst}")
    print(f"librosa golden cases ({len(cases)}): worst mel {worst['mel']:.2g} (relative), "
          f"dB {worst['db']:.2g} (within 60 dB), MFCC {worst['mfcc']:.2g}")


def windows_vs_tool():
    frontend = os.path.join(source, "examples/fsdd/frontend.json")
    clips = [os.path.join(source, "examples/fsdd/clips", name) for name in ("1_nicolas_2.wav", "0_george_0.wav")]
    clips.append(os.path.join(source, "tests/data/pipeline/digits.wav"))
    compared = 0
    for clip in clips:
        for overlap in (None, 0.75):
            out = os.path.join(work, "windows.npy")
            extra = [] if overlap is None else ["--overlap", str(overlap)]
            subprocess.run([tool, "windows", "--model", "fsdd-cnn", clip, "-o", out] + extra, check=True)
            expected = np.load(out)
            y, _ = earshot.load(clip)
            got = earshot.windows(y, frontend, window_frames=32, overlap=overlap)
            check(got.shape == expected.shape and np.array_equal(got, expected),
                  f"windows {os.path.basename(clip)} overlap {overlap}: {got.shape} vs {expected.shape}")
            compared += len(expected)
    # top_db (ESC-10's front-end floors at 80 dB): the device floors each frame against the loudest
    # so far, and so must windows(); a clip that starts quietly and grows loud shows the difference.
    esc10 = os.path.join(source, "examples/esc10")
    clip = os.path.join(esc10, "clips", "helicopter__5-177957-A.ogg")
    out = os.path.join(work, "esc10_windows.npy")
    done = subprocess.run([tool, "windows", "--model", "esc10-stride-ds-24", "--resample", clip, "-o", out])
    if done.returncode == 0:  # a tool with libsndfile and libsoxr
        y, _ = earshot.load(clip, sr=16000)
        got = earshot.windows(y, os.path.join(esc10, "model", "frontend.json"))
        expected = np.load(out)
        check(got.shape == expected.shape and np.array_equal(got, expected),
              f"windows with top_db differ from `earshot windows` by {np.max(np.abs(got - expected))}")
        compared += len(expected)
    print(f"windows: {compared} windows of {len(clips)} clips at two overlaps and an ESC-10 clip with top_db equal "
          "to `earshot windows` bit for bit")
    y, _ = earshot.load(clips[0])
    try:
        earshot.windows(y, frontend, window_frames=32, pad=False)
        check(False, "a short clip with pad=False must be an error")
    except ValueError as error:
        check("too short for one analysis window" in str(error), f"pad=False: {error}")


def window_levels():
    """levels=True: each window's level as the device's gate reads it. By hand: a clip of 0.5,
    silence and 0.5 again (squares of 0.25 sum exactly in float), where a window's level is
    10 log10(0.25 x its non-zero samples / its samples) and digital silence -inf; a frame's segment
    is the samples since the previous frame ended (n_fft for the first, its centre padding
    included), and a window the segments of its frames. Against the device: `earshot stream
    --windows --json` (no centring, levels to 0.01 dB) over a recording of spoken digits."""
    frontend = {"sample_rate": 8000, "n_fft": 256, "hop_length": 128, "n_mels": 40, "fmax": 4000,
                "window_frames": 8, "hop_frames": 4}
    y = np.concatenate([np.full(4000, 0.5), np.zeros(4000), np.full(2000, 0.5)]).astype(np.float32)
    windows, levels = earshot.windows(y, frontend, levels=True)
    check(np.array_equal(windows, earshot.windows(y, frontend)), "levels=True changes the windows")
    expected = []
    for w in range(len(windows)):
        first = 4 * w  # frame f > 0 brings samples [128 f, 128 f + 128); frame 0 also the 128 before
        start, end = (-128 if first == 0 else 128 * first), 128 * (first + 8)
        loud = sum(max(0, min(end, b) - max(start, a)) for a, b in ((0, 4000), (8000, 10000)))
        expected.append(10 * np.log10(0.25 * loud / (end - start)) if loud else -np.inf)
    expected = np.array(expected)
    check(len(levels) == 18 and np.isinf(expected).sum() == 6 and
          np.all(np.isinf(levels) == np.isinf(expected)) and
          np.max(np.abs(levels[np.isfinite(expected)] - expected[np.isfinite(expected)])) < 1e-9,
          f"levels by hand: {levels} against {expected}")

    clip = os.path.join(source, "tests/data/pipeline/digits.wav")
    done = subprocess.run([tool, "stream", "--model", "fsdd-cnn", clip, "--windows", "--json"], check=True,
                          capture_output=True, text=True)
    device = [json.loads(line)["level_dbfs"] for line in done.stdout.splitlines() if '"event": "window"' in line]
    device = [-np.inf if level is None else level for level in device]  # null: digital silence
    y, _ = earshot.load(clip)
    fsdd = dict(earshot.read_frontend(os.path.join(source, "examples/fsdd/frontend.json")), center=False)
    _, levels = earshot.windows(y, fsdd, levels=True)
    common = min(len(device), len(levels))
    worst = max(0.0 if got == expected else abs(round(float(got), 2) - expected) for got, expected in zip(levels, device))
    check(common >= 5 and worst < 0.011, f"levels against `earshot stream`: {common} windows, worst {worst}")
    print(f"window levels: by hand within 1e-9 dB over 18 windows (6 of digital silence), and {common} windows of "
          f"`earshot stream` to its 0.01 dB")


def resampling():
    """libsoxr (HQ) against the analytic signal: a 1 kHz sine from 44.1 to 16 kHz and a 440 Hz one
    from 8 to 22.05 kHz equal the sine sampled at the new rate within 1e-5 away from the edges
    (the filter's transients); load(path, sr) and `earshot windows --resample` agree bit for bit."""
    try:
        earshot.resample(np.zeros(16, np.float32), 16000, 8000)
    except ValueError as error:
        print(f"resampling: skipped ({error})")
        return
    worst = 0.0
    for frequency, rate, target in ((1000.0, 44100, 16000), (440.0, 8000, 22050)):
        seconds = 2
        y = np.sin(2 * np.pi * frequency * np.arange(rate * seconds) / rate).astype(np.float32)
        got = earshot.resample(y, rate, target)
        expected = np.sin(2 * np.pi * frequency * np.arange(target * seconds) / target)
        check(len(got) == target * seconds, f"resample {rate} -> {target}: {len(got)} samples")
        edge = target // 10
        worst = max(worst, float(np.max(np.abs(got[edge:-edge] - expected[edge:-edge]))))
    check(worst < 1e-5, f"resampled sines differ from the analytic ones by {worst}")
    clip = os.path.join(source, "tests/data/frontend/chirp_thesis22k/input.wav")  # 22.05 kHz
    out = os.path.join(work, "resampled_windows.npy")
    subprocess.run([tool, "windows", "--model", "fsdd-cnn", "--resample", clip, "-o", out], check=True)
    y, rate = earshot.load(clip, sr=8000)
    got = earshot.windows(y, os.path.join(source, "examples/fsdd/frontend.json"))
    check(rate == 8000 and np.array_equal(got, np.load(out)), "windows --resample differs from load(sr=8000)")
    print(f"resampling: analytic sines within {worst:.2g}; `windows --resample` equals load(sr=8000) bit for bit")


def frontend_files():
    config = earshot.read_frontend(os.path.join(source, "examples/fsdd/frontend.json"))
    check(config["n_mels"] == 40 and config["normalization"] == "mean_std", f"read_frontend: {config}")
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "frontend.json")
        earshot.write_frontend(path, dict(config, window_frames=32, hop_frames=8))
        check(earshot.read_frontend(path) == dict(config, window_frames=32, hop_frames=8), "write then read")
        for bad, words in ((dict(config, n_fft=300), "'n_fft' must be a power of two"),
                           (dict(config, normalization="mean std"), "'normalization' must be one of"),
                           (dict(config, colour="blue"), "unknown key 'colour'"),
                           # as Frontend::validate refuses it: amin^2 is 0 in float, MFCCs of silence NaN
                           (dict(config, power=1, scale="mfcc", amin=1e-30), "'amin' 1e-30 squares to 0 in float"),
                           (dict(config, power=1, scale="db", amin=1e31), "'amin' 1e+31 squares to inf in float")):
            try:
                earshot.write_frontend(os.path.join(folder, "bad.json"), bad)
                check(False, f"write_frontend accepted {words}")
            except earshot.FrontendError as error:
                check(words in str(error) and "\n" not in str(error), f"write_frontend: {error}")
        check(not os.path.exists(os.path.join(folder, "bad.json")), "a refused configuration is not written")
    print("front-end files: read, written, refused with the converter's messages")


def bad_arguments():
    y, sr = earshot.load(os.path.join(source, "examples/fsdd/clips/0_george_0.wav"))
    cases = [
        (lambda: earshot.features(np.array([0.0, np.nan, 0.0]), 8000), ValueError, "sample 1 is NaN"),
        (lambda: earshot.features(np.array([0.0, 3e38]), 8000), ValueError, "beyond the +-1e+06"),
        (lambda: earshot.features(np.zeros((2, 100)), 8000), ValueError, "one-dimensional"),
        (lambda: earshot.features(np.zeros(0), 8000), ValueError, "no samples"),
        (lambda: earshot.features(y, -8000), ValueError, "sr must be positive"),
        (lambda: earshot.features(y, sr, n_fft="256"), TypeError, "n_fft has the wrong type"),
        (lambda: earshot.features(y, sr, n_fft=256, fmax=5000), ValueError, "fmax"),
        (lambda: earshot.features(y, sr, scale="log"), ValueError, "scale must be"),
        (lambda: earshot.features(y, sr, window="kaiser"), ValueError, "window must be"),
        (lambda: earshot.features(y, sr, power=3), ValueError, "power must be 1 or 2"),
        (lambda: earshot.load(os.path.join(source, "tests/data/io/cli/not_a_wav.wav")), ValueError, "not a WAV file"),
        (lambda: earshot.windows(y, {"sample_rate": 8000, "n_fft": 256, "hop_length": 128, "n_mels": 40}),
         ValueError, "window_frames"),
    ]
    for call, kind, words in cases:
        try:
            call()
            check(False, f"no error for '{words}'")
        except kind as error:
            check(words in str(error) and "\n" not in str(error), f"expected '{words}', got '{error}'")
    print(f"bad arguments: {len(cases)} one-line errors")


def releases_the_gil():
    y = np.random.default_rng(1).uniform(-0.5, 0.5, 16000 * 60).astype(np.float32)
    ticks = []
    span = []
    done = threading.Event()

    def compute():
        start = time.perf_counter()
        earshot.features(y, 16000, n_fft=1024, hop_length=32, n_mels=64)
        span.extend([start, time.perf_counter()])
        done.set()

    worker = threading.Thread(target=compute)
    worker.start()
    while not done.is_set():  # Python code of this thread: it runs only while the GIL is free
        ticks.append(time.perf_counter())
    worker.join()
    # The middle half of the call, away from the interpreter's switch interval (5 ms) at its
    # edges: with the GIL held this thread cannot run there at all.
    start, end = span
    quarter = (end - start) / 4
    inside = sum(1 for tick in ticks if start + quarter < tick < end - quarter)
    check(end - start > 0.04 and inside > 1000,
          f"{inside} iterations of another thread in the middle of a {end - start:.3f} s features() call")
    print(f"GIL: released during features() (another thread ran {inside} iterations in the middle half of the call)")


def main():
    os.makedirs(work, exist_ok=True)
    binding_vs_tool()
    binding_vs_librosa()
    windows_vs_tool()
    window_levels()
    resampling()
    frontend_files()
    bad_arguments()
    releases_the_gil()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
