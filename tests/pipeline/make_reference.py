#!/usr/bin/python3
"""Reference analysis windows for tests/pipeline/, computed with numpy alone (no earshot code):
a librosa-equivalent log-mel front-end (melspectrogram with a periodic Hann window and
pad_mode="constant", Slaney mel filters with Slaney norm, power_to_db with ref 1, amin 1e-10
and no top_db), windows of W = 32 frames every H = 16 frames, and their z-score.

Input: three FSDD recordings (CC BY-SA 4.0) from examples/fsdd/clips, joined into one 8 kHz
int16 WAV so that the pipeline sees several windows. Writes tests/data/pipeline/:
  digits.wav                   the joined recordings (0_jackson_1, 6_jackson_2, 9_jackson_0)
  digits_clip_db.npy           clip mode (center=True): raw dB windows, (n, 40 mels, 32 frames)
  digits_stream_zscore.npy     continuous mode (center=False): z-scored windows, (n, 40, 32)
  tone_16k.wav                 0.1 s of 440 Hz at 16 kHz: a file at the wrong sample rate
Run: /usr/bin/python3 tests/pipeline/make_reference.py
"""
import os

import numpy as np
import soundfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "tests", "data", "pipeline")
CLIPS = ["0_jackson_1.wav", "6_jackson_2.wav", "9_jackson_0.wav"]
SR, N_FFT, HOP, N_MELS, FMAX = 8000, 256, 128, 40, 4000.0
WINDOW, WINDOW_HOP = 32, 16


def hz_to_mel(f):
    f = np.asanyarray(f, dtype=np.float64)
    f_sp = 200.0 / 3
    min_log_hz, logstep = 1000.0, np.log(6.4) / 27.0
    return np.where(f >= min_log_hz,
                    min_log_hz / f_sp + np.log(np.maximum(f, 1e-300) / min_log_hz) / logstep,
                    f / f_sp)


def mel_to_hz(m):
    m = np.asanyarray(m, dtype=np.float64)
    f_sp = 200.0 / 3
    min_log_hz, logstep = 1000.0, np.log(6.4) / 27.0
    return np.where(m >= min_log_hz / f_sp, min_log_hz * np.exp(logstep * (m - min_log_hz / f_sp)),
                    f_sp * m)


def mel_filters():
    """librosa.filters.mel(sr, n_fft, n_mels, fmin=0, fmax, htk=False, norm="slaney")."""
    fft_freqs = np.fft.rfftfreq(n=N_FFT, d=1.0 / SR)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(FMAX), N_MELS + 2))
    fdiff = np.diff(mel_f)
    ramps = np.subtract.outer(mel_f, fft_freqs)
    weights = np.zeros((N_MELS, 1 + N_FFT // 2))
    for i in range(N_MELS):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        weights[i] = np.maximum(0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_f[2:N_MELS + 2] - mel_f[:N_MELS]))[:, None]
    return weights


def log_mel(y, center):
    """(n_mels, n_frames) power_to_db(melspectrogram(y)), float64."""
    y = y.astype(np.float64)
    if center:
        y = np.pad(y, N_FFT // 2)
    frames = 1 + (len(y) - N_FFT) // HOP
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)
    stacked = np.stack([y[i * HOP:i * HOP + N_FFT] for i in range(frames)], 1) * window[:, None]
    power = np.abs(np.fft.rfft(stacked, axis=0)) ** 2
    return 10.0 * np.log10(np.maximum(1e-10, mel_filters() @ power))


def windows_of(features):
    starts = range(0, features.shape[1] - WINDOW + 1, WINDOW_HOP)
    return np.stack([features[:, s:s + WINDOW] for s in starts])


def zscore(window):
    std = window.std()
    return (window - window.mean()) / std if std > 0 else np.zeros_like(window)


def main():
    pieces = []
    for name in CLIPS:
        samples, rate = soundfile.read(os.path.join(ROOT, "examples", "fsdd", "clips", name),
                                       dtype="int16")
        assert rate == SR
        pieces.append(samples)
    joined = np.concatenate(pieces)
    os.makedirs(OUT, exist_ok=True)
    soundfile.write(os.path.join(OUT, "digits.wav"), joined, SR, subtype="PCM_16")
    y = joined.astype(np.float32) / 32768.0
    clip = windows_of(log_mel(y, center=True))
    stream = np.stack([zscore(w) for w in windows_of(log_mel(y, center=False))])
    np.save(os.path.join(OUT, "digits_clip_db.npy"), clip.astype(np.float32))
    np.save(os.path.join(OUT, "digits_stream_zscore.npy"), stream.astype(np.float32))
    tone = 0.25 * np.sin(2 * np.pi * 440.0 * np.arange(1600) / 16000.0)
    soundfile.write(os.path.join(OUT, "tone_16k.wav"), tone.astype(np.float32), 16000, subtype="PCM_16")
    print(f"{len(joined)} samples: {len(clip)} clip-mode windows, {len(stream)} stream windows")


if __name__ == "__main__":
    main()
