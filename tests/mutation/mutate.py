#!/usr/bin/python3
"""Single-line mutations the test suite must catch, applied one at a time to a scratch copy of
the source tree (the working tree is never touched): each mutation is applied, the scratch build
rebuilt, the tests that should notice run (a CTest regex), and the mutation reverted. A
mutation the tests miss is a test to write. Run by hand (it rebuilds for every mutation):

    /usr/bin/python3 tests/mutation/mutate.py                 # every mutation
    /usr/bin/python3 tests/mutation/mutate.py pads-top-bottom # some, by name
    /usr/bin/python3 tests/mutation/mutate.py --list

The scratch copy and its build live in --work (default /tmp/earshot-mutation) and are kept
between runs, so a second run rebuilds only what each mutation touches. Exit code 0 when every
mutation selected is caught, 1 otherwise. Add one for every bug fixed: the line that was wrong
(or the check that was missing) and the tests that now notice."""
import argparse
import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# name: (file, text to find (exactly once), its replacement, CTest regex of the tests that must fail
# [, the build that runs them: "host" (the default) or "stm32l4", the STM32L4 port's QEMU tests])
MUTATIONS = {
    # Issue 14's surviving mutations.
    "pads-top-bottom": ("cmake/earshot_converter/onnx_import.py",
                        "return (pads[0], pads[1], pads[2], pads[3])",
                        "return (pads[2], pads[1], pads[0], pads[3])", "converter: "),
    "pads-left-right": ("cmake/earshot_converter/onnx_import.py",
                        "return (pads[0], pads[1], pads[2], pads[3])",
                        "return (pads[0], pads[3], pads[2], pads[1])", "converter: "),
    "gate-keeps-vote-horizon": ("include/earshot/pipeline/monitor.hpp",
                                "      if (result.window.gated) {\n        voter_.reset();",
                                "      if (result.window.gated) {", "earshot-pipeline-tests"),
    "silence-is-minus-200-dbfs": ("include/earshot/pipeline/level_meter.hpp",
                                  ": -std::numeric_limits<double>::infinity();", ": -200.0;",
                                  "earshot-pipeline-tests"),
    "sample-limit-1e30": ("examples/cli/feature_extraction.cpp", "constexpr float kLargestSample = 1e6f;",
                          "constexpr float kLargestSample = 1e30f;", "earshot bad inputs"),
    # Bugs fixed since, each with the check that was missing.
    "npy-dtype-line-break": ("include/earshot/io/npy.hpp", "if (c < ' ' || c > '~') c = '?';", "(void)c;",
                             "earshot-io-tests|fuzz npy"),
    "decibel-offset-squared-in-float": ("include/earshot/dsp/decibel.hpp",
                                        "const float offset = 20.0f * std::log10(ref > amin ? ref : amin);",
                                        "const float offset = 10.0f * std::log10(ref * ref > amin_power ? "
                                        "ref * ref : amin_power);", "earshot-dsp-tests|fuzz frontend_config"),
    "magnitude-amin-underflow": ("include/earshot/dsp/frontend.hpp",
                                 "!(amin_power > 0.0f && amin_power < HUGE_VALF)) {",
                                 "!(amin_power < HUGE_VALF)) {",
                                 "earshot-dsp-tests|fuzz frontend_config"),
    "magnitude-amin-overflow": ("include/earshot/dsp/frontend.hpp",
                                "!(amin_power > 0.0f && amin_power < HUGE_VALF)) {",
                                "!(amin_power > 0.0f)) {",
                                "earshot-dsp-tests|fuzz frontend_config"),
    "infinite-ref-accepted": ("include/earshot/dsp/frontend.hpp", "config.ref > 0.0f && config.ref < HUGE_VALF &&",
                              "config.ref > 0.0f &&", "earshot-dsp-tests|fuzz frontend_config"),
    "mel-infinite-weight": ("include/earshot/dsp/mel_filterbank.hpp",
                            "if (!(weight < HUGE_VALF)) return Status::kInvalidFrequencyRange;", "",
                            "earshot-dsp-tests|fuzz frontend_config"),
    "wav-metadata-to-libsndfile": ("examples/cli/audio_file.cpp",
                                   'if (!rf64 && std::memcmp(bytes.data(), "RIFF", 4) != 0) return bytes;',
                                   "return bytes;", "hangs libsndfile"),
    "rf64-metadata-to-libsndfile": ("examples/cli/audio_file.cpp",
                                    'const bool rf64 = std::memcmp(bytes.data(), "RF64", 4) == 0;',
                                    "const bool rf64 = false;", "hangs libsndfile"),
    "json-six-digits": ("examples/cli/classify_common.hpp",
                        'std::snprintf(number, sizeof number, "%.9g", static_cast<double>(value));',
                        'std::snprintf(number, sizeof number, "%.6g", static_cast<double>(value));',
                        "nine significant|earshot windows"),
    "decision-one-window-late": ("include/earshot/pipeline/decision.hpp",
                                 "if (run_ < config_.min_consecutive || candidate_ == state_) return false;",
                                 "if (run_ <= config_.min_consecutive || candidate_ == state_) return false;",
                                 "earshot stream"),
    # Issue 15: the STM32L4 port in QEMU's b-l475e-iot01a.
    "stm32l4-pll-n-36": ("ports/stm32l4/board.cpp", "(40u << 8) | (0u << 25)", "(36u << 8) | (0u << 25)",
                         "stm32l4-", "stm32l4"),
    "stm32l4-flash-always-present": ("ports/stm32l4/board.cpp",
                                     "const bool flash_interface_present = reg(flash::kAcr) != 0;",
                                     "const bool flash_interface_present = true;", "stm32l4-", "stm32l4"),
    "stm32l4-fault-pc-is-lr": ("ports/stm32l4/startup.cpp", "write_hex(frame[6]);", "write_hex(frame[5]);",
                               "stm32l4-fault", "stm32l4"),
}

