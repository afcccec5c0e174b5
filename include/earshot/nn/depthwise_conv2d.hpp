// DepthwiseConv2D as Keras defines it: each input channel convolved with its own
// kDepthMultiplier kernels; output channel = input channel * kDepthMultiplier + m. Kernel in
// Keras' order [rows][columns][input channels][depth multiplier] (TFLite's order too, so int8
// layers keep it: an std::int8_t kernel, std::int32_t bias and Requantization<channels>).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <type_traits>

#include "earshot/nn/detail/accumulate.hpp"
#include "earshot/nn/detail/bias.hpp"
#include "earshot/nn/detail/float_vectors.hpp"
#include "earshot/nn/detail/int8_dot.hpp"
#include "earshot/nn/layer_info.hpp"
#include "earshot/nn/quantization.hpp"
#include "earshot/nn/shape.hpp"

namespace earshot::nn {

namespace detail {

// A depthwise int8 kernel [taps][channels] as int16, each group of four channels stored c0 c2 c1 c3
// (DepthwiseWindow::widened).
template <const auto& kKernel, int kTaps, int kChannels>
struct WideDepthwiseKernel {
  static constexpr std::array<std::int16_t, static_cast<std::size_t>(kTaps) * kChannels> make() noexcept {
    std::array<std::int16_t, static_cast<std::size_t>(kTaps) * kChannels> wide{};
    constexpr int kOrder[4] = {0, 2, 1, 3};
    for (int tap = 0; tap < kTaps; ++tap) {
      for (int channel = 0; channel < kChannels; ++channel) {
        const int group = channel & ~3;
        wide[static_cast<std::size_t>(tap * kChannels + group + kOrder[channel & 3])] =
            std::data(kKernel)[tap * kChannels + channel];
      }
    }
    return wide;
  }
  alignas(4) static constexpr std::array<std::int16_t, static_cast<std::size_t>(kTaps) * kChannels> values = make();
};

// out[c * M + m] += sum over taps of cell[c] * kernel[tap][c][m]; shared with SeparableConv2D.
// Taps run in kernel order (row-major) for every output, on both paths below, so the results
// are bitwise the same.
template <class In, int kDepthMultiplier, class KernelSize, class StridesT, class DilationT>
struct DepthwiseWindow {
  static constexpr int channels = In::channels;
  static constexpr int out_channels = channels * kDepthMultiplier;

  // Cells (row, column) and (row, column + 1) into out and out_next. Without float SIMD, when
  // no kernel column of either falls in the padding (so both read the same taps), both are
  // summed at once, each weight loaded once for the two: 8 channels of each in registers.
  static void accumulate_pair(const float* input, const float* kernel, const WindowAxis& rows,
                              const WindowAxis& columns, int row, int column, const float* start, float* out,
                              float* out_next) noexcept {
    if constexpr (kFloatSumsInBlocks) {
      if (columns.window_inside(column) && columns.window_inside(column + 1)) {
        accumulate_pair_in_blocks<0>(input, kernel, rows, columns, row, column, start, out, out_next);
        return;
      }
    }
    accumulate(input, kernel, rows, columns, row, column, start, out);
    accumulate(input, kernel, rows, columns, row, column + 1, start, out_next);
  }

  static void accumulate(const float* input, const float* kernel, const WindowAxis& rows,
                         const WindowAxis& columns, int row, int column, const float* start, float* out) noexcept {
#if defined(__ARM_ARCH) && !defined(__ARM_NEON)
    // No float SIMD (Cortex-M4F/M7): sum 12 outputs in registers over all taps instead of
    // loading and storing out[] for every multiply-accumulate (as detail::accumulate_rows).
    accumulate_in_blocks<0>(input, kernel, rows, columns, row, column, start, out);
#else
    for (int index = 0; index < out_channels; ++index) out[index] = start[index];
#if EARSHOT_FLOAT_SUMS_IN_VECTORS
    if constexpr (kDepthMultiplier == 1) {
      // Every channel's sum in vector registers over all taps (detail/float_vectors.hpp).
      VectorSums<out_channels> sums(out);
      for_each_tap(input, kernel, rows, columns, row, column,
                   [&](const float* cell, const float* weights) { sums.add_products(cell, weights); });
      sums.store(out);
      return;
    }
#endif
    // The compiler vectorises the loop over the outputs of one tap.
    for_each_tap(input, kernel, rows, columns, row, column, [&](const float* cell, const float* weights) {
      for (int index = 0; index < out_channels; ++index) {
        out[index] += cell[index / kDepthMultiplier] * weights[index];
      }
    });
#endif
  }

