// Conv2D as Keras defines it: NHWC input, kernel in Keras' HWIO order
// [rows][columns][input channels][filters], any stride and dilation, valid, TensorFlow-same or
// explicit (PyTorch's) padding. A 1x1 kernel with stride 1 and no padding takes a pointwise path
// without window bookkeeping.
#pragma once

#include <iterator>
#include <type_traits>

#include "earshot/nn/detail/accumulate.hpp"
#include "earshot/nn/detail/bias.hpp"
#include "earshot/nn/layer_info.hpp"
#include "earshot/nn/shape.hpp"

namespace earshot::nn {

template <int kFilters, class KernelSize, class StridesT, Padding kPadding, const auto& kKernel,
          const auto& kBias, class DilationT = Dilation<1, 1>>
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
    using Output = Shape<rows.output(), columns.output(), kFilters>;

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

    // Writes output cell (row, column): kFilters values.
    static void compute_cell(const float* input, int row, int column, float* out) noexcept {
      detail::start_with_bias<kBias, kFilters>(out);
      constexpr bool unpadded = rows.pad_before + rows.pad_after + columns.pad_before + columns.pad_after == 0;
      constexpr bool pointwise = taps == 1 && StridesT::rows == 1 && StridesT::columns == 1 && unpadded;
      if constexpr (pointwise) {
        detail::accumulate_rows<kFilters>(out, [&](auto&& visit) {
          visit(input + (row * In::width + column) * in_channels, in_channels, std::data(kKernel));
        });
      } else {
        // Every tap inside the input, in kernel order; one weight row per input channel.
        detail::accumulate_rows<kFilters>(out, [&](auto&& visit) {
          for (int kernel_row = 0; kernel_row < KernelSize::rows; ++kernel_row) {
            const int in_row = row * StridesT::rows - rows.pad_before + kernel_row * DilationT::rows;
            if (in_row < 0 || in_row >= In::height) continue;
            for (int kernel_column = 0; kernel_column < KernelSize::columns; ++kernel_column) {
              const int in_column =
                  column * StridesT::columns - columns.pad_before + kernel_column * DilationT::columns;
              if (in_column < 0 || in_column >= In::width) continue;
              visit(input + (in_row * In::width + in_column) * in_channels, in_channels,
                    std::data(kKernel) + (kernel_row * KernelSize::columns + kernel_column) * in_channels * kFilters);
            }
          }
        });
      }
    }

    // The layer as a GEMM for EigenBackend: one output row = patches (width x gemm_depth,
    // im2col with zeros for padding) times the kernel (gemm_depth x filters), plus the bias.
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
