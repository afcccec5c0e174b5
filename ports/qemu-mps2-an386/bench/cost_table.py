#!/usr/bin/env python3
"""Runs earshot's cost images in QEMU and prints what earshot costs on a Cortex-M4F as one table.

  cost_table.py --emulator "qemu-system-arm;-M;...;-kernel" --size arm-none-eabi-size --nm arm-none-eabi-nm
                --clips examples/fsdd/clips [--output cost-table.md] NAME=ELF=OBJECT_DIR...

Images named earshot-qemu-cost-* are run; each prints `cost <key> <value>` lines (cost_report.hpp).
They run under QEMU's instruction trace, from which cycle_estimate.py estimates Cortex-M4 cycles
beside each instruction count.
Every image is sized (arm-none-eabi-size -A: flash = code, read-only data and the load image of
.data; static RAM = .data + .bss, the .stack reservation apart) and its .su files
(-fstack-usage) give the largest stack frames. Standard library only.
"""
import argparse
import glob
import os
import re
import subprocess
import sys

import cycle_estimate

CLOCK_HZ = 80e6          # STM32L476 in the thesis
STM32L476_WAIT_STATES = 4  # its flash at 80 MHz (RM0351: 4 wait states above 64 MHz in range 1)
WINDOW_SECONDS = 0.72    # the thesis' analysis window (31 frames of 512 at 22.05 kHz)
RAM_BUDGET = 64000      # the thesis' STM32L476 budget for the whole pipeline (issue 11; kB as 1000 bytes)
FLASH_SECTIONS = (".isr_vector", ".text", ".ARM.extab", ".ARM.exidx", ".preinit_array", ".init_array",
                  ".fini_array", ".data")


def qemu_version(emulator):
    """'10.0.2' from the emulator's --version (7.2 and 10.0 count the same instructions)."""
    result = subprocess.run([emulator[0], "--version"], capture_output=True, text=True, timeout=60)
    match = re.search(r"version (\d+\.\d+(?:\.\d+)?)", result.stdout)
    return match.group(1) if match else "(unknown version)"


def sizes(size_tool, elf):
    """(flash bytes, static RAM bytes) from arm-none-eabi-size -A."""
    output = subprocess.run([size_tool, "-A", elf], capture_output=True, text=True, check=True).stdout
    section = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1].isdigit():
            section[parts[0]] = int(parts[1])
    flash = sum(section.get(name, 0) for name in FLASH_SECTIONS)
    return flash, section.get(".data", 0) + section.get(".bss", 0)


def short_name(location):
    """`file.hpp:94:17:T earshot::Class<...>::method(args) [with ...]` -> `Class::method (file.hpp:94)`.
    GCC sometimes writes a name cut at the front (`>, In, ...>::run(...)`); then only the place."""
    path, line, _, function = location.split(":", 3)
    place = f"{os.path.basename(path)}:{line}"
    function = re.sub(r" \[with .*\]$", "", function)
    depth, flat = 0, ""
    for c in function:  # drop template arguments and parameter lists, however nested
        depth += c in "<("
        if depth == 0:
            flat += c
        depth -= c in ">)"
    flat = flat.split(" ")[-1]
    parts = [p for p in flat.split("::") if p and not p.startswith("{")]
    name = "::".join(parts[-2:])
    return f"{name} ({place})" if depth == 0 and re.fullmatch(r"[A-Za-z_~][\w:~]*", name) else place


def stack_frames(object_dir):
    """[(bytes, name, qualifier)] from every .su file under object_dir, largest first."""
    frames = []
    for path in glob.glob(os.path.join(object_dir, "**", "*.su"), recursive=True):
        for line in open(path):
            location, size, qualifier = line.rstrip("\n").rsplit("\t", 2)
            frames.append((int(size), short_name(location), qualifier))
    return sorted(frames, reverse=True)


def n(value):
    return f"{value:,.0f}"


