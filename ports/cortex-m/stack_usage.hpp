// The main stack's high-water mark, for every port whose linker script defines __StackLimit and
// __StackTop: the free stack is painted with a pattern first, then searched for the deepest
// word that was overwritten. It counts everything on the main stack (crt0, main, the library,
// newlib's printf, interrupt frames), which -fstack-usage's per-function frames cannot add up.
#pragma once

#include <cstddef>
#include <cstdint>

extern "C" {
// From the port's linker script.
extern std::uint32_t __StackLimit;
extern std::uint32_t __StackTop;
}

namespace earshot::port::cortex_m {

inline constexpr std::uint32_t kStackPaint = 0x5A17C0DEu;

// Paints the stack from its limit up to a little below the caller's frame. Call first in main.
[[gnu::noinline]] inline void paint_stack() noexcept {
  std::uint32_t* stack_pointer = nullptr;
  asm volatile("mov %0, sp" : "=r"(stack_pointer));
  volatile std::uint32_t* word = &__StackLimit;
  while (word < stack_pointer - 16) *word++ = kStackPaint;  // spare this frame's 64 bytes
}

// Bytes of stack used since paint_stack(): from the top down to the deepest overwritten word.
inline std::size_t stack_high_water_bytes() noexcept {
  const volatile std::uint32_t* word = &__StackLimit;
  while (word < &__StackTop && *word == kStackPaint) ++word;
  return static_cast<std::size_t>(reinterpret_cast<std::uintptr_t>(&__StackTop) -
                                  reinterpret_cast<std::uintptr_t>(word));
}

// The whole stack the linker script reserves.
inline std::size_t stack_size_bytes() noexcept {
  return static_cast<std::size_t>(reinterpret_cast<std::uintptr_t>(&__StackTop) -
                                  reinterpret_cast<std::uintptr_t>(&__StackLimit));
}

}  // namespace earshot::port::cortex_m
