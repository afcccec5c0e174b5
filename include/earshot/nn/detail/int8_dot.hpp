// The int8 multiply-accumulate loops of Conv2D, the pointwise half of SeparableConv2D and Dense:
// sums[o] += sum over d of a[d] x weights[o][d], weights stored filter by filter (TFLite's OHWI,
// Dense [units][inputs]) so each output's weights are one contiguous row.
// Two paths in one place, chosen by __ARM_FEATURE_DSP: portable C++ (the reference; hosts
// vectorise it), and the Cortex-M4/M7 DSP extension, where SMLAD does two 16-bit
// multiply-accumulates and SXTB16 widens two int8 lanes at once, for two outputs per pass over
// the activations. Integer sums do not depend on their order, so both paths give the same bits.
#pragma once

#include <cstdint>
#include <cstring>

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

}  // namespace earshot::nn::detail
