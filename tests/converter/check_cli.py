"""Checks earshot_convert.py as a command: bad input is refused with exit code 2, exactly one
line on stderr naming the problem, and no header (or temporary file) left behind; a good
conversion records the source's SHA-256.

    check_cli.py CONVERTER WORK_DIR reject MODEL.onnx WORD...   (a model that must be refused)
    check_cli.py CONVERTER WORK_DIR CASE DATA_DIR               (a named invocation)

The case internal_error makes the converter fail where no check foresaw it (an exception
injected while the header is being made) and expects the same one line, not a traceback.
"""
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np


def write(directory, name, text):
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(text)
    return path


# Runs the converter's main() with Emitter.header raising a two-line exception.
INJECT_FAILURE = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("earshot_convert", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
def fail(self):
    raise ValueError("injected failure\\nsecond line")
module.Emitter.header = fail
sys.exit(module.main(sys.argv[2:]))
"""


def check_hash(converter, model, header):
    done = subprocess.run([sys.executable, converter, model, "-o", header, "--name", "m"],
                          capture_output=True, text=True)
    with open(model, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    text = open(header).read() if done.returncode == 0 else ""
    line = f'inline constexpr const char* source_sha256 = "{digest}";'
    print(f"exit code {done.returncode}; sha256 {digest} {'found' if line in text else 'NOT found'}")
    return 0 if done.returncode == 0 and done.stderr == "" and line in text else 1


def calibration(directory, name, values):
    path = os.path.join(directory, name)
    np.save(path, np.asarray(values))
    return path


def check_int8_hash(converter, model, scratch, header):
    """An int8 header records the calibration file's SHA-256 and the input's scale."""
    data = calibration(scratch, "calibration.npy", np.random.default_rng(1).standard_normal((12, 1, 16, 9)).astype(np.float32))
    done = subprocess.run([sys.executable, converter, model, "-o", header, "--name", "m", "--quantize", "int8",
                           "--calibration", data], capture_output=True, text=True)
    with open(data, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    text = open(header).read() if done.returncode == 0 else ""
    found = f'calibration_sha256 = "{digest}"' in text and "TensorQuantization input_quantization{" in text
    print(f"exit code {done.returncode}; calibration sha256 {digest} {'found' if found else 'NOT found'}")
    return 0 if done.returncode == 0 and done.stderr == "" and found else 1


def check_qdq_scales(converter, model, header):
    """A QDQ model's scales reach the header as they are: the input's (0.03, zero point 5) and the
    first convolution's weight scales, read from the ONNX graph's constants."""
    import onnx
    from onnx import numpy_helper
    done = subprocess.run([sys.executable, converter, model, "-o", header, "--name", "m", "--quantize", "int8"],
                          capture_output=True, text=True)
    text = open(header).read() if done.returncode == 0 else ""
    graph = onnx.load(model).graph
    made_by = {o: n for n in graph.node for o in n.output}
    conv = next(n for n in graph.node if n.op_type == "Conv")
    name = made_by[conv.input[1]].input[1]  # the DequantizeLinear's scale: an initialiser or a Constant
    initialisers = {t.name: t for t in graph.initializer}
    tensor = initialisers[name] if name in initialisers else made_by[name].attribute[0].t
    scales = numpy_helper.to_array(tensor).astype(np.float32).reshape(-1)
    match = re.search(r"layer0_weight_scales\[\d+\] = \{([^}]*)\}", text)
    got = np.array([float(v.strip().rstrip("f")) for v in match.group(1).split(",") if v.strip()], np.float32) \
        if match else np.zeros(0, np.float32)
    input_ok = "TensorQuantization input_quantization{0.0299999993f, 5}" in text
    same = got.size == scales.size and np.array_equal(got, scales)
    print(f"exit code {done.returncode}; input scale {'found' if input_ok else 'NOT found'}; weight scales "
          f"{'equal' if same else 'DIFFER'} ({got.size} in the header, {scales.size} in the model)")
    return 0 if done.returncode == 0 and input_ok and same else 1


def main():
    converter, work, case = sys.argv[1:4]
    scratch = tempfile.mkdtemp(prefix=case + ".", dir=work)
    header = os.path.join(scratch, "model.hpp")
    if case == "hash":
        return check_hash(converter, os.path.join(sys.argv[4], "residual.onnx"), header)
    if case == "qdq_scales":
        return check_qdq_scales(converter, os.path.join(sys.argv[4], "int8", "qdq_model.onnx"), header)
    if case == "int8_hash":
        return check_int8_hash(converter, os.path.join(sys.argv[4], "conv_bn_relu_maxpool.onnx"), scratch, header)
    if case == "reject":
        model, words = sys.argv[4], sys.argv[5:]
        arguments, words = [model], words
    else:
        data = sys.argv[4]
        good = os.path.join(data, "conv_bn_relu_maxpool.onnx")
        frontend = {"sample_rate": 16000, "n_fft": 512, "hop_length": 256, "n_mels": 16}
        rng = np.random.default_rng(7)
        int8 = ["--quantize", "int8", "--calibration"]
        noise = lambda n, shape=(1, 16, 9): rng.standard_normal((n,) + shape).astype(np.float32)
        nan = noise(12)
        nan[3, 0, 2, 2] = np.nan
        cases = {
            "calibration_missing": ([good, "--quantize", "int8"], ["--quantize int8 needs --calibration"]),
            "calibration_shape": ([good] + int8 + [calibration(scratch, "shape.npy", noise(12, (1, 9, 16)))],
                                  ["shape (12, 1, 9, 16)", "expected (N, 1, 16, 9)"]),
            "calibration_nan": ([good] + int8 + [calibration(scratch, "nan.npy", nan)], ["NaN or infinite"]),
            "calibration_few": ([good] + int8 + [calibration(scratch, "few.npy", noise(5))], ["5 inputs", "at least 10"]),
            "calibration_constant": ([good] + int8 + [calibration(scratch, "constant.npy", np.full((12, 1, 16, 9), 0.5,
                                                                                                 np.float32))],
                                     ["every value is 0.5"]),
            "calibration_not_npy": ([good] + int8 + [write(scratch, "text.npy", "not an array\n")], ["is not a .npy array"]),
            "calibration_absent": ([good] + int8 + [os.path.join(scratch, "absent.npy")], ["cannot read the calibration"]),
            "qdq_uint8": ([os.path.join(data, "int8", "qdq_uint8.onnx"), "--quantize", "int8"],
                          ["uint8 activations", "int8"]),
            "qdq_calibration": ([os.path.join(data, "int8", "qdq_model.onnx")] + int8 +
                                [calibration(scratch, "qdq.npy", noise(12, (1, 8, 6)))],
                                ["already quantized (QDQ)", "drop --calibration"]),
            "int8_uncovered": ([os.path.join(data, "batch_norm_alone.onnx")] + int8 +
                               [calibration(scratch, "batch_norm_alone.npy", noise(12, (2, 5, 4)))],
                               ["batch_norm", "int8 does not cover", "int8 covers"]),
        }
        arguments, words = cases[case] if case in cases else {
            "missing_file": ([os.path.join(scratch, "absent.onnx")], ["cannot read", "absent.onnx"]),
            "not_onnx": ([write(scratch, "text.onnx", "not a model\n")], ["not an ONNX model"]),
            "bad_name": ([good, "--name", "2fast"], ["--name", "2fast", "identifier"]),
            "bad_namespace": ([good, "--namespace", "a::b-c"], ["--namespace", "a::b-c"]),
            "label_count": ([good, "--labels", write(scratch, "labels.txt", "yes\nno\n")],
                            ["2 labels", "5 outputs"]),
            "label_blank": ([good, "--labels", write(scratch, "blank.txt", "a\nb\n\nc\nd\ne\n")],
                            ["empty label on line 3"]),
            "frontend_key": ([good, "--frontend", write(scratch, "key.json", json.dumps(dict(frontend, n_fttf=1)))],
                             ["unknown key 'n_fttf'"]),
            "frontend_value": ([good, "--frontend", write(scratch, "value.json", json.dumps(dict(frontend, scale="dB")))],
                               ["'scale'", '"dB"']),
            "frontend_normalization": ([good, "--frontend", write(scratch, "normalization.json",
                                                                  json.dumps(dict(frontend, normalization="mean std")))],
                                       ['"mean_std"', '"mean std"']),
            "frontend_n_fft_zero": ([good, "--frontend", write(scratch, "n_fft0.json", json.dumps(dict(frontend, n_fft=0)))],
                                    ["'n_fft' must be a power of two", "got 0"]),
            "frontend_n_fft_odd": ([good, "--frontend", write(scratch, "n_fft.json", json.dumps(dict(frontend, n_fft=400)))],
                                   ["'n_fft' must be a power of two", "got 400"]),
            "frontend_rate": ([good, "--frontend", write(scratch, "rate.json", json.dumps(dict(frontend, sample_rate=-8000)))],
                              ["'sample_rate' must be positive"]),
            "frontend_band": ([good, "--frontend", write(scratch, "band.json", json.dumps(dict(frontend, fmin=4000, fmax=3000)))],
                              ["fmin < fmax", "fmin 4000, fmax 3000"]),
            "frontend_win_length": ([good, "--frontend", write(scratch, "win.json", json.dumps(dict(frontend, win_length=1024)))],
                                    ["'win_length' 1024 is longer than 'n_fft' 512"]),
            "frontend_window_frames": ([good, "--frontend", write(scratch, "frames.json", json.dumps(dict(frontend, window_frames=32)))],
                                       ["'window_frames' is 32", "9 columns"]),
            "frontend_hop_and_overlap": ([good, "--frontend", write(scratch, "hop.json", json.dumps(dict(frontend, hop_frames=4, overlap=0.5)))],
                                         ["'hop_frames' or 'overlap', not both"]),
            "frontend_gate": ([good, "--frontend", write(scratch, "gate.json", json.dumps(dict(frontend, gate_dbfs=6)))],
                              ["'gate_dbfs' is a level in dBFS, 0 or below"]),
            "frontend_model_rows": ([good, "--frontend", write(scratch, "rows.json", json.dumps(dict(frontend, n_mels=40)))],
                                    ["gives 40 features a frame", "16 rows"]),
            "frontend_required": ([good, "--frontend", write(scratch, "required.json", json.dumps({"n_fft": 512}))],
                                  ["'sample_rate' is required"]),
            "anomaly_not_reconstruction": ([good, "--frontend", write(scratch, "anomaly.json", json.dumps(dict(
                frontend, anomaly={"maintenance_score": 1, "failure_score": 2})))],
                ["makes the model an anomaly detector", "output (5 values) does not reconstruct its input (144 values)"]),
            "anomaly_order": ([good, "--frontend", write(scratch, "order.json", json.dumps(dict(
                frontend, anomaly={"maintenance_score": 2, "failure_score": 1})))],
                ["'anomaly' needs 0 <= maintenance_score <= failure_score, got 2 and 1"]),
            "anomaly_key": ([good, "--frontend", write(scratch, "anomaly_key.json", json.dumps(dict(
                frontend, anomaly={"maintenance": 1, "failure_score": 2})))],
                ["unknown key 'maintenance' in 'anomaly'", "known: failure_score, horizon"]),
            "anomaly_min_windows": ([good, "--frontend", write(scratch, "anomaly_min.json", json.dumps(dict(
                frontend, anomaly={"maintenance_score": 1, "failure_score": 2, "min_windows": 0})))],
                ["'anomaly' 'min_windows' must be an integer of at least 1, got 0"]),
            "anomaly_release": ([good, "--frontend", write(scratch, "anomaly_release.json", json.dumps(dict(
                frontend, anomaly={"maintenance_score": 1, "failure_score": 2, "release": 1.5})))],
                ["'release' must be in (0, 1], got 1.5"]),
            "internal_error": ([good], ["internal error", "ValueError: injected failure", "please report"]),
        }[case]
    if "--name" not in arguments:
        arguments += ["--name", "model"]
    command = [sys.executable, converter]
    if case == "internal_error":
        command = [sys.executable, "-c", INJECT_FAILURE, converter]
    done = subprocess.run(command + arguments + ["-o", header], capture_output=True, text=True)
    lines = done.stderr.strip().splitlines()
    print(f"exit code {done.returncode}; stderr: {done.stderr.strip()}")
    problems = []
    if done.returncode != 2:
        problems.append(f"exit code {done.returncode}, expected 2")
    if len(lines) != 1:
        problems.append(f"{len(lines)} lines on stderr, expected 1")
    problems += [f"message lacks '{word}'" for word in words if word not in done.stderr]
    left = [name for name in os.listdir(scratch) if name.endswith((".hpp", ".tmp"))]
    if left:
        problems.append(f"left behind: {left}")
    for problem in problems:
        print("FAILED", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
