// Proves that a code path never allocates: while a ForbidAllocations object is alive, every
// call to the global operator new fails the test (after Eigen's test/nomalloc.cpp).
#pragma once

#include <cstddef>

namespace earshot::test {

// Number of global operator new calls made while allocations were forbidden.
std::size_t forbidden_allocation_count() noexcept;

class ForbidAllocations {
 public:
  ForbidAllocations() noexcept;
  ~ForbidAllocations();
  ForbidAllocations(const ForbidAllocations&) = delete;
  ForbidAllocations& operator=(const ForbidAllocations&) = delete;
};

}  // namespace earshot::test
