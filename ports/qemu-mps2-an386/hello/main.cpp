// Self-test firmware for the mps2-an386 port: proves that printf reaches the host over
// semihosting, that the FPU is on, that the exit code and a fault reach QEMU's exit status,
// that newlib's fopen reads host files, and that SysTick counts instructions.
//   hello              print, use the FPU, count the instructions of a known loop
//   hello exit <code>  return <code> from main
//   hello fault        execute an undefined instruction (UsageFault escalated to HardFault)
//   hello read <path>  print the first line of a host file
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "instruction_counter.hpp"

namespace {

// Exactly 2 instructions a turn (subs, bne), so `turns` turns execute 2 * turns instructions
// plus a constant for the call and the counter reads.
void count_down(std::uint32_t turns) {
  asm volatile(
      "1:\n\t"
      "subs %0, %0, #1\n\t"
      "bne 1b"
      : "+r"(turns)
      :
      : "cc");
}

std::uint64_t instructions_of_count_down(std::uint32_t turns) {
  const auto before = earshot::port::instruction_count();
  count_down(turns);
  return earshot::port::instruction_count() - before;
}

int measure() {
  std::printf("hello from the Cortex-M4F: printf over semihosting\n");
  volatile float x = 2.0f;
  std::printf("FPU: sqrtf(2) = %.6f\n", static_cast<double>(std::sqrt(x)));

  if (!earshot::port::start_instruction_counter()) {
    std::printf("SysTick does not count: run QEMU with -icount shift=0\n");
    return 1;
  }
  const auto small = instructions_of_count_down(1000);
  const auto large = instructions_of_count_down(101000);
  // The difference cancels the constant overhead: 100,000 turns are 200,000 instructions.
  // newlib-nano's printf has no %llu; these counts are far below 2^32.
  std::printf("count_down(1000): %lu instructions; 100,000 more turns: %lu instructions "
              "(expected 200000 +- %lu)\n",
              static_cast<unsigned long>(small), static_cast<unsigned long>(large - small),
              static_cast<unsigned long>(earshot::port::kInstructionsPerTick));
  const auto difference = static_cast<long long>(large - small) - 200000;
  return std::llabs(difference) <= static_cast<long long>(earshot::port::kInstructionsPerTick) ? 0 : 1;
}

int read_first_line(const char* path) {
  std::FILE* file = std::fopen(path, "r");
  if (file == nullptr) {
    std::printf("cannot open %s\n", path);
    return 1;
  }
  char line[256];
  const bool read = std::fgets(line, sizeof line, file) != nullptr;
  std::fclose(file);
  if (!read) return 1;
  std::printf("first line: %s", line);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "exit") == 0) return std::atoi(argv[2]);
  if (argc == 2 && std::strcmp(argv[1], "fault") == 0) {
    asm volatile("udf #0");
    return 0;
  }
  if (argc == 3 && std::strcmp(argv[1], "read") == 0) return read_first_line(argv[2]);
  if (argc <= 1) return measure();
  std::printf("usage: hello [exit <code> | fault | read <path>]\n");
  return 2;
}
