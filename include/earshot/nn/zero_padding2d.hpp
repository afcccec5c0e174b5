// ZeroPadding2D as Keras defines it: rows and columns of zeros around the input, ((top, bottom),
// (left, right)). For padding that the next layer cannot take itself (explicit_padding covers
// convolutions and pooling); it streams as a 1x1 window, so the arena plan overlaps it too.
#pragma once

#include <type_traits>

#include "earshot/nn/layer_info.hpp"
#include "earshot/nn/shape.hpp"

namespace earshot::nn {

template <int kTop, int kBottom, int kLeft, int kRight>
struct ZeroPadding2D {
  template <class In>
  struct Bound {
    using Input = In;
    static constexpr const char* type = "ZeroPadding2D";
    static constexpr detail::Role role = detail::Role::kWindow;
    static constexpr Padding padding = explicit_padding<kTop, kBottom, kLeft, kRight>;
    static constexpr detail::WindowAxis rows = detail::window_axis(In::height, 1, 1, 1, padding, detail::Axis::kRows);
    static constexpr detail::WindowAxis columns =
        detail::window_axis(In::width, 1, 1, 1, padding, detail::Axis::kColumns);
    static_assert(std::is_same_v<typename In::Element, float>,
                  "ZeroPadding2D: float only (an int8 pad is the zero point: give the padding to the next convolution or pooling)");
    using Output = Shape<rows.output(), columns.output(), In::channels>;

    static constexpr long params = 0;
    static constexpr long macc = 0;
    static constexpr long xcube_macc = 0;

    static void compute_cell(const float* input, int row, int column, float* out) noexcept {
      const int in_row = row - kTop;
      const int in_column = column - kLeft;
      if (in_row < 0 || in_row >= In::height || in_column < 0 || in_column >= In::width) {
        for (int channel = 0; channel < In::channels; ++channel) out[channel] = 0.0f;
        return;
      }
      const float* cell = input + (in_row * In::width + in_column) * In::channels;
      for (int channel = 0; channel < In::channels; ++channel) out[channel] = cell[channel];
    }
  };
};

}  // namespace earshot::nn
