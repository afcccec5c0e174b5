// The int8 multiply-accumulate loops of Conv2D, the pointwise half of SeparableConv2D and Dense:
// sums[o] += sum over d of a[d] x weights[o][d], weights stored filter by filter (TFLite's OHWI,
// Dense [units][inputs]) so each output's weights are one contiguous row.
// Two paths in one place, chosen by __ARM_FEATURE_DSP: portable C++ (the reference; hosts
// vectorise it), and the Cortex-M4/M7 DSP extension, where SMLAD does two 16-bit
// multiply-accumulates and SXTB16 widens two int8 lanes at once, for two outputs per pass over
// the activations. Integer sums do not depend on their order, so both paths give the same bits.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#include <arm_acle.h>
#define EARSHOT_INT8_DSP 1
#else
#define EARSHOT_INT8_DSP 0
#endif

namespace earshot::nn::detail {

// Where element d of a patch of kDepth int16 values is stored. The DSP path widens 4 weights
// w0 w1 w2 w3 into the pairs (w0, w2) and (w1, w3) (SXTB16 of the word and of the word rotated
// by 8), so each group of 4 patch values is stored as p0 p2 p1 p3; the last kDepth % 4 are in
// order. The portable path stores the patch in order.
constexpr int patch_position(int element, int depth) noexcept {
#if EARSHOT_INT8_DSP
  if (element >= depth / 4 * 4) return element;
  const int lane = element & 3;
  return (element & ~3) | (lane == 1 ? 2 : (lane == 2 ? 1 : lane));
#else
  static_cast<void>(depth);
  return element;
#endif
}

#if EARSHOT_INT8_DSP
inline std::uint32_t load_word(const void* bytes) noexcept {
  std::uint32_t word;
  std::memcpy(&word, bytes, sizeof word);  // one LDR: the M4 loads unaligned words
  return word;
}
inline std::uint32_t rotate_8(std::uint32_t word) noexcept { return (word >> 8) | (word << 24); }

// Two outputs' sums over one patch of kDepth values (patch_position order).
template <int kDepth>
inline void dot_patch_pair(const std::int16_t* patch, const std::int8_t* weights, std::int32_t* sums) noexcept {
  const std::int8_t* first = weights;
  const std::int8_t* second = weights + kDepth;
  std::int32_t sum0 = sums[0];
  std::int32_t sum1 = sums[1];
  for (int group = 0; group < kDepth / 4; ++group) {
    const auto even = static_cast<std::int32_t>(load_word(patch + 4 * group));      // p0 p2
    const auto odd = static_cast<std::int32_t>(load_word(patch + 4 * group + 2));   // p1 p3
    const std::uint32_t w0 = load_word(first + 4 * group);
    const std::uint32_t w1 = load_word(second + 4 * group);
    sum0 = __smlad(__sxtb16(static_cast<std::int32_t>(w0)), even, sum0);
    sum0 = __smlad(__sxtb16(static_cast<std::int32_t>(rotate_8(w0))), odd, sum0);
    sum1 = __smlad(__sxtb16(static_cast<std::int32_t>(w1)), even, sum1);
    sum1 = __smlad(__sxtb16(static_cast<std::int32_t>(rotate_8(w1))), odd, sum1);
  }
  for (int element = kDepth / 4 * 4; element < kDepth; ++element) {
    sum0 += patch[element] * first[element];
    sum1 += patch[element] * second[element];
  }
  sums[0] = sum0;
  sums[1] = sum1;
}

// Two outputs' sums over kDepth int8 values: activations and weights are widened alike, so
// the pairs match without reordering.
template <int kDepth>
inline void dot_int8_pair(const std::int8_t* values, const std::int8_t* weights, std::int32_t* sums) noexcept {
  const std::int8_t* first = weights;
  const std::int8_t* second = weights + kDepth;
  std::int32_t sum0 = sums[0];
  std::int32_t sum1 = sums[1];
  for (int group = 0; group < kDepth / 4; ++group) {
    const std::uint32_t x = load_word(values + 4 * group);
    const std::int32_t even = __sxtb16(static_cast<std::int32_t>(x));
    const std::int32_t odd = __sxtb16(static_cast<std::int32_t>(rotate_8(x)));
    const std::uint32_t w0 = load_word(first + 4 * group);
    const std::uint32_t w1 = load_word(second + 4 * group);
    sum0 = __smlad(__sxtb16(static_cast<std::int32_t>(w0)), even, sum0);
    sum0 = __smlad(__sxtb16(static_cast<std::int32_t>(rotate_8(w0))), odd, sum0);
    sum1 = __smlad(__sxtb16(static_cast<std::int32_t>(w1)), even, sum1);
    sum1 = __smlad(__sxtb16(static_cast<std::int32_t>(rotate_8(w1))), odd, sum1);
  }
  for (int element = kDepth / 4 * 4; element < kDepth; ++element) {
    sum0 += values[element] * first[element];
    sum1 += values[element] * second[element];
  }
  sums[0] = sum0;
  sums[1] = sum1;
}
#endif

// sums[o] += sum over d of patch[patch_position(d)] x weights[o * kDepth + d], for o < kOutputs.
template <int kDepth, int kOutputs>
void dot_patch(const std::int16_t* patch, const std::int8_t* weights, std::int32_t* sums) noexcept {
  int output = 0;
#if EARSHOT_INT8_DSP
  for (; output + 2 <= kOutputs; output += 2) dot_patch_pair<kDepth>(patch, weights + output * kDepth, sums + output);
#endif
  for (; output < kOutputs; ++output) {
    const std::int8_t* row = weights + output * kDepth;
    std::int32_t sum = sums[output];
    for (int element = 0; element < kDepth; ++element) sum += patch[patch_position(element, kDepth)] * row[element];
    sums[output] = sum;
  }
}

// sums[o] += sum over d of values[d] x weights[o * kDepth + d], for o < kOutputs.
template <int kDepth, int kOutputs>
void dot_int8(const std::int8_t* values, const std::int8_t* weights, std::int32_t* sums) noexcept {
  int output = 0;
#if EARSHOT_INT8_DSP
  for (; output + 2 <= kOutputs; output += 2) dot_int8_pair<kDepth>(values, weights + output * kDepth, sums + output);
#endif
  for (; output < kOutputs; ++output) {
    const std::int8_t* row = weights + output * kDepth;
    std::int32_t sum = sums[output];
    for (int element = 0; element < kDepth; ++element) sum += values[element] * row[element];
    sums[output] = sum;
  }
}

// The kernel of a convolution from one input channel (the first layer of an audio model), widened
// to int16 at compile time, each filter's row padded to an even depth with a zero: the patch and
// the weights are then both int16 pairs, and one SMLAD takes two multiply-accumulates with no
// widening in the loop. Twice the flash of the int8 kernel, which for a 1-channel layer is small
// (Stride-DS-24: 1,200 B instead of 600 B).
template <const auto& kKernel, int kOutputs, int kDepth>
struct WideKernel {
  static constexpr int depth = kDepth + kDepth % 2;
  static constexpr std::array<std::int16_t, static_cast<std::size_t>(kOutputs) * depth> make() noexcept {
    std::array<std::int16_t, static_cast<std::size_t>(kOutputs) * depth> wide{};
    for (int output = 0; output < kOutputs; ++output) {
      for (int element = 0; element < kDepth; ++element) {
        wide[static_cast<std::size_t>(output * depth + element)] = std::data(kKernel)[output * kDepth + element];
      }
    }
    return wide;
  }
  alignas(4) static constexpr std::array<std::int16_t, static_cast<std::size_t>(kOutputs) * depth> values = make();
};

// sums[o] += sum over d of patch[d] x weights[o * kDepth + d] for int16 patch and weights, kDepth
// even; the DSP path takes four outputs per pass over the patch.
template <int kDepth, int kOutputs>
void dot_wide(const std::int16_t* patch, const std::int16_t* weights, std::int32_t* sums) noexcept {
  static_assert(kDepth % 2 == 0, "dot_wide: the depth must be even (WideKernel pads it)");
  int output = 0;
#if EARSHOT_INT8_DSP
  for (; output + 4 <= kOutputs; output += 4) {
    const std::int16_t* row = weights + output * kDepth;
    std::int32_t sum0 = sums[output], sum1 = sums[output + 1], sum2 = sums[output + 2], sum3 = sums[output + 3];
    for (int pair = 0; pair < kDepth; pair += 2) {
      const auto values = static_cast<std::int32_t>(load_word(patch + pair));
      sum0 = __smlad(static_cast<std::int32_t>(load_word(row + pair)), values, sum0);
      sum1 = __smlad(static_cast<std::int32_t>(load_word(row + kDepth + pair)), values, sum1);
      sum2 = __smlad(static_cast<std::int32_t>(load_word(row + 2 * kDepth + pair)), values, sum2);
      sum3 = __smlad(static_cast<std::int32_t>(load_word(row + 3 * kDepth + pair)), values, sum3);
    }
    sums[output] = sum0;
    sums[output + 1] = sum1;
    sums[output + 2] = sum2;
    sums[output + 3] = sum3;
  }
#endif
  for (; output < kOutputs; ++output) {
    const std::int16_t* row = weights + output * kDepth;
    std::int32_t sum = sums[output];
    for (int element = 0; element < kDepth; ++element) sum += patch[element] * row[element];
    sums[output] = sum;
  }
}

}  // namespace earshot::nn::detail
