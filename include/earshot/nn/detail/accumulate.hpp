// The multiply-accumulate loop of Conv2D, Dense and the pointwise half of SeparableConv2D:
// out[o] += sum over rows of values[i] x weights[i][o], weights stored as rows of kOutputs.
// Cores without float SIMD (Cortex-M4F/M7) sum the outputs in registers, a block at a time,
// instead of loading and storing out[o] for every multiply-accumulate: 5 to 6.6 instructions per
// MACC became 2.3 to 3.1 on a Cortex-M4F (QEMU count, ports/qemu-mps2-an386/bench), now 1.9 to
// 2.3. Convolutions on those cores also take two cells at once (accumulate_pair_in_blocks): 16
// sums in registers, each weight loaded once for both. Hosts with SIMD (SSE2, NEON) lose
// ~1.5x with the blocks (one block's sums are one chain of dependent multiply-adds after
// another); they keep every output's sum in vector registers at once instead
// (float_vectors.hpp). Each output's sum runs in the same order on every path, so the results
// are bitwise the same.
#pragma once

#include <type_traits>

#include "earshot/nn/detail/float_vectors.hpp"

namespace earshot::nn::detail {

// Sums kept in the FPU's 32 registers at once, with room for the operands: 16 for one cell, 8
// outputs of each of a pair of cells, 12 channels of a depthwise cell (which loads an input and
// a weight for each). Wider blocks spill; narrower ones visit the taps more often (Cortex-M4,
// Stride-DS-24: 8 sums for everything cost 4% more instructions). The block functions are
// always inlined: GCC 12 left some of them as calls, 4% more again.
inline constexpr int kRowBlock = 16;
inline constexpr int kPairBlock = 8;
inline constexpr int kDepthwiseBlock = 12;

// Whether float sums are kept in registers in blocks (cores without float SIMD) rather than
// left to the compiler's vectorisation of the plain loop.
#if defined(__ARM_ARCH) && !defined(__ARM_NEON)
inline constexpr bool kFloatSumsInBlocks = true;
#else
inline constexpr bool kFloatSumsInBlocks = false;
#endif

// The outputs [kFirst, kFirst + 16) in registers, then the next block.
template <int kOutputs, int kFirst, class Rows, class Finish>
__attribute__((always_inline)) inline void accumulate_rows_in_blocks(const float* start, float* out, const Rows& rows,
                                                                     const Finish& finish) noexcept {
  constexpr int kWidth = kOutputs - kFirst < kRowBlock ? kOutputs - kFirst : kRowBlock;
  float sums[kWidth];
  for (int lane = 0; lane < kWidth; ++lane) sums[lane] = start[kFirst + lane];
  rows([&](const float* values, int count, const float* weights) {
    for (int index = 0; index < count; ++index) {
      const float value = values[index];
      const float* row = weights + index * kOutputs + kFirst;
      for (int lane = 0; lane < kWidth; ++lane) sums[lane] += value * row[lane];
    }
  });
  for (int lane = 0; lane < kWidth; ++lane) out[kFirst + lane] = finish(kFirst + lane, sums[lane]);
  if constexpr (kFirst + kWidth < kOutputs) {
    accumulate_rows_in_blocks<kOutputs, kFirst + kWidth>(start, out, rows, finish);
  }
}

// Two cells at once (adjacent columns of a convolution, their inputs the same stretches
// `offset` floats apart): each weight is loaded once for both, 16 sums in registers.
template <int kOutputs, int kFirst, class Rows, class Finish>
__attribute__((always_inline)) inline void accumulate_pair_in_blocks(const float* start, float* out, float* out_next,
                                                                     int offset, const Rows& rows,
                                                                     const Finish& finish) noexcept {
  constexpr int kWidth = kOutputs - kFirst < kPairBlock ? kOutputs - kFirst : kPairBlock;
  float sums[kWidth];
  float sums_next[kWidth];
  for (int lane = 0; lane < kWidth; ++lane) {
    sums[lane] = start[kFirst + lane];
    sums_next[lane] = start[kFirst + lane];
  }
  rows([&](const float* values, int count, const float* weights) {
    for (int index = 0; index < count; ++index) {
      const float value = values[index];
      const float value_next = values[index + offset];
      const float* row = weights + index * kOutputs + kFirst;
      for (int lane = 0; lane < kWidth; ++lane) {
        sums[lane] += value * row[lane];
        sums_next[lane] += value_next * row[lane];
      }
    }
  });
  for (int lane = 0; lane < kWidth; ++lane) {
    out[kFirst + lane] = finish(kFirst + lane, sums[lane]);
    out_next[kFirst + lane] = finish(kFirst + lane, sums_next[lane]);
  }
  if constexpr (kFirst + kWidth < kOutputs) {
    accumulate_pair_in_blocks<kOutputs, kFirst + kWidth>(start, out, out_next, offset, rows, finish);
  }
}

// out[o] = finish(o, start[o] + the sum of the rows): rows(visit) calls visit(values, count,
// weights) for each stretch of input in summation order: values[0, count) against weight rows
// weights[i * kOutputs, (i + 1) * kOutputs). finish(o, sum) is what is stored (StoreSum: the sum;
// a stage passes its per-cell layers, so the output is written once).
struct StoreSum {
  float operator()(int, float sum) const noexcept { return sum; }
};

template <int kOutputs, class Rows, class Finish = StoreSum>
void accumulate_rows(const float* start, float* out, const Rows& rows, const Finish& finish = {}) noexcept {
  if constexpr (kFloatSumsInBlocks) {
    accumulate_rows_in_blocks<kOutputs, 0>(start, out, rows, finish);
  } else {
    for (int output = 0; output < kOutputs; ++output) out[output] = start[output];
#if EARSHOT_FLOAT_SUMS_IN_VECTORS
    VectorSums<kOutputs> sums(out);
    rows([&](const float* values, int count, const float* weights) {
      for (int index = 0; index < count; ++index) sums.add_scaled(values[index], weights + index * kOutputs);
    });
    sums.store(out);
#else
    rows([&](const float* values, int count, const float* weights) {
      for (int index = 0; index < count; ++index) {
        const float value = values[index];
        const float* row = weights + index * kOutputs;
        for (int output = 0; output < kOutputs; ++output) out[output] += value * row[output];
      }
    });
#endif
    if constexpr (!std::is_same_v<Finish, StoreSum>) {
      for (int output = 0; output < kOutputs; ++output) out[output] = finish(output, out[output]);
    }
  }
}

}  // namespace earshot::nn::detail
