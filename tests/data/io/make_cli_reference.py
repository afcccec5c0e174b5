"""Makes reference features for `earshot features` cases the librosa goldens do not cover
(odd n_fft, sizes that take the KissFFT path, multichannel input) and the malformed inputs of
the CLI's error tests. Run with Debian's /usr/bin/python3 (numpy, scipy, soundfile).

There is no librosa on this machine, so `melspectrogram` below re-implements librosa 0.11's
definitions with numpy/scipy (stft with centre zero padding, periodic window, rfft, |X|^power,
filters.mel with the Slaney scale and norm, power_to_db with top_db 80). `--check GOLDEN_DIR`
first proves it reproduces the librosa golden outputs (tests/data/frontend) before trusting it.
"""
import json
import pathlib
import struct
import sys

import numpy as np
import scipy.signal
import soundfile as sf

HERE = pathlib.Path(__file__).resolve().parent


def hz_to_mel(f, htk):
    f = np.asanyarray(f, dtype=np.float64)
    if htk:
        return 2595.0 * np.log10(1.0 + f / 700.0)
    f_sp, min_log_hz, logstep = 200.0 / 3, 1000.0, np.log(6.4) / 27.0
    mels = f / f_sp
    return np.where(f >= min_log_hz, min_log_hz / f_sp + np.log(np.maximum(f, 1e-300) / min_log_hz) / logstep, mels)


def mel_to_hz(m, htk):
    m = np.asanyarray(m, dtype=np.float64)
    if htk:
        return 700.0 * (10.0 ** (m / 2595.0) - 1.0)
    f_sp, min_log_hz, logstep = 200.0 / 3, 1000.0, np.log(6.4) / 27.0
    min_log_mel = min_log_hz / f_sp
    return np.where(m >= min_log_mel, min_log_hz * np.exp(logstep * (m - min_log_mel)), f_sp * m)


def mel_filters(sr, n_fft, n_mels, fmin, fmax, htk, norm):
    fftfreqs = np.fft.rfftfreq(n=n_fft, d=1.0 / sr)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(fmin, htk), hz_to_mel(fmax, htk), n_mels + 2), htk)
    fdiff = np.diff(mel_f)
    ramps = np.subtract.outer(mel_f, fftfreqs)
    weights = np.zeros((n_mels, len(fftfreqs)))
    for i in range(n_mels):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        weights[i] = np.maximum(0, np.minimum(lower, upper))
    if norm == "slaney":
        weights *= (2.0 / (mel_f[2:n_mels + 2] - mel_f[:n_mels]))[:, np.newaxis]
    return weights.astype(np.float32)


