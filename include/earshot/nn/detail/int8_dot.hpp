// The int8 multiply-accumulate loops of Conv2D, the pointwise half of SeparableConv2D and Dense:
// for each output o, sum = start[o] + sum over d of a[d] x weights[o][d], handed to finish(o, sum)
// (which requantizes and stores it while the sums are still in registers); weights stored filter
// by filter (TFLite's OHWI, Dense [units][inputs]) so each output's weights are one contiguous row.
// Two paths in one place, chosen by __ARM_FEATURE_DSP: portable C++ (the reference; hosts
// vectorise it), and the Cortex-M4/M7 DSP extension, where SMLAD does two 16-bit
// multiply-accumulates and SXTB16 widens two int8 lanes at once, for four outputs per pass over
// the activations. Integer sums do not depend on their order, so both paths give the same bits.
// finish is taken by value: a closure passed by reference stays in memory, and after each int8
// store (which may alias anything) GCC reloaded the output pointer it holds (Cortex-M4,
// Stride-DS-24 int8: 3.5% more instructions).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <utility>

#include "earshot/nn/detail/bias.hpp"

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
inline void store_word(void* bytes, std::int32_t word) noexcept { std::memcpy(bytes, &word, sizeof word); }
// SXTB16 and SXTAB16 of the word rotated right by 8 bits: lanes 1 and 3 widened (plus `add`'s
// halves). One instruction with the rotation the M4 has in them; GCC emits the rotation as an
// instruction of its own before the intrinsics (Cortex-M4, Stride-DS-24 int8: 1,139,360 ->
// 1,094,760 instructions).
inline std::int32_t widen_odd_lanes(std::uint32_t word) noexcept {
  std::int32_t lanes;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(lanes) : "r"(word));
  return lanes;
}
inline std::int32_t widen_odd_lanes_add(std::int32_t add, std::uint32_t word) noexcept {
  std::int32_t lanes;
  __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(lanes) : "r"(add), "r"(word));
  return lanes;
}

// Activations as the DSP path reads them, four at a time as two words of int16 pairs (a0 a2)
// and (a1 a3), the order in which SXTB16 widens four weights: a patch already holds them so
// (patch_position), int8 values are widened the same way as the weights.
struct PatchPairs {
  const std::int16_t* patch;
  std::int32_t even(int group) const noexcept { return static_cast<std::int32_t>(load_word(patch + 4 * group)); }
  std::int32_t odd(int group) const noexcept { return static_cast<std::int32_t>(load_word(patch + 4 * group + 2)); }
};
struct Int8Pairs {
  const std::int8_t* values;
  std::int32_t even(int group) const noexcept {
    return __sxtb16(static_cast<std::int32_t>(load_word(values + 4 * group)));
  }
  std::int32_t odd(int group) const noexcept {
    return widen_odd_lanes(load_word(values + 4 * group));
  }
};

// kRows outputs' sums over kDepth activations (`tail`: the last kDepth % 4 in order), each group
// of four activations widened once for all of them.
template <int kDepth, int kRows, class Pairs, class Value, class Finish>
inline void dot_rows(const Pairs& pairs, const Value* tail, const std::int8_t* weights, const std::int32_t* start,
                     int output, Finish finish) noexcept {
  std::int32_t sums[kRows];
  for (int row = 0; row < kRows; ++row) sums[row] = start[row];
  for (int group = 0; group < kDepth / 4; ++group) {
    const std::int32_t even = pairs.even(group);
    const std::int32_t odd = pairs.odd(group);
#pragma GCC unroll 8
    for (int row = 0; row < kRows; ++row) {
      const std::uint32_t w = load_word(weights + row * kDepth + 4 * group);
      sums[row] = __smlad(__sxtb16(static_cast<std::int32_t>(w)), even, sums[row]);
      sums[row] = __smlad(widen_odd_lanes(w), odd, sums[row]);
    }
  }
  for (int element = kDepth / 4 * 4; element < kDepth; ++element) {
#pragma GCC unroll 8
    for (int row = 0; row < kRows; ++row) sums[row] += tail[element] * weights[row * kDepth + element];
  }
  for (int row = 0; row < kRows; ++row) finish(output + row, sums[row]);
}

// The outputs [0, grouped_outputs<kOutputs, 2>) in fours, then a pair: each activation group
// widened once for four rows (Cortex-M4, Stride-DS-24 int8's Dense 648 -> 64: 84,200 -> 68,480
// instructions, in pairs before). The caller takes an odd last output through the portable loop.
template <int kDepth, int kOutputs, class Pairs, class Value, class Finish>
inline void dot_rows_dsp(const Pairs& pairs, const Value* tail, const std::int8_t* weights, const std::int32_t* start,
                        Finish finish) noexcept {
  constexpr int kFours = kOutputs / 4 * 4;
  for (int output = 0; output < kFours; output += 4) {
    dot_rows<kDepth, 4>(pairs, tail, weights + output * kDepth, start + output, output, finish);
  }
  if constexpr (kOutputs - kFours >= 2) {
    dot_rows<kDepth, 2>(pairs, tail, weights + kFours * kDepth, start + kFours, kFours, finish);
  }
}
#endif

