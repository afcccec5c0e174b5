// Tensor shapes, window sizes and padding of earshot's NHWC layers (channels last, as
// TensorFlow/Keras and CMSIS-NN store them). Padding::kSame follows TensorFlow's rule:
// pad_total = max((ceil(in / stride) - 1) * stride + (kernel - 1) * dilation + 1 - in, 0),
// pad_before = pad_total / 2 (the extra cell of an odd total goes after); explicit_padding gives
// each side as PyTorch's `padding` and ONNX's `pads` do. Output = (in + pads - span) / stride + 1.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <type_traits>

namespace earshot::nn {

// The shape of one activation tensor: height (rows) x width (columns) x channels, stored
// row-major with the channels of a cell contiguous (NHWC without the batch dimension), of
// float32 or, in an int8 model (quantization.hpp), of std::int8_t values.
template <int kHeight, int kWidth, int kChannels, class ElementType = float>
struct Shape {
  static_assert(kHeight > 0 && kWidth > 0 && kChannels > 0, "Shape: every extent must be positive");
  static_assert(std::is_same_v<ElementType, float> || std::is_same_v<ElementType, std::int8_t>,
                "Shape: activations are float or std::int8_t");
  using Element = ElementType;
  static constexpr int height = kHeight;
  static constexpr int width = kWidth;
  static constexpr int channels = kChannels;
  static constexpr int size = kHeight * kWidth * kChannels;
  static constexpr std::size_t bytes = sizeof(Element) * static_cast<std::size_t>(size);
};

// The model's input shape: `Input<60, 31, 1>` is 60 mel bands x 31 frames x 1 channel.
template <int kHeight, int kWidth, int kChannels>
using Input = Shape<kHeight, kWidth, kChannels>;

// A pair of window extents (rows, columns). Kernel, Strides, Dilation and PoolSize are all
// this type, so a pooling layer's strides can default to its pool size as in Keras.
template <int kRows, int kColumns>
struct Size2D {
  static_assert(kRows > 0 && kColumns > 0, "Size2D: kernel sizes, strides and dilations must be positive");
  static constexpr int rows = kRows;
  static constexpr int columns = kColumns;
};
template <int kRows, int kColumns>
using Kernel = Size2D<kRows, kColumns>;
template <int kRows, int kColumns>
using Strides = Size2D<kRows, kColumns>;
template <int kRows, int kColumns>
using Dilation = Size2D<kRows, kColumns>;
template <int kRows, int kColumns>
using PoolSize = Size2D<kRows, kColumns>;

// kValid: no padding. kSame: TensorFlow's rule (above). explicit_padding<top, bottom, left,
// right> is a Padding value too (the four sides packed into it), so it goes wherever kValid and
// kSame go: `Conv2D<24, Kernel<5, 5>, Strides<2, 2>, explicit_padding<2, 2, 2, 2>, ...>`.
enum class Padding { kValid, kSame };

namespace detail {

// An explicit padding: this flag plus four 7-bit sides (top, bottom, left, right), low to high.
inline constexpr int kExplicitPaddingFlag = 1 << 30;
inline constexpr int kPaddingSideBits = 7;
inline constexpr int kMaxPaddingSide = (1 << kPaddingSideBits) - 1;

template <int kTop, int kBottom, int kLeft, int kRight>
struct ExplicitPadding {
  static_assert(kTop >= 0 && kBottom >= 0 && kLeft >= 0 && kRight >= 0 && kTop <= kMaxPaddingSide &&
                    kBottom <= kMaxPaddingSide && kLeft <= kMaxPaddingSide && kRight <= kMaxPaddingSide,
                "explicit_padding: every side must pad 0 to 127 cells");
  static constexpr Padding value = static_cast<Padding>(
      kExplicitPaddingFlag | kTop | kBottom << kPaddingSideBits | kLeft << (2 * kPaddingSideBits) |
      kRight << (3 * kPaddingSideBits));
};

constexpr bool is_explicit(Padding padding) noexcept {
  return (static_cast<int>(padding) & kExplicitPaddingFlag) != 0;
}

// Side 0..3 = top, bottom, left, right of an explicit padding.
constexpr int padding_side(Padding padding, int side) noexcept {
  return (static_cast<int>(padding) >> (side * kPaddingSideBits)) & kMaxPaddingSide;
}

}  // namespace detail

// Cells of zeros added on each side before the window slides (PyTorch's F.pad order is left,
// right, top, bottom; ONNX's pads are top, left, bottom, right; this is top, bottom, left, right).
template <int kTop, int kBottom, int kLeft, int kRight>
inline constexpr Padding explicit_padding = detail::ExplicitPadding<kTop, kBottom, kLeft, kRight>::value;

// PyTorch's `padding=(rows, columns)`: the same number of cells on both sides of each axis.
template <int kRows, int kColumns>
inline constexpr Padding symmetric_padding = explicit_padding<kRows, kRows, kColumns, kColumns>;

// Pass `no_bias` where a layer takes a bias array and has none (Keras' use_bias=False).
struct NoBias {};
inline constexpr NoBias no_bias{};

namespace detail {

constexpr int ceil_div(int numerator, int denominator) noexcept {
  return (numerator + denominator - 1) / denominator;
}

// One axis of a sliding window: the input length, the window, the padding on each side and
// the span of input cells that an output cell reads (for the memory plan).
struct WindowAxis {
  int input = 0;
  int kernel = 1;
  int stride = 1;
  int dilation = 1;
  int pad_before = 0;
  int pad_after = 0;

