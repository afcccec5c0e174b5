#include <catch2/catch.hpp>

#include <cstdlib>
#include <memory>

#include "support/allocation_guard.hpp"

TEST_CASE("the allocation guard counts allocations made while it is armed") {
  const auto before = earshot::test::forbidden_allocation_count();
  {
    earshot::test::ForbidAllocations guard;
    auto p = std::make_unique<int>(42);
    REQUIRE(*p == 42);
  }
  REQUIRE(earshot::test::forbidden_allocation_count() == before + 1);
  auto q = std::make_unique<int>(7);  // not armed: not counted
  REQUIRE(earshot::test::forbidden_allocation_count() == before + 1);
}

TEST_CASE("where it can, the allocation guard sees malloc, calloc and realloc (C libraries)") {
  if (!earshot::test::allocation_guard_sees_malloc()) return;  // sanitizers and newlib own malloc
  const auto before = earshot::test::forbidden_allocation_count();
  {
    earshot::test::ForbidAllocations guard;
    // volatile: a compiler may drop a malloc whose memory is never used.
    void* volatile p = std::malloc(16);
    p = std::realloc(p, 32);
    void* volatile q = std::calloc(4, 4);
    std::free(p);
    std::free(q);
  }
  REQUIRE(earshot::test::forbidden_allocation_count() == before + 3);
}