// Outputs the DSP path takes in groups of kGroup; the rest, if any, go through the portable loop.
// Both bounds are constants, so a loop with nothing left to do is not compiled at all.
template <int kOutputs, int kGroup>
inline constexpr int grouped_outputs = EARSHOT_INT8_DSP ? kOutputs / kGroup * kGroup : 0;

// The portable loop over outputs [kFirst, kOutputs); values[d'] with d' = patch_position(d) when
// kPatchOrder.
template <int kDepth, int kFirst, int kOutputs, bool kPatchOrder, class Value, class Weight, class Finish>
void portable_dot(const Value* values, const Weight* weights, const std::int32_t* start, Finish finish) noexcept {
  for (int output = kFirst; output < kOutputs; ++output) {
    const Weight* row = weights + output * kDepth;
    std::int32_t sum = start[output];
    for (int element = 0; element < kDepth; ++element) {
      sum += values[kPatchOrder ? patch_position(element, kDepth) : element] * row[element];
    }
    finish(output, sum);
  }
}

// A patch of int16 values (patch_position order) against int8 rows.
template <int kDepth, int kOutputs, class Finish>
void dot_patch(const std::int16_t* patch, const std::int8_t* weights, const std::int32_t* start,
               Finish finish) noexcept {
  constexpr int kGrouped = grouped_outputs<kOutputs, 2>;
#if EARSHOT_INT8_DSP
  dot_rows_dsp<kDepth, kOutputs>(PatchPairs{patch}, patch, weights, start, finish);
#endif
  if constexpr (kGrouped < kOutputs) portable_dot<kDepth, kGrouped, kOutputs, true>(patch, weights, start, finish);
}

// int8 values (offset folded into `start`) against int8 rows.
template <int kDepth, int kOutputs, class Finish>
void dot_int8(const std::int8_t* values, const std::int8_t* weights, const std::int32_t* start,
              Finish finish) noexcept {
  constexpr int kGrouped = grouped_outputs<kOutputs, 2>;
#if EARSHOT_INT8_DSP
  dot_rows_dsp<kDepth, kOutputs>(Int8Pairs{values}, values, weights, start, finish);
#endif
  if constexpr (kGrouped < kOutputs) portable_dot<kDepth, kGrouped, kOutputs, false>(values, weights, start, finish);
}

// Where element d of a wide kernel's rows (and of the patches multiplied with them) is stored:
// InOrder keeps d (the pointwise halves), RowWords is a 1-channel convolution's.
struct InOrder {
  constexpr int operator()(int element) const noexcept { return element; }
};

// A 1-channel convolution's taps (row-major, kRows x kColumns) as its wide patch holds them: each
// kernel row's columns in groups of four stored c0 c2 c1 c3, the order in which SXTB16 and
// SXTB16 ROR #8 widen a word of four consecutive input bytes, so an inner cell's patch is filled
// a word of input at a time (Conv2D::fill_wide_patch); the columns beyond the rows' groups come
// after all of them, row by row.
template <int kRows, int kColumns>
struct RowWords {
  static constexpr int grouped = kColumns / 4 * 4;
  constexpr int operator()(int element) const noexcept {
    const int row = element / kColumns;
    const int column = element % kColumns;
    if (column >= grouped) return kRows * grouped + row * (kColumns - grouped) + (column - grouped);
    const int lane = column & 3;
    return row * grouped + (column & ~3) + (lane == 1 ? 2 : (lane == 2 ? 1 : lane));
  }
};

// An int8 kernel [outputs][depth] widened to int16 at compile time, each output's row padded to
// an even depth with a zero and its elements placed as kLayout says: the patch and the weights
// are then both int16 pairs, and one SMLAD takes two multiply-accumulates with no widening in the
// loop. Used where the kernel is small beside the model (twice its int8 flash): a convolution
// from one input channel (Stride-DS-24's first layer: 1,200 B instead of 600 B) and the
// pointwise half of a separable convolution.
// kScale 2 doubles every weight (an int8 weight doubled still fits int16) and the bias the sums
// start at, which then takes the bias's place in flash: the sums arrive as 2 x sum, as the narrow
// requantization takes them (requantize_value's kSumsDoubled; Cortex-M4, Stride-DS-24 int8: an
// LSL a value fewer).
template <const auto& kKernel, const auto& kBias, int kOutputs, int kDepth, int kScale = 1, class Layout = InOrder>
struct WideKernel {
  static_assert(kScale == 1 || kScale == 2, "WideKernel: the sums are kept as they are or doubled");
  static constexpr int depth = kDepth + kDepth % 2;
  static constexpr std::array<std::int16_t, static_cast<std::size_t>(kOutputs) * depth> make() noexcept {
    std::array<std::int16_t, static_cast<std::size_t>(kOutputs) * depth> wide{};
    for (int output = 0; output < kOutputs; ++output) {
      for (int element = 0; element < kDepth; ++element) {
        wide[static_cast<std::size_t>(output * depth + Layout{}(element))] =
            static_cast<std::int16_t>(kScale * std::data(kKernel)[output * kDepth + element]);
      }
    }
    return wide;
  }
  alignas(4) static constexpr std::array<std::int16_t, static_cast<std::size_t>(kOutputs) * depth> values = make();

