// Deterministic instruction counts on QEMU's mps2-an386 for tests and benchmarks. Run with
// `-icount shift=0`: every instruction then advances virtual time by 1 ns, and SysTick on the
// processor clock (CLKSOURCE=1) counts at the board's 25 MHz, so one tick is 40 instructions.
// QEMU counts instructions, not Cortex-M4 cycles: loads, multiplies and branches all count 1.
#pragma once

#include <cstdint>

namespace earshot::port {

// 1 ns per instruction (icount shift 0) / 40 ns per SysTick tick (25 MHz).
inline constexpr std::uint64_t kInstructionsPerTick = 40;

// Starts SysTick with its reload interrupt, which extends the 24-bit counter to 64 bits, and
// waits for the first reload. Returns false when the counter does not run. Without -icount
// the counter follows the host's clock and the counts mean nothing.
bool start_instruction_counter() noexcept;

// Instructions executed since start_instruction_counter(), in steps of kInstructionsPerTick.
std::uint64_t instruction_count() noexcept;

}  // namespace earshot::port