  // int8 with a depth multiplier of 1 and channels in fours (Stride-DS, DS-CNN, fsdd-cnn): the
  // kernel is kept as int16 (WideDepthwiseKernel, twice the int8 bytes), four channels a group in
  // the order c0 c2 c1 c3, so the DSP path loads each pair of weights as one word. Other
  // depthwise layers keep the int8 kernel.
  static constexpr bool widened = kDepthMultiplier == 1 && channels % 4 == 0;

  // int8: sums[c * M + m] = start[c * M + m] + (cell[c] + input_offset) x kernel[tap][c][m] over
  // the taps inside the input (a padded tap is the zero point: it adds nothing).
  template <const auto& kKernel>
  static void accumulate(const std::int8_t* input, const WindowAxis& rows, const WindowAxis& columns, int row,
                         int column, std::int32_t input_offset, const std::int32_t* start, std::int32_t* sums) noexcept {
    if constexpr (widened) {
      using Wide = WideDepthwiseKernel<kKernel, KernelSize::rows * KernelSize::columns, channels>;
      accumulate_widened(input, Wide::values.data(), rows, columns, row, column, input_offset, start, sums);
    } else {
      for (int index = 0; index < out_channels; ++index) sums[index] = start[index];
      for_each_tap(input, std::data(kKernel), rows, columns, row, column,
                   [&](const std::int8_t* cell, const std::int8_t* weights) {
                     for (int index = 0; index < out_channels; ++index) {
                       sums[index] += (cell[index / kDepthMultiplier] + input_offset) * weights[index];
                     }
                   });
    }
  }

 private:
  // Four channels at a time (NHWC keeps them in one word). On the DSP extension SXTAB16 widens
  // channels 0 and 2 (and, rotated, 1 and 3) adding the offset to both halves, and SMLABB/SMLATT
  // multiply-accumulate the bottom and top halves into each channel's own sum.
  static void accumulate_widened(const std::int8_t* input, const std::int16_t* kernel, const WindowAxis& rows,
                                 const WindowAxis& columns, int row, int column, std::int32_t input_offset,
                                 const std::int32_t* start, std::int32_t* sums) noexcept {
    // The taps inside the input, found once per cell: rows one by one, columns as a range.
    const int first_row = row * StridesT::rows - rows.pad_before;
    const int first_column = column * StridesT::columns - columns.pad_before;
    int column_begin = 0;
    while (column_begin < KernelSize::columns && first_column + column_begin * DilationT::columns < 0) ++column_begin;
    int column_end = KernelSize::columns;
    while (column_end > column_begin && first_column + (column_end - 1) * DilationT::columns >= In::width) --column_end;
#if EARSHOT_INT8_DSP
    const auto offsets = static_cast<std::int32_t>((static_cast<std::uint32_t>(input_offset) & 0xffffu) |
                                                   (static_cast<std::uint32_t>(input_offset) << 16));
#endif
    for (int group = 0; group < channels; group += 4) {
      std::int32_t sum0 = start[group], sum1 = start[group + 1], sum2 = start[group + 2], sum3 = start[group + 3];
      for (int kernel_row = 0; kernel_row < KernelSize::rows; ++kernel_row) {
        const int in_row = first_row + kernel_row * DilationT::rows;
        if (in_row < 0 || in_row >= In::height) continue;
        const std::int8_t* cell =
            input + (in_row * In::width + first_column + column_begin * DilationT::columns) * channels + group;
        const std::int16_t* weights = kernel + (kernel_row * KernelSize::columns + column_begin) * channels + group;
        for (int kernel_column = column_begin; kernel_column < column_end; ++kernel_column) {
#if EARSHOT_INT8_DSP
          const std::uint32_t x = load_word(cell);
          const std::int32_t x02 = __sxtab16(offsets, static_cast<std::int32_t>(x));
          const std::int32_t x13 = detail::widen_odd_lanes_add(offsets, x);
          const auto w02 = static_cast<std::int32_t>(load_word(weights));
          const auto w13 = static_cast<std::int32_t>(load_word(weights + 2));
          sum0 = __smlabb(x02, w02, sum0);
          sum2 = __smlatt(x02, w02, sum2);
          sum1 = __smlabb(x13, w13, sum1);
          sum3 = __smlatt(x13, w13, sum3);
#else
          sum0 += (cell[0] + input_offset) * weights[0];
          sum2 += (cell[2] + input_offset) * weights[1];
          sum1 += (cell[1] + input_offset) * weights[2];
          sum3 += (cell[3] + input_offset) * weights[3];
#endif
          cell += DilationT::columns * channels;
          weights += channels;
        }
      }
      sums[group] = sum0;
      sums[group + 1] = sum1;
      sums[group + 2] = sum2;
      sums[group + 3] = sum3;
    }
  }

