// Checks the port's fault report (startup.cpp) the way a bring-up depends on it: the board up,
// then an undefined instruction. With no UsageFault handler enabled it escalates to HardFault,
// whose handler prints over USART2
//
//   earshot stm32l4: exception 0x00000003 at pc <the UDF's address>, CFSR 0x00010000
//
// (CFSR.UNDEFINSTR) and stops at a breakpoint. ports/stm32l4/CMakeLists.txt runs it in QEMU.
#include <cstdint>
#include <cstdio>

#include "board.hpp"

namespace board = earshot::port::stm32l4;

// The address of the faulting instruction, for the test to compare with the report.
extern "C" void earshot_undefined_instruction();

int main() {
  const board::ClockStatus clock = board::bring_up();
  std::printf("earshot fault-report check at %u MHz: an undefined instruction at pc 0x%08lx\n",
              static_cast<unsigned>(board::system_clock_hz(clock) / 1'000'000),
              static_cast<unsigned long>(reinterpret_cast<std::uintptr_t>(&earshot_undefined_instruction) & ~1u));
  std::fflush(stdout);
  earshot_undefined_instruction();
  std::printf("error: the undefined instruction did not fault\n");
  return 1;
}

// A Thumb function whose first instruction is UDF: the stacked pc is its address.
asm(".section .text.earshot_undefined_instruction,\"ax\",%progbits\n"
    ".global earshot_undefined_instruction\n"
    ".type earshot_undefined_instruction, %function\n"
    ".thumb_func\n"
    "earshot_undefined_instruction:\n"
    "  udf #0\n"
    "  bx lr\n"
    ".size earshot_undefined_instruction, . - earshot_undefined_instruction\n");
