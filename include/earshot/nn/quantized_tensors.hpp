// The two edges of an int8 model: QuantizedInput, an int8 input tensor whose values the model
// quantizes as they are written (Model::store_input), and Dequantize, the layer that turns int8
// results back into float (a Softmax after it then runs on the dequantized logits). Inside,
// everything is int8 with int32 sums (quantization.hpp).
#pragma once

#include <cstdint>
#include <type_traits>

#include "earshot/nn/layer_info.hpp"
#include "earshot/nn/quantization.hpp"
#include "earshot/nn/shape.hpp"

namespace earshot::nn {

// An int8 model's input: `QuantizedInput<40, 32, 1, input_quantization>`, where
// input_quantization is a constexpr TensorQuantization (the scale and zero point the
// converter calibrated).
template <int kHeight, int kWidth, int kChannels, const TensorQuantization& kQuantization>
struct QuantizedInput : Shape<kHeight, kWidth, kChannels, std::int8_t> {
  static constexpr const TensorQuantization& quantization = kQuantization;
};

// int8 -> float: (q - zero_point) x scale per value, streamed cell by cell (a 1x1 window), so
// the arena plan overlaps it like any other layer.
template <const TensorQuantization& kQuantization>
struct Dequantize {
  template <class In>
  struct Bound {
    using Input = In;
    static constexpr const char* type = "Dequantize";
    static constexpr detail::Role role = detail::Role::kWindow;
    static_assert(std::is_same_v<typename In::Element, std::int8_t>, "Dequantize: the input must be int8");
    static constexpr detail::WindowAxis rows = detail::window_axis(In::height, 1, 1, 1, Padding::kValid, detail::Axis::kRows);
    static constexpr detail::WindowAxis columns =
        detail::window_axis(In::width, 1, 1, 1, Padding::kValid, detail::Axis::kColumns);
    using Output = Shape<In::height, In::width, In::channels, float>;
    static constexpr long params = 0;
    static constexpr long macc = 0;
    static constexpr long xcube_macc = 0;

    static void compute_cell(const std::int8_t* input, int row, int column, float* out) noexcept {
      const std::int8_t* cell = input + (row * In::width + column) * In::channels;
      for (int channel = 0; channel < In::channels; ++channel) {
        out[channel] = dequantize(cell[channel], kQuantization.scale, kQuantization.zero_point);
      }
    }
  };
};

namespace detail {

// How the model stores a float input value in its input tensor: as it is, or quantized.
template <class In, class = void>
struct InputStore {
  static float store(float value) noexcept { return value; }
};
template <class In>
struct InputStore<In, std::void_t<decltype(In::quantization)>> {
  static constexpr float inverse_scale = 1.0f / In::quantization.scale;
  static std::int8_t store(float value) noexcept { return quantize(value, inverse_scale, In::quantization.zero_point); }
};

}  // namespace detail

}  // namespace earshot::nn