  // visit(cell, weights) for each tap that falls inside the input (padding contributes zero):
  // the input's channels at that position and the tap's out_channels weights. kColumnsInside:
  // the caller knows that every kernel column of `column` is inside (WindowAxis::window_inside).
  template <bool kColumnsInside = false, class Element, class Visit>
  static void for_each_tap(const Element* input, const Element* kernel, const WindowAxis& rows,
                           const WindowAxis& columns, int row, int column, const Visit& visit) noexcept {
    for (int kernel_row = 0; kernel_row < KernelSize::rows; ++kernel_row) {
      const int in_row = row * StridesT::rows - rows.pad_before + kernel_row * DilationT::rows;
      if (in_row < 0 || in_row >= In::height) continue;
      for (int kernel_column = 0; kernel_column < KernelSize::columns; ++kernel_column) {
        const int in_column = column * StridesT::columns - columns.pad_before + kernel_column * DilationT::columns;
        if (!kColumnsInside && (in_column < 0 || in_column >= In::width)) continue;
        visit(input + (in_row * In::width + in_column) * channels,
              kernel + (kernel_row * KernelSize::columns + kernel_column) * out_channels);
      }
    }
  }

  // accumulate_pair's blocks: the second cell's inputs are the first's, StridesT::columns cells on.
  template <int kFirst>
  static void accumulate_pair_in_blocks(const float* input, const float* kernel, const WindowAxis& rows,
                                        const WindowAxis& columns, int row, int column, const float* start,
                                        float* out, float* out_next) noexcept {
    constexpr int kWidth = out_channels - kFirst < kPairBlock ? out_channels - kFirst : kPairBlock;
    constexpr int kOffset = StridesT::columns * channels;
    float sums[kWidth];
    float sums_next[kWidth];
    for (int lane = 0; lane < kWidth; ++lane) {
      sums[lane] = start[kFirst + lane];
      sums_next[lane] = start[kFirst + lane];
    }
    for_each_tap<true>(input, kernel, rows, columns, row, column, [&](const float* cell, const float* weights) {
      for (int lane = 0; lane < kWidth; ++lane) {
        const float weight = weights[kFirst + lane];
        sums[lane] += cell[(kFirst + lane) / kDepthMultiplier] * weight;
        sums_next[lane] += cell[kOffset + (kFirst + lane) / kDepthMultiplier] * weight;
      }
    });
    for (int lane = 0; lane < kWidth; ++lane) {
      out[kFirst + lane] = sums[lane];
      out_next[kFirst + lane] = sums_next[lane];
    }
    if constexpr (kFirst + kWidth < out_channels) {
      accumulate_pair_in_blocks<kFirst + kWidth>(input, kernel, rows, columns, row, column, start, out, out_next);
    }
  }

  // The outputs [kFirst, kFirst + 12) in registers across all taps, then the next block.
  template <int kFirst>
  static void accumulate_in_blocks(const float* input, const float* kernel, const WindowAxis& rows,
                                   const WindowAxis& columns, int row, int column, const float* start,
                                   float* out) noexcept {
    constexpr int kWidth = out_channels - kFirst < kDepthwiseBlock ? out_channels - kFirst : kDepthwiseBlock;
    float sums[kWidth];
    for (int lane = 0; lane < kWidth; ++lane) sums[lane] = start[kFirst + lane];
    for_each_tap(input, kernel, rows, columns, row, column, [&](const float* cell, const float* weights) {
      for (int lane = 0; lane < kWidth; ++lane) {
        sums[lane] += cell[(kFirst + lane) / kDepthMultiplier] * weights[kFirst + lane];
      }
    });
    for (int lane = 0; lane < kWidth; ++lane) out[kFirst + lane] = sums[lane];
    if constexpr (kFirst + kWidth < out_channels) {
      accumulate_in_blocks<kFirst + kWidth>(input, kernel, rows, columns, row, column, start, out);
    }
  }
};

}  // namespace detail

template <class KernelSize, class StridesT, Padding kPadding, int kDepthMultiplier, const auto& kKernel,
          const auto& kBias, class DilationT = Dilation<1, 1>, const auto& kRequantization = no_requantization>
struct DepthwiseConv2D {
  static_assert(kDepthMultiplier > 0, "DepthwiseConv2D: the depth multiplier must be positive");

