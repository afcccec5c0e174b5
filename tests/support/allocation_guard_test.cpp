#include <catch2/catch.hpp>

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
