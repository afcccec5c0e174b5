// Proves that a code path never allocates: while a ForbidAllocations object is alive, every
// call to the global operator new fails the test (after Eigen's test/nomalloc.cpp), and on
// glibc without a sanitizer every malloc, calloc and realloc too (C libraries: KissFFT).
#pragma once

#include <cstddef>

namespace earshot::test {

// Number of allocations made while allocations were forbidden.
std::size_t forbidden_allocation_count() noexcept;

// Whether malloc, calloc and realloc are counted too (glibc hosts without a sanitizer).
bool allocation_guard_sees_malloc() noexcept;

class ForbidAllocations {
 public:
  ForbidAllocations() noexcept;
  ~ForbidAllocations();
  ForbidAllocations(const ForbidAllocations&) = delete;
  ForbidAllocations& operator=(const ForbidAllocations&) = delete;
};

}  // namespace earshot::test
