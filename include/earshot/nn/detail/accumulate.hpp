// The multiply-accumulate loop of Conv2D, Dense and the pointwise half of SeparableConv2D:
// out[o] += sum over rows of values[i] x weights[i][o], weights stored as rows of kOutputs.
// The outputs are summed in registers, a block of 8 at a time, instead of being loaded and stored
// back for every multiply-accumulate (5 to 6.6 instructions per MACC on a Cortex-M4F, QEMU count).
// Each output's sum runs in the same order as `out[o] += value * row[o]` row by row: the
// results are bitwise the same.
#pragma once

namespace earshot::nn::detail {

inline constexpr int kAccumulatorBlock = 8;  // 8 sums + operands fit the FPU's 32 registers

// rows(visit) calls visit(values, count, weights) for each stretch of input in summation order:
// values[0, count) against weight rows weights[i * kOutputs, (i + 1) * kOutputs).
template <int kOutputs, int kFirst = 0, class Rows>
void accumulate_rows(float* out, const Rows& rows) noexcept {
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
  if constexpr (kFirst + kWidth < kOutputs) accumulate_rows<kOutputs, kFirst + kWidth>(out, rows);
}

}  // namespace earshot::nn::detail
