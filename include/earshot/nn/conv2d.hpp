// Conv2D as Keras defines it: NHWC input, kernel in Keras' HWIO order
// [rows][columns][input channels][filters], any stride and dilation, valid, TensorFlow-same or
// explicit (PyTorch's) padding. A 1x1 kernel with stride 1 and no padding takes a pointwise path
// without window bookkeeping.
// In int8 (an std::int8_t kernel, an std::int32_t bias and a Requantization<filters>), the
// kernel is in TFLite's OHWI order [filters][rows][columns][input channels], so each filter is
// one contiguous row for the dot products of detail/int8_dot.hpp; padded taps count as the
// input's zero point (they add nothing to the sum), as in TFLite and CMSIS-NN.
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

template <int kFilters, class KernelSize, class StridesT, Padding kPadding, const auto& kKernel,
          const auto& kBias, class DilationT = Dilation<1, 1>, const auto& kRequantization = no_requantization>
struct Conv2D {
  static_assert(kFilters > 0, "Conv2D: the number of filters must be positive");

  template <class In>
  struct Bound {
    using Input = In;
    static constexpr const char* type = "Conv2D";
    static constexpr detail::Role role = detail::Role::kWindow;
    using Geometry = detail::ConvGeometry<In, KernelSize, StridesT, kPadding, DilationT>;
    static constexpr detail::WindowAxis rows = Geometry::rows;
    static constexpr detail::WindowAxis columns = Geometry::columns;
    static_assert(Geometry::fits,
                  "Conv2D: the kernel (with its dilation) is larger than the padded input; use Padding::kSame, more padding or a smaller kernel");
    using Element = detail::element_of<kKernel>;
    static constexpr bool quantized = detail::is_requantized<kRequantization>;
    static_assert(std::is_same_v<typename In::Element, Element>,
                  "Conv2D: the input and the kernel must both be float or both std::int8_t");
    static_assert(quantized == std::is_same_v<Element, std::int8_t>,
                  "Conv2D: an int8 kernel takes a Requantization<filters>, a float kernel none");
    using Output = Shape<rows.output(), columns.output(), kFilters, Element>;

    static constexpr int in_channels = In::channels;
    static constexpr int taps = Geometry::taps;
    static constexpr bool has_bias = detail::has_bias<kBias>;
    static_assert(detail::extent_of<kKernel> ==
                      static_cast<long>(taps) * in_channels * kFilters,
                  "Conv2D: the kernel array must hold rows x columns x input channels x filters floats (HWIO); check the input channels");
    static_assert(!has_bias || detail::extent_of<kBias> == kFilters,
                  "Conv2D: the bias array must hold one float per filter");

    static constexpr long params = static_cast<long>(taps) * in_channels * kFilters + (has_bias ? kFilters : 0);
    static constexpr long macc = static_cast<long>(Output::height) * Output::width * kFilters * taps * in_channels;
    static constexpr long xcube_macc = macc;

    static constexpr bool unpadded = rows.pad_before + rows.pad_after + columns.pad_before + columns.pad_after == 0;
    static constexpr bool pointwise = taps == 1 && StridesT::rows == 1 && StridesT::columns == 1 && unpadded;
    // A 1-channel int8 layer keeps its kernel as int16 (detail::WideKernel): 2 bytes a weight.
    static constexpr long kernel_bytes = quantized && in_channels == 1 && !pointwise
                                             ? 2L * kFilters * (taps + taps % 2)
                                             : detail::array_bytes<kKernel>;
    static constexpr long weight_bytes =
        kernel_bytes + detail::array_bytes<kBias> + detail::requantization_bytes<kRequantization>;

    // Writes output cell (row, column): kFilters values.
    static void compute_cell(const Element* input, int row, int column, Element* out) noexcept {
      if constexpr (quantized) {
        compute_cell_int8(input, row, column, out);
      } else {
        compute_cell_float(input, row, column, out);
      }
    }

