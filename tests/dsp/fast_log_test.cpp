// fast_ln (fast_log.hpp) against the double-precision logarithm: the error bound its header
// states, over every float exponent, and the special values it hands to std::log.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>

#include "earshot/dsp/fast_log.hpp"

TEST_CASE("fast_ln is within 2.4e-7 + 6e-8 |ln x| of the exact logarithm for every normal float exponent",
          "[dsp][log]") {
  std::mt19937 generator(20261205);
  std::uniform_int_distribution<std::uint32_t> mantissa(0, (1u << 23) - 1);
  double worst_excess = -1.0;
  for (std::uint32_t exponent = 1; exponent < 255; ++exponent) {
    for (int i = 0; i < 4000; ++i) {
      // Besides random mantissas, the ends of the reduction's interval [sqrt(1/2), sqrt(2)).
      std::uint32_t bits = exponent << 23 | mantissa(generator);
      if (i < 3) bits = exponent << 23 | (i == 0 ? 0u : (i == 1 ? 0x3504F3u : 0x7FFFFFu));
      float x;
      std::memcpy(&x, &bits, sizeof x);
      const double exact = std::log(static_cast<double>(x));
      const double error = std::fabs(static_cast<double>(earshot::fast_ln(x)) - exact);
      const double bound = 2.4e-7 + 6e-8 * std::fabs(exact);
      worst_excess = std::max(worst_excess, error - bound);
      if (error > bound) FAIL_CHECK("x = " << x << ": error " << error << " above " << bound);
    }
  }
  INFO("the largest error minus the bound: " << worst_excess);
  CHECK(worst_excess <= 0.0);
}

TEST_CASE("fast_ln is exact where the logarithm is: powers of two and 1", "[dsp][log]") {
  CHECK(earshot::fast_ln(1.0f) == 0.0f);
  for (int e = -126; e <= 127; ++e) {
    const float x = std::ldexp(1.0f, e);
    // e ln 2 rounded once: within half a unit in the last place of the float nearest to it.
    const double exact = e * std::log(2.0);
    CHECK(std::fabs(earshot::fast_ln(x) - exact) <= 0.5 * std::fabs(std::nextafter(static_cast<float>(exact), 0.0f) - static_cast<float>(exact)) + 2e-7 * std::abs(e) / 128.0 + 1e-12);
  }
}

TEST_CASE("fast_ln gives std::log's answer for zero, negative, subnormal, infinite and NaN arguments",
          "[dsp][log]") {
  CHECK(earshot::fast_ln(0.0f) == -std::numeric_limits<float>::infinity());
  CHECK(std::isnan(earshot::fast_ln(-1.0f)));
  CHECK(earshot::fast_ln(std::numeric_limits<float>::infinity()) == std::numeric_limits<float>::infinity());
  CHECK(std::isnan(earshot::fast_ln(std::numeric_limits<float>::quiet_NaN())));
  const float subnormal = std::numeric_limits<float>::denorm_min() * 12345.0f;
  CHECK(earshot::fast_ln(subnormal) == std::log(subnormal));
  CHECK(earshot::fast_ln(std::numeric_limits<float>::max()) == Approx(std::log(3.40282347e+38)).epsilon(1e-7));
}
