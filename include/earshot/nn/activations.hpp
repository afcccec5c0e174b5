// Activations as Keras defines them: ReLU, ReLU6 (min(max(x, 0), 6)), LeakyReLU (x < 0: alpha x;
// alpha a std::ratio, Keras' default 0.3), sigmoid, and softmax over the channels of each
// cell. All work in place on one cell's channel vector, so the model fuses them into the
// layer before.
#pragma once

#include <cmath>
#include <ratio>
#include <type_traits>

#include "earshot/nn/layer_info.hpp"
#include "earshot/nn/shape.hpp"

namespace earshot::nn {

namespace detail {

// An activation: Function::type names it, Function::apply_cell(cell, channels) computes it in
// place on one cell's channel vector.
template <class Function>
struct Activation {
  template <class In>
  struct Bound {
    using Input = In;
    static constexpr const char* type = Function::type;
    static constexpr Role role = Role::kPixel;
    static_assert(std::is_same_v<typename In::Element, float>,
                  "ReLU/ReLU6/LeakyReLU/Sigmoid/Softmax: float only; in int8, ReLU and ReLU6 are the output clamps of the layer before (Requantization::output_min/max), and Softmax follows Dequantize");
    using Output = In;
    static constexpr long params = 0;
    static constexpr long macc = 0;
    static constexpr long xcube_macc = In::size;
    struct State {};
    static State prepare() noexcept { return {}; }
    static void apply(const State&, float* cell) noexcept { Function::apply_cell(cell, In::channels); }
  };
};

// An activation applied value by value with Function::apply(x).
template <class Function>
struct PerValue {
  static constexpr const char* type = Function::type;
  static void apply_cell(float* cell, int channels) noexcept {
    for (int channel = 0; channel < channels; ++channel) cell[channel] = Function::apply(cell[channel]);
  }
};

struct ReluFunction {
  static constexpr const char* type = "ReLU";
  static float apply(float value) noexcept { return value > 0.0f ? value : 0.0f; }
};

struct Relu6Function {
  static constexpr const char* type = "ReLU6";
  static float apply(float value) noexcept { return value > 0.0f ? (value < 6.0f ? value : 6.0f) : 0.0f; }
};

template <class Alpha>
struct LeakyReluFunction {
  static constexpr const char* type = "LeakyReLU";
  static float apply(float value) noexcept {
    constexpr float alpha = static_cast<float>(Alpha::num) / static_cast<float>(Alpha::den);
    return value < 0.0f ? alpha * value : value;
  }
};

struct SigmoidFunction {
  static constexpr const char* type = "Sigmoid";
  static float apply(float value) noexcept { return 1.0f / (1.0f + std::exp(-value)); }
};

// Softmax over the channels of a cell; the maximum is subtracted first so exp never overflows.
struct SoftmaxFunction {
  static constexpr const char* type = "Softmax";
  static void apply_cell(float* cell, int channels) noexcept {
    float largest = cell[0];
    for (int channel = 1; channel < channels; ++channel) largest = cell[channel] > largest ? cell[channel] : largest;
    float sum = 0.0f;
    for (int channel = 0; channel < channels; ++channel) {
      cell[channel] = std::exp(cell[channel] - largest);
      sum += cell[channel];
    }
    const float scale = 1.0f / sum;
    for (int channel = 0; channel < channels; ++channel) cell[channel] *= scale;
  }
};

}  // namespace detail

using ReLU = detail::Activation<detail::PerValue<detail::ReluFunction>>;
using ReLU6 = detail::Activation<detail::PerValue<detail::Relu6Function>>;
template <class Alpha = std::ratio<3, 10>>
using LeakyReLU = detail::Activation<detail::PerValue<detail::LeakyReluFunction<Alpha>>>;
using Sigmoid = detail::Activation<detail::PerValue<detail::SigmoidFunction>>;
// Softmax over the channels of each cell (after Dense: over the classes).
using Softmax = detail::Activation<detail::SoftmaxFunction>;

}  // namespace earshot::nn
