#!/usr/bin/env python3
"""Estimates Cortex-M4 cycles from QEMU's instruction trace: every executed instruction weighted
by the cycle counts ARM publishes for the processor, since QEMU itself counts instructions only.

  cycle_estimate.py --emulator "qemu-system-arm;-M;mps2-an386;...;-kernel" --nm arm-none-eabi-nm
                    [--refill 1..3] [--flash-wait-states W] IMAGE.elf

runs a cost image (cost_report.hpp) once more with `-d in_asm,exec,nochain`: QEMU logs every
translated block's disassembly and every execution of a block, which this reads from a pipe as
QEMU writes it. Each `cost <key> <value>` line the image prints gets an estimate: its value times
the cycles per instruction of the work measured since the report before (the regions between
the image's paired instruction_count() calls, found by address). cost_table.py prints them
beside the instruction counts.

The model (Cortex-M4 Technical Reference Manual r0p1, ARM DDI 0439B: table 3-1, the processor's
instruction set summary; section 3.3.2, load/store timings; table 7-1, the FPU's instruction
set; all for zero wait states):
- 1 cycle for data processing, multiplies (MUL, MLA, MLS, the long and DSP multiplies), IT,
  and the single-cycle FPU operations (VADD, VSUB, VMUL, VNMUL, VABS, VNEG, VCMP, VCVT, VMOV of
  an immediate or between FPU registers, VMRS, VMSR);
- loads (LDR*, VLDR.32) 2, and 1 when they follow a load whose result they do not use for their
  address (neighbouring loads and stores pipeline); VLDR.64 3; STR with an immediate offset 1,
  with a register offset 2 (1 after a load); VSTR 2 (1 after a load); LDRD and STRD 3;
  LDM, STM, PUSH, POP, VLDM, VSTM, VPUSH, VPOP 1 + N (N registers, a double counting 2);
- a load or store whose address register the instruction just before wrote: 1 more (no
  forwarding path, section 3.3.2);
- VMLA, VMLS, VNMLA, VNMLS, VFMA, VFMS, VFNMA, VFNMS 3; VDIV and VSQRT 14; VMOV between
  one or two core registers and FPU registers 2;
- SDIV and UDIV 2 to 12 by their operands (--divide, default 12: the trace has no values);
- a branch that is taken (the next executed block does not start where the branch falls
  through) 1 + P, P the pipeline refill, 1 to 3 by the target's alignment and width (--refill,
  default 2); POP or LDR into PC also 1 + P more, TBB and TBH 2 + P; untaken branches 1;
- flash wait states W (--flash-wait-states, default 0): added to every refill, and to every
  PC-relative load (a literal in flash), as a core fetching from flash without a cache pays them.
What it cannot know: data values (divides), which other loads read flash (constants and weights
in flash on a device; the trace has no data addresses), bus contention and write-buffer stalls,
wide instructions fetched unaligned, FPU result latencies the table does not list, and
exception entry and return (12 cycles each; these images take one SysTick interrupt per
16.7 million ticks). Standard library only."""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading

CONDITIONS = ("eq", "ne", "cs", "hs", "cc", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "al")
LOADS = {"ldr", "ldrb", "ldrh", "ldrsb", "ldrsh", "ldrex", "ldrexb", "ldrexh", "ldrt", "ldrbt", "ldrht", "ldrsbt",
         "ldrsht", "vldr"}
STORES = {"str", "strb", "strh", "strex", "strexb", "strexh", "strt", "strbt", "strht", "vstr"}
PAIRS = {"ldrd", "strd"}
MULTIPLE = {"ldm", "ldmia", "ldmdb", "ldmfd", "ldmea", "stm", "stmia", "stmdb", "stmfd", "stmea", "push", "pop",
            "vldm", "vldmia", "vldmdb", "vstm", "vstmia", "vstmdb", "vpush", "vpop"}
BRANCHES = {"b", "bl", "bx", "blx", "cbz", "cbnz"}
TABLE_BRANCHES = {"tbb", "tbh"}
FP_MULTIPLY_ACCUMULATE = {"vmla", "vmls", "vnmla", "vnmls", "vfma", "vfms", "vfnma", "vfnms"}
FP_LONG = {"vdiv", "vsqrt"}
DIVIDES = {"sdiv", "udiv"}
# Instructions that write no register of their first operand (compares, tests) or are not data
# processing: their first operand is no address dependency for the next load or store.
NO_DESTINATION = {"cmp", "cmn", "tst", "teq", "it", "ite", "itt", "itee", "itte", "itet", "ittt", "iteee", "ittee",
                  "itete", "ittte", "iteet", "ittet", "itett", "itttt", "nop", "dmb", "dsb", "isb", "vcmp", "vcmpe",
                  "vmrs", "vmsr"} | LOADS | STORES | PAIRS | MULTIPLE | BRANCHES | TABLE_BRANCHES