  constexpr int span() const noexcept { return (kernel - 1) * dilation + 1; }
  // At least one window fits the padded input.
  constexpr bool fits() const noexcept { return input + pad_before + pad_after >= span(); }
  constexpr int output() const noexcept { return (input + pad_before + pad_after - span()) / stride + 1; }
  // First input cell still read by output cell `index` or a later one (`input` when none is),
  // and the last input cell read by `index` or an earlier one (-1 when none is).
  constexpr int first_read(int index) const noexcept {
    const int first = index * stride - pad_before;
    return first < 0 ? 0 : (first > input ? input : first);
  }
  constexpr int last_read(int index) const noexcept {
    const int last = index * stride - pad_before + span() - 1;
    return last < -1 ? -1 : (last > input - 1 ? input - 1 : last);
  }
  // Whether every kernel tap of output cell `index` reads the input (none falls in the padding).
  constexpr bool window_inside(int index) const noexcept {
    const int first = index * stride - pad_before;
    return first >= 0 && first + span() - 1 < input;
  }
};

enum class Axis { kRows, kColumns };

// The axis of a window over `input` cells with the given padding (TensorFlow's same rule,
// none, or the explicit sides of that axis).
constexpr WindowAxis window_axis(int input, int kernel, int stride, int dilation, Padding padding,
                                 Axis axis) noexcept {
  WindowAxis window{input, kernel, stride, dilation, 0, 0};
  if (is_explicit(padding)) {
    const int side = axis == Axis::kRows ? 0 : 2;
    window.pad_before = padding_side(padding, side);
    window.pad_after = padding_side(padding, side + 1);
  } else if (padding == Padding::kSame) {
    const int total = (ceil_div(input, stride) - 1) * stride + window.span() - input;
    window.pad_before = total > 0 ? total / 2 : 0;
    window.pad_after = total > 0 ? total - total / 2 : 0;
  }
  return window;
}

// The two axes of a convolution window over input In (shared by the convolution layers).
template <class In, class KernelSize, class StridesT, Padding kPadding, class DilationT>
struct ConvGeometry {
  static constexpr WindowAxis rows =
      window_axis(In::height, KernelSize::rows, StridesT::rows, DilationT::rows, kPadding, Axis::kRows);
  static constexpr WindowAxis columns =
      window_axis(In::width, KernelSize::columns, StridesT::columns, DilationT::columns, kPadding, Axis::kColumns);
  static constexpr bool fits = rows.fits() && columns.fits();
  static constexpr int taps = KernelSize::rows * KernelSize::columns;
};

// Weight arrays are given as template arguments (`const auto&`): C arrays or std::array,
// usually `alignas(16) constexpr` so they stay in flash. extent_of<kArray> is their length.
template <class Array>
struct ArrayExtent {
  static constexpr long value = -1;
};
template <class T, std::size_t kN>
struct ArrayExtent<T[kN]> {
  static constexpr long value = static_cast<long>(kN);
};
template <class T, std::size_t kN>
struct ArrayExtent<std::array<T, kN>> {
  static constexpr long value = static_cast<long>(kN);
};
template <const auto& kArray>
constexpr long extent_of = ArrayExtent<std::remove_cv_t<std::remove_reference_t<decltype(kArray)>>>::value;

// The type of a weight array's elements without const: float, or std::int8_t in an int8 layer.
template <const auto& kArray>
using element_of = std::remove_cv_t<std::remove_reference_t<decltype(*std::data(kArray))>>;

template <class Array>
constexpr bool is_no_bias = false;
template <>
inline constexpr bool is_no_bias<const NoBias> = true;

}  // namespace detail
}  // namespace earshot::nn
