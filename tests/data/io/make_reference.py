"""Makes the WAV decoding references in tests/data/io (run with Debian's /usr/bin/python3).

Two FSDD clips (8 kHz mono int16, copied unchanged) and two files this script writes with
libsndfile from the first 1500 samples of the first clip: a 24-bit stereo WAV and a 3-channel 32-bit float
WAVE_FORMAT_EXTENSIBLE file. Each `X.wav` gets `X.npy`: soundfile's float32 decoding, averaged
over channels as numpy's mean does -- the independent reference for earshot/io/wav.hpp.
Two arrays written by np.save check earshot/io/npy.hpp's reader: arange(24) shaped (2, 3, 4),
and arange(6) shaped (2, 3) stored in Fortran order.
"""
import pathlib

import numpy as np
import soundfile as sf

HERE = pathlib.Path(__file__).resolve().parent


def write_reference(wav):
    samples, _ = sf.read(wav, dtype="float32", always_2d=True)
    np.save(wav.with_suffix(".npy"), samples.mean(axis=1, dtype=np.float32))


def main():
    source, rate = sf.read(HERE / "5_yweweler_1.wav", dtype="float32")
    source = source[:1500]  # enough to exercise the decoder, small in the repository
    stereo = np.stack([source, -0.5 * source], axis=1)
    sf.write(HERE / "stereo_pcm24.wav", stereo, rate, subtype="PCM_24", format="WAV")
    three = np.stack([source, 0.25 * source, np.roll(source, 7)], axis=1)
    sf.write(HERE / "three_channel_float.wav", three, rate, subtype="FLOAT", format="WAVEX")
    for wav in ["5_yweweler_1.wav", "9_george_3.wav", "stereo_pcm24.wav",
                "three_channel_float.wav"]:
        write_reference(HERE / wav)
    np.save(HERE / "numpy_arange_2x3x4.npy", np.arange(24, dtype=np.float32).reshape(2, 3, 4))
    np.save(HERE / "numpy_fortran_2x3.npy",
            np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))


if __name__ == "__main__":
    main()
