// Starts an output cell at its bias (or zero for `no_bias`): the first step of every
// convolution and dense layer, float or int32 (int8 layers). FoldedBias adds an int8 layer's
// input offset times each weight row's sum, computed at compile time, so a layer without
// padding (Dense, 1x1 convolutions) multiplies the raw int8 inputs.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <type_traits>

#include "earshot/nn/quantization.hpp"
#include "earshot/nn/shape.hpp"

namespace earshot::nn::detail {

template <const auto& kBias>
constexpr bool has_bias = !is_no_bias<std::remove_reference_t<decltype(kBias)>>;

// Bytes of a weight array in flash (0 for no_bias).
template <const auto& kArray>
constexpr long array_bytes = has_bias<kArray> ? static_cast<long>(sizeof(kArray)) : 0L;

template <const auto& kBias, int kCount, class Sum>
void start_with_bias(Sum* out) noexcept {
  if constexpr (has_bias<kBias>) {
    const auto* bias = std::data(kBias);
    for (int index = 0; index < kCount; ++index) out[index] = bias[index];
  } else {
    for (int index = 0; index < kCount; ++index) out[index] = Sum{0};
  }
}

// Where a layer's sums start: its bias (int32 for int8 layers), or zeros for no_bias (both in
// flash). The float block paths read it into their registers, so the output is written once.
template <int kCount, class Sum>
struct ZeroSums {
  static constexpr std::array<Sum, kCount> values{};
};
template <const auto& kBias, int kCount, class Sum = std::int32_t>
const Sum* bias_start() noexcept {
  if constexpr (has_bias<kBias>) {
    return std::data(kBias);
  } else {
    return ZeroSums<kCount, Sum>::values.data();
  }
}
template <int kCount>
const float* zero_start() noexcept {
  return ZeroSums<kCount, float>::values.data();
}

// narrow_sums (quantization.hpp) for a layer's int32 bias (or none) and int8 kernel.
template <const auto& kBias, const auto& kKernel>
constexpr bool narrow_layer_sums(std::int64_t largest_input) noexcept {
  if constexpr (has_bias<kBias>) {
    return narrow_sums(kBias, kKernel, largest_input);
  } else {
    return narrow_sums(kKernel, largest_input);
  }
}

// bias[o] + input_offset x sum over d of kernel[o][d]: sum (x + offset) w = offset sum w + sum x w.
template <const auto& kBias, const auto& kKernel, int kOutputs, int kDepth, std::int32_t kInputOffset>
struct FoldedBias {
  static constexpr std::array<std::int32_t, kOutputs> make() noexcept {
    std::array<std::int32_t, kOutputs> folded{};
    for (int output = 0; output < kOutputs; ++output) {
      std::int32_t weight_sum = 0;
      for (int element = 0; element < kDepth; ++element) weight_sum += std::data(kKernel)[output * kDepth + element];
      std::int32_t bias = 0;
      if constexpr (has_bias<kBias>) bias = std::data(kBias)[output];
      folded[static_cast<std::size_t>(output)] = bias + kInputOffset * weight_sum;
    }
    return folded;
  }
  static constexpr std::array<std::int32_t, kOutputs> values = make();
};

}  // namespace earshot::nn::detail