  template <class In>
  struct Bound {
    using Input = In;
    static constexpr const char* type = "DepthwiseConv2D";
    static constexpr detail::Role role = detail::Role::kWindow;
    using Geometry = detail::ConvGeometry<In, KernelSize, StridesT, kPadding, DilationT>;
    static constexpr detail::WindowAxis rows = Geometry::rows;
    static constexpr detail::WindowAxis columns = Geometry::columns;
    static_assert(Geometry::fits,
                  "DepthwiseConv2D: the kernel (with its dilation) is larger than the padded input; use Padding::kSame, more padding or a smaller kernel");
    using Window = detail::DepthwiseWindow<In, kDepthMultiplier, KernelSize, StridesT, DilationT>;
    using Element = detail::element_of<kKernel>;
    static constexpr bool quantized = detail::is_requantized<kRequantization>;
    static_assert(std::is_same_v<typename In::Element, Element>,
                  "DepthwiseConv2D: the input and the kernel must both be float or both std::int8_t");
    static_assert(quantized == std::is_same_v<Element, std::int8_t>,
                  "DepthwiseConv2D: an int8 kernel takes a Requantization<channels>, a float kernel none");
    using Output = Shape<rows.output(), columns.output(), Window::out_channels, Element>;

    static constexpr int taps = Geometry::taps;
    static constexpr bool has_bias = detail::has_bias<kBias>;
    static_assert(detail::extent_of<kKernel> ==
                      static_cast<long>(taps) * Window::out_channels,
                  "DepthwiseConv2D: the kernel array must hold rows x columns x input channels x depth multiplier floats; check the input channels");
    static_assert(!has_bias || detail::extent_of<kBias> ==
                                   Window::out_channels,
                  "DepthwiseConv2D: the bias array must hold input channels x depth multiplier floats");

    static constexpr long params = static_cast<long>(taps) * Window::out_channels + (has_bias ? Window::out_channels : 0);
    static constexpr long macc = static_cast<long>(Output::size) * taps;
    static constexpr long xcube_macc = macc;
    // A widened int8 kernel (DepthwiseWindow::widened) is int16 in flash: 2 bytes a weight.
    static constexpr long kernel_bytes = quantized && Window::widened ? 2L * taps * Window::out_channels
                                                                      : detail::array_bytes<kKernel>;
    static constexpr long weight_bytes =
        kernel_bytes + detail::array_bytes<kBias> + detail::requantization_bytes<kRequantization>;

    static void compute_cell(const Element* input, int row, int column, Element* out) noexcept {
      if constexpr (quantized) {
        std::int32_t sums[Window::out_channels];
        Window::template accumulate<kKernel>(input, rows, columns, row, column, kRequantization.input_offset,
                                             detail::bias_start<kBias, Window::out_channels>(), sums);
        // Inputs with their offset added: at most 256 in magnitude.
        constexpr bool narrow = detail::narrow_layer_sums<kBias, kKernel>(256);
        requantize_cell<has_fast_requantization(kRequantization), narrow>(kRequantization, sums, out);
      } else {
        Window::accumulate(input, std::data(kKernel), rows, columns, row, column,
                           detail::bias_start<kBias, Window::out_channels, float>(), out);
      }
    }

    // Float layers on cores without float SIMD take adjacent cells in pairs, each weight loaded
    // once for both (DepthwiseWindow::accumulate_pair).
    static constexpr bool computes_pairs = !quantized && detail::kFloatSumsInBlocks;

    // Output cells (row, column) and (row, column + 1), one after the other in `out`, each value
    // stored as finish(channel, sum) returns it.
    template <class Finish = detail::StoreSum>
    static void compute_cell_pair(const float* input, int row, int column, float* out,
                                  const Finish& finish = {}) noexcept {
      constexpr int kChannels = Window::out_channels;
      Window::accumulate_pair(input, std::data(kKernel), rows, columns, row, column,
                              detail::bias_start<kBias, kChannels, float>(), out, out + kChannels);
      if constexpr (!std::is_same_v<Finish, detail::StoreSum>) {
        for (int index = 0; index < 2 * kChannels; ++index) out[index] = finish(index % kChannels, out[index]);
      }
    }
  };
};

}  // namespace earshot::nn