    // Calls visit(values, count, weights) for every tap of cell (row, column) inside the input,
    // in kernel order: one weight row per input channel.
    template <class Visit>
    static void visit_taps(const float* input, int row, int column, Visit&& visit) noexcept {
      if constexpr (pointwise) {
        visit(input + (row * In::width + column) * in_channels, in_channels, std::data(kKernel));
      } else {
        for (int kernel_row = 0; kernel_row < KernelSize::rows; ++kernel_row) {
          const int in_row = row * StridesT::rows - rows.pad_before + kernel_row * DilationT::rows;
          if (in_row < 0 || in_row >= In::height) continue;
          for (int kernel_column = 0; kernel_column < KernelSize::columns; ++kernel_column) {
            const int in_column = column * StridesT::columns - columns.pad_before + kernel_column * DilationT::columns;
            if (in_column < 0 || in_column >= In::width) continue;
            visit(input + (in_row * In::width + in_column) * in_channels, in_channels,
                  std::data(kKernel) + (kernel_row * KernelSize::columns + kernel_column) * in_channels * kFilters);
          }
        }
      }
    }

    // Whether every tap of cell (row, column) reads the input (none falls in the padding).
    static constexpr bool interior(int row, int column) noexcept {
      return rows.window_inside(row) && columns.window_inside(column);
    }

    template <class Finish = detail::StoreSum>
    static void compute_cell_float(const float* input, int row, int column, float* out,
                                   const Finish& finish = {}) noexcept {
      detail::accumulate_rows<kFilters>(detail::bias_start<kBias, kFilters, float>(), out,
                                        [&](auto&& visit) { visit_taps(input, row, column, visit); }, finish);
    }

    // The inputs with their offset added reach 256 in magnitude; a pointwise layer multiplies the
    // raw int8 inputs (128), its offset folded into the start.
    static constexpr bool narrow() noexcept {
      if constexpr (!quantized) {
        return false;
      } else if constexpr (pointwise) {
        return narrow_sums(detail::FoldedBias<kBias, kKernel, kFilters, in_channels, kRequantization.input_offset>::values,
                           kKernel, 128);
      } else {
        return detail::narrow_layer_sums<kBias, kKernel>(256);
      }
    }

    static void compute_cell_int8(const std::int8_t* input, int row, int column, std::int8_t* out) noexcept {
      const auto finish = [out](int filter, std::int32_t sum) {
        out[filter] = requantize_value<has_fast_requantization(kRequantization), narrow()>(kRequantization, filter, sum);
      };
      if constexpr (pointwise) {
        using Folded = detail::FoldedBias<kBias, kKernel, kFilters, in_channels, kRequantization.input_offset>;
        detail::dot_int8<in_channels, kFilters>(input + (row * In::width + column) * in_channels, std::data(kKernel),
                                                Folded::values.data(), finish);
      } else if constexpr (in_channels == 1) {
        alignas(4) std::int16_t patch[Wide::depth];
        fill_wide_patch(input, row, column, patch, detail::InOrder{});
        detail::dot_wide<Wide::depth, kFilters>(patch, Wide::values.data(), Wide::start(),
                                                [out](int filter, std::int32_t sum) { out[filter] = requantize_wide(filter, sum); });
      } else {
        alignas(4) std::int16_t patch[gemm_depth];
        for (int kernel_row = 0; kernel_row < KernelSize::rows; ++kernel_row) {
          const int in_row = row * StridesT::rows - rows.pad_before + kernel_row * DilationT::rows;
          for (int kernel_column = 0; kernel_column < KernelSize::columns; ++kernel_column) {
            const int in_column = column * StridesT::columns - columns.pad_before + kernel_column * DilationT::columns;
            const bool inside = in_row >= 0 && in_row < In::height && in_column >= 0 && in_column < In::width;
            const std::int8_t* cell = input + (in_row * In::width + in_column) * in_channels;
            const int first = (kernel_row * KernelSize::columns + kernel_column) * in_channels;
            for (int channel = 0; channel < in_channels; ++channel) {
              patch[detail::patch_position(first + channel, gemm_depth)] =
                  static_cast<std::int16_t>(inside ? cell[channel] + kRequantization.input_offset : 0);
            }
          }
        }
        detail::dot_patch<gemm_depth, kFilters>(patch, std::data(kKernel), detail::bias_start<kBias, kFilters>(), finish);
      }
    }

