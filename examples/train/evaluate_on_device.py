#!/usr/bin/python3
"""Evaluates trained models the way the device runs them: through earshot's C++ pipeline, in
float32 and in int8, on the clips their training held out.

    /usr/bin/python3 examples/train/evaluate_on_device.py --manifest manifest.csv RUN [RUN ...]

Each RUN is the output folder of `train.py --holdout F` (model.onnx, labels.txt, frontend.json,
calibration.npy, results.json). The script writes a CMake project that does what a user's project
does, `add_subdirectory(earshot)` and `earshot_add_model()` (float32, and int8 with
`QUANTIZE int8 CALIBRATION calibration.npy`), builds one desktop tool with all of them
(`earshot_add_tool`), and runs `classify --resample --json` on fold F's clips of the manifest:
the front-end, windows, hop, gate and vote are the model's own, from its front-end file. It
writes RUN/device.json: clip accuracy in float32 and int8 (and PyTorch's, from results.json, which
the float32 figure should equal), and each model's MACC, parameters, weight bytes and arena bytes
as `earshot info` reports them. With --cortex-m4, also the instructions of one inference of each
model on the Cortex-M4F: the same models cross-compiled with earshot's arm-none-eabi toolchain
(Debian gcc-arm-none-eabi, libnewlib-arm-none-eabi, libstdc++-arm-none-eabi-newlib) and counted
in QEMU (qemu-system-arm mps2-an386, -icount shift=0: instructions, not cycles), as the cost
table of ports/qemu-mps2-an386/bench counts them. --table prints one Markdown row per RUN.
--summary FILE gathers the RUNs (the folds of one recipe, each trained by --holdout) into one
file: per fold and as mean and standard deviation over them, PyTorch's, float32's and int8's
clip accuracy, and the sizes and instructions (the same for every fold of one architecture).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from manifest import read_manifest  # noqa: E402


def cmake_path(path):
    return os.path.abspath(path).replace("\\", "/")


def read_run(run):
    if not os.path.isfile(os.path.join(run, "results.json")):
        sys.exit(f"{run}: no results.json; give the output of train.py --holdout F")
    with open(os.path.join(run, "results.json"), encoding="utf-8") as f:
        results = json.load(f)
    if len(results["folds"]) != 1:
        sys.exit(f"{run}: results.json has folds {sorted(results['folds'])}; give the output of train.py --holdout F")
    for name in ("model.onnx", "labels.txt", "frontend.json", "calibration.npy"):
        if not os.path.isfile(os.path.join(run, name)):
            sys.exit(f"{run}: no {name}; give the output of train.py --holdout F")
    return results


COST_PROGRAM = """// Written by examples/train/evaluate_on_device.py: the instructions of one inference of each
// model on the Cortex-M4F (QEMU -icount shift=0), the second of two (the emulator has no cache).
#include <cstdio>

#include "cost_report.hpp"
{includes}

namespace {{
volatile float sink;

template <class Model>
void measure(Model& model, const char* name) {{
  static float input[Model::input_size];
  static float output[Model::output_size];
  for (int i = 0; i < Model::input_size; ++i) input[i] = static_cast<float>(i % 17) * 0.1f - 0.8f;
  model.invoke(input, output);
  const auto instructions = earshot::port::cost::instructions_of([&] {{ model.invoke(input, output); }});
  sink = output[0];
  std::printf("instructions %s %lu\\n", name, static_cast<unsigned long>(instructions));
}}

{models}
}}  // namespace

