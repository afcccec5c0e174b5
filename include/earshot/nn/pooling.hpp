// MaxPool2D and AveragePool2D as Keras defines them (strides default to the pool size), with
// any Padding. Padded cells take no part in a max; an average divides by the cells inside the
// input (TensorFlow's SAME, ONNX's count_include_pad = 0) or by the whole pool (count_include_pad = 1).
// On int8 the output keeps the input's scale and zero point (as TFLite requires): the max is
// exact, and the average is TFLite's reference rounding, (sum +- count / 2) / count.
#pragma once

#include <cstdint>
#include <limits>
#include <type_traits>

#include "earshot/nn/layer_info.hpp"
#include "earshot/nn/shape.hpp"

namespace earshot::nn {

// Whether an average counts the padded cells (as zeros) in its divisor: PyTorch's and ONNX's
// count_include_pad. Keras' SAME excludes them.
enum class PaddedCells { kExcluded, kIncluded };

namespace detail {

// A reduction over cells of Element values: Accumulator<Element> holds the running value of
// each channel; start, add and finish (which writes the output) work on it.
struct MaxReduce {
  static constexpr const char* type = "MaxPool2D";
  static constexpr const char* global_type = "GlobalMaxPooling2D";
  static constexpr bool int8_padding_ok = true;
  template <class Element>
  using Accumulator = Element;
  // -inf, the identity of max (a window of -inf cells gives -inf, as in PyTorch); -128 in int8.
  template <class Element>
  static void start(Element* acc, int count) noexcept {
    constexpr Element lowest = std::is_same_v<Element, float> ? -std::numeric_limits<float>::infinity()
                                                              : std::numeric_limits<Element>::lowest();
    for (int index = 0; index < count; ++index) acc[index] = lowest;
  }
  template <class Element>
  static void add(Element* acc, const Element* cell, int count) noexcept {
    for (int index = 0; index < count; ++index) acc[index] = cell[index] > acc[index] ? cell[index] : acc[index];
  }
  template <class Element>
  static void finish(const Element* acc, Element* out, int count, int, int) noexcept {
    if (acc == out) return;
    for (int index = 0; index < count; ++index) out[index] = acc[index];
  }
};

template <PaddedCells kPaddedCells = PaddedCells::kExcluded>
struct AverageReduce {
  static constexpr const char* type = "AveragePooling2D";
  static constexpr const char* global_type = "GlobalAveragePooling2D";
  // An int8 padded cell would be the zero point, which the pool does not know.
  static constexpr bool int8_padding_ok = kPaddedCells == PaddedCells::kExcluded;
  template <class Element>
  using Accumulator = std::conditional_t<std::is_same_v<Element, float>, float, std::int32_t>;
  template <class Sum>
  static void start(Sum* acc, int count) noexcept {
    for (int index = 0; index < count; ++index) acc[index] = Sum{0};
  }
  template <class Sum, class Element>
  static void add(Sum* acc, const Element* cell, int count) noexcept {
    for (int index = 0; index < count; ++index) acc[index] += cell[index];
  }
  // `cells`: the cells of the window inside the input; `pool_cells`: the whole window.
  static void finish(const float* acc, float* out, int count, int cells, int pool_cells) noexcept {
    const float scale = 1.0f / static_cast<float>(kPaddedCells == PaddedCells::kIncluded ? pool_cells : cells);
    for (int index = 0; index < count; ++index) out[index] = acc[index] * scale;
  }
  static void finish(const std::int32_t* acc, std::int8_t* out, int count, int cells, int pool_cells) noexcept {
    const int divisor = kPaddedCells == PaddedCells::kIncluded ? pool_cells : cells;
    for (int index = 0; index < count; ++index) {
      const std::int32_t sum = acc[index];
      // A rounded average of int8 values is an int8 value: no clamp is needed.
      out[index] = static_cast<std::int8_t>(sum > 0 ? (sum + divisor / 2) / divisor : (sum - divisor / 2) / divisor);
    }
  }
};

template <class Reduce, class PoolSizeT, Padding kPadding, class StridesT>
struct Pool2D {
  template <class In>
  struct Bound {
    using Input = In;
    static constexpr const char* type = Reduce::type;
    static constexpr detail::Role role = detail::Role::kWindow;
    using Reducer = Reduce;
    static constexpr WindowAxis rows = window_axis(In::height, PoolSizeT::rows, StridesT::rows, 1, kPadding, Axis::kRows);
    static constexpr WindowAxis columns =
        window_axis(In::width, PoolSizeT::columns, StridesT::columns, 1, kPadding, Axis::kColumns);
    static_assert(rows.fits() && columns.fits(),
                  "MaxPool2D/AveragePool2D: the pool is larger than the padded input; use Padding::kSame, more padding or a smaller pool");
    // So that every window holds at least one input cell (PyTorch allows at most half the pool).
    static_assert(rows.pad_before < rows.kernel && rows.pad_after < rows.kernel && columns.pad_before < columns.kernel &&
                      columns.pad_after < columns.kernel,
                  "MaxPool2D/AveragePool2D: each side's padding must be smaller than the pool");
    using Element = typename In::Element;
    static_assert(std::is_same_v<Element, float> || Reduce::int8_padding_ok ||
                      rows.pad_before + rows.pad_after + columns.pad_before + columns.pad_after == 0,
                  "AveragePool2D: on int8, padded cells can only be excluded (PaddedCells::kExcluded)");
    using Output = Shape<rows.output(), columns.output(), In::channels, Element>;

