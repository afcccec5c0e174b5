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

void* allocate_or_null(std::size_t size) noexcept {
  if (g_forbid_depth.load(std::memory_order_relaxed) > 0) {
    g_forbidden_count.fetch_add(1, std::memory_order_relaxed);
  }
  return std::malloc(size == 0 ? 1 : size);
}

// Out of memory: std::bad_alloc where exceptions exist; the target's tests are built without.
void* allocate(std::size_t size) {
  void* p = allocate_or_null(size);
  if (p == nullptr) {
#if defined(__cpp_exceptions)
    throw std::bad_alloc();
#else
    std::abort();
#endif
  }
  return p;
}
}  // namespace

void* operator new(std::size_t size) { return allocate(size); }
void* operator new[](std::size_t size) { return allocate(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return allocate_or_null(size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return allocate_or_null(size);
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
