// SeparableConv2D as Keras defines it: a depthwise convolution (no bias, kernel
// [rows][columns][input channels][depth multiplier]) then a 1x1 convolution (kernel
// [input channels x depth multiplier][filters], bias [filters]), computed cell by cell so the
// depthwise result never leaves the stack.
#pragma once

#include <iterator>
#include <type_traits>

#include "earshot/nn/depthwise_conv2d.hpp"
#include "earshot/nn/detail/accumulate.hpp"
#include "earshot/nn/detail/bias.hpp"
#include "earshot/nn/detail/int8_dot.hpp"
#include "earshot/nn/layer_info.hpp"
#include "earshot/nn/quantization.hpp"
#include "earshot/nn/shape.hpp"

namespace earshot::nn {

template <int kFilters, class KernelSize, class StridesT, Padding kPadding, const auto& kDepthwiseKernel,
          const auto& kPointwiseKernel, const auto& kBias, int kDepthMultiplier = 1,
          class DilationT = Dilation<1, 1>, const auto& kRequantization = no_requantization>
struct SeparableConv2D {
  static_assert(kFilters > 0, "SeparableConv2D: the number of filters must be positive");
  static_assert(kDepthMultiplier > 0, "SeparableConv2D: the depth multiplier must be positive");

  template <class In>
  struct Bound {
    using Input = In;
    static constexpr const char* type = "SeparableConv2D";
    static constexpr detail::Role role = detail::Role::kWindow;
    using Geometry = detail::ConvGeometry<In, KernelSize, StridesT, kPadding, DilationT>;
    static constexpr detail::WindowAxis rows = Geometry::rows;
    static constexpr detail::WindowAxis columns = Geometry::columns;
    static_assert(Geometry::fits,
                  "SeparableConv2D: the kernel (with its dilation) is larger than the padded input; use Padding::kSame, more padding or a smaller kernel");
    using Window = detail::DepthwiseWindow<In, kDepthMultiplier, KernelSize, StridesT, DilationT>;
    using Element = detail::element_of<kDepthwiseKernel>;
    static constexpr bool quantized = detail::is_requantized<kRequantization>;
    static_assert(std::is_same_v<typename In::Element, Element> && std::is_same_v<detail::element_of<kPointwiseKernel>, Element>,
                  "SeparableConv2D: the input and both kernels must be float or all std::int8_t");
    static_assert(quantized == std::is_same_v<Element, std::int8_t>,
                  "SeparableConv2D: int8 kernels take a SeparableRequantization<middle, filters>, float kernels none");
    using Output = Shape<rows.output(), columns.output(), kFilters, Element>;

    static constexpr int taps = Geometry::taps;
    static constexpr int middle = Window::out_channels;  // channels between the two stages
    static constexpr bool has_bias = detail::has_bias<kBias>;
    static_assert(detail::extent_of<kDepthwiseKernel> ==
                      static_cast<long>(taps) * middle,
                  "SeparableConv2D: the depthwise kernel must hold rows x columns x input channels x depth multiplier floats; check the input channels");
    static_assert(detail::extent_of<kPointwiseKernel> ==
                      static_cast<long>(middle) * kFilters,
                  "SeparableConv2D: the pointwise kernel must hold input channels x depth multiplier x filters floats");
    static_assert(!has_bias || detail::extent_of<kBias> == kFilters,
                  "SeparableConv2D: the bias array must hold one float per filter");

    static constexpr long params =
        static_cast<long>(taps) * middle + static_cast<long>(middle) * kFilters + (has_bias ? kFilters : 0);
    static constexpr long macc = static_cast<long>(Output::height) * Output::width * middle * (taps + kFilters);
    static constexpr long xcube_macc = macc;
    // An int8 pointwise kernel is kept as int16 (WidePointwise): 2 bytes a weight.
    static constexpr long pointwise_bytes =
        quantized ? 2L * kFilters * (middle + middle % 2) : detail::array_bytes<kPointwiseKernel>;
    static constexpr long depthwise_bytes = quantized && Window::widened ? 2L * taps * middle
                                                                         : detail::array_bytes<kDepthwiseKernel>;
    static constexpr long weight_bytes = depthwise_bytes + pointwise_bytes +
                                         detail::array_bytes<kBias> + detail::requantization_bytes<kRequantization>;

    // The pointwise half as a GEMM for EigenBackend: patches are the depthwise results of one
    // output row (width x middle), times the pointwise kernel (middle x filters), plus the bias.
    static constexpr int gemm_depth = middle;
    static const float* gemm_weights() noexcept { return std::data(kPointwiseKernel); }
    static void gemm_start(float* out) noexcept { detail::start_with_bias<kBias, kFilters>(out); }
    static void gemm_patches(const float* input, int row, float* patches) noexcept {
      for (int column = 0; column < Output::width; ++column) {
        Window::accumulate(input, std::data(kDepthwiseKernel), rows, columns, row, column,
                           detail::zero_start<middle>(), patches + column * middle);
      }
    }

    static void compute_cell(const Element* input, int row, int column, Element* out) noexcept {
      if constexpr (quantized) {
        compute_cell_int8(input, row, column, out);
      } else {
        compute_cell_float(input, row, column, out);
      }
    }

    // Both halves' inputs have their offset added: at most 256 in magnitude.
    static constexpr bool narrow_depthwise() noexcept { return narrow_sums(kDepthwiseKernel, 256); }
    static constexpr bool narrow_pointwise() noexcept { return detail::narrow_layer_sums<kBias, kPointwiseKernel>(256); }

