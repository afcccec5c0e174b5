#!/usr/bin/env python3
"""Checks cycle_estimate.py's model on hand-written traces against the cycle counts the Cortex-M4
Technical Reference Manual (ARM DDI 0439B) states: its worked load/store examples (section
3.3.2), the instruction and FPU tables (3-1, 7-1), and hand sums of those for branches, rewinds
and the attribution of cycles to reports. Standard library only."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cycle_estimate  # noqa: E402


def translated(address, *instructions):
    """QEMU's in_asm text for a block of (size, 'mnemonic operands') at address."""
    lines = ["----------------", "IN: f"]
    for size, text in instructions:
        code = "0000" if size == 2 else "0000 0000"
        mnemonic, _, operands = text.partition(" ")
        lines.append(f"0x{address:08x}:  {code:<9}  {mnemonic:<8} {operands}")
        address += size
    return lines + [""]


def executed(address, flags="00000110"):
    return f"Trace 0: 0x7f0000000000 [00800408/{address:016x}/{flags}/ff022200] f"


class Run:
    """A trace read: its Counts, and its cycles and reports' cycles under `model`."""

    def __init__(self, lines, model=None, **addresses):
        model = model or cycle_estimate.Model()
        estimator = cycle_estimate.Estimator(model.divide, **addresses)
        for line in lines:
            estimator.feed(line + "\n")
        self.counts = estimator.total
        self.instructions = self.counts.instructions
        self.cycles = model.cycles(self.counts)
        self.reports = [(report.instructions, model.cycles(report)) for report in estimator.reports]


def cycles_of(lines, model=None, **addresses):
    return Run(lines, model, **addresses)


def block_cycles(*instructions, model=None):
    """Cycles of one block executed once (it ends the run, so no branch after it counts)."""
    return cycles_of(translated(0x1000, *instructions) + [executed(0x1000)], model).cycles


class LoadStoreTimings(unittest.TestCase):
    """Section 3.3.2's examples, each 'normally' the stated total."""

    def test_two_loads_pipeline_into_three_cycles(self):
        self.assertEqual(block_cycles((2, "ldr r0, [r1]"), (2, "ldr r1, [r2]")), 3)

    def test_load_then_store_of_its_value_with_an_immediate_offset_is_three(self):
        self.assertEqual(block_cycles((4, "ldr.w r0, [r1, r2]"), (2, "str r0, [r3, #20]")), 3)

    def test_load_then_store_with_a_register_offset_is_three(self):
        self.assertEqual(block_cycles((4, "ldr.w r0, [r1, r2]"), (4, "str.w r1, [r3, r2]")), 3)

    def test_three_loads_are_four(self):
        self.assertEqual(block_cycles((4, "ldr.w r0, [r1, r5]"), (2, "ldr r1, [r2]"), (2, "ldr r2, [r3, #4]")), 4)

    def test_a_load_whose_address_is_the_previous_loads_result_does_not_pipeline(self):
        self.assertEqual(block_cycles((2, "ldr r1, [r0]"), (2, "ldr r2, [r1]")), 4)

    def test_an_address_computed_just_before_costs_a_cycle_more(self):
        self.assertEqual(block_cycles((2, "adds r1, #4"), (2, "ldr r0, [r1]")), 1 + 2 + 1)
        self.assertEqual(block_cycles((2, "adds r3, #4"), (2, "ldr r0, [r1]")), 1 + 2)

    def test_a_store_with_an_immediate_offset_is_one_cycle_and_a_register_offset_two(self):
        self.assertEqual(block_cycles((2, "str r0, [r1, #4]")), 1)
        self.assertEqual(block_cycles((4, "str.w r0, [r1, r2]")), 2)

    def test_doubleword_transfers_are_three_and_do_not_pipeline(self):
        self.assertEqual(block_cycles((4, "ldrd r0, r1, [r2]"), (2, "ldr r3, [r4]")), 3 + 2)

    def test_multiple_transfers_are_one_plus_the_registers(self):
        self.assertEqual(block_cycles((2, "push {r4, r5, r6, lr}")), 5)
        self.assertEqual(block_cycles((4, "vldmia r0!, {s0, s1, s2, s3, s4, s5, s6, s7}")), 9)
        self.assertEqual(block_cycles((4, "vpush {d8, d9}")), 1 + 4)
        self.assertEqual(block_cycles((4, "vldmia r1, {s16-s23}")), 9)


