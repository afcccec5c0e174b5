// Reset and exceptions of the nRF52832/nRF52840: vector table (system exceptions and the PDM
// interrupt, number 29 on both), a reset handler that enables the FPU and initialises RAM before
// the static constructors and main, and a fault handler that stops at a breakpoint.
#include <cstdint>

#include "cortex_m.hpp"
#include "registers.hpp"

extern "C" {
// From nrf52_sections.ld.
extern std::uint32_t __StackTop;

void __libc_init_array();
// main itself may not be called from C++ ([basic.start.main]): the same symbol under another name.
int application_main() __asm__("main");

[[noreturn]] void Reset_Handler();
[[noreturn]] void Fault_Handler();
void PDM_IRQHandler();  // board.cpp
}

namespace {

using Handler = void (*)();

// ARMv7-M: word 0 the initial stack pointer, then one handler per exception number; external
// interrupt n is exception 16 + n. The table ends with the last interrupt the port enables.
struct VectorTable {
  void* initial_stack_pointer;
  Handler system[15];
  Handler interrupts[30];
};

constexpr VectorTable make_vector_table() {
  VectorTable table{&__StackTop, {}, {}};
  table.system[0] = Reset_Handler;
  for (int exception = 2; exception <= 15; ++exception) {
    // Reserved entries (7-10, 13) are never taken; every other exception stops as a fault.
    const bool reserved = (exception >= 7 && exception <= 10) || exception == 13;
    table.system[exception - 1] = reserved ? nullptr : Fault_Handler;
  }
  for (Handler& handler : table.interrupts) handler = Fault_Handler;
  table.interrupts[earshot::port::nrf52::pdm::kIrq] = PDM_IRQHandler;
  return table;
}

__attribute__((section(".isr_vector"), used)) const VectorTable vector_table = make_vector_table();

}  // namespace

extern "C" {

void Reset_Handler() {
  earshot::port::cortex_m::enable_fpu();
  earshot::port::cortex_m::initialise_ram();
  __libc_init_array();
  application_main();
  for (;;) asm volatile("wfi");
}

// The board has no console: stop where a debugger sees the faulting state (IPSR, the stacked
// PC); with none attached the BKPT escalates to a lockup and the watchdog-less chip stays
// silent, which a scanner notices as the advertisements stopping.
void Fault_Handler() {
  for (;;) asm volatile("bkpt #0");
}

}  // extern "C"