def ms(cycles):
    return f"{cycles / CLOCK_HZ * 1e3:.2f} ms"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--emulator", required=True, help="the emulator command, ';'-separated, ending in -kernel")
    parser.add_argument("--size", required=True)
    parser.add_argument("--nm", required=True, help="arm-none-eabi-nm, to find the images' symbols in the trace")
    parser.add_argument("--clips", required=True, help="the WAV files embedded in earshot-qemu-fsdd")
    parser.add_argument("--output")
    parser.add_argument("images", nargs="+", help="NAME=ELF=OBJECT_DIR")
    args = parser.parse_args()
    emulator = args.emulator.split(";")
    images = {}
    for image in args.images:
        name, elf, object_dir = image.split("=", 2)
        images[name] = (elf, object_dir)

    # c: every reported value; counts: what the trace saw of the work behind an instruction count.
    c, counts = {}, {}
    for name, (elf, _) in images.items():
        if name.startswith("earshot-qemu-cost-"):
            for key, value, traced in cycle_estimate.estimate_image(emulator, args.nm, elf):
                c[key] = value
                if traced.instructions:
                    counts[key] = traced

    def cycles(instructions, key, wait_states=0):
        """Estimated cycles of `instructions` at the cycles per instruction the trace saw for `key`."""
        if key not in counts:
            sys.exit(f"cost_table.py: the trace saw no measured work before the report of {key}")
        traced = counts[key]
        return instructions * cycle_estimate.Model(flash_wait_states=wait_states).cycles(traced) / traced.instructions

    def cost(instructions, key):
        """'46,465 instr, 77,143 cycles est. (0.96 ms)'."""
        estimate = cycles(instructions, key)
        return f"{n(instructions)} instr, {n(estimate)} cycles est. ({ms(estimate)})"

    rows = []

    def row(what, earshot, reference=""):
        rows.append((what, earshot, reference))

    # Front-end.
    row("front-end frame: 16 kHz, n_fft 1024, hop 512, 30 mels, dB",
        f"{cost(c['frontend.16k_1024_30'], 'frontend.16k_1024_30')}; hop = 32 ms")
    frame_22k = c["frontend.22k_1024_60"]
    row("front-end frame: 22.05 kHz, n_fft 1024, hop 512, 60 mels, dB",
        f"{cost(frame_22k, 'frontend.22k_1024_60')}; hop = 23.2 ms",
        "CMSIS-DSP log-mel frame (rfft 1024, 60 bands, logf): 63,750 instr")
    row("front-end, one 0.72 s window (31 frames of the above)",
        cost(31 * frame_22k, "frontend.22k_1024_60"), "thesis: about 60 ms per 0.72 s window")
    row("front-end frame: fsdd-cnn's (8 kHz, n_fft 256, hop 128, 40 mels, dB)",
        f"{cost(c['frontend.fsdd'], 'frontend.fsdd')}; hop = 16 ms")
    row("real FFT, 1024 points, alone", cost(c["fft.1024"], "fft.1024"),
        "CMSIS-DSP arm_rfft_fast_f32: 44,684 instr")
    row("power spectrum of a windowed 1024-point frame (what a frame uses: window, FFT, squares fused)",
        cost(c["power.1024"], "power.1024"))
    row("dB of 60 mel bands (fast_ln), alone", f"{cost(c['db.60'], 'db.60')}; {c['db.60'] / 60:.0f} instr a band",
        "newlib logf: about 80 instr a call")

    for key, shape in (("normalize.1860", "60 x 31 (Stride-DS-24)"), ("normalize.1280", "40 x 32 (fsdd-cnn)")):
        count = 60 * 31 if key.endswith("1860") else 40 * 32
        row(f"per-window z-score (mean/std) of {shape} values", f"{cost(c[key], key)}; {c[key] / count:.0f} instr a value")

    # Models.
    thesis = {"stride_ds_24": ("Stride-DS-24", 477236, 6527943), "baseline": ("Baseline", 10185806, 77743690),
              "fsdd": ("fsdd-cnn (examples/fsdd)", 0, 0), "fsdd_int8": ("fsdd-cnn int8", 0, 0),
              "stride_ds_24_int8": ("Stride-DS-24 int8 (PyTorch-shaped, stand-in weights)", 477236, 6527943),
              # 60 x 40 windows: not the thesis' 60 x 31 network, so no X-CUBE-AI figure to set beside it.
              "esc10": ("esc10-stride-ds-24 (trained, examples/esc10, 60 x 40 windows)", 0, 0),
              "esc10_int8": ("esc10-stride-ds-24 int8 (trained)", 0, 0)}
    for key in ("fsdd", "fsdd_int8", "stride_ds_24", "stride_ds_24_int8", "esc10", "esc10_int8", "baseline"):
        label, xcube_macc, xcube_cycles = thesis[key]
        instructions, macc = c[f"model.{key}.instructions"], c[f"model.{key}.macc"]
        estimate = cycles(instructions, f"model.{key}.instructions")
        text = (f"{cost(instructions, f'model.{key}.instructions')}; {instructions / macc:.2f} instr and "
                f"{estimate / macc:.2f} cycles est. per MACC ({n(macc)} MACC)")
        reference = ""
        if xcube_macc:
            text += f"; {estimate / xcube_macc:.2f} cycles est. per X-CUBE-AI MACC"
            reference = (f"X-CUBE-AI: {n(xcube_cycles)} cycles = {ms(xcube_cycles)}, "
                         f"{xcube_cycles / xcube_macc:.1f} cycles/MACC ({n(xcube_macc)} MACC)")
        if key.startswith(("stride_ds_24", "esc10")):
            reference += ("; " if reference else "") + "CMSIS-NN int8 peers: conv 5.4, depthwise 10.5, 1x1 3.3, FC 2.0 instr/MAC"
        row(f"inference: {label}", text, reference)

    layers = (("conv1", "conv 5x5 stride 2, 1 -> 24 channels", "CMSIS-NN int8 5x5 stride-2 conv: 5.4"),
              ("depthwise2", "depthwise 5x5 stride 2, 24 channels", "CMSIS-NN int8 depthwise 5x5: 10.5"),
              ("pointwise2", "1x1 conv, 24 -> 36 channels", "CMSIS-NN int8 1x1: 3.3"),
              ("separable3", "separable 5x5 stride 2, 36 -> 54 (depthwise + 1x1)", ""),
              ("dense4", "dense 648 -> 64", "CMSIS-NN int8 fully connected: 2.0"),
              ("conv1_int8", "int8 conv 5x5 stride 2, 1 -> 24 channels", "CMSIS-NN int8 5x5 stride-2 conv: 5.4"),
              ("separable2_int8", "int8 separable 5x5 stride 2, 24 -> 36 (depthwise + 1x1)",
               "CMSIS-NN int8 depthwise 5x5: 10.5, 1x1: 3.3"),
              ("separable3_int8", "int8 separable 5x5 stride 2, 36 -> 54 (depthwise + 1x1)", ""),
              ("dense4_int8", "int8 dense 648 -> 64", "CMSIS-NN int8 fully connected: 2.0"))
    for key, label, reference in layers:
        instructions, macc = c[f"layer.{key}.instructions"], c[f"layer.{key}.macc"]
        estimate = cycles(instructions, f"layer.{key}.instructions")
        row(f"Stride-DS-24 layer alone: {label}",
            f"{cost(instructions, f'layer.{key}.instructions')}; {instructions / macc:.2f} instr and "
            f"{estimate / macc:.2f} cycles est. per MACC ({n(macc)} MACC)",
            reference + (" instr/MAC" if reference else ""))

    # Whole pipelines.
    for key, label in (("fsdd", "fsdd-cnn"), ("fsdd_int8", "fsdd-cnn int8"), ("stride_ds_24", "Stride-DS-24"),
                       ("stride_ds_24_int8", "Stride-DS-24 int8"),
                       ("esc10_int8", "esc10-stride-ds-24 int8 (its own front-end: 16 kHz, hop 256, 40 frames)")):
        p = lambda what: c[f"pipeline.{key}.{what}"]
        seconds = p("samples") / p("sample_rate")
        per_window = p("instructions") * WINDOW_SECONDS / seconds
        measured = f"pipeline.{key}.instructions"
        window_cycles = cycles(per_window, measured)
        block_ms = 1e3 * p("block_samples") / p("sample_rate")
        row(f"whole pipeline, {label}: per 0.72 s of audio (continuous, {p('block_samples')}-sample int16 blocks, "
            f"50% overlap, vote of 3, decisions; {p('windows')} windows in {seconds:.1f} s)",
            f"{cost(per_window, measured)} = {100 * window_cycles / (CLOCK_HZ * WINDOW_SECONDS):.1f}% "
            f"of an 80 MHz core, real-time margin {CLOCK_HZ * WINDOW_SECONDS / window_cycles:.1f}x; "
            f"{n(cycles(per_window, measured, STM32L476_WAIT_STATES))} cycles est. with "
            f"{STM32L476_WAIT_STATES} flash wait states on every taken branch and literal (no flash cache)",
            "thesis, Stride-DS-24: 81.6 ms model + about 60 ms front-end per 0.72 s window"
            if key == "stride_ds_24" else "")
        row(f"whole pipeline, {label}: the most expensive {block_ms:.0f} ms block (one with an inference)",
            cost(p("worst_block"), measured))

    # Sizes and stack.
    clip_bytes = sum(os.path.getsize(f) for f in glob.glob(os.path.join(args.clips, "*.wav")))
    stack_of = {"earshot-qemu-cost-pipeline-fsdd": c["pipeline.fsdd.stack"],
                "earshot-qemu-cost-pipeline-fsdd-int8": c["pipeline.fsdd_int8.stack"],
                "earshot-qemu-cost-pipeline-stride-ds-24": c["pipeline.stride_ds_24.stack"],
                "earshot-qemu-cost-pipeline-stride-ds-24-int8": c["pipeline.stride_ds_24_int8.stack"],
                "earshot-qemu-cost-pipeline-esc10-int8": c["pipeline.esc10_int8.stack"]}
    described = {
        "earshot-qemu-cost-pipeline-fsdd": ("firmware, whole pipeline fsdd-cnn (earshot-qemu-cost-pipeline-fsdd)", ""),
        "earshot-qemu-cost-pipeline-fsdd-int8": (
            "firmware, whole pipeline fsdd-cnn int8 (earshot-qemu-cost-pipeline-fsdd-int8)", ""),
        "earshot-qemu-cost-pipeline-stride-ds-24": (
            "firmware, whole pipeline Stride-DS-24 (earshot-qemu-cost-pipeline-stride-ds-24)",
            "X-CUBE-AI, model alone: 184,640 B flash, 56,250 B RAM"),
        "earshot-qemu-cost-pipeline-stride-ds-24-int8": (
            "firmware, whole pipeline Stride-DS-24 int8 (earshot-qemu-cost-pipeline-stride-ds-24-int8)",
            "X-CUBE-AI (float32), model alone: 184,640 B flash, 56,250 B RAM"),
        "earshot-qemu-cost-pipeline-esc10-int8": (
            "firmware, whole pipeline esc10-stride-ds-24 int8 (earshot-qemu-cost-pipeline-esc10-int8)",
            "thesis' budget (STM32L476): 64 kB RAM, 128 kB int8 weights"),
        "earshot-qemu-fsdd": (f"firmware earshot-qemu-fsdd (the CTest check; {n(clip_bytes)} B of it are the "
                              f"embedded WAV clips)", ""),
    }
    for name, (label, reference) in described.items():
        elf, object_dir = images[name]
        flash, ram = sizes(args.size, elf)
        if name == "earshot-qemu-cost-pipeline-esc10-int8" and ram + stack_of[name] > RAM_BUDGET:
            sys.exit(f"cost_table.py: {name} takes {n(ram)} B of static RAM and {n(stack_of[name])} B of stack, "
                     f"above the thesis' {n(RAM_BUDGET)} B budget for the shipped ESC-10 model")
        text = f"flash (text + data) {n(flash)} B, static RAM (data + bss) {n(ram)} B"
        if name in stack_of:
            text += f", stack high-water {n(stack_of[name])} B (measured, whole run, newlib's printf included)"
        frames = stack_frames(object_dir)
        if frames:
            biggest = ", ".join(f"{f[1]} {f[0]} B" + ("" if f[2] == "static" else f" ({f[2]})") for f in frames[:3])
            text += (f"; largest .su frames: {biggest}; sum of all {len(frames)} frames of its own code "
                     f"{n(sum(f[0] for f in frames))} B (a bound without newlib)")
        row(label, text, reference)

    lines = [
        f"| on the Cortex-M4F (QEMU {qemu_version(emulator)} mps2-an386, -icount shift=0, arm-none-eabi-gcc 12, -O3; "
        "float32 unless int8) "
        "| earshot | thesis (X-CUBE-AI, STM32L476 at 80 MHz) / peers on the same emulator |",
        "|---|---|---|",
    ] + [f"| {what} | {earshot} | {reference} |" for what, earshot, reference in rows]
    notes = ("Instructions are what QEMU executes (exact, in steps of 40). Cycles are estimated (cycle_estimate.py): "
             "every instruction the trace shows in the same measured work weighted by the Cortex-M4 TRM's timings "
             "(branch refill 2, 0 flash wait states, divides 12), the instruction count times those cycles per "
             "instruction; a window's front-end and the worst block use the cycles per instruction of the frame and "
             "of the whole pipeline run. The ms are estimated cycles at 80 MHz. Not checked on silicon: see the "
             "README for what the model cannot know.")
    table = "\n".join(lines) + "\n\n" + notes + "\n"
    print(table)
    if args.output:
        with open(args.output, "w") as out:
            out.write(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