  static constexpr std::array<std::int32_t, kOutputs> make_start() noexcept {
    std::array<std::int32_t, kOutputs> start{};
    if constexpr (has_bias<kBias>) {
      for (int output = 0; output < kOutputs; ++output) start[static_cast<std::size_t>(output)] = kScale * std::data(kBias)[output];
    }
    return start;
  }
  // Where each output's sum starts: the bias (or zero), times kScale.
  static const std::int32_t* start() noexcept {
    if constexpr (kScale == 1) {
      return bias_start<kBias, kOutputs>();
    } else {
      return scaled_start.data();
    }
  }

 private:
  static constexpr std::array<std::int32_t, kOutputs> scaled_start = make_start();
};

// An int16 patch against int16 rows (WideKernel), kDepth even; the DSP path takes four outputs
// per pass over the patch.
template <int kDepth, int kOutputs, class Finish>
void dot_wide(const std::int16_t* patch, const std::int16_t* weights, const std::int32_t* start,
              Finish finish) noexcept {
  static_assert(kDepth % 2 == 0, "dot_wide: the depth must be even (WideKernel pads it)");
  constexpr int kGrouped = grouped_outputs<kOutputs, 4>;
#if EARSHOT_INT8_DSP
  for (int output = 0; output < kGrouped; output += 4) {
    const std::int16_t* row = weights + output * kDepth;
    std::int32_t sum0 = start[output], sum1 = start[output + 1], sum2 = start[output + 2], sum3 = start[output + 3];
    for (int pair = 0; pair < kDepth; pair += 2) {
      const auto values = static_cast<std::int32_t>(load_word(patch + pair));
      sum0 = __smlad(static_cast<std::int32_t>(load_word(row + pair)), values, sum0);
      sum1 = __smlad(static_cast<std::int32_t>(load_word(row + kDepth + pair)), values, sum1);
      sum2 = __smlad(static_cast<std::int32_t>(load_word(row + 2 * kDepth + pair)), values, sum2);
      sum3 = __smlad(static_cast<std::int32_t>(load_word(row + 3 * kDepth + pair)), values, sum3);
    }
    finish(output, sum0);
    finish(output + 1, sum1);
    finish(output + 2, sum2);
    finish(output + 3, sum3);
  }
#endif
  if constexpr (kGrouped < kOutputs) portable_dot<kDepth, kGrouped, kOutputs, false>(patch, weights, start, finish);
}

// Two cells' int16 patches in one array, interleaved word by word: element e of cell c at
// paired_position(e, c): one pointer walks both, and one LDRD reads a word of each (the array is
// 8-byte aligned). Where the sums fill the M4's registers, that is a register and a load fewer
// (Cortex-M4, Stride-DS-24 int8, with the unrolled fills of Conv2D and SeparableConv2D:
// 1,202,560 -> 1,139,360 instructions).
constexpr int paired_position(int element, int cell) noexcept { return (element >> 1 << 2) + cell * 2 + (element & 1); }

// Where a patch fill puts element e: in order (a cell alone, InOrder), or as cell kCell of a pair.
template <int kCell>
struct PairedCell {
  constexpr int operator()(int element) const noexcept { return paired_position(element, kCell); }
};

#if EARSHOT_INT8_DSP
// Two cells' interleaved patches of kDepth int16 values each (paired_position).
template <int kDepth>
using PairArray = std::int16_t[2 * kDepth];

