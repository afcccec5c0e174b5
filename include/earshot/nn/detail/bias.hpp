// Starts an output cell at its bias (or zero for `no_bias`): the first step of every
// convolution and dense layer.
#pragma once

#include <iterator>
#include <type_traits>

#include "earshot/nn/shape.hpp"

namespace earshot::nn::detail {

template <const auto& kBias>
constexpr bool has_bias = !is_no_bias<std::remove_reference_t<decltype(kBias)>>;

template <const auto& kBias, int kCount>
void start_with_bias(float* out) noexcept {
  if constexpr (has_bias<kBias>) {
    const float* bias = std::data(kBias);
    for (int index = 0; index < kCount; ++index) out[index] = bias[index];
  } else {
    for (int index = 0; index < kCount; ++index) out[index] = 0.0f;
  }
}

}  // namespace earshot::nn::detail
