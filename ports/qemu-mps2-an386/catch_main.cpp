// Catch2's main() for test programs on the target: Catch2::Catch2WithMain is a host library,
// so target tests compile their own, with the CATCH_CONFIG_* definitions of Catch2::Catch2
// (no exceptions, no POSIX signals). argv comes from semihosting.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
