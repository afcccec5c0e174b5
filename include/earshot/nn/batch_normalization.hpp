// BatchNormalization in its inference form, as Keras defines it:
// y = gamma * (x - moving_mean) / sqrt(moving_variance + epsilon) + beta, per channel.
// Epsilon is a std::ratio (Keras' default 1e-3; PyTorch's is std::ratio<1, 100000>). The model
// folds it into the preceding convolution's output cell, so it never costs a pass of its own.
#pragma once

#include <cmath>
#include <iterator>
#include <ratio>
#include <type_traits>

#include "earshot/nn/layer_info.hpp"
#include "earshot/nn/shape.hpp"

namespace earshot::nn {

template <const auto& kGamma, const auto& kBeta, const auto& kMovingMean, const auto& kMovingVariance,
          class Epsilon = std::ratio<1, 1000>>
struct BatchNormalization {
  template <class In>
  struct Bound {
    using Input = In;
    static constexpr const char* type = "BatchNormalization";
    static constexpr detail::Role role = detail::Role::kPixel;
    static_assert(std::is_same_v<typename In::Element, float>,
                  "BatchNormalization: float only; in int8 it is folded into the convolution before it");
    using Output = In;
    static constexpr int channels = In::channels;
    static_assert(detail::extent_of<kGamma> == channels &&
                      detail::extent_of<kBeta> == channels &&
                      detail::extent_of<kMovingMean> == channels &&
                      detail::extent_of<kMovingVariance> == channels,
                  "BatchNormalization: gamma, beta, moving mean and moving variance must hold one float per input channel");
    static constexpr long params = 4L * channels;
    static constexpr long macc = 0;
    static constexpr long xcube_macc = In::size;
    static constexpr long weight_bytes = 4L * channels * static_cast<long>(sizeof(float));

    // The per-channel scale and shift, computed once per invocation (channels square roots).
    struct State {
      float scale[channels];
      float shift[channels];
    };
    static State prepare() noexcept {
      constexpr float epsilon = static_cast<float>(Epsilon::num) / static_cast<float>(Epsilon::den);
      const float* gamma = std::data(kGamma);
      const float* beta = std::data(kBeta);
      const float* mean = std::data(kMovingMean);
      const float* variance = std::data(kMovingVariance);
      State state{};
      for (int channel = 0; channel < channels; ++channel) {
        state.scale[channel] = gamma[channel] / std::sqrt(variance[channel] + epsilon);
        state.shift[channel] = beta[channel] - mean[channel] * state.scale[channel];
      }
      return state;
    }
    static float apply_value(const State& state, int channel, float value) noexcept {
      return value * state.scale[channel] + state.shift[channel];
    }
    static void apply(const State& state, float* cell) noexcept {
      for (int channel = 0; channel < channels; ++channel) cell[channel] = apply_value(state, channel, cell[channel]);
    }
  };
};

}  // namespace earshot::nn