// Step kStep of dot_wide_pair on the DSP extension: the word of each cell at pair kStep (one LDRD)
// against four rows' weight words, eight SMLADs: 13 instructions for 16 multiply-accumulates.
// In assembly, one step after another with constant offsets, so that nothing is left of a loop
// (Cortex-M4, Stride-DS-24 int8: 1,030,680 -> 926,400 instructions): a rolled loop spent 4
// instructions a step on its pointers and branch, and GCC's own unrolling of it hoisted loads
// and spilled the sums (1,141,760 -> 1,408,640 when tried).
// Always inlined: called alone (GCC declined to inline 18 steps), the sums went through memory.
template <int kDepth, int kStep>
__attribute__((always_inline)) inline void wide_pair_step_dsp(const PairArray<kDepth>& cells, const std::int16_t* rows, std::int32_t& a0,
                               std::int32_t& a1, std::int32_t& a2, std::int32_t& a3, std::int32_t& b0,
                               std::int32_t& b1, std::int32_t& b2, std::int32_t& b3) noexcept {
  constexpr int kRowBytes = 2 * kDepth;
  static_assert(8 * kStep <= 1020 && 4 * kStep + 3 * kRowBytes < 4096, "wide_pair_step_dsp: immediate offsets");
  std::int32_t x, y, w;
  __asm__(
      "ldrd %[x], %[y], [%[cells], %[cell_offset]]\n\t"
      "ldr %[w], [%[rows], %[row0]]\n\t"
      "smlad %[a0], %[w], %[x], %[a0]\n\t"
      "smlad %[b0], %[w], %[y], %[b0]\n\t"
      "ldr %[w], [%[rows], %[row1]]\n\t"
      "smlad %[a1], %[w], %[x], %[a1]\n\t"
      "smlad %[b1], %[w], %[y], %[b1]\n\t"
      "ldr %[w], [%[rows], %[row2]]\n\t"
      "smlad %[a2], %[w], %[x], %[a2]\n\t"
      "smlad %[b2], %[w], %[y], %[b2]\n\t"
      "ldr %[w], [%[rows], %[row3]]\n\t"
      "smlad %[a3], %[w], %[x], %[a3]\n\t"
      "smlad %[b3], %[w], %[y], %[b3]"
      : [x] "=&r"(x), [y] "=&r"(y), [w] "=&r"(w), [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3),
        [b0] "+r"(b0), [b1] "+r"(b1), [b2] "+r"(b2), [b3] "+r"(b3)
      : [cells] "r"(&cells), [rows] "r"(rows), "m"(cells), [cell_offset] "n"(8 * kStep), [row0] "n"(4 * kStep),
        [row1] "n"(4 * kStep + kRowBytes), [row2] "n"(4 * kStep + 2 * kRowBytes), [row3] "n"(4 * kStep + 3 * kRowBytes));
}
template <int kDepth, int... kSteps>
__attribute__((always_inline)) inline void wide_pair_steps_dsp(std::integer_sequence<int, kSteps...>, const PairArray<kDepth>& cells,
                                const std::int16_t* rows, std::int32_t& a0, std::int32_t& a1, std::int32_t& a2,
                                std::int32_t& a3, std::int32_t& b0, std::int32_t& b1, std::int32_t& b2,
                                std::int32_t& b3) noexcept {
  (wide_pair_step_dsp<kDepth, kSteps>(cells, rows, a0, a1, a2, a3, b0, b1, b2, b3), ...);
}
#endif

// Two patches (two output cells, interleaved as paired_position says, 8-byte aligned) against
// the same int16 rows: each weight word loaded once serves both cells. finish(o, sum of the
// first cell, sum of the second).
template <int kDepth, int kOutputs, class Finish>
void dot_wide_pair(const std::int16_t* pairs, const std::int16_t* weights, const std::int32_t* start,
                   Finish finish) noexcept {
  static_assert(kDepth % 2 == 0, "dot_wide_pair: the depth must be even (WideKernel pads it)");
  constexpr int kGrouped = grouped_outputs<kOutputs, 4>;
#if EARSHOT_INT8_DSP
  const auto& cells = *static_cast<const PairArray<kDepth>*>(__builtin_assume_aligned(pairs, 8));
  for (int output = 0; output < kGrouped; output += 4) {
    std::int32_t a0 = start[output], a1 = start[output + 1], a2 = start[output + 2], a3 = start[output + 3];
    std::int32_t b0 = a0, b1 = a1, b2 = a2, b3 = a3;
    wide_pair_steps_dsp<kDepth>(std::make_integer_sequence<int, kDepth / 2>{}, cells, weights + output * kDepth, a0, a1,
                                a2, a3, b0, b1, b2, b3);
    finish(output, a0, b0);
    finish(output + 1, a1, b1);
    finish(output + 2, a2, b2);
    finish(output + 3, a3, b3);
  }
#endif
  if constexpr (kGrouped < kOutputs) {
    for (int output = kGrouped; output < kOutputs; ++output) {
      const std::int16_t* row = weights + output * kDepth;
      std::int32_t a = start[output], b = start[output];
      for (int element = 0; element < kDepth; ++element) {
        a += pairs[paired_position(element, 0)] * row[element];
        b += pairs[paired_position(element, 1)] * row[element];
      }
      finish(output, a, b);
    }
  }
}

}  // namespace earshot::nn::detail
