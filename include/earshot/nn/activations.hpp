// Activations as Keras and PyTorch define them: ReLU, ReLU6 (min(max(x, 0), 6)), LeakyReLU
// (x < 0: alpha x; alpha a std::ratio, Keras' default 0.3), sigmoid, tanh, ELU (x < 0:
// alpha (e^x - 1)), SiLU/Swish (x sigmoid(x)), HardSwish (x min(max(x + 3, 0), 6) / 6), PReLU
// (LeakyReLU with learned slopes: one, or one per channel) and softmax over the channels of each
// cell. All work in place on one cell's channel vector, so the model fuses them into the layer
// before. Their int8 form is a LookupTable (lookup_table.hpp).
#pragma once

#include <cmath>
#include <iterator>
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
                  "activations: float only; in int8, ReLU and ReLU6 are the output clamps of the layer before (Requantization::output_min/max), the others a LookupTable, and Softmax follows Dequantize");
    using Output = In;
    static constexpr long params = 0;
    static constexpr long macc = 0;
    static constexpr long xcube_macc = In::size;
    struct State {};
    static State prepare() noexcept { return {}; }
    static void apply(const State&, float* cell) noexcept { Function::apply_cell(cell, In::channels); }
    // One value at a time, for the activations computed per value (all but softmax): a stage
    // then applies its chain of per-cell layers in one pass (OpChain).
    template <class F = Function, class = decltype(F::apply_value(0.0f))>
    static float apply_value(const State&, int, float value) noexcept {
      return F::apply_value(value);
    }
  };
};

// An activation applied value by value with Function::apply(x).
template <class Function>
struct PerValue {
  static constexpr const char* type = Function::type;
  static float apply_value(float value) noexcept { return Function::apply(value); }
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

struct TanhFunction {
  static constexpr const char* type = "Tanh";
  static float apply(float value) noexcept { return std::tanh(value); }
};

template <class Alpha>
struct EluFunction {
  static constexpr const char* type = "ELU";
  static float apply(float value) noexcept {
    constexpr float alpha = static_cast<float>(Alpha::num) / static_cast<float>(Alpha::den);
    return value > 0.0f ? value : alpha * std::expm1(value);  // expm1: exact near 0, as PyTorch
  }
};

struct SiluFunction {
  static constexpr const char* type = "SiLU";
  static float apply(float value) noexcept { return value / (1.0f + std::exp(-value)); }
};

struct HardSwishFunction {
  static constexpr const char* type = "HardSwish";
  static float apply(float value) noexcept {
    const float gate = value + 3.0f;
    return value * (gate > 0.0f ? (gate < 6.0f ? gate : 6.0f) : 0.0f) / 6.0f;
  }
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

// PReLU: x < 0 gives slope x, with the slopes a float array of one value (shared, PyTorch's
// default) or one per channel.
template <const auto& kSlopes>
struct PReLU {
  template <class In>
  struct Bound {
    using Input = In;
    static constexpr const char* type = "PReLU";
    static constexpr detail::Role role = detail::Role::kPixel;
    static_assert(std::is_same_v<typename In::Element, float>, "PReLU: float only; its int8 form is a LookupTable");
    static constexpr long slopes = detail::extent_of<kSlopes>;
    static_assert(slopes == 1 || slopes == In::channels, "PReLU: the slopes must be one float or one per channel");
    using Output = In;
    static constexpr long params = slopes;
    static constexpr long macc = 0;
    static constexpr long xcube_macc = In::size;
    static constexpr long weight_bytes = slopes * static_cast<long>(sizeof(float));
    struct State {};
    static State prepare() noexcept { return {}; }
    static float apply_value(const State&, int channel, float value) noexcept {
      return value < 0.0f ? std::data(kSlopes)[slopes == 1 ? 0 : channel] * value : value;
    }
    static void apply(const State& state, float* cell) noexcept {
      for (int channel = 0; channel < In::channels; ++channel) {
        cell[channel] = apply_value(state, channel, cell[channel]);
      }
    }
  };
};

using ReLU = detail::Activation<detail::PerValue<detail::ReluFunction>>;
using ReLU6 = detail::Activation<detail::PerValue<detail::Relu6Function>>;
template <class Alpha = std::ratio<3, 10>>
using LeakyReLU = detail::Activation<detail::PerValue<detail::LeakyReluFunction<Alpha>>>;
using Sigmoid = detail::Activation<detail::PerValue<detail::SigmoidFunction>>;
using Tanh = detail::Activation<detail::PerValue<detail::TanhFunction>>;
template <class Alpha = std::ratio<1>>
using ELU = detail::Activation<detail::PerValue<detail::EluFunction<Alpha>>>;
using SiLU = detail::Activation<detail::PerValue<detail::SiluFunction>>;
using HardSwish = detail::Activation<detail::PerValue<detail::HardSwishFunction>>;
// Softmax over the channels of each cell (after Dense: over the classes).
using Softmax = detail::Activation<detail::SoftmaxFunction>;

}  // namespace earshot::nn
