// The built-in real FFT: an n-point real transform computed as an n/2-point complex FFT
// (in-place radix-4 decimation in time, one radix-2 stage when log2(n/2) is odd) followed by
// the standard split step that separates the even and odd samples (Sorensen et al. 1987).
// Twiddles are computed at compile time for kMaxFftSize (flash on a microcontroller) and read
// with a stride for smaller sizes, so the object itself holds only the size. No heap.
#pragma once

#include <cstddef>
#include <cstdint>

#include "earshot/dsp/fft_backend.hpp"
#include "earshot/status.hpp"

namespace earshot {

namespace detail {

struct Complex {
  float re;
  float im;
};

// cos and sin of 2 pi k / n for 0 <= k < n in constexpr double: the angle is reduced exactly
// with integers to [0, pi/4], where a 13-term Taylor series is accurate to below 1e-17.
struct CosSin {
  double cos;
  double sin;
};

constexpr CosSin taylor_cos_sin(double x) noexcept {
  double term_sin = x;
  double term_cos = 1.0;
  double sum_sin = x;
  double sum_cos = 1.0;
  for (int k = 1; k < 13; ++k) {
    term_cos *= -x * x / static_cast<double>((2 * k - 1) * (2 * k));
    term_sin *= -x * x / static_cast<double>((2 * k) * (2 * k + 1));
    sum_cos += term_cos;
    sum_sin += term_sin;
  }
  return {sum_cos, sum_sin};
}

constexpr CosSin unit_circle(std::size_t k, std::size_t n) noexcept {
  constexpr double kHalfPi = 1.5707963267948966192313216916398;
  const std::size_t quadrant = (4 * k) / n;
  const std::size_t rest = 4 * k - quadrant * n;  // angle in quadrant = (pi/2) rest / n
  CosSin v{};
  if (2 * rest <= n) {
    v = taylor_cos_sin(kHalfPi * static_cast<double>(rest) / static_cast<double>(n));
  } else {
    const CosSin c = taylor_cos_sin(kHalfPi * static_cast<double>(n - rest) / static_cast<double>(n));
    v = {c.sin, c.cos};
  }
  switch (quadrant) {
    case 1:
      return {-v.sin, v.cos};
    case 2:
      return {-v.cos, -v.sin};
    case 3:
      return {v.sin, -v.cos};
    default:
      return v;
  }
}

// e^{-2 pi i k / kSize} for 0 <= k < 3 kSize / 4: the largest index the radix-4 stages need
// (W^{3k} of the last stage); the split step needs k <= kSize / 4.
template <std::size_t kSize>
struct TwiddleTable {
  static constexpr std::size_t kCount = kSize * 3 / 4;
  Complex values[kCount]{};
};

template <std::size_t kSize>
constexpr TwiddleTable<kSize> make_twiddle_table() noexcept {
  TwiddleTable<kSize> table{};
  for (std::size_t k = 0; k < TwiddleTable<kSize>::kCount; ++k) {
    const CosSin v = unit_circle(k, kSize);
    table.values[k] = {static_cast<float>(v.cos), static_cast<float>(-v.sin)};
  }
  return table;
}

constexpr bool is_power_of_two(std::size_t n) noexcept { return n != 0 && (n & (n - 1)) == 0; }

inline Complex multiply(Complex a, Complex b) noexcept {
  return {a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re};
}

}  // namespace detail

// Real FFT of any power-of-two size from 4 to kMaxFftSize (see fft_backend.hpp for the
// interface and the output layout).
template <std::size_t kMaxFftSize>
class RealFft {
  static_assert(detail::is_power_of_two(kMaxFftSize) && kMaxFftSize >= 4 && kMaxFftSize <= 65536,
                "RealFft capacity must be a power of two between 4 and 65536");

 public:
  static constexpr std::size_t max_size = kMaxFftSize;

  static constexpr bool supports(std::size_t n) noexcept {
    return detail::is_power_of_two(n) && n >= 4;
  }

  Status init(std::size_t n) noexcept {
    if (!supports(n)) return Status::kFftSizeNotSupported;
    if (n > max_size) return Status::kFftSizeExceedsCapacity;
    size_ = n;
    return Status::kOk;
  }

  std::size_t size() const noexcept { return size_; }

  void forward(float* data) const noexcept {
    auto* z = reinterpret_cast<detail::Complex*>(data);
    const std::size_t half = size_ / 2;
    bit_reverse(z, half);
    complex_fft(z, half);
    split(z, half);
  }

 private:
  static constexpr detail::TwiddleTable<kMaxFftSize> kTwiddles =
      detail::make_twiddle_table<kMaxFftSize>();

  // e^{-2 pi i k / n}.
  static detail::Complex twiddle(std::size_t k, std::size_t n) noexcept {
    return kTwiddles.values[k * (kMaxFftSize / n)];
  }

