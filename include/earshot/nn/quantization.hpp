// The int8 arithmetic of TensorFlow Lite's quantization specification
// (tensorflow.org/lite/performance/quantization_spec), computed as its reference kernels and
// CMSIS-NN's arm_nn_requantize do: a real value is scale x (q - zero_point); a layer sums
// (input + input_offset) x weight in int32 and brings the sum to its output's scale with a
// 32-bit fixed-point multiplier and a shift (gemmlowp's saturating rounding doubling high
// multiply, then a rounding right shift). The converter derives every multiplier and shift at
// build time (TFLite's QuantizeMultiplier); at run time only integers are used, except at the
// model's two edges (QuantizedInput, Dequantize: quantized_tensors.hpp).
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#include <arm_acle.h>
#endif

namespace earshot::nn {

// The requantization argument of a float layer: none (the default).
struct NoRequantization {};
inline constexpr NoRequantization no_requantization{};

// One tensor's quantization: real = scale x (q - zero_point), q in [-128, 127].
struct TensorQuantization {
  float scale;
  std::int32_t zero_point;
};

// How a convolution or Dense layer brings its int32 sums to int8, one multiplier and shift per
// output channel (weights are symmetric per channel, so the effective scale
// input_scale x weight_scale[c] / output_scale differs by channel). output_min/output_max are
// the fused activation: [-128, 127], or [output zero point, 127] for ReLU, and for ReLU6 the
// upper end at the quantized 6.
template <int kChannels>
struct Requantization {
  std::int32_t input_offset;   // -(input zero point): added to every input value
  std::int32_t output_offset;  // the output zero point
  std::int32_t output_min;
  std::int32_t output_max;
  std::int32_t multiplier[kChannels];  // Q31, in [2^30, 2^31)
  std::int32_t shift[kChannels];       // > 0: left shift, < 0: rounding right shift
};

// SeparableConv2D in int8: the depthwise result is requantized to int8 (its own tensor, as in
// TFLite's two operators), then the pointwise convolution reads it.
template <int kMiddle, int kFilters>
struct SeparableRequantization {
  Requantization<kMiddle> depthwise;
  Requantization<kFilters> pointwise;
};

// A residual Add of two int8 tensors with their own scales (TFLite's ADD): both inputs are
// shifted left by left_shift (20), scaled to twice the larger input scale, summed and the sum
// is requantized to the output.
struct AddRequantization {
  std::int32_t left_shift;
  std::int32_t input_offset[2];  // -(zero point) of the block's input [0] and of its output [1]
  std::int32_t input_multiplier[2];
  std::int32_t input_shift[2];
  std::int32_t output_offset;
  std::int32_t output_multiplier;
  std::int32_t output_shift;
  std::int32_t output_min;
  std::int32_t output_max;
};

// gemmlowp's SaturatingRoundingDoublingHighMul: the high 32 bits of 2ab, rounded to nearest;
// the one overflow, INT32_MIN x INT32_MIN, saturates to INT32_MAX. gemmlowp nudges a negative
// product by 1 - 2^30 and truncates towards zero; that equals adding 2^30 and flooring (an
// arithmetic shift), as CMSIS-NN computes it: one SMLAL and two shifts on a Cortex-M4.
constexpr std::int32_t saturating_rounding_doubling_high_multiply(std::int32_t a, std::int32_t b) noexcept {
  if (a == std::numeric_limits<std::int32_t>::min() && b == std::numeric_limits<std::int32_t>::min()) {
    return std::numeric_limits<std::int32_t>::max();
  }
  const std::int64_t product = static_cast<std::int64_t>(a) * static_cast<std::int64_t>(b);
  return static_cast<std::int32_t>((product + (std::int64_t{1} << 30)) >> 31);
}

// gemmlowp's RoundingDivideByPOT: x / 2^exponent rounded to nearest, ties away from zero, for an
// exponent in [0, 31].
constexpr std::int32_t rounding_divide_by_power_of_two(std::int32_t x, int exponent) noexcept {
  const std::int32_t mask = static_cast<std::int32_t>((std::uint32_t{1} << exponent) - 1);
  const std::int32_t remainder = x & mask;
  const std::int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// TFLite's MultiplyByQuantizedMultiplier: x x multiplier x 2^shift / 2^31, for a shift in
// [-31, 30]. A left shift happens before the multiply (and, as in the reference, must not
// overflow: the converter only writes shifts that keep it in range).
constexpr std::int32_t multiply_by_quantized_multiplier(std::int32_t x, std::int32_t multiplier, int shift) noexcept {
  const int left = shift > 0 ? shift : 0;
  const int right = shift > 0 ? 0 : -shift;
  const auto shifted = static_cast<std::int32_t>(static_cast<std::uint32_t>(x) << left);
  return rounding_divide_by_power_of_two(saturating_rounding_doubling_high_multiply(shifted, multiplier), right);
}

// An int32 sum of channel `channel` as the layer's int8 output: requantized, offset, clamped.
template <int kChannels>
constexpr std::int8_t requantize(const Requantization<kChannels>& quantization, int channel, std::int32_t sum) noexcept {
  std::int32_t value =
      multiply_by_quantized_multiplier(sum, quantization.multiplier[channel], quantization.shift[channel]) +
      quantization.output_offset;
  value = value < quantization.output_min ? quantization.output_min : value;
  value = value > quantization.output_max ? quantization.output_max : value;
  return static_cast<std::int8_t>(value);
}

namespace detail {

// a + b saturated to int32 (QADD on cores with the DSP extension).
inline std::int32_t saturating_add(std::int32_t a, std::int32_t b) noexcept {
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
  return __qadd(a, b);
#else
  const std::int64_t sum = static_cast<std::int64_t>(a) + b;
  return sum > std::numeric_limits<std::int32_t>::max()   ? std::numeric_limits<std::int32_t>::max()
         : sum < std::numeric_limits<std::int32_t>::min() ? std::numeric_limits<std::int32_t>::min()
                                                           : static_cast<std::int32_t>(sum);
#endif
}

// value clamped to [low, high] within [-128, 127]: SSAT alone where the layer has no activation.
// The tests of low and high fold away when they are constants (a layer's constexpr
// requantization), so only a fused activation's clamp costs an instruction more.
inline std::int8_t clamp_to_int8(std::int32_t value, std::int32_t low, std::int32_t high) noexcept {
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
  value = __ssat(value, 8);
  if (low > -128) value = value < low ? low : value;
  if (high < 127) value = value > high ? high : value;
#else
  value = value < low ? low : value;
  value = value > high ? high : value;
#endif
  return static_cast<std::int8_t>(value);
}

}  // namespace detail

// Whether requantize_cell may take its fast form for these constants: every shift a right shift
// of 1 to 23 bits, no multiplier INT32_MIN (the converter's multipliers lie in [2^30, 2^31)) and
// an output offset that is an int8 zero point.
template <int kChannels>
constexpr bool has_fast_requantization(const Requantization<kChannels>& quantization) noexcept {
  if (quantization.output_offset < -128 || quantization.output_offset > 127) return false;
  for (int channel = 0; channel < kChannels; ++channel) {
    const std::int32_t shift = quantization.shift[channel];
    if (shift > -1 || shift < -23 || quantization.multiplier[channel] == std::numeric_limits<std::int32_t>::min()) {
      return false;
    }
  }
  return true;
}

namespace detail {

// (2s x m + 2^31) >> 32, which is (s x m + 2^30) >> 31 when 2s fits in int32: one SMMULR on the
// DSP extension where the 64-bit form takes five instructions.
inline std::int32_t doubled_high_multiply(std::int32_t doubled_sum, std::int32_t multiplier) noexcept {
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP && defined(__GNUC__)
  std::int32_t high;
  __asm__("smmulr %0, %1, %2" : "=r"(high) : "r"(doubled_sum), "r"(multiplier));
  return high;
#else
  return static_cast<std::int32_t>((static_cast<std::int64_t>(doubled_sum) * multiplier + (std::int64_t{1} << 31)) >> 32);
#endif
}

template <class Values>
constexpr std::int64_t magnitude_sum(const Values& values) noexcept {
  std::int64_t sum = 0;
  for (const auto value : values) sum += value < 0 ? -static_cast<std::int64_t>(value) : value;
  return sum;
}

template <class Values>
constexpr std::int64_t largest_magnitude(const Values& values) noexcept {
  std::int64_t largest = 0;
  for (const auto value : values) {
    const std::int64_t magnitude = value < 0 ? -static_cast<std::int64_t>(value) : value;
    largest = magnitude > largest ? magnitude : largest;
  }
  return largest;
}

}  // namespace detail

// Whether every sum of an int8 layer stays within +-2^30 whatever its input, so that
// requantize_value may take its narrow form (kNarrow): the largest |start| (its int32 bias or
// folded bias; 0 for none) plus every |weight| of the kernel added up, times the largest |input|
// (256 with the input offset added, 128 for raw int8). A bound over all outputs at once: loose,
// and still below 2^30 for audio-sized layers (Stride-DS-24 int8's test model: the first
// convolution 1.0e7, the separable halves up to 3.3e7, Dense 648 -> 64 below 6.8e8).
template <class Start, class Kernel>
constexpr bool narrow_sums(const Start& start, const Kernel& kernel, std::int64_t largest_input) noexcept {
  return detail::largest_magnitude(start) + detail::magnitude_sum(kernel) * largest_input < (std::int64_t{1} << 30);
}
template <class Kernel>
constexpr bool narrow_sums(const Kernel& kernel, std::int64_t largest_input) noexcept {  // no bias
  return detail::magnitude_sum(kernel) * largest_input < (std::int64_t{1} << 30);
}

// An int32 sum (requantize_value) or a whole output cell of them (requantize_cell) as int8, equal
// to requantize() channel by channel. The fast
// form (kFast, from has_fast_requantization) rearranges the same arithmetic: the high multiply
// cannot saturate when the multiplier is not INT32_MIN, and for exponent e >= 1 the rounding
// divide is floor((x + 2^(e-1) - [x < 0]) / 2^e), one add and one shift. The add saturates only
// when x > 2^31 - 1 - 2^(e-1), where the exact quotient is at least 2^(31-e) - 1/2 >= 255.5 for
// e <= 23, and the saturated one 2^31 - 1 >> e >= 255: both clamp to output_max (<= 127) after
// any offset >= -128. With QADD and SSAT (the DSP extension) about 18 instructions a value on a
// Cortex-M4 instead of 40.
// The narrow form (kNarrow, for layers whose sums narrow_sums bounds within +-2^30) takes the high
// multiply as one SMMULR of 2 x sum, whose result x is then within +-2^30; with the zero point z in
// [-128, 127] and e <= 23, x + (2z + 1) 2^(e-1) - [x < 0] stays within int32, so no add saturates
// and the offset joins the rounding term: floor((x + 2^(e-1) + z 2^e - [x < 0]) / 2^e) is the
// rounded quotient plus z (Cortex-M4, Stride-DS-24 int8: a QADD and an add fewer a value).
// kSumsDoubled: the narrow form's caller passes 2 x sum, whose kernel holds doubled weights and
// bias (detail::WideKernel), so the doubling costs nothing at run time.
template <bool kFast, bool kNarrow = false, bool kSumsDoubled = false, int kChannels>
std::int8_t requantize_value(const Requantization<kChannels>& quantization, int channel, std::int32_t sum) noexcept {
  static_assert(!kSumsDoubled || (kFast && kNarrow), "requantize_value: only the narrow form takes doubled sums");
  if constexpr (kFast && kNarrow) {
    const std::int32_t doubled = kSumsDoubled ? sum : static_cast<std::int32_t>(static_cast<std::uint32_t>(sum) << 1);
    const std::int32_t high = detail::doubled_high_multiply(doubled, quantization.multiplier[channel]);
    const int exponent = -quantization.shift[channel];
    const auto rounding = static_cast<std::int32_t>(static_cast<std::uint32_t>(2 * quantization.output_offset + 1)
                                                    << (exponent - 1));
    const std::int32_t value = (high + rounding + (high >> 31)) >> exponent;
    return detail::clamp_to_int8(value, quantization.output_min, quantization.output_max);
  } else if constexpr (kFast) {
    const std::int64_t product = static_cast<std::int64_t>(sum) * quantization.multiplier[channel];
    const auto high = static_cast<std::int32_t>((product + (std::int64_t{1} << 30)) >> 31);
    const int exponent = -quantization.shift[channel];
    const std::int32_t half = std::int32_t{1} << (exponent - 1);
    // high + half, saturated, minus 1 when high < 0 (high >> 31 is -1 or 0).
    const std::int32_t nudged = detail::saturating_add(high, half) + (high >> 31);
    const std::int32_t value = (nudged >> exponent) + quantization.output_offset;
    return detail::clamp_to_int8(value, quantization.output_min, quantization.output_max);
  } else {
    return requantize(quantization, channel, sum);
  }
}

template <bool kFast, bool kNarrow = false, int kChannels>
void requantize_cell(const Requantization<kChannels>& quantization, const std::int32_t* sums, std::int8_t* out) noexcept {
  for (int channel = 0; channel < kChannels; ++channel) {
    out[channel] = requantize_value<kFast, kNarrow>(quantization, channel, sums[channel]);
  }
}

// The int8 value of a real x, as PyTorch's fake_quantize_per_tensor_affine computes it:
// nearbyint(x x (1 / scale)) + zero_point, clamped (ties to even). `inverse_scale` is 1.0f /
// scale in float, as PyTorch has it.
inline std::int8_t quantize(float x, float inverse_scale, std::int32_t zero_point) noexcept {
  float scaled = x * inverse_scale;
#if defined(__ARM_FP) && (__ARM_FP & 4) && defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP && defined(__GNUC__)
  // The same result without a branch (Cortex-M4F: 8 instructions a value instead of 25 in an
  // int8 pipeline's window copy): VCVTR rounds in the FPU's rounding mode (to nearest, ties to
  // even, the default) and saturates to int32, NaN to 0; QADD and SSAT saturate the rest.
  float rounded_bits;
  __asm__("vcvtr.s32.f32 %0, %1" : "=t"(rounded_bits) : "t"(scaled));
  std::int32_t rounded;
  std::memcpy(&rounded, &rounded_bits, sizeof rounded);
  return static_cast<std::int8_t>(__ssat(__qadd(rounded, zero_point), 8));
#else
  // Clamped first so the rounding below is exact and no float-to-int conversion overflows (a
  // NaN compares false both times and becomes the zero point).
  scaled = scaled > 512.0f ? 512.0f : (scaled < -512.0f ? -512.0f : scaled);
  if (!(scaled == scaled)) scaled = 0.0f;
  // Adding and removing 1.5 x 2^23 rounds to the nearest integer, ties to even, in the FPU's
  // default mode: two instructions where newlib's nearbyintf is a library call.
  constexpr float kRounder = 12582912.0f;
  const auto rounded = static_cast<std::int32_t>((scaled + kRounder) - kRounder);
  std::int32_t value = rounded + zero_point;
  value = value < -128 ? -128 : (value > 127 ? 127 : value);
  return static_cast<std::int8_t>(value);
#endif
}

// The real value of q: (q - zero_point) x scale, in float as PyTorch's dequantize.
constexpr float dequantize(std::int8_t q, float scale, std::int32_t zero_point) noexcept {
  return static_cast<float>(static_cast<std::int32_t>(q) - zero_point) * scale;
}

namespace detail {

template <const auto& kRequantization>
constexpr bool is_requantized =
    !std::is_same_v<std::remove_cv_t<std::remove_reference_t<decltype(kRequantization)>>, NoRequantization>;

// Bytes of a layer's requantization constants in flash (0 for a float layer).
template <const auto& kRequantization>
constexpr long requantization_bytes = is_requantized<kRequantization> ? static_cast<long>(sizeof(kRequantization)) : 0L;

}  // namespace detail

}  // namespace earshot::nn
