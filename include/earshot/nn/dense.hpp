// Dense (fully connected) as Keras defines it: kernel [inputs][units] row-major, bias [units].
// The input must be flat (1 x 1 x N): Flatten or global pooling first, as in Keras.
// In int8 (an std::int8_t kernel in TFLite's order [units][inputs], std::int32_t bias,
// Requantization<units>) the input offset is folded into the bias at compile time.
#pragma once

#include <iterator>
#include <type_traits>

#include "earshot/nn/detail/accumulate.hpp"
#include "earshot/nn/detail/bias.hpp"
#include "earshot/nn/detail/int8_dot.hpp"
#include "earshot/nn/layer_info.hpp"
#include "earshot/nn/quantization.hpp"
#include "earshot/nn/shape.hpp"

namespace earshot::nn {

template <int kUnits, const auto& kKernel, const auto& kBias, const auto& kRequantization = no_requantization>
struct Dense {
  static_assert(kUnits > 0, "Dense: the number of units must be positive");

  template <class In>
  struct Bound {
    using Input = In;
    static constexpr const char* type = "Dense";
    static constexpr detail::Role role = detail::Role::kWhole;
    static_assert(In::height == 1 && In::width == 1,
                  "Dense: the input must be flat; put Flatten or a global pooling layer before Dense");
    using Element = detail::element_of<kKernel>;
    static constexpr bool quantized = detail::is_requantized<kRequantization>;
    static_assert(std::is_same_v<typename In::Element, Element>,
                  "Dense: the input and the kernel must both be float or both std::int8_t");
    static_assert(quantized == std::is_same_v<Element, std::int8_t>,
                  "Dense: an int8 kernel takes a Requantization<units>, a float kernel none");
    using Output = Shape<1, 1, kUnits, Element>;
    static constexpr int inputs = In::channels;
    static constexpr bool has_bias = detail::has_bias<kBias>;
    static_assert(detail::extent_of<kKernel> ==
                      static_cast<long>(inputs) * kUnits,
                  "Dense: the kernel array must hold inputs x units floats; check the input size");
    static_assert(!has_bias || detail::extent_of<kBias> == kUnits,
                  "Dense: the bias array must hold one float per unit");
    static constexpr long params = static_cast<long>(inputs) * kUnits + (has_bias ? kUnits : 0);
    static constexpr long macc = static_cast<long>(inputs) * kUnits;
    static constexpr long xcube_macc = macc;
    static constexpr long weight_bytes = detail::array_bytes<kKernel> + detail::array_bytes<kBias> + detail::requantization_bytes<kRequantization>;


    // For EigenBackend: out = bias + input (1 x inputs) times the kernel (inputs x units).
    static constexpr int gemm_depth = inputs;
    static const float* gemm_weights() noexcept { return std::data(kKernel); }
    static void gemm_start(float* out) noexcept { detail::start_with_bias<kBias, kUnits>(out); }

    static void compute(const Element* input, Element* out) noexcept {
      if constexpr (quantized) {
        using Folded = detail::FoldedBias<kBias, kKernel, kUnits, inputs, kRequantization.input_offset>;
        // Raw int8 inputs (at most 128 in magnitude), the offset folded into the start.
        constexpr bool narrow = narrow_sums(Folded::values, kKernel, 128);
        detail::dot_int8<inputs, kUnits>(input, std::data(kKernel), Folded::values.data(), [out](int unit, std::int32_t sum) {
          out[unit] = requantize_value<has_fast_requantization(kRequantization), narrow>(kRequantization, unit, sum);
        });
      } else {
        detail::accumulate_rows<kUnits>(detail::bias_start<kBias, kUnits, float>(), out,
                                        [&](auto&& visit) { visit(input, inputs, std::data(kKernel)); });
      }
    }
  };
};

}  // namespace earshot::nn
