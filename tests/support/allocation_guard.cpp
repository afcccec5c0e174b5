// Replaces the global allocation functions of the test executable. Allocations are counted,
// not refused, while forbidden, so that a failing test reports instead of crashing; the
// counter is checked by the test that armed the guard.
#include "support/allocation_guard.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<int> g_forbid_depth{0};
std::atomic<std::size_t> g_forbidden_count{0};

void* allocate(std::size_t size) {
  if (g_forbid_depth.load(std::memory_order_relaxed) > 0) {
    g_forbidden_count.fetch_add(1, std::memory_order_relaxed);
  }
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
}  // namespace

void* operator new(std::size_t size) { return allocate(size); }
void* operator new[](std::size_t size) { return allocate(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return allocate(size);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return operator new(size, std::nothrow);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace earshot::test {

std::size_t forbidden_allocation_count() noexcept { return g_forbidden_count.load(); }

ForbidAllocations::ForbidAllocations() noexcept { g_forbid_depth.fetch_add(1); }
ForbidAllocations::~ForbidAllocations() { g_forbid_depth.fetch_sub(1); }

}  // namespace earshot::test
