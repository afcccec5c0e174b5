// Flatten as Keras defines it on NHWC tensors: rows, then columns, then channels — exactly
// the order in memory, so it costs nothing at run time.
#pragma once

#include "earshot/nn/layer_info.hpp"
#include "earshot/nn/shape.hpp"

namespace earshot::nn {

struct Flatten {
  template <class In>
  struct Bound {
    using Input = In;
    static constexpr const char* type = "Flatten";
    static constexpr detail::Role role = detail::Role::kReshape;
    using Output = Shape<1, 1, In::size, typename In::Element>;
    static constexpr long params = 0;
    static constexpr long macc = 0;
    static constexpr long xcube_macc = 0;
  };
};

}  // namespace earshot::nn
