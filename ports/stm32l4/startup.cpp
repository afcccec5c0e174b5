// Reset and exceptions of the STM32L476: vector table (system exceptions and the DMA interrupt
// the port uses), a reset handler that enables the FPU and initialises RAM before the static
// constructors and main, fault handlers that report over USART2, and newlib's _write.
#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "board.hpp"
#include "registers.hpp"

extern "C" {
// From stm32l476.ld.
extern std::uint32_t __StackTop;
extern std::uint32_t __data_start__;
extern std::uint32_t __data_end__;
extern const std::uint32_t __data_load__;
extern std::uint32_t __bss_start__;
extern std::uint32_t __bss_end__;

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

void write_hex(std::uint32_t value) noexcept {
  char text[11] = "0x";
  for (int digit = 0; digit < 8; ++digit) {
    const auto nibble = (value >> (28 - 4 * digit)) & 0xFu;
    text[2 + digit] = static_cast<char>(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
  }
  text[10] = '\0';
  write_text(text);
}

}  // namespace

extern "C" {

void Reset_Handler() {
  using earshot::port::stm32l4::reg;
  // CP10 and CP11 full access: until then the first floating-point instruction faults.
  reg(earshot::port::stm32l4::core::kCpacr) = reg(earshot::port::stm32l4::core::kCpacr) | (0xFu << 20);
  asm volatile("dsb\n\tisb" ::: "memory");
  const std::uint32_t* source = &__data_load__;
  for (std::uint32_t* destination = &__data_start__; destination < &__data_end__;) {
    *destination++ = *source++;
  }
  for (std::uint32_t* destination = &__bss_start__; destination < &__bss_end__;) {
    *destination++ = 0;
  }
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
  write_hex(earshot::port::stm32l4::reg(earshot::port::stm32l4::core::kCfsr));
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
