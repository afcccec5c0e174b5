#!/usr/bin/env python3
"""Runs an STM32L4 firmware image in QEMU's b-l475e-iot01a and checks what the emulator saw.

  qemu_run.py [--until REGEX] [--require REGEX ...] [--same REGEX] [--seconds S] FIRMWARE.elf

Prints USART2's output (QEMU's second serial port) as it comes. Without --until it waits for
the self-test's end marker, `# end: exit code N`, stops QEMU there and exits with N; with it,
it stops at the first line matching REGEX and exits 0 (for firmware that never ends, such as
the microphone firmware, which waits for DFSDM, a peripheral QEMU does not have). Every
--require must have matched a line by then, and --same's group must have been captured by two
lines or more, the same each time (the address a firmware announces and the one it reports).
Either way it
then checks, from QEMU's own trace of its clock tree and USART models, that the board's clock
was switched to 80 MHz (SYSCLK and USART2's kernel clock) and that USART2 runs at 115200 baud
8N1 within 1% — what the firmware claims, seen from the other side of the registers.

A line starting `error: `, no such line, an early exit or more than S seconds (default 600) is
one line naming the problem and exit code 1; standard library only.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading

BOARD = "b-l475e-iot01a"
QEMU = "qemu-system-arm"
END = re.compile(r"^# end: exit code (\d+)\s*$")
CLOCK = re.compile(r"clock_set '(?P<path>[^']+)', (?P<old>\d+)Hz->(?P<new>\d+)Hz")
USART = re.compile(r"stm32l4x5_usart_update_params .*speed: (?P<baud>\d+), parity: (?P<parity>\w), "
                   r"data bits: (?P<bits>\d+), stop bits: (?P<stop>[\d.]+)")
SYSTEM_CLOCK_HZ = 80_000_000
BAUD = 115200


def fail(message):
    print(f"qemu_run.py: {message}", flush=True)
    sys.exit(1)


def check_board():
    try:
        machines = subprocess.run([QEMU, "-M", "help"], capture_output=True, text=True, timeout=60).stdout
        version = subprocess.run([QEMU, "--version"], capture_output=True, text=True, timeout=60).stdout
    except FileNotFoundError:
        fail(f"{QEMU} is not installed")
    if not re.search(rf"^{BOARD}\s", machines, re.MULTILINE):
        first = version.splitlines()[0] if version else QEMU
        fail(f"{first} has no machine {BOARD}: install QEMU 10 (Debian 12: bookworm-backports)")


def run(firmware, until, required, same, seconds, trace_path):
    command = [QEMU, "-M", BOARD, "-display", "none", "-monitor", "none",
               "-serial", "null", "-serial", "stdio",  # USART1 nowhere, USART2 to us
               "-icount", "shift=0", "-trace", "clock_set",
               "-trace", "stm32l4x5_usart_update_params", "-D", trace_path, "-kernel", firmware]
    qemu = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            errors="replace")
    timer = threading.Timer(seconds, qemu.terminate)
    timer.start()
    result = None
    stopped = None
    captured = []
    try:
        for line in qemu.stdout:
            line = line.rstrip("\r\n")
            print(line, flush=True)
            required = [pattern for pattern in required if not pattern.search(line)]
            value = same.search(line) if same is not None else None
            if value:
                captured.append(value.group(1))
            if line.startswith("error: "):
                stopped = line  # the firmware gave up: no need to wait for the time limit
                break
            stop = (until or END).search(line)
            if stop:
                result = 0 if until else int(stop.group(1))
                break
    finally:
        timed_out = not timer.is_alive() and result is None
        timer.cancel()
        qemu.terminate()  # SIGTERM: QEMU flushes its trace log before it goes
        try:
            qemu.wait(timeout=30)
        except subprocess.TimeoutExpired:
            qemu.kill()
            qemu.wait()
    if stopped is not None:
        fail(f"the firmware stopped: {stopped}")
    if result is None:
        wanted = f"line matching {until.pattern!r}" if until else "end marker '# end: exit code N'"
        if timed_out:
            fail(f"no {wanted} within {seconds:g} s")
        fail(f"QEMU exited with {qemu.returncode} before {wanted}")
    if required:
        fail("no line matching " + ", ".join(repr(pattern.pattern) for pattern in required))
    if same is not None and (len(captured) < 2 or len(set(captured)) != 1):
        fail(f"{same.pattern!r} captured {captured or 'nothing'}, not one value twice or more")
    return result


def check_trace(trace_path):
    clocks = {}
    usart = None
    with open(trace_path, errors="replace") as trace:
        for line in trace:
            clock = CLOCK.search(line)
            if clock:
                clocks[clock.group("path")] = int(clock.group("new"))
            parameters = USART.search(line)
            if parameters:
                usart = parameters
    problems = []
    for name in ("sysclk", "usart2"):
        hz = clocks.get(f"/machine/soc/rcc/{name}/out")
        if hz != SYSTEM_CLOCK_HZ:
            problems.append(f"{name} at {hz} Hz, not {SYSTEM_CLOCK_HZ}")
    if usart is None:
        problems.append("USART2 was never configured")
    else:
        baud = int(usart.group("baud"))
        framing = f"{usart.group('bits')}{usart.group('parity')}{usart.group('stop')}"
        if abs(baud - BAUD) > BAUD / 100 or framing != "8N1":
            problems.append(f"USART2 at {baud} baud {framing}, not {BAUD} 8N1")
    if problems:
        fail("emulator: " + "; ".join(problems))
    print(f"# emulator: SYSCLK and USART2's clock {SYSTEM_CLOCK_HZ} Hz, USART2 {usart.group('baud')} "
          f"baud 8N1 (QEMU's RCC and USART models)", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--until", type=re.compile, help="stop at the first line matching this")
    parser.add_argument("--require", type=re.compile, action="append", default=[],
                        help="a line matching this must come before the stop")
    parser.add_argument("--same", type=re.compile, help="its group 1 must be equal in every line it matches")
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("firmware")
    args = parser.parse_args()
    if not os.path.isfile(args.firmware):
        fail(f"{args.firmware}: no such file")
    check_board()
    with tempfile.TemporaryDirectory() as scratch:
        trace_path = os.path.join(scratch, "trace.log")
        result = run(args.firmware, args.until, args.require, args.same, args.seconds, trace_path)
        check_trace(trace_path)
    return result


if __name__ == "__main__":
    sys.exit(main())
