"""The files that travel with a model: its labels and its front-end configuration."""
import json
import math

import numpy as np

from .cpp import cpp_float
from .errors import ConvertError


def read_labels(path, output_shape):
    try:
        with open(path, encoding="utf-8") as f:
            labels = [line.strip() for line in f.read().splitlines()]
    except OSError as error:
        raise ConvertError(f"cannot read the labels file '{path}': {error.strerror}") from None
    while labels and not labels[-1]:
        labels.pop()
    blank = next((number for number, label in enumerate(labels, 1) if not label), None)
    if blank is not None:
        raise ConvertError(f"the labels file '{path}' has an empty label on line {blank} (one label a line)")
    outputs = int(np.prod(output_shape[1:]))
    if len(labels) != outputs:
        raise ConvertError(f"the labels file '{path}' has {len(labels)} labels but the model has "
                           f"{outputs} outputs")
    return labels


# The front-end configuration: librosa's parameter names, as `earshot features` takes them.
FRONTEND_KEYS = {
    "sample_rate": "number", "n_fft": "int", "hop_length": "int", "win_length": "int",
    "window": ("hann", "hamming"), "center": "bool", "power": (1, 2), "n_mels": "int",
    "fmin": "number", "fmax": "number", "htk": "bool", "norm": ("slaney", "none", None),
    "scale": ("linear", "db", "ln", "mfcc"), "n_mfcc": "int", "ref": "number", "amin": "number",
    "top_db": "number_or_null", "ln_offset": "number", "normalization": ("none", "mean_std", "max"),
    # The pipeline around the model (PipelineConfig, the vote and the decisions).
    "window_frames": "int", "hop_frames": "int", "overlap": "number", "gate_dbfs": "number_or_null",
    "threshold": "number", "vote": ("mean", "geometric", "majority", "max"),
    # An anomaly detector (a model that reconstructs its window): earshot::AnomalyMonitor's states.
    "anomaly": "object",
}

# The "anomaly" object: MachineStateConfig's fields and the score's horizon, with their defaults
# (None: required).
ANOMALY_KEYS = {"maintenance_score": None, "failure_score": None, "horizon": 1, "release": 1.0, "min_windows": 1}

# What an absent key means: `earshot features`' defaults for the features, PipelineConfig's for
# the pipeline (the README's table lists them).
DEFAULTS = {"scale": "db", "normalization": "mean_std", "overlap": 0.5, "gate_dbfs": None, "threshold": 0.0,
            "vote": "mean"}