class ArithmeticTimings(unittest.TestCase):
    """Tables 3-1 and 7-1."""

    def test_single_cycle_operations(self):
        self.assertEqual(block_cycles((2, "adds r0, r1, r2"), (2, "muls r0, r1, r0"), (4, "mla r0, r1, r2, r3"),
                                      (4, "smull r0, r1, r2, r3"), (4, "vadd.f32 s0, s1, s2"),
                                      (4, "vmul.f32 s0, s1, s2"), (4, "vcvt.s32.f32 s0, s0")), 7)

    def test_fpu_multiply_accumulate_is_three_and_divide_and_square_root_fourteen(self):
        self.assertEqual(block_cycles((4, "vfma.f32 s0, s1, s2")), 3)
        self.assertEqual(block_cycles((4, "vmla.f32 s0, s1, s2")), 3)
        self.assertEqual(block_cycles((4, "vdiv.f32 s0, s1, s2")), 14)
        self.assertEqual(block_cycles((4, "vsqrt.f32 s0, s1")), 14)

    def test_fpu_loads_and_moves(self):
        self.assertEqual(block_cycles((4, "vldr s0, [r0, #4]")), 2)
        self.assertEqual(block_cycles((4, "vldr d0, [r0]")), 3)
        self.assertEqual(block_cycles((4, "vmov s0, r1")), 2)
        self.assertEqual(block_cycles((4, "vmov.f32 s0, s1")), 1)
        self.assertEqual(block_cycles((4, "vldr s0, [r0]"), (4, "vldr s1, [r0, #4]")), 3)

    def test_divides_take_the_models_assumption(self):
        self.assertEqual(block_cycles((4, "udiv r0, r1, r2")), 12)
        self.assertEqual(block_cycles((4, "udiv r0, r1, r2"), model=cycle_estimate.Model(divide=2)), 2)


class Branches(unittest.TestCase):
    LOOP = translated(0x1000, (2, "adds r0, #1"), (2, "cmp r0, r1"), (2, "bne #0x1000")) + \
        translated(0x1006, (2, "bx lr"))

    def run_loop(self, model):
        """Three turns of the loop (two taken branches back, one not taken), then the return."""
        lines = list(self.LOOP[:6]) + [executed(0x1000), executed(0x1000), executed(0x1000)] + \
            list(self.LOOP[6:]) + [executed(0x1006)]
        return cycles_of(lines, model).cycles

    def test_a_taken_branch_costs_the_refill_and_an_untaken_one_nothing(self):
        # 3 x (1 + 1 + 1) + 2 taken x P + bx 1 (the run ends: its refill is not seen)
        self.assertEqual(self.run_loop(cycle_estimate.Model(refill=1)), 9 + 2 * 1 + 1)
        self.assertEqual(self.run_loop(cycle_estimate.Model(refill=3)), 9 + 2 * 3 + 1)

    def test_flash_wait_states_add_to_every_refill_and_every_literal_load(self):
        self.assertEqual(self.run_loop(cycle_estimate.Model(refill=2, flash_wait_states=4)), 9 + 2 * (2 + 4) + 1)
        self.assertEqual(block_cycles((2, "ldr r0, [pc, #8]"), model=cycle_estimate.Model(flash_wait_states=4)), 2 + 4)

    def test_a_pop_into_pc_is_one_plus_its_registers_plus_the_refill(self):
        lines = translated(0x2000, (2, "pop {r4, pc}")) + [executed(0x2000)] + \
            translated(0x1000, (2, "nop")) + [executed(0x1000)]
        self.assertEqual(cycles_of(lines).cycles, 3 + 2 + 1)

    def test_a_block_is_identified_by_its_key_and_retranslation_replaces_it(self):
        lines = translated(0x1000, (2, "nop")) + [executed(0x1000, "00000010")] + \
            translated(0x1000, (4, "vdiv.f32 s0, s1, s2")) + [executed(0x1000, "00000010")]
        self.assertEqual(cycles_of(lines).cycles, 1 + 2 + 14)  # the second run jumps back: a refill

    def test_a_block_executed_before_its_translation_is_an_error(self):
        with self.assertRaisesRegex(ValueError, "before translating it"):
            cycles_of([executed(0x1000)])


class Rewinds(unittest.TestCase):
    def test_a_rewound_block_counts_only_what_ran_before_the_rewind(self):
        lines = translated(0x1000, (2, "movs r0, #1"), (4, "vdiv.f32 s0, s1, s2"), (2, "ldr r1, [r2]")) + \
            [executed(0x1000), "cpu_io_recompile: rewound execution of TB to 0000000000001006"] + \
            translated(0x1006, (2, "ldr r1, [r2]")) + [executed(0x1006, "00000010")]
        estimator = cycles_of(lines)
        self.assertEqual(estimator.instructions, 3)
        self.assertEqual(estimator.cycles, 1 + 14 + 2)  # the split is no branch: no refill


class Reports(unittest.TestCase):
    def test_cycles_are_attributed_to_the_work_between_paired_counter_calls(self):
        counter, report, work = 0x3000, 0x4000, 0x1000
        sequence = translated(report, (2, "bx lr")) + [executed(report)] + \
            translated(counter, (2, "bx lr")) + [executed(counter)] + \
            translated(work, (4, "vdiv.f32 s0, s1, s2"), (2, "bx lr")) + [executed(work)] + \
            [executed(counter), executed(report),  # a measured region, reported
             executed(work), executed(report)]     # unmeasured work, a report of no instructions
        estimator = cycles_of(sequence, instruction_count=counter, reported=report)
        # the region from the first counter call to the second: the call (bx 1 + the report's
        # refill 2) and the work (vdiv 14 + bx 1 + the call's refill 2): 3 instructions, 20 cycles
        self.assertEqual(estimator.reports, [(0, 0), (3, 20), (0, 0)])


class Errors(unittest.TestCase):
    def test_the_models_parameters_are_checked(self):
        for arguments in ({"refill": 0}, {"refill": 4}, {"flash_wait_states": -1}, {"divide": 1}):
            with self.assertRaises(ValueError):
                cycle_estimate.Model(**arguments)


if __name__ == "__main__":
    unittest.main()
