// What every Cortex-M4F port does the same way, from the ARMv7-M architecture reference manual
// (B3.2 system control block, C1.8 DWT, B3.4 NVIC): the FPU switched on and RAM set up at reset,
// the DWT cycle counter, interrupt enables and masking, sleep, and hexadecimal text for fault reports. The board
// layers keep what differs: vector tables, clocks, peripherals, where a fault report goes.
#pragma once

#include <cstdint>

extern "C" {
// Every port's linker script defines these: .data's place in RAM and its image in flash, .bss.
extern std::uint32_t __data_start__;
extern std::uint32_t __data_end__;
extern const std::uint32_t __data_load__;
extern std::uint32_t __bss_start__;
extern std::uint32_t __bss_end__;
}

namespace earshot::port::cortex_m {

inline volatile std::uint32_t& reg(std::uint32_t address) noexcept {
  return *reinterpret_cast<volatile std::uint32_t*>(address);
}

inline constexpr std::uint32_t kCpacr = 0xE000ED88;       // coprocessor access control
inline constexpr std::uint32_t kCfsr = 0xE000ED28;        // configurable fault status
inline constexpr std::uint32_t kDemcr = 0xE000EDFC;       // debug exception and monitor control
inline constexpr std::uint32_t kDwtCtrl = 0xE0001000;
inline constexpr std::uint32_t kDwtCyccnt = 0xE0001004;
inline constexpr std::uint32_t kNvicIser0 = 0xE000E100;  // interrupt set-enable, 0-31

// CP10 and CP11 full access (CPACR bits 20-23). Until they are set the first floating-point
// instruction raises a UsageFault (NOCP), and the compiler may emit one anywhere, even in
// memcpy: call this first in the reset handler.
inline void enable_fpu() noexcept {
  reg(kCpacr) = reg(kCpacr) | (0xFu << 20);
  asm volatile("dsb\n\tisb" ::: "memory");
}

// Copies .data's initial values from flash and zeroes .bss: before any static object is used.
inline void initialise_ram() noexcept {
  const std::uint32_t* source = &__data_load__;
  for (std::uint32_t* destination = &__data_start__; destination < &__data_end__;) {
    *destination++ = *source++;
  }
  for (std::uint32_t* destination = &__bss_start__; destination < &__bss_end__;) {
    *destination++ = 0;
  }
}

// The DWT cycle counter: DEMCR.TRCENA (bit 24) powers the DWT, DWT_CTRL.CYCCNTENA (bit 0)
// starts the count. It wraps every 2^32 cycles (53.7 s at 80 MHz): subtract unsigned readings.
inline void cycle_counter_start() noexcept {
  reg(kDemcr) = reg(kDemcr) | (1u << 24);
  reg(kDwtCyccnt) = 0;
  reg(kDwtCtrl) = reg(kDwtCtrl) | 1u;
}

inline std::uint32_t cycles() noexcept { return reg(kDwtCyccnt); }

// External interrupts 0-31 (every one the ports use); their priorities stay at the reset value.
inline void enable_interrupt(std::uint32_t irq) noexcept { reg(kNvicIser0) = 1u << irq; }

// Mailbox pattern between an interrupt and the main loop: mask interrupts, look at what the
// interrupt posted, sleep_until_interrupt() if nothing (WFI wakes on a pending interrupt even
// while masked, so one arriving after the look is not slept through), unmask: it runs then.
inline void disable_interrupts() noexcept { asm volatile("cpsid i" ::: "memory"); }
inline void enable_interrupts() noexcept { asm volatile("cpsie i\n\tisb" ::: "memory"); }
inline void sleep_until_interrupt() noexcept { asm volatile("dsb\n\twfi" ::: "memory"); }

// "0x" and eight hexadecimal digits: fault handlers cannot count on printf working.
struct HexText {
  char text[11];
};

inline HexText hex(std::uint32_t value) noexcept {
  HexText result{"0x"};
  for (int digit = 0; digit < 8; ++digit) {
    const auto nibble = (value >> (28 - 4 * digit)) & 0xFu;
    result.text[2 + digit] = static_cast<char>(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
  }
  result.text[10] = '\0';
  return result;
}

}  // namespace earshot::port::cortex_m