    // The first layer of an audio model (one input channel) has a kernel of its own: int16
    // weights (detail::WideKernel), a patch without reordering, and two output cells per pass
    // over the weights (compute_cell_pair, which the stage calls for adjacent columns). With the
    // narrow requantization its weights and bias are doubled, and so its sums.
    static constexpr bool sums_doubled = [] {
      if constexpr (quantized && in_channels == 1 && !pointwise) {
        return has_fast_requantization(kRequantization) && detail::narrow_layer_sums<kBias, kKernel>(256);
      } else {
        return false;
      }
    }();
    using WideLayout = detail::RowWords<KernelSize::rows, KernelSize::columns>;
    using Wide = detail::WideKernel<kKernel, kBias, kFilters, taps, sums_doubled ? 2 : 1, WideLayout>;
    static std::int8_t requantize_wide(int filter, std::int32_t sum) noexcept {
      return requantize_value<has_fast_requantization(kRequantization), narrow(), sums_doubled>(kRequantization, filter,
                                                                                                sum);
    }
    // Float layers on cores without float SIMD also take adjacent cells in pairs, each weight
    // loaded once for both (Cortex-M4F, Stride-DS-24: the first convolution 2.77 -> 2.65
    // instructions per MACC, the 1x1 3.05 -> 2.54), each cell's sum in the same order as alone.
    static constexpr bool computes_pairs =
        quantized ? in_channels == 1 && !pointwise : detail::kFloatSumsInBlocks;
    // A float pair reads whole kernel rows: when the first column reads the padding, the
    // pairs start at the second (only the first and last columns are then computed alone).
    static constexpr int first_paired_column = !quantized && !columns.window_inside(0) ? 1 : 0;

    // Output cells (row, column) and (row, column + 1) of a float layer, each value stored as
    // finish(channel, sum) returns it; a pair with a tap in the padding one cell at a time.
    template <class Finish = detail::StoreSum>
    static void compute_cell_pair(const float* input, int row, int column, float* out,
                                  const Finish& finish = {}) noexcept {
      static_assert(!quantized, "Conv2D: the float pair of cells");
      float* out_next = out + kFilters;
      if (!interior(row, column) || !interior(row, column + 1)) {
        compute_cell_float(input, row, column, out, finish);
        compute_cell_float(input, row, column + 1, out_next, finish);
        return;
      }
      detail::accumulate_pair_in_blocks<kFilters, 0>(
          detail::bias_start<kBias, kFilters, float>(), out, out_next, StridesT::columns * in_channels,
          [&](auto&& visit) { visit_taps(input, row, column, visit); }, finish);
    }

