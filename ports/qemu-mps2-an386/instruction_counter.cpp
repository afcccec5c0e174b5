// SysTick as a 64-bit instruction counter (see instruction_counter.hpp for the arithmetic).
// Register layout from the ARMv7-M architecture reference manual, B3.3.
#include "instruction_counter.hpp"

namespace {

struct SysTick {
  std::uint32_t control_and_status;  // SYST_CSR
  std::uint32_t reload_value;        // SYST_RVR
  std::uint32_t current_value;       // SYST_CVR
};

volatile SysTick& systick() { return *reinterpret_cast<volatile SysTick*>(0xE000E010); }

constexpr std::uint32_t kEnable = 1u << 0;
constexpr std::uint32_t kTickInterrupt = 1u << 1;
constexpr std::uint32_t kProcessorClock = 1u << 2;
constexpr std::uint32_t kMaxReload = 0x00FFFFFF;
constexpr std::uint64_t kTicksPerReload = std::uint64_t{kMaxReload} + 1;

// Bounds the wait for the first reload: at 40 instructions a tick the first reload comes after
// a few loop turns, so a million turns only ever run out when SysTick is not counting.
constexpr int kMaxWaitTurns = 1'000'000;

volatile std::uint32_t g_reloads = 0;

}  // namespace

extern "C" void SysTick_Handler() { g_reloads = g_reloads + 1; }

namespace earshot::port {

bool start_instruction_counter() noexcept {
  auto& timer = systick();
  timer.control_and_status = 0;
  timer.reload_value = kMaxReload;
  timer.current_value = 0;  // any write clears the counter; it loads RVR on the next tick
  timer.control_and_status = kEnable | kTickInterrupt | kProcessorClock;
  for (int turn = 0; turn < kMaxWaitTurns; ++turn) {
    if (timer.current_value != 0) {
      g_reloads = 0;
      return true;
    }
  }
  timer.control_and_status = 0;
  return false;
}

std::uint64_t instruction_count() noexcept {
  // Read the reload count on both sides of the counter so that a reload in between (whose
  // interrupt is taken before the second read) is not counted half.
  std::uint32_t reloads = 0;
  std::uint32_t current = 0;
  do {
    reloads = g_reloads;
    current = systick().current_value;
  } while (reloads != g_reloads);
  const std::uint64_t ticks = reloads * kTicksPerReload + (kMaxReload - current);
  return ticks * kInstructionsPerTick;
}

}  // namespace earshot::port
