// GlobalAveragePooling2D and GlobalMaxPooling2D as Keras defines them: one value per channel
// over all cells; the output is a 1 x 1 x channels tensor (a flat vector for Dense).
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
    using Output = Shape<1, 1, In::channels>;
    static constexpr long params = 0;
    static constexpr long macc = 0;
    static constexpr long xcube_macc = In::size;

    static void compute(const float* input, float* out) noexcept {
      Reduce::start(out, In::channels);
      for (int cell = 0; cell < In::height * In::width; ++cell) Reduce::add(out, input + cell * In::channels, In::channels);
      Reduce::finish(out, In::channels, In::height * In::width, In::height * In::width);
    }
  };
};

}  // namespace detail

using GlobalAveragePooling2D = detail::GlobalPool2D<detail::AverageReduce<>>;
using GlobalMaxPooling2D = detail::GlobalPool2D<detail::MaxReduce>;

}  // namespace earshot::nn
