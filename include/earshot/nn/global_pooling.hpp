// GlobalAveragePooling2D and GlobalMaxPooling2D as Keras defines them: one value per channel
// over all cells; the output is a 1 x 1 x channels tensor (a flat vector for Dense). On int8
// the output keeps the input's quantization (the average rounds as AveragePool2D's).
#pragma once

#include "earshot/nn/layer_info.hpp"
#include "earshot/nn/pooling.hpp"
#include "earshot/nn/shape.hpp"

namespace earshot::nn {

namespace detail {

template <class Reduce>
struct GlobalPool2D {
  template <class In>
  struct Bound {
    using Input = In;
    static constexpr const char* type = Reduce::global_type;
    static constexpr Role role = Role::kWhole;
    using Element = typename In::Element;
    using Output = Shape<1, 1, In::channels, Element>;
    static constexpr long params = 0;
    static constexpr long macc = 0;
    static constexpr long xcube_macc = In::size;

    static void compute(const Element* input, Element* out) noexcept {
      using Accumulator = typename Reduce::template Accumulator<Element>;
      Accumulator acc[In::channels];
      Reduce::start(acc, In::channels);
      for (int cell = 0; cell < In::height * In::width; ++cell) Reduce::add(acc, input + cell * In::channels, In::channels);
      Reduce::finish(acc, out, In::channels, In::height * In::width, In::height * In::width);
    }
  };
};

}  // namespace detail

using GlobalAveragePooling2D = detail::GlobalPool2D<detail::AverageReduce<>>;
using GlobalMaxPooling2D = detail::GlobalPool2D<detail::MaxReduce>;

}  // namespace earshot::nn