KNOWN = (LOADS | STORES | PAIRS | MULTIPLE | BRANCHES | TABLE_BRANCHES | FP_MULTIPLY_ACCUMULATE | FP_LONG | DIVIDES
         | NO_DESTINATION | {"mov", "vmov"})
REGISTER = re.compile(r"\b(r\d{1,2}|sb|sl|fp|ip|sp|lr|pc)\b")


def base_mnemonic(mnemonic):
    """'ldr.w' -> 'ldr', 'vfma.f32' -> 'vfma', 'addeq' -> 'add', 'bne' -> 'b', 'vmovgt.f32' -> 'vmov'."""
    name = mnemonic.split(".")[0]
    if name in KNOWN:
        return name
    for condition in CONDITIONS:
        if name.endswith(condition) and len(name) > len(condition):
            stripped = name[:-len(condition)]
            if stripped in KNOWN or stripped in {"add", "sub", "and", "orr", "eor", "mvn", "rsb", "adc", "sbc", "bic",
                                                 "lsl", "lsr", "asr", "ror", "mul", "adds", "subs", "ands", "orrs",
                                                 "eors", "movs", "lsls", "lsrs", "asrs"}:
                return stripped
    return name


class Instruction:
    __slots__ = ("address", "size", "name", "operands", "cycles", "load_target", "address_registers", "writes",
                 "branch", "pc_relative")

    def __init__(self, address, size, mnemonic, operands, divide):
        self.address, self.size, self.operands = address, size, operands
        name = base_mnemonic(mnemonic)
        self.name = name
        self.load_target = None     # the register a single load writes (pipelining, dependencies)
        self.address_registers = ()  # registers a load or store computes its address from
        self.writes = None          # the register a data-processing instruction writes
        self.branch = False         # may change the flow: 1 + P... when taken
        self.pc_relative = False
        bracket = operands[operands.find("["):operands.find("]") + 1] if "[" in operands else ""
        registers = REGISTER.findall(operands)
        if name in LOADS or name in STORES:
            self.address_registers = tuple(REGISTER.findall(bracket))
            self.pc_relative = "pc" in self.address_registers
            if name in LOADS:
                self.cycles = 3 if name == "vldr" and operands.lstrip().startswith("d") else 2
                self.load_target = "an FPU register" if name == "vldr" else (registers[0] if registers else None)
                self.branch = self.load_target == "pc"  # LDR PC: 2 + P
            elif name == "vstr":
                self.cycles = 3 if operands.lstrip().startswith("d") else 2
            else:  # STR: 1 with an immediate offset, 2 with a register offset
                self.cycles = 2 if len(self.address_registers) > 1 else 1
        elif name in PAIRS:
            self.address_registers = tuple(REGISTER.findall(bracket))
            self.cycles = 3
        elif name in MULTIPLE:
            listed = operands[operands.find("{") + 1:operands.find("}")]
            count = 0
            for item in listed.split(","):
                item = item.strip()
                if "-" in item:  # a range, e.g. s16-s31
                    first, last = item.split("-")
                    span = int(last[1:]) - int(first[1:]) + 1
                    count += span * (2 if first.startswith("d") else 1)
                elif item:
                    count += 2 if item.startswith("d") else 1
            self.cycles = 1 + count
            if name in ("pop", "ldm", "ldmia", "ldmfd") and "pc" in listed:
                self.branch = True
        elif name in BRANCHES:
            self.cycles, self.branch = 1, True
        elif name in TABLE_BRANCHES:
            self.cycles, self.branch = 2, True  # 2 + P
        elif name in FP_MULTIPLY_ACCUMULATE:
            self.cycles = 3
        elif name in FP_LONG:
            self.cycles = 14
        elif name in DIVIDES:
            self.cycles = divide
        elif name == "vmov" and registers:  # between core and FPU registers (`vmov s0, r1`): 2
            self.cycles = 2
        else:
            self.cycles = 1
            if name in ("mov", "add") and registers and registers[0] == "pc":  # MOV PC / ADD PC: a branch
                self.branch = True
        first = operands.split(",")[0].strip()
        if name not in NO_DESTINATION and REGISTER.fullmatch(first) and not self.branch:
            self.writes = first


