// Replaces the global allocation functions of the test executable. Allocations are counted,
// not refused, while forbidden, so that a failing test reports instead of crashing; the
// counter is checked by the test that armed the guard.
#include "support/allocation_guard.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

// With glibc and no sanitizer (which owns malloc itself), malloc, calloc and realloc are
// replaced too, so C code such as KissFFT's allocator is seen; operator new goes through them.
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#if defined(__has_feature)
#if !__has_feature(address_sanitizer) && !__has_feature(memory_sanitizer) && !__has_feature(thread_sanitizer)
#define EARSHOT_GUARD_SEES_MALLOC 1
#endif
#else
#define EARSHOT_GUARD_SEES_MALLOC 1
#endif
#endif
#ifndef EARSHOT_GUARD_SEES_MALLOC
#define EARSHOT_GUARD_SEES_MALLOC 0
#endif

namespace {
std::atomic<int> g_forbid_depth{0};
std::atomic<std::size_t> g_forbidden_count{0};

void count_if_forbidden() noexcept {
  if (g_forbid_depth.load(std::memory_order_relaxed) > 0) {
    g_forbidden_count.fetch_add(1, std::memory_order_relaxed);
  }
}

void* allocate_or_null(std::size_t size) noexcept {
  if (!EARSHOT_GUARD_SEES_MALLOC) count_if_forbidden();  // else malloc counts it
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

#if EARSHOT_GUARD_SEES_MALLOC
extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t count, std::size_t size);
void* __libc_realloc(void* pointer, std::size_t size);

void* malloc(std::size_t size) {
  count_if_forbidden();
  return __libc_malloc(size);
}
void* calloc(std::size_t count, std::size_t size) {
  count_if_forbidden();
  return __libc_calloc(count, size);
}
void* realloc(void* pointer, std::size_t size) {
  count_if_forbidden();
  return __libc_realloc(pointer, size);
}
}
#endif

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

bool allocation_guard_sees_malloc() noexcept { return EARSHOT_GUARD_SEES_MALLOC; }

ForbidAllocations::ForbidAllocations() noexcept { g_forbid_depth.fetch_add(1); }
ForbidAllocations::~ForbidAllocations() { g_forbid_depth.fetch_sub(1); }

}  // namespace earshot::test
