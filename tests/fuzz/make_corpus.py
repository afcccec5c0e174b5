#!/usr/bin/python3
"""Writes the seed corpus of each harness (corpus/<harness>/), small inputs each harness's parser
accepts, so fuzzing starts from the formats rather than from nothing:
  wav, npy: copies of tests/data/io's WAV files (PCM 16 and 24, float, 1-3 channels) and numpy's
    own .npy files (C and Fortran order);
  audio_file: a WAV, and the same 50 ms tone as FLAC and Ogg Vorbis written by libsndfile
    (python3-soundfile);
  frontend_config: the fields of librosa's defaults and of earshot's example front-ends, in the
    harness's byte layout;
  capture: a pcap (LINKTYPE_BLUETOOTH_LE_LL) and a btsnoop file (Linux monitor) of one
    advertisement each;
  advertisement: a state, score and counter with nothing changed, and one with a flipped byte;
  device_list: a devices file and a state file;
  tool_arguments: a command line of every command on the scratch folder's files.
    /usr/bin/python3 tests/fuzz/make_corpus.py"""
import os
import shutil
import struct

import numpy as np
import soundfile

HERE = os.path.dirname(os.path.abspath(__file__))
IO_DATA = os.path.join(HERE, "..", "data", "io")


def folder(name):
    path = os.path.join(HERE, "corpus", name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def frontend_config(sample_rate, n_fft, hop, win, window, center, spectrum, n_mels, fmin, fmax, scale, norm, kind,
                    ref, amin, top_db, ln_offset, n_mfcc):
    """frontend_config_fuzzer.cpp's layout: little-endian fields in FrontendConfig's order, each enum a byte."""
    return (struct.pack("<dHHHBBBH", sample_rate, n_fft, hop, win, window, center, spectrum, n_mels)
            + struct.pack("<ddBBBffffH", fmin, fmax, scale, norm, kind, ref, amin, top_db, ln_offset, n_mfcc)
            + np.round(np.sin(np.arange(600) * 0.3) * 12000).astype("<i2").tobytes())


def main():
    out = folder("wav")
    for name in ("9_george_3.wav", "stereo_pcm24.wav", "three_channel_float.wav"):
        shutil.copy(os.path.join(IO_DATA, name), out)
    out = folder("npy")
    for name in ("numpy_arange_2x3x4.npy", "numpy_fortran_2x3.npy"):
        shutil.copy(os.path.join(IO_DATA, name), out)

    out = folder("audio_file")
    shutil.copy(os.path.join(IO_DATA, "9_george_3.wav"), out)
    tone = (0.5 * np.sin(2 * np.pi * 440 * np.arange(400) / 8000)).astype(np.float32)
    soundfile.write(os.path.join(out, "tone.flac"), tone, 8000, format="FLAC")
    soundfile.write(os.path.join(out, "tone.ogg"), tone, 8000, format="OGG", subtype="VORBIS")

    out = folder("frontend_config")
    # librosa's melspectrogram defaults; FSDD's 8 kHz / 256 / 40 dB; ESC-10's 16 kHz / 1024 / 60
    # dB; MFCC; natural log with a magnitude spectrum, Hamming, HTK mels, no centring.
    write(os.path.join(out, "librosa_defaults"), frontend_config(22050, 2048, 512, 0, 0, 1, 0, 128, 0, 0, 0, 0, 0,
                                                                 1, 0, 80, 1e-6, 20))
    write(os.path.join(out, "fsdd"), frontend_config(8000, 256, 128, 0, 0, 1, 0, 40, 0, 4000, 0, 0, 1,
                                                     1, 0, 80, 1e-6, 20))
    write(os.path.join(out, "esc10"), frontend_config(16000, 1024, 512, 0, 0, 1, 0, 60, 0, 8000, 0, 0, 1,
                                                      1, 0, 80, 1e-6, 20))
    write(os.path.join(out, "mfcc"), frontend_config(16000, 512, 160, 400, 0, 1, 0, 40, 20, 7600, 0, 0, 3,
                                                     1, 0, 80, 1e-6, 13))
    write(os.path.join(out, "ln_magnitude_htk"), frontend_config(16000, 64, 16, 48, 1, 0, 1, 8, 100, 0, 1, 1, 2,
                                                                 1, 0, -1, 1e-3, 20))

    out = folder("capture")
    # An ADV_NONCONN_IND: access address 0x8E89BED6, header, address, AD data, CRC (not checked here).
    link_layer = (struct.pack("<I", 0x8E89BED6) + bytes([0x42, 6 + 19]) + bytes(range(0xA0, 0xA6))
                  + bytes([0x02, 0x01, 0x06, 0x0F, 0x16, 0xD2, 0xFC, 0x41]) + bytes(11) + bytes(3))
    write(os.path.join(out, "one_packet.pcap"),
          struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 251)
          + struct.pack("<IIII", 1, 0, len(link_layer), len(link_layer)) + link_layer)
    # An LE Meta event, LE Advertising Report of one report, in a btsnoop record of the monitor.
    report = bytes([0x03, 0x00]) + bytes(range(0xA0, 0xA6)) + bytes([19]) + link_layer[12:31] + bytes([0xC4])
    event = bytes([0x3E, 2 + len(report), 0x02, 0x01]) + report
    write(os.path.join(out, "one_report.btsnoop"),
          b"btsnoop\0" + struct.pack(">II", 1, 2001)
          + struct.pack(">IIIIQ", len(event), len(event), 3, 0, 0x00E03AB44A676000) + event)

    out = folder("advertisement")
    write(os.path.join(out, "genuine_normal"), bytes([1]) + struct.pack("<HI", 1234, 1000))
    write(os.path.join(out, "genuine_failure"), bytes([3]) + struct.pack("<HI", 4000, 70000))
    write(os.path.join(out, "flipped_mic"), bytes([2]) + struct.pack("<HI", 2000, 5) + bytes(30) + b"\x01")

    out = folder("device_list")
    write(os.path.join(out, "two_devices"),
          b"# address key name\nC0:11:22:33:44:55 231d39c1d7cc1ab1aee224cd096db932 pump-1\n"
          b"C0:11:22:33:44:56 00112233445566778899aabbccddeeff fan_2  # comment\n\0pump-1 1000\nfan_2 7\n")

    out = folder("tool_arguments")
    lines = {
        "classify": ["classify", "--model", "stride-ds-24", "--resample", "a.wav"],
        "classify_json": ["classify", "--model", "baseline", "--json", "--windows", "--gate", "-60", "."],
        "stream": ["stream", "--model", "stride-ds-16", "--resample", "--vote", "max", "a.wav"],
        "features": ["features", "a.wav", "--n-mels", "20", "--n-fft", "256", "-o", "out.npy"],
        "features_mfcc": ["features", "a.wav", "--mfcc", "13", "--scale", "db", "--summary"],
        "windows": ["windows", "--model", "stride-ds-20", "--resample", "a.wav", "-o", "w.npy"],
        "info": ["info", "--model", "stride-ds-12", "--json"],
        "info_list": ["info", "--list"],
        "not_audio": ["classify", "--model", "stride-ds-24", "c.txt", "b.npy"],
    }
    for name, words in lines.items():
        write(os.path.join(out, name), b"\0".join(word.encode() for word in words))


if __name__ == "__main__":
    main()