int main() {{
  if (!earshot::port::cost::start()) return 1;
{calls}
  return 0;
}}
"""


def write_if_changed(path, text):
    if not os.path.exists(path) or open(path, encoding="utf-8").read() != text:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


def project(runs, work, cortex_m4=False):
    """The generated project: the host tool, or (cortex_m4) the cost program."""
    lines = ["# Written by examples/train/evaluate_on_device.py.",
             "cmake_minimum_required(VERSION 3.21)", "project(earshot_evaluate LANGUAGES CXX)",
             f'add_subdirectory("{cmake_path(SOURCE)}" earshot EXCLUDE_FROM_ALL)']
    targets = []
    for index, run in enumerate(runs):
        files = {name: cmake_path(os.path.join(run, name)) for name in
                 ("model.onnx", "labels.txt", "frontend.json", "calibration.npy")}
        common = (f'MODEL "{files["model.onnx"]}" LABELS "{files["labels.txt"]}" '
                  f'FRONTEND "{files["frontend.json"]}" NAMESPACE evaluated')
        lines.append(f"earshot_add_model(run{index} {common} NAME run{index})")
        lines.append(f"earshot_add_model(run{index}_int8 {common} NAME run{index}_int8 QUANTIZE int8 "
                     f'CALIBRATION "{files["calibration.npy"]}")')
        targets += [f"run{index}", f"run{index}_int8"]
    os.makedirs(work, exist_ok=True)
    if cortex_m4:
        write_if_changed(os.path.join(work, "cost.cpp"), COST_PROGRAM.format(
            includes="\n".join(f'#include "{t}.hpp"' for t in targets),
            models="\n".join(f"evaluated::{t}::Model {t};" for t in targets),
            calls="\n".join(f'  measure({t}, "{t}");' for t in targets)))
        lines += ["add_executable(evaluate cost.cpp)",
                  f'target_include_directories(evaluate PRIVATE "{cmake_path(SOURCE)}/ports/qemu-mps2-an386/bench")',
                  f"target_link_libraries(evaluate PRIVATE earshot::port_qemu_mps2_an386 {' '.join(targets)})"]
    else:
        lines.append(f"earshot_add_tool(evaluate MODELS {' '.join(targets)})")
    write_if_changed(os.path.join(work, "CMakeLists.txt"), "\n".join(lines) + "\n")


def build(work, jobs, cortex_m4=False):
    binary = os.path.join(work, "build")
    options = ["-DCMAKE_BUILD_TYPE=Release"]
    if cortex_m4:
        options += [f"-DCMAKE_TOOLCHAIN_FILE={SOURCE}/cmake/toolchains/arm-none-eabi-cortex-m4f.cmake",
                    "-DEARSHOT_PORT=qemu-mps2-an386"]
    subprocess.run(["cmake", "-S", work, "-B", binary] + options, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", binary, "--target", "evaluate", "-j", str(jobs)], check=True,
                   stdout=subprocess.DEVNULL)
    return os.path.join(binary, "evaluate.elf" if cortex_m4 else "evaluate")


def cortex_m4_instructions(image):
    """{model target: instructions of one inference} from the cost program in QEMU."""
    done = subprocess.run(["qemu-system-arm", "-M", "mps2-an386", "-nographic", "-semihosting", "-icount", "shift=0",
                           "-kernel", image], capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        sys.exit(f"{image} in QEMU: exit code {done.returncode}: {(done.stdout + done.stderr).strip()}")
    return {line.split()[1]: int(line.split()[2]) for line in done.stdout.splitlines() if line.startswith("instructions ")}


def held_out(manifest, fold):
    clips = {os.path.normpath(c["file"]): c["label"] for c in read_manifest(manifest) if c["fold"] == fold}
    if not clips:
        sys.exit(f"{manifest}: no clip of fold {fold}")
    return clips


def accuracy(tool, model, clips):
    done = subprocess.run([tool, "classify", "--model", model, "--resample", "--json"] + sorted(clips),
                          capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{tool} classify --model {model}: exit code {done.returncode}: {done.stderr.strip()}")
    decisions = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    if len(decisions) != len(clips):
        sys.exit(f"{model}: {len(decisions)} decisions for {len(clips)} clips")
    right = sum(d["label"] == clips[os.path.normpath(d["file"])] for d in decisions)
    return right, len(decisions)


def info(tool, model):
    done = subprocess.run([tool, "info", "--model", model, "--json"], check=True, capture_output=True, text=True)
    found = json.loads(done.stdout)
    return {key: found[key] for key in ("total_macc", "total_params", "weight_bytes", "arena_bytes")}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--manifest", required=True, help="the manifest train.py read")
    parser.add_argument("--work", default="build/evaluate-on-device", help="the generated project and its build")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--table", action="store_true", help="print a Markdown row per run")
    parser.add_argument("--cortex-m4", action="store_true", help="also count instructions per inference in QEMU")
    parser.add_argument("--summary", help="write the RUNs' folds, means and sizes to this JSON file")
    parser.add_argument("runs", nargs="+")
    args = parser.parse_args()
    runs = [os.path.abspath(r) for r in args.runs]
    results = [read_run(r) for r in runs]
    work = os.path.abspath(args.work)
    project(runs, work)
    tool = build(work, args.jobs)
    counted = {}
    if args.cortex_m4:
        project(runs, os.path.join(work, "cortex-m4"), cortex_m4=True)
        counted = cortex_m4_instructions(build(os.path.join(work, "cortex-m4"), args.jobs, cortex_m4=True))
    devices = []
    for index, (run, result) in enumerate(zip(runs, results)):
        (fold, torch_accuracy), = result["folds"].items()
        clips = held_out(args.manifest, fold)
        device = {"fold": fold, "clips": len(clips), "pytorch": torch_accuracy}
        for kind, model in (("float32", f"run{index}"), ("int8", f"run{index}_int8")):
            right, total = accuracy(tool, model, clips)
            device[kind] = dict(accuracy=right / total, right=right, **info(tool, model))
            if model in counted:
                device[kind]["cortex_m4_instructions"] = counted[model]
        with open(os.path.join(run, "device.json"), "w", encoding="utf-8") as f:
            json.dump(device, f, indent=1)
            f.write("\n")
        devices.append(device)
        f32, i8 = device["float32"], device["int8"]
        note = "" if abs(f32["accuracy"] - torch_accuracy) < 1e-9 else "  (float32 differs from PyTorch!)"
        print(f"{run}: fold {fold}, {len(clips)} clips: PyTorch {torch_accuracy:.2%}, float32 {f32['accuracy']:.2%}, "
              f"int8 {i8['accuracy']:.2%}; weights {f32['weight_bytes']:,} / {i8['weight_bytes']:,} B, "
              f"arena {f32['arena_bytes']:,} / {i8['arena_bytes']:,} B" + (
                  f"; Cortex-M4 {f32['cortex_m4_instructions']:,} / {i8['cortex_m4_instructions']:,} instructions"
                  if counted else "") + note)
        if args.table:
            m4 = f" {i8['cortex_m4_instructions']:,} |" if counted else ""
            print(f"| {os.path.basename(run)} | {fold} | {torch_accuracy:.2%} | {f32['accuracy']:.2%} | "
                  f"{i8['accuracy']:.2%} | {f32['total_macc']:,} | {i8['weight_bytes']:,} | {i8['arena_bytes']:,} |{m4}")
    if args.summary:
        summary = {"folds": {d["fold"]: {"clips": d["clips"], "pytorch": d["pytorch"], "float32": d["float32"]["accuracy"],
                                         "int8": d["int8"]["accuracy"]} for d in devices}}
        for kind in ("pytorch", "float32", "int8"):
            values = [f[kind] for f in summary["folds"].values()]
            summary[kind] = {"mean": statistics.mean(values),
                             "std": statistics.pstdev(values)}  # over the folds, as train.py's
        summary["sizes"] = {kind: {k: v for k, v in devices[0][kind].items() if k not in ("accuracy", "right")}
                            for kind in ("float32", "int8")}
        with open(args.summary, "w", encoding="utf-8") as f:
            json.dump(summary, f, indent=1)
            f.write("\n")
        print(f"{args.summary}: {len(devices)} folds: PyTorch {summary['pytorch']['mean']:.2%}, float32 "
              f"{summary['float32']['mean']:.2%}, int8 {summary['int8']['mean']:.2%} ± {summary['int8']['std']:.2%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
