// Residual (Keras' Add of a block's input and output): output = input + Block(input), the
// identity shortcut of ResNet-style blocks. The block must keep the shape and start with a
// layer that reads its input (a convolution, pooling or Dense), so the input survives intact.
// QuantizedResidual<kAddRequantization, Layers...> is the int8 form: TFLite's ADD, both inputs
// rescaled to a common scale before the sum (quantization.hpp).
#pragma once

#include <cstdint>
#include <type_traits>

#include "earshot/nn/detail/block_sums.hpp"
#include "earshot/nn/detail/type_list.hpp"
#include "earshot/nn/layer_info.hpp"
#include "earshot/nn/quantization.hpp"
#include "earshot/nn/shape.hpp"

namespace earshot::nn {

namespace detail {

struct FloatAdd {
  template <int kSize>
  static void add(float* sum, const float* block) noexcept {
    for (int index = 0; index < kSize; ++index) sum[index] += block[index];
  }
};

template <const auto& kQuantization>
struct Int8Add {
  template <int kSize>
  static void add(std::int8_t* sum, const std::int8_t* block) noexcept {
    constexpr const AddRequantization& q = kQuantization;
    for (int index = 0; index < kSize; ++index) {
      const std::int32_t shortcut = (sum[index] + q.input_offset[0]) * (1 << q.left_shift);
      const std::int32_t branch = (block[index] + q.input_offset[1]) * (1 << q.left_shift);
      const std::int32_t total = multiply_by_quantized_multiplier(shortcut, q.input_multiplier[0], q.input_shift[0]) +
                                 multiply_by_quantized_multiplier(branch, q.input_multiplier[1], q.input_shift[1]);
      const std::int32_t value =
          multiply_by_quantized_multiplier(total, q.output_multiplier, q.output_shift) + q.output_offset;
      sum[index] = detail::clamp_to_int8(value, q.output_min, q.output_max);
    }
  }
};

template <class Adder, class Element, class... Layers>
struct ResidualBlock {
  static_assert(sizeof...(Layers) > 0, "Residual: the block needs at least one layer");

  template <class In>
  struct Bound {
    using Input = In;
    static constexpr const char* type = "Add";
    static constexpr detail::Role role = detail::Role::kResidual;
    static_assert(std::is_same_v<typename In::Element, Element>,
                  "Residual: float blocks take Residual<...>, int8 blocks QuantizedResidual<AddRequantization, ...>");
    using Block = detail::Bind<In, Layers...>;
    using Bounds = typename Block::type;
    static_assert(std::is_same_v<typename Block::Output, In>,
                  "Residual: the block's output shape must equal its input shape");
    static_assert(detail::FirstReadsInput<Bounds>::value,
                  "Residual: the block must start with a convolution, pooling or Dense layer");
    using Output = In;
    static constexpr long params = detail::BoundSums<Bounds>::params;
    static constexpr long weight_bytes = detail::BoundSums<Bounds>::weight_bytes;
    static constexpr long macc = detail::BoundSums<Bounds>::macc;
    static constexpr long xcube_macc = detail::BoundSums<Bounds>::xcube_macc + In::size;
    static void add(Element* sum, const Element* block) noexcept { Adder::template add<In::size>(sum, block); }
  };
};

}  // namespace detail

template <class... Layers>
using Residual = detail::ResidualBlock<detail::FloatAdd, float, Layers...>;

template <const auto& kAddRequantization, class... Layers>
using QuantizedResidual = detail::ResidualBlock<detail::Int8Add<kAddRequantization>, std::int8_t, Layers...>;

}  // namespace earshot::nn