class Model:
    """The parameters the trace cannot tell: the refill P of a taken branch, the flash wait states W
    and the cycles of a divide."""

    def __init__(self, refill=2, flash_wait_states=0, divide=12):
        if not 1 <= refill <= 3:
            raise ValueError(f"the pipeline refill is 1 to 3 cycles, got {refill}")
        if flash_wait_states < 0:
            raise ValueError(f"flash wait states are 0 or more, got {flash_wait_states}")
        if not 2 <= divide <= 12:
            raise ValueError(f"a divide takes 2 to 12 cycles, got {divide}")
        self.refill, self.flash_wait_states, self.divide = refill, flash_wait_states, divide

    def cycles(self, counts):
        """Cycles of Counts: the table's cycles, the refills and the wait states."""
        return counts.base + counts.taken * (self.refill + self.flash_wait_states) + \
            counts.literals * self.flash_wait_states


def pair_cost(previous, current):
    """current's cycles (wait states apart) after previous (None: at the start)."""
    cycles = current.cycles
    if previous is None:
        return cycles
    if (previous.load_target is not None and (current.name in LOADS or current.name in STORES)
            and previous.load_target not in current.address_registers and current.cycles > 1):
        # a load followed by a load or store that does not take its address from the load's
        # result pipelines with it: one cycle fewer (an STR with an immediate offset is 1 anyway)
        cycles -= 1
    if previous.writes is not None and previous.writes in current.address_registers:
        cycles += 1
    return cycles


class Counts:
    """What the cycles are made of: executed instructions, their cycles from the tables (pairs
    included), taken branches (each 1 + P + W: the 1 is in base) and PC-relative loads (+ W)."""
    __slots__ = ("instructions", "base", "taken", "literals")

    def __init__(self, instructions=0, base=0, taken=0, literals=0):
        self.instructions, self.base, self.taken, self.literals = instructions, base, taken, literals

    def __add__(self, other):
        return Counts(self.instructions + other.instructions, self.base + other.base, self.taken + other.taken,
                      self.literals + other.literals)

    def __sub__(self, other):
        return Counts(self.instructions - other.instructions, self.base - other.base, self.taken - other.taken,
                      self.literals - other.literals)

    def __eq__(self, other):
        return (self.instructions, self.base, self.taken, self.literals) == \
            (other.instructions, other.base, other.taken, other.literals)

    def __repr__(self):
        return f"Counts({self.instructions}, {self.base}, {self.taken}, {self.literals})"


class Block:
    """A translated block: its instructions, their cycles within it, where it falls through."""
    __slots__ = ("instructions", "cycles", "prefix_cycles", "literals", "prefix_literals", "end", "branch", "count")

    def __init__(self, instructions):
        self.instructions = instructions
        total, literals, self.prefix_cycles, self.prefix_literals, previous = 0, 0, [], [], None
        for instruction in instructions:
            self.prefix_cycles.append(total)
            self.prefix_literals.append(literals)
            total += pair_cost(previous, instruction)
            literals += instruction.pc_relative
            previous = instruction
        self.cycles, self.literals = total, literals
        self.count = len(instructions)
        last = instructions[-1]
        self.end = last.address + last.size
        self.branch = last.branch


class Estimator:
    """Reads QEMU's `-d in_asm,exec,nochain` log into Counts: `total`, and per report (a call of
    the function at `reported`) those of the regions measured since the report before, a region
    running from a call of the function at `instruction_count` to the next (calls paired)."""

    def __init__(self, divide=12, instruction_count=None, reported=None):
        self.divide = divide
        self.instruction_count, self.reported = instruction_count, reported
        self.blocks = {}
        self.instructions = self.base = self.taken = self.literals = 0  # executed, in total
        self.reports = []
        self._pending = []
        self._previous = None  # (block, executed instruction count) of the last block executed
        self._calls = 0
        self._region_start = None
        self._since_report = Counts()

    @property
    def total(self):
        return Counts(self.instructions, self.base, self.taken, self.literals)

    def feed(self, line):
        if line.startswith("Trace"):
            self._execute(line)
        elif line.startswith("IN:"):
            self._pending = []
        elif line.startswith("0x") and ":  " in line:
            self._pending.append(self._instruction(line))
        elif line.startswith("cpu_io_recompile: rewound execution of TB to "):
            self._rewind(int(line.rsplit(" ", 1)[1], 16))

    def _instruction(self, line):
        address = int(line[2:10], 16)
        rest = line[13:]
        halfwords = rest[:9].split()
        text = rest[11:].strip().split(None, 1)
        return Instruction(address, 2 * len(halfwords), text[0], text[1] if len(text) > 1 else "", self.divide)

    def _execute(self, line):
        key = line[line.index("[") + 1:line.index("]")]
        block = self.blocks.get(key)
        pc = int(key.split("/")[1], 16)
        if self._pending:
            if self._pending[0].address == pc:
                block = self.blocks[key] = Block(self._pending)
            self._pending = []
        if block is None:
            raise ValueError(f"the trace executes block {key} before translating it (run with -d in_asm,exec,nochain)")
        if self._previous is not None:
            previous, executed = self._previous
            end = previous.end if executed == previous.count else previous.instructions[executed].address
            if pc != end:  # a change of flow: the branch was taken (or an exception came)
                self.taken += 1
            elif executed < previous.count or not previous.branch:
                # a block split without a branch (icount, I/O): the pair across the split
                first = block.instructions[0]
                self.base += pair_cost(previous.instructions[executed - 1], first) - pair_cost(None, first)
        if pc == self.instruction_count:
            self._calls += 1
            if self._calls % 2:  # the first of a pair: the measured work starts
                self._region_start = self.total
            elif self._region_start is not None:
                self._since_report = self._since_report + (self.total - self._region_start)
        elif pc == self.reported:
            self.reports.append(self._since_report)
            self._since_report = Counts()
        self.instructions += block.count
        self.base += block.cycles
        self.literals += block.literals
        self._previous = (block, block.count)

    def _rewind(self, address):
        """QEMU stopped the last block before `address` (an I/O access under icount) and runs the
        rest as a new block: take back what was counted for the instructions from there on."""
        block, _ = self._previous
        for index, instruction in enumerate(block.instructions):
            if instruction.address == address:
                self.instructions -= block.count - index
                self.base -= block.cycles - block.prefix_cycles[index]
                self.literals -= block.literals - block.prefix_literals[index]
                self._previous = (block, index)
                return
        raise ValueError(f"the trace rewinds a block to {address:#x}, which it does not hold")


