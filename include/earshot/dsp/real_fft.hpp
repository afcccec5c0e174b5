// The built-in real FFT: an n-point real transform computed as an n/2-point complex FFT
// (decimation in time: a first stage of 8-, 4- or 2-point DFTs, then radix-8 stages and at
// most one radix-4 stage) followed by the standard split step that separates the even and odd
// samples (Sorensen et al. 1987).
// Twiddles are computed at compile time for kMaxFftSize (flash on a microcontroller); the
// stages' table serves every smaller size as it is, the split's is read with a stride, so the
// object itself holds only the size. No heap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "earshot/dsp/fft_backend.hpp"
#include "earshot/dsp/fft_complex.hpp"
#include "earshot/status.hpp"

namespace earshot {

namespace detail {

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
    const CosSin c =
        taylor_cos_sin(kHalfPi * static_cast<double>(n - rest) / static_cast<double>(n));
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

// (1/2) e^{-2 pi i k / kSize} for 0 <= k <= kSize / 4: the split step's twiddles of every size
// up to kSize, read with a stride. The factor 1/2 of the split's formula rides on the twiddle
// (exact in binary), which saves multiplications.
template <std::size_t kSize>
struct SplitTwiddles {
  static constexpr std::size_t kCount = kSize / 4 + 1;
  Complex values[kCount]{};
};

template <std::size_t kSize>
constexpr SplitTwiddles<kSize> make_split_twiddles() noexcept {
  SplitTwiddles<kSize> table{};
  for (std::size_t k = 0; k < SplitTwiddles<kSize>::kCount; ++k) {
    const CosSin v = unit_circle(k, kSize);
    table.values[k] = {static_cast<float>(0.5 * v.cos), static_cast<float>(-0.5 * v.sin)};
  }
  return table;
}

// The radix-8 stages' twiddles, in the order the stages read them: for each block size 32, 64,
// ..., kMaxBlock and each k in 1 .. block/8 - 1, the seven values W^k, W^2k, ..., W^7k with
// W = e^{-2 pi i / block}. A stage's twiddles depend on its block size only, not on the
// transform's size, so one table serves every size.
constexpr std::size_t radix8_twiddle_offset(std::size_t block) noexcept {
  std::size_t offset = 0;
  for (std::size_t smaller = 32; smaller < block; smaller *= 2) offset += 7 * (smaller / 8 - 1);
  return offset;
}

template <std::size_t kMaxBlock>
struct Radix8Twiddles {
  static constexpr std::size_t kCount = kMaxBlock >= 32 ? radix8_twiddle_offset(2 * kMaxBlock) : 1;
  Complex values[kCount]{};
};

template <std::size_t kMaxBlock>
constexpr Radix8Twiddles<kMaxBlock> make_radix8_twiddles() noexcept {
  Radix8Twiddles<kMaxBlock> table{};
  for (std::size_t block = 32; block <= kMaxBlock; block *= 2) {
    std::size_t at = radix8_twiddle_offset(block);
    for (std::size_t k = 1; k < block / 8; ++k) {
      for (std::size_t power = 1; power <= 7; ++power) {
        const CosSin v = unit_circle(power * k, block);
        table.values[at++] = {static_cast<float>(v.cos), static_cast<float>(-v.sin)};
      }
    }
  }
  return table;
}

// W^k, W^2k, W^3k for k = 1, 2, 3, W = e^{-2 pi i / 16}: the one radix-4 stage with twiddles
// (block 16, see RealFft::first_radix).
struct Radix4Block16Twiddles {
  Complex values[9]{};
};

constexpr Radix4Block16Twiddles make_radix4_block16_twiddles() noexcept {
  Radix4Block16Twiddles table{};
  for (std::size_t k = 1; k <= 3; ++k) {
    for (std::size_t power = 1; power <= 3; ++power) {
      const CosSin v = unit_circle(power * k, 16);
      table.values[3 * (k - 1) + power - 1] = {static_cast<float>(v.cos),
                                               static_cast<float>(-v.sin)};
    }
  }
  return table;
}

constexpr bool is_power_of_two(std::size_t n) noexcept {
  return n != 0 && (n & (n - 1)) == 0;
}

}  // namespace detail

// Real FFT of any power-of-two size from 4 to kMaxFftSize (see fft_backend.hpp for the
// interface and the output layout), with the front-end's fused windowed power spectrum.
template <std::size_t kMaxFftSize, bool kComplexPairs = detail::kComplexPairsAreVectors>
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
    log2_half_ = 0;
    while ((std::size_t{1} << log2_half_) < n / 2) ++log2_half_;
    return Status::kOk;
  }

  std::size_t size() const noexcept { return size_; }

  EARSHOT_FFT_ENTRY void forward(float* data) const noexcept {
    auto* z = reinterpret_cast<detail::Complex*>(data);
    bit_reverse(z, size_ / 2);
    first_stage_in_place(z);
    later_stages(z);
    split(z);
  }

  // out[k] = |X[k]|^2 for k = 0 .. n/2 of the frame multiplied by the window (both n values);
  // out needs room for n + 2 floats (it is the transform's work space). The numbers of
  // forward() on frame[i] * window[i] followed by re^2 + im^2, in fewer steps: the window is
  // applied as the first stage reads its inputs in bit-reversed order (no reordering pass), and
  // the split step squares its results instead of storing them.
  EARSHOT_FFT_ENTRY void power_spectrum(const float* frame, const float* window,
                                        float* out) const noexcept {
    auto* z = reinterpret_cast<detail::Complex*>(out);
    first_stage_windowed(frame, window, z);
    later_stages(z);
    split_power(z, out);
  }

 private:
  static constexpr detail::SplitTwiddles<kMaxFftSize> kSplitTwiddles =
      detail::make_split_twiddles<kMaxFftSize>();
  static constexpr detail::Radix8Twiddles<kMaxFftSize / 2> kRadix8Twiddles =
      detail::make_radix8_twiddles<kMaxFftSize / 2>();
  static constexpr detail::Radix4Block16Twiddles kRadix4Twiddles =
      detail::make_radix4_block16_twiddles();

  // The n/2-point complex FFT as few passes over the data as possible: radix-8 stages, and
  // radix-4 where log2(n/2) is not a multiple of 3. The first stage (no twiddles) is 8 points
  // when log2(n/2) is a multiple of 3, else 4 (2 or 8 for n = 4 or 16), and later_stages() adds
  // one radix-4 stage when the bits left are not a multiple of 3: that is only ever right after
  // a 4-point first stage, so the one radix-4 stage with twiddles has blocks of 16.
  std::size_t first_radix() const noexcept {
    if (log2_half_ <= 3) return std::size_t{1} << log2_half_;
    return log2_half_ % 3 == 0 ? 8 : 4;
  }

  void later_stages(detail::Complex* z) const noexcept {
    const std::size_t m = size_ / 2;
    std::size_t span = first_radix();  // the size of the DFTs in z so far
    std::size_t bits_left = log2_half_;
    for (std::size_t done = span; done > 1; done >>= 1) --bits_left;
    while (span < m) {
      if (bits_left % 3 != 0) {
        radix4_block16_stage(z);
        span *= 4;
        bits_left -= 2;
      } else {
        radix8_stage(z, span);
        span *= 8;
        bits_left -= 3;
      }
    }
  }

  // Swaps z[i] and z[reverse(i)], an even i together with i + 1: reverse(i) is i/2 reversed
  // among m/2 indices, and reverse(i + 1) = reverse(i) + m/2, one reversal for two indices.
  static void bit_reverse(detail::Complex* z, std::size_t m) noexcept {
    const std::size_t half = m / 2;
    ReversedCounter reversed(half);
    for (std::size_t i = 0; i < m; i += 2, reversed.next()) {
      const std::size_t j = reversed.value();
      if (i < j) detail::swap(z + i, z + j);
      if (i + 1 < j + half) detail::swap(z + i + 1, z + j + half);
    }
  }

  // 0, 1, 2, ... of `count` (a power of two) with their bits reversed. Thumb-2 cores
  // (Cortex-M3/M4/M7) reverse a word in one RBIT instruction; elsewhere the reversed value counts.
  class ReversedCounter {
   public:
#if defined(__ARM_ARCH_ISA_THUMB) && __ARM_ARCH_ISA_THUMB == 2
    // The index is kept in the top bits of a word (log2(count) of them), so that RBIT alone
    // gives its reversal.
    explicit ReversedCounter(std::size_t count) noexcept {
      unsigned bits = 0;
      for (std::size_t size = count; size > 1; size >>= 1) ++bits;
      step_ = bits == 0 ? 0 : std::uint32_t{1} << (32 - bits);
    }
    std::size_t value() const noexcept {
      std::uint32_t reversed;
      __asm__("rbit %0, %1" : "=r"(reversed) : "r"(shifted_index_));
      return reversed;
    }
    void next() noexcept {
      shifted_index_ += step_;
    }

   private:
    std::uint32_t shifted_index_ = 0;
    std::uint32_t step_;
#else
    explicit ReversedCounter(std::size_t count) noexcept : count_(count) {}
    std::size_t value() const noexcept {
      return reversed_;
    }
    void next() noexcept {
      std::size_t bit = count_ >> 1;
      while ((reversed_ & bit) != 0) {
        reversed_ ^= bit;
        bit >>= 1;
      }
      reversed_ |= bit;
    }

   private:
    std::size_t count_;
    std::size_t reversed_ = 0;
#endif
  };

  // The first stage of the decimation in time: groups of first_radix() values become their
  // DFT. `inputs.start(at, p)` then `inputs.next()` radix times give group `at`'s inputs
  // x[p + q m / radix], q = 0, 1, ..., p being the group's index with its bits reversed; the
  // group's results go to z[at .. at + radix).
  template <class Inputs>
  void first_stage(detail::Complex* z, Inputs inputs) const noexcept {
    switch (first_radix()) {
      case 8:
        return first_stage_of<8>(z, inputs);
      case 4:
        return first_stage_of<4>(z, inputs);
      default:
        return first_stage_of<2>(z, inputs);
    }
  }

  template <std::size_t kRadix, class Inputs>
  void first_stage_of(detail::Complex* z, Inputs& inputs) const noexcept {
    const std::size_t m = size_ / 2;
    ReversedCounter reversed(m / kRadix);
    for (std::size_t at = 0; at < m; at += kRadix, reversed.next()) {
      inputs.template start<kRadix>(at, reversed.value());
      detail::Complex* out = z + at;
      if constexpr (kRadix == 8) {
        detail::Complex x0 = inputs.next(), x1 = inputs.next(), x2 = inputs.next(),
                        x3 = inputs.next();
        detail::Complex x4 = inputs.next(), x5 = inputs.next(), x6 = inputs.next(),
                        x7 = inputs.next();
        detail::dft8(x0, x1, x2, x3, x4, x5, x6, x7);
        detail::store8(out, x0, x1, x2, x3, x4, x5, x6, x7);
      } else if constexpr (kRadix == 4) {
        detail::Complex x0 = inputs.next(), x1 = inputs.next(), x2 = inputs.next(),
                        x3 = inputs.next();
        detail::dft4(x0, x1, x2, x3);
        detail::store(out + 0, x0);
        detail::store(out + 1, x1);
        detail::store(out + 2, x2);
        detail::store(out + 3, x3);
      } else {
        const detail::Complex x0 = inputs.next(), x1 = inputs.next();
        detail::store(out, detail::add(x0, x1));
        detail::store(out + 1, detail::subtract(x0, x1));
      }
    }
  }

  // After bit_reverse(), group `at` holds its inputs at at + (q's bits reversed); each group
  // reads only its own values, all of them before it writes.
  struct BitReversedInputs {
    const detail::Complex* z;
    const detail::Complex* group = nullptr;
    std::size_t q = 0;
    std::size_t step = 1;  // 8 / radix: q's bits reversed are kReversed[q * step]

    template <std::size_t kRadix>
    void start(std::size_t at, std::size_t) noexcept {
      group = z + at;
      q = 0;
      step = 8 / kRadix;
    }
    detail::Complex next() noexcept {
      constexpr std::size_t kReversed[8] = {0, 4, 2, 6, 1, 5, 3, 7};  // of 3 bits
      return detail::load(group + kReversed[step * q++]);
    }
  };

  // The frame's samples, windowed, read in the first stage's order: no reordering pass.
  struct WindowedInputs {
    const float* frame;
    const float* window;
    std::size_t stride;  // from x[p + q m / radix] to the next q, in floats
    const float* sample = nullptr;
    const float* weight = nullptr;

    template <std::size_t>
    void start(std::size_t, std::size_t p) noexcept {
      sample = frame + 2 * p;
      weight = window + 2 * p;
    }
    detail::Complex next() noexcept {
      const detail::Complex s = detail::load(reinterpret_cast<const detail::Complex*>(sample));
      const detail::Complex w = detail::load(reinterpret_cast<const detail::Complex*>(weight));
      const detail::Complex x{s.re * w.re, s.im * w.im};
      sample += stride;
      weight += stride;
      return x;
    }
  };

  void first_stage_in_place(detail::Complex* z) const noexcept {
    first_stage(z, BitReversedInputs{z});
  }

  void first_stage_windowed(const float* frame, const float* window,
                            detail::Complex* z) const noexcept {
    first_stage(z, WindowedInputs{frame, window, 2 * (size_ / 2 / first_radix())});
  }

  // Blocks of 16 from 4-point DFTs: the block holds the DFTs of x[4t], x[4t+2], x[4t+1],
  // x[4t+3] in this order, which become one 16-point DFT.
  void radix4_block16_stage(detail::Complex* z) const noexcept {
    const std::size_t m = size_ / 2;
    for (std::size_t base = 0; base < m; base += 16) {
      for (std::size_t k = 0; k < 4; ++k) {
        detail::Complex* p = z + base + k;
        detail::Complex x0 = detail::load(p), x1 = detail::load(p + 8), x2 = detail::load(p + 4),
                        x3 = detail::load(p + 12);
        if (k > 0) {
          const detail::Complex* w = kRadix4Twiddles.values + 3 * (k - 1);
          x1 = detail::multiply(x1, detail::load(w + 0));
          x2 = detail::multiply(x2, detail::load(w + 1));
          x3 = detail::multiply(x3, detail::load(w + 2));
        }
        detail::dft4(x0, x1, x2, x3);
        detail::store(p, x0);
        detail::store(p + 4, x1);
        detail::store(p + 8, x2);
        detail::store(p + 12, x3);
      }
    }
  }

  // A radix-8 stage of its own for each span up to 64 (every span of transforms up to 1024 points):
  // a butterfly's eight addresses are then constant offsets of one pointer, folded into its loads
  // and stores, rather than seven products competing for registers. Larger spans share one stage.
  template <std::size_t kSpan = 4>
  void radix8_stage(detail::Complex* z, std::size_t span) const noexcept {
    if constexpr (kSpan > kMaxFftSize / 16) {
      // No stage of a transform up to kMaxFftSize has this span.
    } else if constexpr (kSpan > 64) {
      radix8_stage_of_any_span(z, span);
    } else if (span == kSpan) {
      radix8_stage_of_span<kSpan>(z);
    } else {
      radix8_stage<2 * kSpan>(z, span);
    }
  }

  template <std::size_t kSpan>
  void radix8_stage_of_span(detail::Complex* z) const noexcept {
    radix8_stage_body(z, kSpan);
  }

  void radix8_stage_of_any_span(detail::Complex* z, std::size_t span) const noexcept {
    radix8_stage_body(z, span);
  }

  // Blocks of 8 L from L-point DFTs (L = span): the block's part s holds the DFT of x[8t + r]
  // with r = s's three bits reversed; X[k + u L] = sum_r W^{r k} W8^{r u} Y_r[k],
  // W = e^{-2 pi i / 8L}.
  __attribute__((always_inline)) void radix8_stage_body(detail::Complex* z,
                                                        std::size_t span) const noexcept {
    const std::size_t m = size_ / 2;
    const std::size_t block = 8 * span;
    for (std::size_t base = 0; base < m; base += block)
      radix8_butterfly<false, detail::Complex>(z + base, span, nullptr);
    const detail::Complex* w = kRadix8Twiddles.values + detail::radix8_twiddle_offset(block);
    // The last stage is one block: a loop over blocks inside the loop over k would cost more
    // setting up than the twiddles it keeps in registers save.
    if (block == m) return radix8_rotated_columns<true>(z, span, w);
    radix8_rotated_columns<false>(z, span, w);
  }

  // The butterflies of k = 1 .. span - 1 with the twiddles W^k .. W^7k from w on, seven per k.
  template <bool kOneBlock>
  __attribute__((always_inline)) void radix8_rotated_columns(
      detail::Complex* z, std::size_t span, const detail::Complex* w) const noexcept {
    if constexpr (kComplexPairs) {
      // k = 1 alone, then k and k + 1 together (span is even).
      radix8_rotated_column<kOneBlock, detail::Complex>(z + 1, span, w);
      for (std::size_t k = 2; k < span; k += 2)
        radix8_rotated_column<kOneBlock, detail::ComplexPair>(z + k, span, w + 7 * (k - 1));
    } else {
      for (std::size_t k = 1; k < span; ++k, w += 7)
        radix8_rotated_column<kOneBlock, detail::Complex>(z + k, span, w);
    }
  }

  // The butterflies at p = z + k of every block.
  template <bool kOneBlock, class C>
  __attribute__((always_inline)) void radix8_rotated_column(
      detail::Complex* p, std::size_t span, const detail::Complex* w) const noexcept {
    if constexpr (kOneBlock) {
      radix8_butterfly<true, C>(p, span, w);
    } else {
      const std::size_t m = size_ / 2;
      for (std::size_t base = 0; base < m; base += 8 * span)
        radix8_butterfly<true, C>(p + base, span, w);
    }
  }

  // A complex value (C = Complex) or those at p and p + 1 (C = ComplexPair).
  template <class C>
  static C load_lanes(const detail::Complex* p) noexcept {
    if constexpr (std::is_same_v<C, detail::Complex>) {
      return detail::load(p);
    } else {
      return detail::load_pair(p);
    }
  }

  template <class C>
  static void store_lanes(detail::Complex* p, C value) noexcept {
    if constexpr (std::is_same_v<C, detail::Complex>) {
      detail::store(p, value);
    } else {
      detail::store_pair(p, value);
    }
  }

  // W^{power k} (power = 1 .. 7) from the twiddles of k, and with C = ComplexPair next to it
  // W^{power (k+1)} from those of k + 1, seven values on.
  template <class C>
  static C twiddle(const detail::Complex* w, std::size_t power) noexcept {
    if constexpr (std::is_same_v<C, detail::Complex>) {
      return detail::load(w + power - 1);
    } else {
      return detail::join(detail::load(w + power - 1), detail::load(w + 6 + power));
    }
  }

  // w: W^k .. W^7k (kRotate), none for k = 0.
  template <bool kRotate, class C>
  __attribute__((always_inline)) static void radix8_butterfly(detail::Complex* p, std::size_t span,
                                                              const detail::Complex* w) noexcept {
    C x0 = load_lanes<C>(p), x1 = load_lanes<C>(p + 4 * span), x2 = load_lanes<C>(p + 2 * span);
    C x3 = load_lanes<C>(p + 6 * span), x4 = load_lanes<C>(p + span),
      x5 = load_lanes<C>(p + 5 * span);
    C x6 = load_lanes<C>(p + 3 * span), x7 = load_lanes<C>(p + 7 * span);
    if constexpr (kRotate) {
      x1 = detail::multiply(x1, twiddle<C>(w, 1));
      x2 = detail::multiply(x2, twiddle<C>(w, 2));
      x3 = detail::multiply(x3, twiddle<C>(w, 3));
      x4 = detail::multiply(x4, twiddle<C>(w, 4));
      x5 = detail::multiply(x5, twiddle<C>(w, 5));
      x6 = detail::multiply(x6, twiddle<C>(w, 6));
      x7 = detail::multiply(x7, twiddle<C>(w, 7));
    }
    detail::dft8(x0, x1, x2, x3, x4, x5, x6, x7);
    store_lanes(p, x0);
    store_lanes(p + span, x1);
    store_lanes(p + 2 * span, x2);
    store_lanes(p + 3 * span, x3);
    store_lanes(p + 4 * span, x4);
    store_lanes(p + 5 * span, x5);
    store_lanes(p + 6 * span, x6);
    store_lanes(p + 7 * span, x7);
  }

  // The split's twiddles (1/2) e^{-2 pi i k / n}, k = 0 .. n/4: every (kMaxFftSize / n)-th of
  // the table.
  std::size_t split_twiddle_stride() const noexcept {
    return kMaxFftSize / size_;
  }

  // Z = DFT_m(x[2t] + i x[2t+1]) to X[k] and X[m-k] of the 2m-point real DFT:
  // X[k] = E + W^k O, X[m-k] = conj(E - W^k O) with E = (Z[k] + conj Z[m-k]) / 2,
  // O = -i (Z[k] - conj Z[m-k]) / 2, W = e^{-2 pi i / 2m}; the halving of O is in the twiddle.
  static void split_pair(detail::Complex a, detail::Complex b, detail::Complex half_twiddle,
                         detail::Complex& x_k, detail::Complex& x_m_minus_k) noexcept {
    const detail::Complex twice_even{a.re + b.re, a.im - b.im};
    const detail::Complex twice_odd{a.im + b.im, b.re - a.re};
    const detail::Complex w_odd = detail::multiply(half_twiddle, twice_odd);
    x_k = {0.5f * twice_even.re + w_odd.re, 0.5f * twice_even.im + w_odd.im};
    x_m_minus_k = {0.5f * twice_even.re - w_odd.re, w_odd.im - 0.5f * twice_even.im};
  }

  // The same for two neighbours k and k + 1 (a = Z[k], Z[k+1]; b = Z[m-k], Z[m-k-1]), each
  // lane rounded as split_pair() rounds it; |x|^2 of each comes out in lanes 0 and 2.
  static void split_pair_power(detail::ComplexPair a, detail::ComplexPair b,
                               detail::ComplexPair half_twiddles, detail::Float4& power_k,
                               detail::Float4& power_m_minus_k) noexcept {
    using detail::Float4;
    using detail::swap_parts;
    const Float4 twice_even = a.v + Float4{1, -1, 1, -1} * b.v;
    const Float4 twice_odd = Float4{1, -1, 1, -1} * swap_parts(a.v) + swap_parts(b.v);
    const Float4 w_odd = detail::multiply(half_twiddles, {twice_odd}).v;
    const Float4 half_even = 0.5f * twice_even;
    const Float4 x_k = half_even + w_odd;
    const Float4 x_m_minus_k = Float4{1, -1, 1, -1} * half_even + Float4{-1, 1, -1, 1} * w_odd;
    const Float4 squares_k = x_k * x_k;
    const Float4 squares_m_minus_k = x_m_minus_k * x_m_minus_k;
    power_k = squares_k + swap_parts(squares_k);
    power_m_minus_k = squares_m_minus_k + swap_parts(squares_m_minus_k);
  }

  // z holds Z; writes X[0..m] of the 2m-point real DFT. Loop state in locals: the pair stores
  // may write any memory, this object included, as far as the compiler knows.
  void split(detail::Complex* z) const noexcept {
    const std::size_t m = size_ / 2;
    const std::size_t stride = split_twiddle_stride();
    const detail::Complex* twiddle = kSplitTwiddles.values + stride;
    const detail::Complex z0 = z[0];
    z[0] = {z0.re + z0.im, 0.0f};
    z[m] = {z0.re - z0.im, 0.0f};
    for (std::size_t k = 1; k <= m / 2; ++k, twiddle += stride) {
      detail::Complex x_k;
      detail::Complex x_m_minus_k;
      split_pair(detail::load(z + k), detail::load(z + m - k), detail::load(twiddle), x_k,
                 x_m_minus_k);
      detail::store(z + k, x_k);
      detail::store(z + m - k, x_m_minus_k);
    }
  }

  // The same split, each result squared as it is made: |X[k]|^2 into out[k], whose float was
  // read before (k <= m/2); |X[m-k]|^2 into the float of Z[m-k] just read, out[2(m-k)], moved
  // down to out[m-k] afterwards. A function of its own on the M4 too: inlined into
  // power_spectrum after the stages, GCC 12 allocated this loop's registers worse (31
  // instructions a bin instead of 29).
  EARSHOT_FFT_ENTRY void split_power(const detail::Complex* z, float* out) const noexcept {
    const std::size_t m = size_ / 2;
    const std::size_t stride = split_twiddle_stride();
    const detail::Complex* twiddle = kSplitTwiddles.values + stride;
    const detail::Complex z0 = z[0];
    const float x0 = z0.re + z0.im;
    const float x_m = z0.re - z0.im;
    out[0] = x0 * x0;
    std::size_t k = 1;
    if constexpr (kComplexPairs) {
      // k and k + 1 together; the pair at m-k-1 read from memory is (Z[m-k-1], Z[m-k]).
      for (; k + 1 <= m / 2; k += 2, twiddle += 2 * stride) {
        detail::Float4 power_k, power_m_minus_k;
        split_pair_power(detail::load_pair(z + k),
                         detail::swap_halves(detail::load_pair(z + m - k - 1)),
                         detail::join(detail::load(twiddle), detail::load(twiddle + stride)),
                         power_k, power_m_minus_k);
        out[2 * (m - k)] = power_m_minus_k[0];
        out[2 * (m - k - 1)] = power_m_minus_k[2];
        out[k] = power_k[0];
        out[k + 1] = power_k[2];
      }
    }
    for (; k <= m / 2; ++k, twiddle += stride) {
      detail::Complex x_k;
      detail::Complex x_m_minus_k;
      split_pair(detail::load(z + k), detail::load(z + m - k), detail::load(twiddle), x_k,
                 x_m_minus_k);
      out[2 * (m - k)] = x_m_minus_k.re * x_m_minus_k.re + x_m_minus_k.im * x_m_minus_k.im;
      out[k] = x_k.re * x_k.re + x_k.im * x_k.im;
    }
    for (std::size_t j = m / 2 + 1; j < m; ++j) out[j] = out[2 * j];
    out[m] = x_m * x_m;
  }

  std::size_t size_ = 0;
  std::size_t log2_half_ = 0;
};

}  // namespace earshot