    // int8: the depthwise sums are requantized straight into an int16 patch with the pointwise
    // input offset added, which the pointwise kernel, widened to int16 at compile time
    // (detail::WideKernel), multiplies four filters per pass; with the narrow requantization its
    // weights and bias are doubled, and so its sums.
    static constexpr bool sums_doubled = [] {
      if constexpr (quantized) {
        return has_fast_requantization(kRequantization.pointwise) &&
               detail::narrow_layer_sums<kBias, kPointwiseKernel>(256);
      } else {
        return false;
      }
    }();
    using WidePointwise = detail::WideKernel<kPointwiseKernel, kBias, kFilters, middle, sums_doubled ? 2 : 1>;
    static std::int8_t requantize_pointwise(int filter, std::int32_t sum) noexcept {
      constexpr auto& quantization = kRequantization.pointwise;
      return requantize_value<has_fast_requantization(quantization), narrow_pointwise(), sums_doubled>(quantization,
                                                                                                       filter, sum);
    }

    // The depthwise half of cell (row, column), requantized into the pointwise half's int16 patch
    // with the pointwise input offset added.
    template <class Position>
    static void fill_pointwise_patch(const std::int8_t* input, int row, int column, std::int16_t* patch,
                                     Position position) noexcept {
      constexpr auto& depthwise_quantization = kRequantization.depthwise;
      constexpr bool fast = has_fast_requantization(depthwise_quantization);
      std::int32_t depthwise_sums[middle];
      Window::template accumulate<kDepthwiseKernel>(input, rows, columns, row, column,
                                                    depthwise_quantization.input_offset,
                                                    detail::ZeroSums<middle, std::int32_t>::values.data(), depthwise_sums);
      patch[position(WidePointwise::depth - 1)] = 0;  // the padding of an odd depth (overwritten when even)
      // Unrolled, so that every position(channel) is a constant offset and each channel's
      // requantization constants are immediate loads (Stride-DS-24 int8: 1,179,360 -> 1,141,760).
#pragma GCC unroll 64
      for (int channel = 0; channel < middle; ++channel) {
        patch[position(channel)] = static_cast<std::int16_t>(
            requantize_value<fast, narrow_depthwise()>(depthwise_quantization, channel, depthwise_sums[channel]) +
            kRequantization.pointwise.input_offset);
      }
    }

    static void compute_cell_int8(const std::int8_t* input, int row, int column, std::int8_t* out) noexcept {
      alignas(4) std::int16_t patch[WidePointwise::depth];
      fill_pointwise_patch(input, row, column, patch, detail::InOrder{});
      detail::dot_wide<WidePointwise::depth, kFilters>(
          patch, WidePointwise::values.data(), WidePointwise::start(),
          [out](int filter, std::int32_t sum) { out[filter] = requantize_pointwise(filter, sum); });
    }

    // int8: two cells' patches against the pointwise kernel at once (each weight word loaded once
    // for both, as Conv2D's first layer), one after the other in `out`.
    static void compute_cell_pair(const std::int8_t* input, int row, int column, std::int8_t* out) noexcept {
      alignas(8) std::int16_t pairs[2 * WidePointwise::depth];
      fill_pointwise_patch(input, row, column, pairs, detail::PairedCell<0>{});
      fill_pointwise_patch(input, row, column + 1, pairs, detail::PairedCell<1>{});
      detail::dot_wide_pair<WidePointwise::depth, kFilters>(pairs, WidePointwise::values.data(), WidePointwise::start(),
                                                            [out](int filter, std::int32_t a, std::int32_t b) {
                                                              out[filter] = requantize_pointwise(filter, a);
                                                              out[kFilters + filter] = requantize_pointwise(filter, b);
                                                            });
    }

    static void compute_cell_float(const float* input, int row, int column, float* out) noexcept {
      float depthwise[middle];
      Window::accumulate(input, std::data(kDepthwiseKernel), rows, columns, row, column, detail::zero_start<middle>(),
                         depthwise);
      detail::accumulate_rows<kFilters>(detail::bias_start<kBias, kFilters, float>(), out, [&](auto&& visit) {
        visit(depthwise, middle, std::data(kPointwiseKernel));
      });
    }

    // Adjacent cells in pairs (as Conv2D), each pointwise weight loaded once for the two: int8
    // layers everywhere (compute_cell_pair above), float layers on cores without float SIMD.
    static constexpr bool computes_pairs = quantized || detail::kFloatSumsInBlocks;

    // Float output cells (row, column) and (row, column + 1), one after the other in `out`, each
    // value stored as finish(channel, sum) returns it: both depthwise results side by side.
    template <class Finish = detail::StoreSum>
    static void compute_cell_pair(const float* input, int row, int column, float* out,
                                  const Finish& finish = {}) noexcept {
      float depthwise[2 * middle];
      Window::accumulate_pair(input, std::data(kDepthwiseKernel), rows, columns, row, column,
                              detail::zero_start<middle>(), depthwise, depthwise + middle);
      detail::accumulate_pair_in_blocks<kFilters, 0>(
          detail::bias_start<kBias, kFilters, float>(), out, out + kFilters, middle,
          [&](auto&& visit) { visit(depthwise, middle, std::data(kPointwiseKernel)); }, finish);
    }
  };
};

}  // namespace earshot::nn
