// The multiply-accumulate loop of Conv2D, Dense and the pointwise half of SeparableConv2D:
// out[o] += sum over rows of values[i] x weights[i][o], weights stored as rows of kOutputs.
// Cores without float SIMD (Cortex-M4F/M7) sum the outputs in registers, a block of 8 at a
// time, instead of loading and storing out[o] for every multiply-accumulate: 5 to 6.6
// instructions per MACC became 2.3 to 3.1 on a Cortex-M4F (QEMU count, ports/qemu-mps2-an386/
// bench). Convolutions on those cores also take two cells at once (accumulate_pair_in_blocks):
// 16 sums in registers, each weight loaded once for both. Hosts with SIMD (SSE2, NEON) lose
// ~1.5x with the blocks (one block's sums are one chain of dependent multiply-adds after
// another); they keep every output's sum in vector registers at once instead
// (float_vectors.hpp). Each output's sum runs in the same order on every path, so the results
// are bitwise the same.
#pragma once

#include "earshot/nn/detail/float_vectors.hpp"

namespace earshot::nn::detail {

inline constexpr int kAccumulatorBlock = 8;  // 8 sums + operands fit the FPU's 32 registers

// Whether float sums are kept in registers in blocks (cores without float SIMD) rather than
// left to the compiler's vectorisation of the plain loop.
#if defined(__ARM_ARCH) && !defined(__ARM_NEON)
inline constexpr bool kFloatSumsInBlocks = true;
#else
inline constexpr bool kFloatSumsInBlocks = false;
#endif

// The outputs [kFirst, kFirst + 8) in registers, then the next block.
template <int kOutputs, int kFirst, class Rows>
void accumulate_rows_in_blocks(float* out, const Rows& rows) noexcept {
  constexpr int kWidth = kOutputs - kFirst < kAccumulatorBlock ? kOutputs - kFirst : kAccumulatorBlock;
  float sums[kWidth];
  for (int lane = 0; lane < kWidth; ++lane) sums[lane] = out[kFirst + lane];
  rows([&](const float* values, int count, const float* weights) {
    for (int index = 0; index < count; ++index) {
      const float value = values[index];
      const float* row = weights + index * kOutputs + kFirst;
      for (int lane = 0; lane < kWidth; ++lane) sums[lane] += value * row[lane];
    }
  });
  for (int lane = 0; lane < kWidth; ++lane) out[kFirst + lane] = sums[lane];
  if constexpr (kFirst + kWidth < kOutputs) accumulate_rows_in_blocks<kOutputs, kFirst + kWidth>(out, rows);
}

// Two cells at once (adjacent columns of a convolution, their inputs the same stretches
// `offset` floats apart): each weight is loaded once for both, 16 sums in registers.
template <int kOutputs, int kFirst, class Rows>
void accumulate_pair_in_blocks(float* out, float* out_next, int offset, const Rows& rows) noexcept {
  constexpr int kWidth = kOutputs - kFirst < kAccumulatorBlock ? kOutputs - kFirst : kAccumulatorBlock;
  float sums[kWidth];
  float sums_next[kWidth];
  for (int lane = 0; lane < kWidth; ++lane) {
    sums[lane] = out[kFirst + lane];
    sums_next[lane] = out_next[kFirst + lane];
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
    out[kFirst + lane] = sums[lane];
    out_next[kFirst + lane] = sums_next[lane];
  }
  if constexpr (kFirst + kWidth < kOutputs) {
    accumulate_pair_in_blocks<kOutputs, kFirst + kWidth>(out, out_next, offset, rows);
  }
}

// rows(visit) calls visit(values, count, weights) for each stretch of input in summation order:
// values[0, count) against weight rows weights[i * kOutputs, (i + 1) * kOutputs).
template <int kOutputs, class Rows>
void accumulate_rows(float* out, const Rows& rows) noexcept {
  if constexpr (kFloatSumsInBlocks) {
    accumulate_rows_in_blocks<kOutputs, 0>(out, rows);
  } else {
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
  }
}

}  // namespace earshot::nn::detail
