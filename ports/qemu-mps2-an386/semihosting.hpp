// The few Arm semihosting calls the port makes itself (operation numbers from Arm's
// "Semihosting for AArch32 and AArch64", version 2): newlib's rdimon library covers stdio,
// files and exit for ordinary code, these serve the fault handler where newlib cannot be used.
#pragma once

#include <cstdint>

namespace earshot::port::semihosting {

inline constexpr int kWrite0 = 0x04;        // SYS_WRITE0: print a NUL-terminated string
inline constexpr int kExitExtended = 0x20;  // SYS_EXIT_EXTENDED: stop with an exit code
inline constexpr std::uint32_t kApplicationExit = 0x20026;  // ADP_Stopped_ApplicationExit

// On M-profile cores a semihosting request is BKPT 0xAB with the operation in r0 and the
// argument in r1; QEMU answers it when started with -semihosting.
inline int call(int operation, const void* argument) noexcept {
  register int r0 asm("r0") = operation;
  register const void* r1 asm("r1") = argument;
  asm volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

inline void write(const char* text) noexcept { call(kWrite0, text); }

// QEMU's process exits with `code` (truncated to 8 bits by the host).
[[noreturn]] inline void exit(std::uint32_t code) noexcept {
  const std::uint32_t block[2] = {kApplicationExit, code};
  call(kExitExtended, block);
  for (;;) {
  }
}

}  // namespace earshot::port::semihosting
