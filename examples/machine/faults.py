"""Synthetic faults injected into normal recordings, because real fault recordings are scarce:
the dataset has one anomalous recording of this machine. Each is a function (samples, rate) ->
float32 samples of the same length; levels are relative to the recording's own RMS. They are
models of typical faults, not recordings of them: figures measured on them say "synthetic".

  bearing -20 dB / -10 dB   a bearing-like impulse train: an impact every 1/37 s, each a
                            3 kHz resonance decaying in about 1 ms (exp(-800 t)), the whole
                            train 20 dB / 10 dB below the recording
  speed +5%                 the machine running 5% fast: the recording resampled (libsoxr,
                            through the binding) so that it plays 1.05 times faster
  harmonics -20 dB / -10 dB a new tonal component: harmonics 2 to 8 of 440 Hz with amplitude
                            1/k (gear-mesh-like), 20 dB / 10 dB below the recording
"""
import sys

import numpy as np


def _rms(samples):
    return float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))


def _add_at_level(samples, extra, level_db):
    return (samples + extra * (_rms(samples) / _rms(extra) * 10 ** (level_db / 20))).astype(np.float32)


def bearing(samples, rate, level_db):
    impulses = np.zeros(len(samples))
    ring = np.arange(int(0.025 * rate)) / rate
    impulse = np.exp(-800 * ring) * np.sin(2 * np.pi * 3000 * ring)
    for start in (np.arange(0.01, len(samples) / rate, 1 / 37) * rate).astype(int):
        stop = min(start + len(impulse), len(samples))
        impulses[start:stop] += impulse[:stop - start]
    return _add_at_level(samples, impulses, level_db)


def speed(samples, rate, factor):
    earshot = sys.modules["earshot"]  # the binding train.py imported
    faster = earshot.resample(samples, rate, int(round(rate / factor)))
    repeats = int(np.ceil(len(samples) / len(faster)))
    return np.tile(faster, repeats)[:len(samples)].astype(np.float32)


def harmonics(samples, rate, level_db):
    t = np.arange(len(samples)) / rate
    tone = sum(np.sin(2 * np.pi * k * 440 * t) / k for k in range(2, 9))
    return _add_at_level(samples, tone, level_db)


FAULTS = {
    "bearing -20 dB": lambda y, rate: bearing(y, rate, -20),
    "bearing -10 dB": lambda y, rate: bearing(y, rate, -10),
    "speed +5%": lambda y, rate: speed(y, rate, 1.05),
    "harmonics -20 dB": lambda y, rate: harmonics(y, rate, -20),
    "harmonics -10 dB": lambda y, rate: harmonics(y, rate, -10),
}
