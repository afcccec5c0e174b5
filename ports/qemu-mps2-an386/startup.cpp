// Reset and exception handling for QEMU's mps2-an386 (Cortex-M4F): the vector table, a reset
// handler that enables the FPU and initialises RAM before handing over to newlib's crt0, and
// fault handlers that end the emulation with a non-zero exit code instead of hanging.
#include <cstdint>

#include "cortex_m.hpp"
#include "semihosting.hpp"

extern "C" {
// From mps2_an386.ld.
extern std::uint32_t __StackTop;

// newlib's crt0 (rdimon.specs): asks semihosting for the command line, runs the static
// constructors, calls main and passes its result to exit.
[[noreturn]] void _start();

[[noreturn]] void Reset_Handler();
void Fault_Handler();
void SysTick_Handler();  // instruction_counter.cpp
}

namespace {

using Handler = void (*)();

// ARMv7-M architecture reference manual B1.5.3: word 0 is the initial main stack pointer, then
// one handler per exception number. Only the 16 system exceptions are listed: the port enables
// no external interrupt.
struct VectorTable {
  void* initial_stack_pointer;
  Handler handlers[15];
};

__attribute__((section(".isr_vector"), used)) const VectorTable vector_table = {
    &__StackTop,
    {
        Reset_Handler,    // 1 reset
        Fault_Handler,    // 2 NMI
        Fault_Handler,    // 3 HardFault
        Fault_Handler,    // 4 MemManage
        Fault_Handler,    // 5 BusFault
        Fault_Handler,    // 6 UsageFault
        nullptr,          // 7-10 reserved
        nullptr,
        nullptr,
        nullptr,
        Fault_Handler,    // 11 SVCall: nothing here issues SVC
        Fault_Handler,    // 12 DebugMonitor
        nullptr,          // 13 reserved
        Fault_Handler,    // 14 PendSV
        SysTick_Handler,  // 15 SysTick
    },
};

const char* exception_name(std::uint32_t number) {
  switch (number) {
    case 2: return "NMI";
    case 3: return "HardFault";
    case 4: return "MemManage";
    case 5: return "BusFault";
    case 6: return "UsageFault";
    default: return "unexpected exception";
  }
}

void write_hex(std::uint32_t value) {
  earshot::port::semihosting::write(earshot::port::cortex_m::hex(value).text);
}

}  // namespace

extern "C" {

void Reset_Handler() {
  earshot::port::cortex_m::enable_fpu();
  earshot::port::cortex_m::initialise_ram();
  _start();
}

// crt0 sets the stack pointer to the stack base that the semihosting HEAPINFO call reports,
// which on mps2-an386 lies outside RAM, and then calls this weak hook: put the stack back at
// the top of RAM. Nothing is on the stack yet at that point.
__attribute__((naked)) void _stack_init() { asm volatile("ldr sp, =__StackTop\n\tbx lr"); }

// Every fault ends the program: report the exception, the faulting instruction (the stacked
// PC, word 6 of the exception frame) and the Configurable Fault Status Register, then exit
// with 128 + the exception number, the way a shell reports a signal.
[[noreturn]] void earshot_port_fault_exit(const std::uint32_t* frame, std::uint32_t number) {
  using earshot::port::semihosting::write;
  write("\nearshot port: ");
  write(exception_name(number));
  write(" at pc ");
  write_hex(frame[6]);
  write(", CFSR ");
  write_hex(earshot::port::cortex_m::reg(earshot::port::cortex_m::kCfsr));
  write("\n");
  earshot::port::semihosting::exit(128 + number);
}

// Bit 2 of EXC_RETURN in lr says which stack holds the exception frame.
__attribute__((naked)) void Fault_Handler() {
  asm volatile(
      "tst lr, #4\n\t"
      "ite eq\n\t"
      "mrseq r0, msp\n\t"
      "mrsne r0, psp\n\t"
      "mrs r1, ipsr\n\t"
      "b earshot_port_fault_exit");
}

}  // extern "C"
