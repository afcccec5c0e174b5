"""earshot from Python: the features and model inputs that earshot's front-end computes, bit for bit
what the `earshot` tool writes (`earshot features`, `earshot windows`), so a model is trained on
what the device computes.

    import earshot
    y, sr = earshot.load("examples/fsdd/clips/0_george_0.wav")
    mel_db = earshot.features(y, sr=8000, n_fft=256, hop_length=128, n_mels=40, fmax=4000)
    x = earshot.windows(y, "examples/fsdd/frontend.json", window_frames=32)   # (windows, 1, 40, 32)
    config = earshot.read_frontend("frontend.json")

Built with -DEARSHOT_BUILD_PYTHON=ON (the default preset sets it) into <build>/python: put that
folder on sys.path or PYTHONPATH. Both functions release the GIL while they compute, so threads
(a PyTorch DataLoader's workers, concurrent.futures) run them in parallel. Bad arguments raise
ValueError (a bad value) or TypeError (a wrong type) with one line naming the problem."""
from . import _earshot
from ._converter import metadata as _metadata
from ._converter.errors import ConvertError as _ConvertError

__all__ = ["load", "resample", "features", "windows", "read_frontend", "write_frontend", "FrontendError"]


class FrontendError(ValueError):
    """A front-end file or dict that earshot_add_model would refuse (the same message)."""


def load(path, sr=None):
    """(y, sr): the recording at `path` as the `earshot` tool reads it: float32 mono (channels
    averaged), WAV through earshot's parser and, when the tool was built with libsndfile, FLAC, Ogg
    Vorbis and the other WAV encodings through libsndfile; "-" reads standard input. sr=None keeps
    the file's rate; another rate resamples with libsoxr's HQ recipe, as librosa.load does by
    default and as `earshot classify --resample` does (desktop only: a device samples at its
    model's rate). ValueError names the file and the problem."""
    return _earshot.load(str(path), sr)


def resample(y, orig_sr, target_sr):
    """y from orig_sr to target_sr Hz with libsoxr's HQ recipe (as load(path, sr) resamples)."""
    return _earshot.resample(y, orig_sr, target_sr)


def features(y, sr=22050, *, n_fft=2048, hop_length=512, win_length=None, window="hann", center=True, power=2.0,
             n_mels=128, fmin=0.0, fmax=None, htk=False, norm="slaney", scale="db", n_mfcc=20, ref=1.0, amin=None,
             top_db=80.0, ln_offset=1e-6):
    """The features of mono samples `y` (any real array, converted to float32) as float32 of shape
    (n_mels, frames), or (n_mfcc, frames) with scale="mfcc": librosa.feature.melspectrogram's
    parameters and defaults, then scale "db" (power_to_db, or amplitude_to_db with power=1; ref,
    amin (None: 1e-10 for power, 1e-5 for magnitude), top_db (None: no floor)), "linear", "ln"
    (log(mel + ln_offset)) or "mfcc" (librosa.feature.mfcc of the dB mel, DCT-II ortho). Equal bit
    for bit to `earshot features` with the same options; within the front-end's tolerances of
    librosa 0.11. n_fft: powers of two 32..4096 by the built-in FFT, other sizes up to 32768 by
    KissFFT. Samples must be finite and within +-1e6."""
    return _earshot.features(y, sr=sr, n_fft=n_fft, hop_length=hop_length, win_length=win_length, window=window,
                             center=center, power=power, n_mels=n_mels, fmin=fmin, fmax=fmax, htk=htk, norm=norm,
                             scale=scale, n_mfcc=n_mfcc, ref=ref, amin=amin, top_db=top_db, ln_offset=ln_offset)


def read_frontend(path):
    """The front-end file at `path` (JSON, the keys earshot_add_model reads) as a dict, checked as the
    converter checks it: FrontendError names the first problem."""
    try:
        return _metadata.read_frontend(path)
    except _ConvertError as error:
        raise FrontendError(str(error)) from None


def write_frontend(path, config):
    """Writes the front-end configuration `config` (a dict) to `path` as JSON, after the converter's
    checks (FrontendError, and nothing written, if it would refuse it)."""
    import json
    checked = _check(config)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(checked, f, indent=1)
        f.write("\n")


def _check(config):
    try:
        return _metadata.check_frontend(dict(config), "front-end configuration")
    except _ConvertError as error:
        raise FrontendError(str(error)) from None


def _feature_arguments(config):
    """features() arguments from a checked front-end configuration: the values the converter
    writes into a model's header, absent keys included."""
    top_db = config.get("top_db", 80.0)
    return dict(sr=config["sample_rate"], n_fft=config["n_fft"], hop_length=config["hop_length"],
                win_length=config.get("win_length") or None, window=config.get("window", "hann"),
                center=config.get("center", True), power=float(config.get("power", 2)), n_mels=config["n_mels"],
                fmin=float(config.get("fmin", 0.0)), fmax=float(config.get("fmax", 0.0)) or None,
                htk=config.get("htk", False), norm=None if config.get("norm", "slaney") in (None, "none") else "slaney",
                scale=config.get("scale", _metadata.DEFAULTS["scale"]), n_mfcc=config.get("n_mfcc", 20),
                ref=float(config.get("ref", 1.0)), amin=float(config.get("amin", 0.0)) or None,
                top_db=None if top_db is None else float(top_db), ln_offset=float(config.get("ln_offset", 1e-6)))


def windows(y, frontend, *, window_frames=None, hop_frames=None, overlap=None, pad=True, levels=False):
    """The model inputs for a clip `y` (mono samples at the front-end's rate), as float32 of shape
    (windows, 1, features, frames), the layout a PyTorch model takes: equal bit for bit to
    `earshot windows` for a model converted with this front-end. `frontend` is a front-end file's
    path or its dict; window_frames, hop_frames or overlap override its keys (window_frames is
    required when the file has none). Centred frames, a window every hop_frames frames, a clip
    shorter than one window zero-padded at its end (pad=False: an error instead), each window
    normalised as the file's "normalization" says (default "mean_std"). The frames are the
    device's: with top_db, each is floored against the loudest frame so far (the streaming
    front-end), not against the clip's loudest as features() and librosa do.
    levels=True returns (windows, levels): each window's sound level in dBFS as the device's gate
    sees it (RMS of the samples its frames brought, float64; -inf for digital silence), so a
    front-end file's gate_dbfs can be applied as the device applies it (level < gate: gated)."""
    config = read_frontend(frontend) if isinstance(frontend, (str, bytes)) or hasattr(frontend, "__fspath__") \
        else _check(frontend)
    frames = window_frames if window_frames is not None else config.get("window_frames")
    if frames is None:
        raise ValueError("window_frames: give it (the model's input frames) or put it in the front-end file")
    if hop_frames is not None and overlap is not None:
        raise ValueError("give hop_frames or overlap, not both")
    if overlap is not None and not 0 <= overlap < 1:
        raise ValueError(f"overlap must be in [0, 1), got {overlap}")
    if hop_frames is None:
        if overlap is not None:  # the argument's overlap replaces the file's hop_frames or overlap
            config = {key: value for key, value in config.items() if key != "hop_frames"}
            config["overlap"] = overlap
        hop_frames = _metadata.hop_frames_of(config, frames)
    normalization = config.get("normalization", _metadata.DEFAULTS["normalization"])
    return _earshot.windows(y, normalization, frames, hop_frames, pad, levels, **_feature_arguments(config))
