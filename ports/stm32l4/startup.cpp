// Reset and exceptions of the STM32L476: vector table (system exceptions and the DMA interrupt
// the port uses), a reset handler that enables the FPU and initialises RAM before the static
// constructors and main, fault handlers that report over USART2, and newlib's _write.
#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "board.hpp"
#include "cortex_m.hpp"
#include "registers.hpp"

extern "C" {
// From stm32l476.ld.
extern std::uint32_t __StackTop;

void __libc_init_array();
// main itself may not be called from C++ ([basic.start.main]): the same symbol under another name.
int application_main() __asm__("main");

[[noreturn]] void Reset_Handler();
void Fault_Handler();
void Unused_Handler();
void DMA1_Channel4_IRQHandler();  // board.cpp
int _write(int file, const char* data, int size);
}

namespace {

using Handler = void (*)();

// ARMv7-M: word 0 the initial stack pointer, then one handler per exception number; external
// interrupt n is exception 16 + n. The table stops after the last interrupt the port enables
// (DMA1 channel 4, interrupt 14; RM0351 table 57): nothing else is ever enabled.
struct VectorTable {
  void* initial_stack_pointer;
  Handler system[15];
  Handler interrupts[15];
};

__attribute__((section(".isr_vector"), used)) const VectorTable vector_table = {
    &__StackTop,
    {
        Reset_Handler, Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler,
        Fault_Handler,  // reset, NMI, HardFault, MemManage, BusFault, UsageFault
        nullptr, nullptr, nullptr, nullptr,  // reserved
        Unused_Handler, Unused_Handler, nullptr, Unused_Handler,
        Unused_Handler,  // SVCall, DebugMonitor, reserved, PendSV, SysTick
    },
    {
        Unused_Handler, Unused_Handler, Unused_Handler, Unused_Handler, Unused_Handler,
        Unused_Handler, Unused_Handler, Unused_Handler, Unused_Handler, Unused_Handler,
        Unused_Handler, Unused_Handler, Unused_Handler, Unused_Handler,
        DMA1_Channel4_IRQHandler,  // 14
    },
};

void write_text(const char* text) noexcept {
  std::size_t size = 0;
  while (text[size] != '\0') ++size;
  earshot::port::stm32l4::uart_write(text, size);
}

void write_hex(std::uint32_t value) noexcept { write_text(earshot::port::cortex_m::hex(value).text); }

}  // namespace

extern "C" {

void Reset_Handler() {
  earshot::port::cortex_m::enable_fpu();
  earshot::port::cortex_m::initialise_ram();
  __libc_init_array();
  application_main();
  for (;;) asm volatile("wfi");
}

// Reports the exception number, the faulting instruction (stacked PC, word 6 of the frame) and
// CFSR over USART2, then stops at a breakpoint for the debugger (with none attached the BKPT
// escalates to a lockup, which the ST-LINK can still inspect).
[[noreturn]] void earshot_port_fault_report(const std::uint32_t* frame, std::uint32_t number) {
  write_text("\r\nearshot stm32l4: exception ");
  write_hex(number);
  write_text(" at pc ");
  write_hex(frame[6]);
  write_text(", CFSR ");
  write_hex(earshot::port::cortex_m::reg(earshot::port::cortex_m::kCfsr));
  write_text("\r\n");
  earshot::port::stm32l4::uart_flush();
  for (;;) asm volatile("bkpt #0");
}

// Bit 2 of EXC_RETURN in lr says which stack holds the exception frame.
__attribute__((naked)) void Fault_Handler() {
  asm volatile(
      "tst lr, #4\n\t"
      "ite eq\n\t"
      "mrseq r0, msp\n\t"
      "mrsne r0, psp\n\t"
      "mrs r1, ipsr\n\t"
      "b earshot_port_fault_report");
}

// An exception the port never enables: report it like a fault.
__attribute__((naked)) void Unused_Handler() { asm volatile("b Fault_Handler"); }

// newlib: stdout and stderr go to USART2, with "\n" sent as "\r\n" for terminal programs.
int _write(int /*file*/, const char* data, int size) {
  for (int i = 0; i < size; ++i) {
    if (data[i] == '\n') earshot::port::stm32l4::uart_write("\r", 1);
    earshot::port::stm32l4::uart_write(data + i, 1);
  }
  return size;
}

}  // extern "C"
