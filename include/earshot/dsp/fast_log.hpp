// The natural logarithm of a float in about 20 instructions on a Cortex-M4F (newlib's logf
// takes about 80, log10f about 116 with its scaling), for the front-end's dB and log scales.
//
// x = 2^e m with m in [sqrt(1/2), sqrt(2)), read off the float's bits; ln m = 2 atanh(t) =
// 2 (t + t^3/3 + t^5/5 + t^7/7 + t^9/9 + ...) with t = (m - 1) / (m + 1), |t| <= 0.1716, whose
// terms after t^9 add at most 7e-10; ln x = e ln 2 + ln m. Measured against double-precision
// log over every float exponent (tests/dsp/fast_log_test.cpp): the error is at most
// 2.4e-7 + 6e-8 |ln x| (half a unit in the last place of the result and a little), which in
// 10 log10 is below 1.1e-6 dB plus 6e-8 of the value. Zero, negative, subnormal, infinite and NaN arguments take the
// standard library's path, so they give exactly what std::log gives.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

namespace earshot {

inline float fast_ln(float x) noexcept {
  constexpr float kSmallestNormal = 1.17549435e-38f;
  constexpr float kLargest = 3.40282347e+38f;
  if (!(x >= kSmallestNormal && x <= kLargest)) return std::log(x);
  constexpr std::uint32_t kSqrtHalfBits = 0x3F3504F3u;  // the float nearest sqrt(1/2), from below
  std::uint32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  // bits - kSqrtHalfBits = (e << 23) + (the bits of m - kSqrtHalfBits), the latter in [0, 2^23).
  const std::uint32_t offset = bits - kSqrtHalfBits;
  const std::int32_t exponent = static_cast<std::int32_t>(offset) >> 23;
  const std::uint32_t mantissa_bits = (offset & 0x007FFFFFu) + kSqrtHalfBits;
  float m;
  std::memcpy(&m, &mantissa_bits, sizeof m);
  const float t = (m - 1.0f) / (m + 1.0f);
  const float t2 = t * t;
  const float series = 2.0f + t2 * (0.666666667f + t2 * (0.4f + t2 * (0.285714286f + t2 * 0.222222222f)));
  // ln 2 in two parts (Cody and Waite): e times the first is exact (15 significant bits,
  // |e| <= 2^7), so the sum is rounded once, at the end.
  constexpr float kLn2High = 0.693145752f;
  constexpr float kLn2Low = 1.42860677e-06f;
  const float e = static_cast<float>(exponent);
  return e * kLn2High + (e * kLn2Low + t * series);
}

}  // namespace earshot