  // Swaps z[i] and z[reverse(i)]. Thumb-2 cores (Cortex-M3/M4/M7) reverse a word in one RBIT
  // instruction, which halves the cost of this pass; elsewhere j counts in reversed order.
  static void bit_reverse(detail::Complex* z, std::size_t m) noexcept {
#if defined(__ARM_ARCH_ISA_THUMB) && __ARM_ARCH_ISA_THUMB == 2
    unsigned shift = 32;
    for (std::size_t size = m; size > 1; size >>= 1) --shift;
    for (std::uint32_t i = 0; i < m; ++i) {
      std::uint32_t reversed;
      __asm__("rbit %0, %1" : "=r"(reversed) : "r"(i));
      const std::uint32_t j = reversed >> shift;
      if (i < j) swap(z[i], z[j]);
    }
#else
    for (std::size_t i = 0, j = 0; i < m; ++i) {
      if (i < j) swap(z[i], z[j]);
      std::size_t bit = m >> 1;
      while ((j & bit) != 0) {
        j ^= bit;
        bit >>= 1;
      }
      j |= bit;
    }
#endif
  }

  static void swap(detail::Complex& a, detail::Complex& b) noexcept {
    const detail::Complex t = a;
    a = b;
    b = t;
  }

  // In-place m-point complex DFT of bit-reversed input. A radix-4 stage fuses two radix-2
  // stages: a block of 4L holds the L-point DFTs of x[4t], x[4t+2], x[4t+1], x[4t+3] in this
  // order, which become one 4L-point DFT.
  static void complex_fft(detail::Complex* z, std::size_t m) noexcept {
    std::size_t quarter = 1;  // L
    std::size_t log2m = 0;
    while ((std::size_t{1} << log2m) < m) ++log2m;
    if (log2m % 2 == 1) {
      for (std::size_t i = 0; i < m; i += 2) {
        const detail::Complex a = z[i];
        const detail::Complex b = z[i + 1];
        z[i] = {a.re + b.re, a.im + b.im};
        z[i + 1] = {a.re - b.re, a.im - b.im};
      }
      quarter = 2;
    }
    for (; quarter < m; quarter *= 4) {
      const std::size_t block = 4 * quarter;
      for (std::size_t base = 0; base < m; base += block) {
        butterfly(z + base, quarter, {1.0f, 0.0f}, {1.0f, 0.0f}, {1.0f, 0.0f}, false);
      }
      for (std::size_t k = 1; k < quarter; ++k) {
        const detail::Complex w1 = twiddle(k, block);
        const detail::Complex w2 = twiddle(2 * k, block);
        const detail::Complex w3 = twiddle(3 * k, block);
        for (std::size_t base = 0; base < m; base += block) {
          butterfly(z + base + k, quarter, w1, w2, w3, true);
        }
      }
    }
  }

  static void butterfly(detail::Complex* p, std::size_t quarter, detail::Complex w1,
                        detail::Complex w2, detail::Complex w3, bool rotate) noexcept {
    const detail::Complex t0 = p[0];
    detail::Complex t1 = p[2 * quarter];  // DFT of x[4t+1]
    detail::Complex t2 = p[quarter];      // DFT of x[4t+2]
    detail::Complex t3 = p[3 * quarter];  // DFT of x[4t+3]
    if (rotate) {
      t1 = detail::multiply(t1, w1);
      t2 = detail::multiply(t2, w2);
      t3 = detail::multiply(t3, w3);
    }
    const detail::Complex a{t0.re + t2.re, t0.im + t2.im};
    const detail::Complex b{t0.re - t2.re, t0.im - t2.im};
    const detail::Complex c{t1.re + t3.re, t1.im + t3.im};
    const detail::Complex d{t1.re - t3.re, t1.im - t3.im};
    p[0] = {a.re + c.re, a.im + c.im};
    p[2 * quarter] = {a.re - c.re, a.im - c.im};
    p[quarter] = {b.re + d.im, b.im - d.re};      // b - i d
    p[3 * quarter] = {b.re - d.im, b.im + d.re};  // b + i d
  }

  // z holds Z = DFT_m(x[2t] + i x[2t+1]); writes X[0..m] of the 2m-point real DFT:
  // X[k] = E[k] + W^k O[k], X[m-k] = conj(E[k] - W^k O[k]) with E = (Z[k] + conj Z[m-k]) / 2,
  // O = -i (Z[k] - conj Z[m-k]) / 2, W = e^{-2 pi i / 2m}.
  static void split(detail::Complex* z, std::size_t m) noexcept {
    const detail::Complex z0 = z[0];
    z[0] = {z0.re + z0.im, 0.0f};
    z[m] = {z0.re - z0.im, 0.0f};
    for (std::size_t k = 1; k <= m / 2; ++k) {
      const detail::Complex a = z[k];
      const detail::Complex b = z[m - k];
      const detail::Complex even{0.5f * (a.re + b.re), 0.5f * (a.im - b.im)};
      const detail::Complex odd{0.5f * (a.im + b.im), 0.5f * (b.re - a.re)};
      const detail::Complex w_odd = detail::multiply(twiddle(k, 2 * m), odd);
      z[k] = {even.re + w_odd.re, even.im + w_odd.im};
      z[m - k] = {even.re - w_odd.re, w_odd.im - even.im};
    }
  }

  std::size_t size_ = 0;
};

}  // namespace earshot