    static constexpr long params = 0;
    static constexpr long macc = 0;
    static constexpr long xcube_macc = Output::size;

    // Reduces the pool window of output cell (row, column); `cell_at(r, c)` gives the channel
    // vector of input cell (r, c), read from memory or computed by a fused convolution.
    template <class CellAt>
    static void reduce(int row, int column, CellAt&& cell_at, Element* out) noexcept {
      // The output cell is the accumulator unless the sums need more bits (an int8 average).
      using Accumulator = typename Reduce::template Accumulator<Element>;
      constexpr bool in_output = std::is_same_v<Accumulator, Element>;
      Accumulator separate[in_output ? 1 : In::channels];
      Accumulator* acc = [&] {
        if constexpr (in_output) {
          return out;
        } else {
          return static_cast<Accumulator*>(separate);
        }
      }();
      Reduce::start(acc, In::channels);
      const int first_row = row * StridesT::rows - rows.pad_before;
      const int first_column = column * StridesT::columns - columns.pad_before;
      int cells = 0;
      for (int in_row = first_row; in_row < first_row + PoolSizeT::rows; ++in_row) {
        if (in_row < 0 || in_row >= In::height) continue;
        for (int in_column = first_column; in_column < first_column + PoolSizeT::columns; ++in_column) {
          if (in_column < 0 || in_column >= In::width) continue;
          Reduce::add(acc, cell_at(in_row, in_column), In::channels);
          ++cells;
        }
      }
      Reduce::finish(acc, out, In::channels, cells, PoolSizeT::rows * PoolSizeT::columns);
    }

    static void compute_cell(const Element* input, int row, int column, Element* out) noexcept {
      reduce(row, column, [input](int in_row, int in_column) { return input + (in_row * In::width + in_column) * In::channels; },
             out);
    }
  };
};

}  // namespace detail

template <class PoolSizeT, Padding kPadding = Padding::kValid, class StridesT = PoolSizeT>
using MaxPool2D = detail::Pool2D<detail::MaxReduce, PoolSizeT, kPadding, StridesT>;

// kPaddedCells: PaddedCells::kIncluded divides by the whole pool (count_include_pad = 1).
template <class PoolSizeT, Padding kPadding = Padding::kValid, class StridesT = PoolSizeT,
          PaddedCells kPaddedCells = PaddedCells::kExcluded>
using AveragePool2D = detail::Pool2D<detail::AverageReduce<kPaddedCells>, PoolSizeT, kPadding, StridesT>;

}  // namespace earshot::nn