    // The patch of cell (row, column) into `patch`, tap t at position(WideLayout(t)) (positions
    // in order, or interleaved with a second cell's: detail::paired_position).
    template <class Position>
    static void fill_wide_patch(const std::int8_t* input, int row, int column, std::int16_t* patch,
                                Position position) noexcept {
      patch[position(Wide::depth - 1)] = 0;  // the padding of an odd depth (overwritten when even)
      const int first_row = row * StridesT::rows - rows.pad_before;
      const int first_column = column * StridesT::columns - columns.pad_before;
      const bool inner = interior(row, column);
      constexpr WideLayout slot{};
#if EARSHOT_INT8_DSP
      // An inner cell a word of four input bytes at a time: SXTAB16 widens bytes 0 and 2 (ROR #8:
      // 1 and 3) with the input offset added, which RowWords puts in adjacent positions (Cortex-M4,
      // Stride-DS-24 int8: the first convolution's fill with its stage loop 113 -> 75 instructions a
      // cell; the layer 508,320 -> 490,000).
      if constexpr (DilationT::columns == 1 && WideLayout::grouped > 0) {
        if (inner) {
          const auto offsets = static_cast<std::int32_t>((static_cast<std::uint32_t>(kRequantization.input_offset) & 0xffffu) |
                                                         (static_cast<std::uint32_t>(kRequantization.input_offset) << 16));
#pragma GCC unroll 16
          for (int kernel_row = 0; kernel_row < KernelSize::rows; ++kernel_row) {
            const std::int8_t* line = input + (first_row + kernel_row * DilationT::rows) * In::width + first_column;
            const int first_tap = kernel_row * KernelSize::columns;
#pragma GCC unroll 16
            for (int group = 0; group < WideLayout::grouped; group += 4) {
              const std::uint32_t word = detail::load_word(line + group);
              detail::store_word(patch + position(slot(first_tap + group)), __sxtab16(offsets, static_cast<std::int32_t>(word)));
              detail::store_word(patch + position(slot(first_tap + group + 1)), detail::widen_odd_lanes_add(offsets, word));
            }
#pragma GCC unroll 16
            for (int kernel_column = WideLayout::grouped; kernel_column < KernelSize::columns; ++kernel_column) {
              patch[position(slot(first_tap + kernel_column))] =
                  static_cast<std::int16_t>(line[kernel_column] + kRequantization.input_offset);
            }
          }
          return;
        }
      }
#endif
      // Unrolled, so that every position(...) is a constant offset (GCC left the row loop rolled:
      // Stride-DS-24 int8 with paired patches 1,281,360 -> 1,179,360 instructions on the M4).
#pragma GCC unroll 16
      for (int kernel_row = 0; kernel_row < KernelSize::rows; ++kernel_row) {
        const int in_row = first_row + kernel_row * DilationT::rows;
        const std::int8_t* line = input + in_row * In::width;
        for (int kernel_column = 0; kernel_column < KernelSize::columns; ++kernel_column) {
          const int in_column = first_column + kernel_column * DilationT::columns;
          const bool inside = inner || (in_row >= 0 && in_row < In::height && in_column >= 0 && in_column < In::width);
          patch[position(slot(kernel_row * KernelSize::columns + kernel_column))] =
              static_cast<std::int16_t>(inside ? line[in_column] + kRequantization.input_offset : 0);
        }
      }
    }

    // Output cells (row, column) and (row, column + 1), one after the other in `out`.
    static void compute_cell_pair(const std::int8_t* input, int row, int column, std::int8_t* out) noexcept {
      static_assert(computes_pairs, "Conv2D: pairs of cells are computed by the 1-channel int8 kernel only");
      alignas(8) std::int16_t pairs[2 * Wide::depth];
      fill_wide_patch(input, row, column, pairs, detail::PairedCell<0>{});
      fill_wide_patch(input, row, column + 1, pairs, detail::PairedCell<1>{});
      detail::dot_wide_pair<Wide::depth, kFilters>(pairs, Wide::values.data(), Wide::start(),
                                                   [out](int filter, std::int32_t a, std::int32_t b) {
                                                     out[filter] = requantize_wide(filter, a);
                                                     out[kFilters + filter] = requantize_wide(filter, b);
                                                   });
    }

    // The layer as a GEMM for EigenBackend (float only): one output row = patches (width x
    // gemm_depth, im2col with zeros for padding) times the kernel (gemm_depth x filters), plus the bias.
    static constexpr int gemm_depth = taps * in_channels;
    static const float* gemm_weights() noexcept { return std::data(kKernel); }
    static void gemm_start(float* out) noexcept { detail::start_with_bias<kBias, kFilters>(out); }
    static void gemm_patches(const float* input, int row, float* patches) noexcept {
      for (int column = 0; column < Output::width; ++column) {
        float* patch = patches + column * gemm_depth;
        for (int kernel_row = 0; kernel_row < KernelSize::rows; ++kernel_row) {
          const int in_row = row * StridesT::rows - rows.pad_before + kernel_row * DilationT::rows;
          for (int kernel_column = 0; kernel_column < KernelSize::columns; ++kernel_column, patch += in_channels) {
            const int in_column = column * StridesT::columns - columns.pad_before + kernel_column * DilationT::columns;
            const bool inside = in_row >= 0 && in_row < In::height && in_column >= 0 && in_column < In::width;
            const float* cell = input + (in_row * In::width + in_column) * in_channels;
            for (int channel = 0; channel < in_channels; ++channel) patch[channel] = inside ? cell[channel] : 0.0f;
          }
        }
      }
    }
  };
};

}  // namespace earshot::nn