def melspectrogram(y, sr, n_fft, hop_length, win_length=None, window="hann", center=True,
                   power=2.0, n_mels=128, fmin=0.0, fmax=None, htk=False, norm="slaney"):
    win_length = win_length or n_fft
    fmax = sr / 2 if fmax is None else fmax
    w = scipy.signal.get_window(window, win_length, fftbins=True)
    lpad = (n_fft - win_length) // 2
    w = np.pad(w, (lpad, n_fft - win_length - lpad)).astype(np.float32)
    if center:
        y = np.pad(y, (n_fft // 2, n_fft // 2))
    frames = 1 + (len(y) - n_fft) // hop_length
    stack = np.stack([y[t * hop_length:t * hop_length + n_fft] for t in range(frames)], axis=1)
    spectrum = np.abs(np.fft.rfft(w[:, None] * stack, axis=0).astype(np.complex64)) ** power
    return mel_filters(sr, n_fft, n_mels, fmin, fmax, htk, norm) @ spectrum


def power_to_db(S, amin=1e-10, top_db=80.0):
    db = 10.0 * np.log10(np.maximum(amin, S))
    return np.maximum(db, db.max() - top_db)


def read_mono(path):
    y, sr = sf.read(path, dtype="float32", always_2d=True)
    return y.mean(axis=1, dtype=np.float32), sr


def check(golden_dir):
    """Worst dB error of this re-implementation against every librosa golden case."""
    golden_dir = pathlib.Path(golden_dir)
    for case in json.load(open(golden_dir / "cases.json")):
        p = dict(case["params"])
        if p.get("power", 2.0) != 2.0:
            continue  # only power_to_db is re-implemented
        y, sr = read_mono(golden_dir / case["name"] / case["input"])
        S = melspectrogram(y, p.pop("sr"), p.pop("n_fft"), p.pop("hop_length"),
                           **{k: v for k, v in p.items() if k != "n_mfcc"})
        golden = np.load(golden_dir / case["name"] / "db.npy")
        print(f"{case['name']}: worst |dB error| {np.abs(power_to_db(S) - golden).max():.2g}")


# Each case: the input in this folder, librosa's parameters (sr is the file's) and the scale;
# cli/cases.json lists them for tests/io/CMakeLists.txt, cli/<name>.<scale>.npy is the output.
CASES = [
    dict(name="odd_n_fft_255", input="9_george_3.wav",
         params=dict(n_fft=255, hop_length=128, n_mels=40), scale="db"),
    dict(name="kiss_n_fft_400", input="9_george_3.wav",
         params=dict(n_fft=400, hop_length=160, win_length=300, n_mels=32, fmin=50.0,
                     fmax=3800.0), scale="db"),
    dict(name="kiss_n_fft_16", input="9_george_3.wav",
         params=dict(n_fft=16, hop_length=8, n_mels=4), scale="db"),
    dict(name="stereo_pcm24_default", input="stereo_pcm24.wav", params=dict(), scale="db"),
    dict(name="hamming_no_center_top_db_40", input="5_yweweler_1.wav",
         params=dict(n_fft=256, hop_length=100, window="hamming", center=False, n_mels=20,
                     top_db=40.0), scale="db"),
    dict(name="ln_offset_1e-3", input="three_channel_float.wav",
         params=dict(n_fft=128, hop_length=64, n_mels=16, ln_offset=1e-3), scale="ln"),
]


def make_cases():
    for case in CASES:
        y, sr = read_mono(HERE / case["input"])
        p = dict(case["params"])
        top_db = p.pop("top_db", 80.0)
        ln_offset = p.pop("ln_offset", 1e-6)
        S = melspectrogram(y, sr, p.pop("n_fft", 2048), p.pop("hop_length", 512), **p)
        out = power_to_db(S, top_db=top_db) if case["scale"] == "db" else np.log(S + ln_offset)
        np.save(HERE / "cli" / f"{case['name']}.{case['scale']}.npy", out.astype(np.float32))
    with open(HERE / "cli" / "cases.json", "w") as listing:
        json.dump(CASES, listing, indent=1)


def make_bad_inputs():
    clip, rate = sf.read(HERE / "9_george_3.wav", dtype="float32")
    bad = HERE / "cli"
    whole = (HERE / "9_george_3.wav").read_bytes()
    (bad / "truncated.wav").write_bytes(whole[:1000])  # data chunk cut short
    (bad / "not_a_wav.wav").write_bytes(b"This is a text file, not audio.\n")
    sf.write(bad / "pcm8.wav", clip[:64], rate, subtype="PCM_U8")
    # The same with a LIST/INFO chunk before the samples (a software tag, as editors write it):
    # the tool hands libsndfile the file without its metadata chunks, and the samples must stay.
    pcm8 = (bad / "pcm8.wav").read_bytes()
    data_at = pcm8.index(b"data")
    software = b"earshot\0"
    info = b"INFO" + b"ISFT" + struct.pack("<I", len(software)) + software
    chunk = b"LIST" + struct.pack("<I", len(info)) + info
    tagged = pcm8[:data_at] + chunk + pcm8[data_at:]
    (bad / "pcm8_with_info.wav").write_bytes(tagged[:4] + struct.pack("<I", len(tagged) - 8) + tagged[8:])
    # RF64 with the same kind of tag (its ds64 chunk's 64-bit RIFF size counting it): libsndfile
    # can hang on an RF64 file's LIST chunk too, so the tool leaves it out there as well.
    sf.write(bad / "rf64_samples.wav", clip[:64], rate, subtype="PCM_16")
    sixteen, _ = sf.read(bad / "rf64_samples.wav", dtype="float32")
    sf.write(bad / "rf64_samples.wav", sixteen, rate, subtype="FLOAT")
    sf.write(bad / "rf64_with_info.wav", clip[:64], rate, format="RF64", subtype="PCM_16")
    rf64 = (bad / "rf64_with_info.wav").read_bytes()
    data_at = rf64.index(b"data")
    tagged = bytearray(rf64[:data_at] + chunk + rf64[data_at:])
    ds64_at = tagged.index(b"ds64")
    tagged[ds64_at + 8:ds64_at + 16] = struct.pack("<Q", len(tagged) - 8)
    (bad / "rf64_with_info.wav").write_bytes(bytes(tagged))
    sf.write(bad / "alaw.wav", clip[:64], rate, subtype="ALAW")
    sf.write(bad / "float64.wav", clip[:64], rate, subtype="DOUBLE")
    with_nan = clip[:64].copy()
    with_nan[10] = np.nan
    sf.write(bad / "nan.wav", with_nan, rate, subtype="FLOAT")
    sf.write(bad / "short.wav", clip[:100], rate, subtype="PCM_16")


def make_stream_inputs():
    """digits.flac: tests/data/pipeline/digits.wav losslessly in FLAC, so `stream` through
    libsndfile in blocks must print exactly what it prints for the WAV through earshot's parser."""
    clip, rate = sf.read(HERE.parent / "pipeline" / "digits.wav", dtype="int16")
    sf.write(HERE / "cli" / "digits.flac", clip, rate, subtype="PCM_16")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        check(sys.argv[2])
    else:
        make_cases()
        make_bad_inputs()
        make_stream_inputs()