# How each build is configured (in --work/<name>); a build is made only if a selected mutation needs it.
BUILDS = {
    "host": ["-DCMAKE_BUILD_TYPE=Release", "-DEARSHOT_BUILD_PYTHON=ON", "-DEARSHOT_BUILD_BENCHMARKS=OFF"],
    "stm32l4": ["-DCMAKE_BUILD_TYPE=Release", "-DEARSHOT_PORT=stm32l4",
                "-DCMAKE_TOOLCHAIN_FILE={source}/cmake/toolchains/arm-none-eabi-cortex-m4f.cmake"],
}


def build_of(mutation):
    return mutation[4] if len(mutation) > 4 else "host"


def run(command, cwd, log, timeout=None):
    with open(log, "a", encoding="utf-8") as out:
        out.write(f"\n$ {' '.join(command)}\n")
        out.flush()
        try:
            return subprocess.run(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            return "timeout"


def sync_scratch(work):
    """The working tree's sources (not its builds or .git) copied over the scratch copy."""
    source = os.path.join(work, "source")
    ignore = shutil.ignore_patterns("build", ".git", "__pycache__")
    shutil.copytree(ROOT, source, ignore=ignore, dirs_exist_ok=True)
    return source


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="mutations to run (default: all)")
    parser.add_argument("--work", default="/tmp/earshot-mutation")
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()
    if args.list:
        for name, (path, _, _, tests, *_) in MUTATIONS.items():
            print(f"{name:34s} {path}  (tests: {tests}; build: {build_of(MUTATIONS[name])})")
        return 0
    unknown = [n for n in args.names if n not in MUTATIONS]
    if unknown:
        sys.exit(f"mutate.py: unknown mutation {', '.join(unknown)} (--list shows them)")
    names = args.names or list(MUTATIONS)
    os.makedirs(args.work, exist_ok=True)
    log = os.path.join(args.work, "mutation.log")
    source = sync_scratch(args.work)
    builds = {}
    for kind in sorted({build_of(MUTATIONS[name]) for name in names}):
        builds[kind] = os.path.join(args.work, "build" if kind == "host" else f"build-{kind}")
        options = [option.format(source=source) for option in BUILDS[kind]]
        if run(["cmake", "-S", source, "-B", builds[kind], *options], ROOT, log) != 0 or \
                run(["cmake", "--build", builds[kind], "-j2"], ROOT, log) != 0:
            sys.exit(f"mutate.py: the unmutated scratch copy does not build for {kind} (see {log})")
    missed = []
    for name in names:
        path, find, replace, tests = MUTATIONS[name][:4]
        build = builds[build_of(MUTATIONS[name])]
        target = os.path.join(source, path)
        with open(target, encoding="utf-8") as f:
            original = f.read()
        if original.count(find) != 1:
            sys.exit(f"mutate.py: {name}: the text to mutate is not in {path} exactly once (update the list)")
        started = time.time()
        try:
            with open(target, "w", encoding="utf-8") as f:
                f.write(original.replace(find, replace))
            built = run(["cmake", "--build", build, "-j2"], ROOT, log)
            result = "does not build" if built != 0 else None
            if result is None:
                tested = run(["ctest", "--test-dir", build, "-j2", "-R", tests, "--timeout", "120"], ROOT, log,
                             timeout=3600)
                result = "caught" if tested != 0 else "MISSED"
        finally:
            with open(target, "w", encoding="utf-8") as f:
                f.write(original)
        print(f"{name:34s} {result:15s} ({time.time() - started:.0f} s; tests: {tests})", flush=True)
        if result != "caught":
            missed.append(name)
    # The scratch tree is the working tree again; rebuild so the next run starts clean.
    for build in builds.values():
        run(["cmake", "--build", build, "-j2"], ROOT, log)
    print(f"{len(names) - len(missed)} of {len(names)} mutations caught" +
          (f"; not caught: {', '.join(missed)}" if missed else ""))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