def read_frontend(path):
    try:
        with open(path, encoding="utf-8") as f:
            config = json.load(f)
    except OSError as error:
        raise ConvertError(f"cannot read the front-end file '{path}': {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise ConvertError(f"the front-end file '{path}' is not JSON: {error}") from None
    except UnicodeDecodeError as error:
        raise ConvertError(f"the front-end file '{path}' is not UTF-8 text (byte {error.start})") from None
    return check_frontend(config, f"front-end file '{path}'")


def quoted(key):
    """A key as a message shows it: quoted, a line break or other control character escaped."""
    return "'" + key.encode("unicode_escape").decode("ascii") + "'"


def check_frontend(config, where):
    """The front-end configuration `config` (a dict, as read from a file) with its aliases resolved,
    or a ConvertError that starts with `where`."""
    if not isinstance(config, dict):
        raise ConvertError(f"{where} must hold one JSON object")
    aliases = {"sr": "sample_rate", "normalisation": "normalization"}
    config = {aliases.get(k, k): v for k, v in config.items()}
    for key, value in config.items():
        kind = FRONTEND_KEYS.get(key)
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        ok = (kind == "int" and isinstance(value, int) and not isinstance(value, bool) and value >= 0) or \
             (kind == "number" and number) or (kind == "number_or_null" and (number or value is None)) or \
             (kind == "bool" and isinstance(value, bool)) or (isinstance(kind, tuple) and value in kind) or \
             (kind == "object" and isinstance(value, dict))
        if not ok:
            # The allowed values as they are written in the file ("mean_std"), a kind in words.
            expected = ("one of " + ", ".join(json.dumps(v) for v in kind)) if isinstance(kind, tuple) \
                else str(kind).replace("_", " ")
            raise ConvertError(f"{where}: " + (
                f"unknown key {quoted(key)}; known: {', '.join(sorted(FRONTEND_KEYS))}" if kind is None
                else f"'{key}' must be {expected}, got {json.dumps(value)}"))
    for key in ("sample_rate", "n_fft", "hop_length", "n_mels"):
        if key not in config:
            raise ConvertError(f"{where}: '{key}' is required")
    problem = frontend_problem(config)
    if problem:
        raise ConvertError(f"{where}: {problem}")
    if "anomaly" in config:
        config["anomaly"] = check_anomaly(config["anomaly"], where)
    return config


def check_anomaly(anomaly, where):
    """The "anomaly" object with its defaults filled in, or a ConvertError naming the problem."""
    unknown = sorted(set(anomaly) - set(ANOMALY_KEYS))
    if unknown:
        raise ConvertError(f"{where}: unknown key {quoted(unknown[0])} in 'anomaly'; known: {', '.join(sorted(ANOMALY_KEYS))}")
    resolved = {}
    for key, default in ANOMALY_KEYS.items():
        value = anomaly.get(key, default)
        if value is None:
            raise ConvertError(f"{where}: 'anomaly' needs '{key}'")
        integer = key in ("horizon", "min_windows")
        number = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        if not number or (integer and (not isinstance(value, int) or value < 1)) or abs(value) > FLOAT32_MAX:
            raise ConvertError(f"{where}: 'anomaly' '{key}' must be " +
                               ("an integer of at least 1" if integer else "a finite float") + f", got {json.dumps(value)}")
        resolved[key] = value
    if not 0 <= resolved["maintenance_score"] <= resolved["failure_score"]:
        raise ConvertError(f"{where}: 'anomaly' needs 0 <= maintenance_score <= failure_score, got "
                           f"{resolved['maintenance_score']} and {resolved['failure_score']}")
    if not 0 < resolved["release"] <= 1:
        raise ConvertError(f"{where}: 'anomaly' 'release' must be in (0, 1], got {resolved['release']}")
    return resolved


FLOAT32_MAX = 3.4028234663852886e38


def frontend_problem(config):
    """What earshot::Frontend::validate() would refuse, in words (None if nothing): checked here so
    that a bad file fails at conversion, not at run time on the device."""
    rate, n_fft = config["sample_rate"], config["n_fft"]
    for key in ("fmin", "fmax", "ref", "amin", "top_db", "ln_offset", "overlap", "gate_dbfs", "threshold"):
        value = config.get(key)
        if value is not None and not math.isfinite(value):
            return f"'{key}' must be a finite number, got {value}"
    for key in ("ref", "amin", "top_db", "ln_offset"):  # float on the device
        if abs(config.get(key) or 0.0) > FLOAT32_MAX:
            return f"'{key}' {config[key]} is beyond float's range (3.4e38)"
    if not (rate > 0 and math.isfinite(rate)):
        return f"'sample_rate' must be positive and finite, got {rate}"
    if n_fft < 4 or n_fft & (n_fft - 1):
        return f"'n_fft' must be a power of two of at least 4 (the device's FFT), got {n_fft}"
    if config["hop_length"] == 0:
        return "'hop_length' must be positive"
    if config.get("win_length", 0) > n_fft:
        return f"'win_length' {config['win_length']} is longer than 'n_fft' {n_fft}"
    if config["n_mels"] == 0:
        return "'n_mels' must be positive"
    fmin = config.get("fmin", 0.0)
    fmax = config.get("fmax", 0.0) or rate / 2
    if not (0 <= fmin < fmax <= rate / 2):
        return f"the band must satisfy 0 <= fmin < fmax <= sample_rate / 2, got fmin {fmin}, fmax {fmax}"
    if config.get("scale") == "mfcc" and not 1 <= config.get("n_mfcc", 20) <= config["n_mels"]:
        return f"'n_mfcc' must be 1 to n_mels ({config['n_mels']}), got {config.get('n_mfcc', 20)}"
    if not (config.get("ref", 1.0) > 0 and config.get("amin", 0.0) >= 0 and config.get("ln_offset", 1e-6) >= 0):
        return "'ref' must be positive, 'amin' and 'ln_offset' not negative"
    amin = np.float32(config.get("amin", 0.0))
    with np.errstate(over="ignore", under="ignore"):
        amin_power = amin * amin
    if config.get("power", 2) == 1 and config.get("scale", DEFAULTS["scale"]) in ("db", "mfcc") and amin > 0 and \
            not 0 < amin_power < np.inf:
        return (f"'amin' {config['amin']} squares to {'0' if amin_power == 0 else 'inf'} in float: "
                "dB of a magnitude spectrum needs 4e-23 <= amin <= 1.8e19")
    if "hop_frames" in config and "overlap" in config:
        return "give 'hop_frames' or 'overlap', not both"
    if config.get("hop_frames", 1) < 1:
        return "'hop_frames' must be at least 1"
    if not 0 <= config.get("overlap", 0.5) < 1:
        return f"'overlap' must be in [0, 1), got {config['overlap']}"
    if config.get("gate_dbfs") is not None and not config["gate_dbfs"] <= 0:
        return f"'gate_dbfs' is a level in dBFS, 0 or below (or null: no gate), got {config['gate_dbfs']}"
    if not 0 <= config.get("threshold", 0.0) <= 1:
        return f"'threshold' must be in [0, 1], got {config['threshold']}"
    return None


def hop_frames_of(config, window_frames):
    """The hop of a checked configuration's windows: its hop_frames, or from its overlap (default
    0.5) as earshot::hop_frames_for_overlap rounds it: the nearest frame, at least 1."""
    if "hop_frames" in config:
        return config["hop_frames"]
    return max(1, int(window_frames * (1.0 - config.get("overlap", DEFAULTS["overlap"])) + 0.5))


def pipeline_lines(config, window_frames):
    """The pipeline the model was trained for, from the front-end file: the window (checked
    against the model's input by the caller), the hop, gate, threshold and vote."""
    given = config.get("window_frames")
    if given is not None and given != window_frames:
        raise ConvertError(f"'window_frames' is {given} in the front-end file, but the model's input has "
                           f"{window_frames} columns (frames)")
    hop = hop_frames_of(config, window_frames)
    gate = config.get("gate_dbfs", DEFAULTS["gate_dbfs"])
    vote = {"mean": "kMean", "geometric": "kGeometricMean", "majority": "kMajority", "max": "kMax"}[
        config.get("vote", DEFAULTS["vote"])]
    return ["", "// The pipeline around the model (front-end file; absent keys: PipelineConfig's defaults).",
            f"inline constexpr std::size_t window_frames = {window_frames};",
            f"inline constexpr std::size_t hop_frames = {hop};",
            "inline constexpr double level_gate_dbfs = " +
            ("-std::numeric_limits<double>::infinity();  // no gate" if gate is None else f"{float(gate)!r};"),
            f"inline constexpr float decision_threshold = {cpp_float(config.get('threshold', DEFAULTS['threshold']))};",
            f"inline constexpr earshot::VoteRule vote_rule = earshot::VoteRule::{vote};"] + anomaly_lines(config)


def anomaly_lines(config):
    """Whether the model is an anomaly detector and, if it is, its AnomalyMonitor settings."""
    anomaly = config.get("anomaly")
    if anomaly is None:
        return ["inline constexpr bool anomaly_detector = false;"]
    return ["", "// An anomaly detector: the AnomalyMonitor's score horizon and machine states (front-end file).",
            "inline constexpr bool anomaly_detector = true;",
            f"inline constexpr std::size_t score_horizon = {anomaly['horizon']};",
            "inline constexpr earshot::MachineStateConfig machine_states = [] {",
            "  earshot::MachineStateConfig states{};",
            f"  states.maintenance_score = {cpp_float(anomaly['maintenance_score'])};",
            f"  states.failure_score = {cpp_float(anomaly['failure_score'])};",
            f"  states.release = {cpp_float(anomaly['release'])};",
            f"  states.min_windows = {anomaly['min_windows']};",
            "  return states;",
            "}();"]


def frontend_features(config):
    """Values a frame gives the model: the MFCCs or the mel bands."""
    return config.get("n_mfcc", 20) if config.get("scale") == "mfcc" else config["n_mels"]


def frontend_lines(config):
    if config is None:
        return ["inline constexpr bool has_frontend = false;"]
    kind = {"linear": "kMel", "db": "kDecibel", "ln": "kNaturalLog", "mfcc": "kMfcc"}[config.get("scale", DEFAULTS["scale"])]
    fields = [
        ("sample_rate", str(float(config["sample_rate"]))),
        ("n_fft", str(config["n_fft"])),
        ("hop_length", str(config["hop_length"])),
        ("win_length", str(config.get("win_length", 0))),
        ("window", "earshot::WindowType::k" + config.get("window", "hann").capitalize()),
        ("center", "true" if config.get("center", True) else "false"),
        ("spectrum", "earshot::Spectrum::k" + ("Power" if config.get("power", 2) == 2 else "Magnitude")),
        ("n_mels", str(config["n_mels"])),
        ("fmin", str(float(config.get("fmin", 0.0)))),
        ("fmax", str(float(config.get("fmax", 0.0)))),
        ("mel_scale", "earshot::MelScale::k" + ("Htk" if config.get("htk", False) else "Slaney")),
        ("mel_norm", "earshot::MelNorm::k" + ("Slaney" if config.get("norm", "slaney") == "slaney" else "None")),
        ("kind", "earshot::FeatureKind::" + kind),
        ("ref", cpp_float(config.get("ref", 1.0))),
        ("amin", cpp_float(config.get("amin", 0.0))),
        ("top_db", cpp_float(-1.0 if config.get("top_db", 80.0) is None else config.get("top_db", 80.0))),
        ("ln_offset", cpp_float(config.get("ln_offset", 1e-6))),
        ("n_mfcc", str(config.get("n_mfcc", 20))),
    ]
    normalization = {"none": "kNone", "mean_std": "kMeanStd", "max": "kMax"}[
        config.get("normalization", DEFAULTS["normalization"])]
    lines = ["", "// The features the model was trained on (librosa's parameters).",
             "inline constexpr bool has_frontend = true;",
             "inline constexpr earshot::FrontendConfig frontend = [] {",
             "  earshot::FrontendConfig config{};"]
    lines += [f"  config.{field} = {value};" for field, value in fields]
    lines += ["  return config;", "}();",
              f"inline constexpr earshot::WindowNormalization normalization = earshot::WindowNormalization::{normalization};"]
    return lines