def symbol_address(nm, elf, name):
    """The address of `name` (a mangled or C symbol) in elf, the Thumb bit cleared."""
    output = subprocess.run([nm, elf], capture_output=True, text=True, check=True).stdout
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == name:
            return int(parts[0], 16) & ~1
    raise SystemExit(f"{elf}: no symbol {name} (is it a cost image built with cost_report.hpp?)")


INSTRUCTION_COUNT = "_ZN7earshot4port17instruction_countEv"
REPORTED = "earshot_cost_reported"


def estimate_image(emulator, nm, elf, divide=12):
    """Runs elf with QEMU's trace going into a pipe; returns [(key, value, Counts)] for every
    `cost` line it prints, the Counts those of the work measured since the report before (no
    instructions when none was: that value is no instruction count)."""
    estimator = Estimator(divide, symbol_address(nm, elf, INSTRUCTION_COUNT), symbol_address(nm, elf, REPORTED))
    with tempfile.TemporaryDirectory() as folder:
        fifo = os.path.join(folder, "trace")
        os.mkfifo(fifo)
        process = subprocess.Popen(emulator + [elf, "-d", "in_asm,exec,nochain", "-D", fifo],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        output = {}
        reader = threading.Thread(target=lambda: output.update(zip(("stdout", "stderr"), process.communicate())))
        reader.start()
        with open(fifo, encoding="utf-8", errors="replace") as trace:
            for line in trace:
                estimator.feed(line)
        reader.join()
    if process.returncode != 0:
        sys.exit(f"{os.path.basename(elf)} exited with {process.returncode} under the trace:\n"
                 f"{output.get('stdout', '')}{output.get('stderr', '')}")
    lines = [line.split() for line in output["stdout"].splitlines()]
    costs = [(parts[1], int(parts[2])) for parts in lines if len(parts) == 3 and parts[0] == "cost"]
    if len(costs) != len(estimator.reports):
        sys.exit(f"{os.path.basename(elf)}: {len(costs)} cost lines but {len(estimator.reports)} reports in the trace")
    return [(key, value, counts) for (key, value), counts in zip(costs, estimator.reports)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--emulator", required=True, help="the QEMU command before the image, ';'-separated")
    parser.add_argument("--nm", required=True)
    parser.add_argument("--refill", type=int, default=2, help="pipeline refill cycles of a taken branch (1-3)")
    parser.add_argument("--flash-wait-states", type=int, default=0)
    parser.add_argument("--divide", type=int, default=12, help="cycles of SDIV and UDIV (2-12)")
    parser.add_argument("images", nargs="+")
    args = parser.parse_args()
    try:
        model = Model(args.refill, args.flash_wait_states, args.divide)
    except ValueError as error:
        print(f"cycle_estimate.py: {error}", file=sys.stderr)
        return 2
    for elf in args.images:
        for key, value, counts in estimate_image(args.emulator.split(";"), args.nm, elf, model.divide):
            if counts.instructions:
                per_instruction = model.cycles(counts) / counts.instructions
                print(f"{key}: {value} instructions, {round(value * per_instruction)} cycles estimated "
                      f"({per_instruction:.2f} an instruction over the {counts.instructions} traced)")
            else:
                print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
