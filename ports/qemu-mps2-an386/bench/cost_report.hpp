// What the cost programs share: the instructions a piece of work executes (SysTick under
// -icount shift=0, instruction_counter.hpp: exact to one 40-instruction tick), reported as
// `cost <key> <value>` lines that cost_table.py turns into the table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "instruction_counter.hpp"

// Called at every report and nowhere else, so that cycle_estimate.py finds the reports in QEMU's
// instruction trace by this function's address.
extern "C" [[gnu::noinline]] inline void earshot_cost_reported() noexcept { asm volatile(""); }

namespace earshot::port::cost {

inline void report(const char* key, std::uint64_t value) noexcept {
  earshot_cost_reported();
  // newlib-nano's printf has no %llu; every value here is below 2^32.
  std::printf("cost %s %lu\n", key, static_cast<unsigned long>(value));
}

// Starts the counter; false (after a message) without -icount.
inline bool start() noexcept {
  if (start_instruction_counter()) return true;
  std::printf("error: SysTick does not count: run QEMU with -icount shift=0\n");
  return false;
}

// Instructions work() executes. instruction_count() lives in another translation unit, so the
// compiler cannot move the work across the two readings; the readings' own cost (a constant,
// measured around no work) is taken off.
template <class Work>
std::uint64_t instructions_of(Work&& work) noexcept {
  static std::uint64_t overhead = [] {
    const std::uint64_t before = instruction_count();
    return instruction_count() - before;
  }();
  const std::uint64_t before = instruction_count();
  work();
  const std::uint64_t elapsed = instruction_count() - before;
  return elapsed > overhead ? elapsed - overhead : 0;
}

// A deterministic test signal in [-0.5, 0.5): a 440 Hz tone, its third harmonic and noise from
// a 32-bit LCG. The costs barely depend on the audio; it only has to be non-trivial.
class TestSignal {
 public:
  explicit TestSignal(float sample_rate) noexcept : step_(440.0f / sample_rate) {}

  float next() noexcept {
    state_ = state_ * 1664525u + 1013904223u;
    const float noise = static_cast<float>(state_ >> 8) / 16777216.0f - 0.5f;
    phase_ += step_;
    if (phase_ >= 1.0f) phase_ -= 1.0f;
    const float tone = triangle(phase_) + 0.3f * triangle(3.0f * phase_ - static_cast<float>(static_cast<int>(3.0f * phase_)));
    return 0.25f * tone + 0.15f * noise;
  }

 private:
  // A triangle wave in [-1, 1]: no sinf needed.
  static float triangle(float phase) noexcept { return phase < 0.5f ? 4.0f * phase - 1.0f : 3.0f - 4.0f * phase; }

  float step_;
  float phase_ = 0.0f;
  std::uint32_t state_ = 12345u;
};

}  // namespace earshot::port::cost
