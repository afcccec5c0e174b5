// Tensor shapes, window sizes and padding of earshot's NHWC layers (channels last, as
// TensorFlow/Keras and CMSIS-NN store them). Padding follows TensorFlow's "same" rule:
// pad_total = max((ceil(in / stride) - 1) * stride + (kernel - 1) * dilation + 1 - in, 0),
// pad_before = pad_total / 2 (the extra cell of an odd total goes after).
#pragma once

#include <array>
#include <cstddef>
#include <iterator>
#include <type_traits>

namespace earshot::nn {

// The shape of one activation tensor: height (rows) x width (columns) x channels, stored
// row-major with the channels of a cell contiguous (NHWC without the batch dimension).
template <int kHeight, int kWidth, int kChannels>
struct Shape {
  static_assert(kHeight > 0 && kWidth > 0 && kChannels > 0, "Shape: every extent must be positive");
  static constexpr int height = kHeight;
  static constexpr int width = kWidth;
  static constexpr int channels = kChannels;
  static constexpr int size = kHeight * kWidth * kChannels;
  static constexpr std::size_t bytes = sizeof(float) * static_cast<std::size_t>(size);
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

enum class Padding { kValid, kSame };

// Pass `no_bias` where a layer takes a bias array and has none (Keras' use_bias=False).
struct NoBias {};
inline constexpr NoBias no_bias{};

namespace detail {

constexpr int ceil_div(int numerator, int denominator) noexcept {
  return (numerator + denominator - 1) / denominator;
}

// One axis of a sliding window: output length, padding before, and the span of input cells
// that an output cell reads (for the memory plan).
struct WindowAxis {
  int input = 0;
  int kernel = 1;
  int stride = 1;
  int dilation = 1;
  Padding padding = Padding::kValid;

  constexpr int span() const noexcept { return (kernel - 1) * dilation + 1; }
  constexpr int output() const noexcept {
    return padding == Padding::kSame ? ceil_div(input, stride) : (input - span()) / stride + 1;
  }
  constexpr int pad_total() const noexcept {
    if (padding == Padding::kValid) return 0;
    const int total = (output() - 1) * stride + span() - input;
    return total > 0 ? total : 0;
  }
  constexpr int pad_before() const noexcept { return pad_total() / 2; }
  // First and last input cell read by output cell `index`, clipped to the input.
  constexpr int first_read(int index) const noexcept {
    const int first = index * stride - pad_before();
    return first > 0 ? first : 0;
  }
  constexpr int last_read(int index) const noexcept {
    const int last = index * stride - pad_before() + span() - 1;
    return last < input - 1 ? last : input - 1;
  }
};

// The two axes of a convolution window over input In (shared by the convolution layers).
template <class In, class KernelSize, class StridesT, Padding kPadding, class DilationT>
struct ConvGeometry {
  static constexpr WindowAxis rows{In::height, KernelSize::rows, StridesT::rows, DilationT::rows, kPadding};
  static constexpr WindowAxis columns{In::width, KernelSize::columns, StridesT::columns, DilationT::columns, kPadding};
  static constexpr bool fits = rows.output() > 0 && columns.output() > 0;
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

template <class Array>
constexpr bool is_no_bias = false;
template <>
inline constexpr bool is_no_bias<const NoBias> = true;

}  // namespace detail
}  // namespace earshot::nn
