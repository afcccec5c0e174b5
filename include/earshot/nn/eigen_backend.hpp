// The host backend: convolutions (im2col per output row), the pointwise half of separable
// convolutions and Dense layers as Eigen GEMMs on Eigen::Map views of the arena and the weights.
// Define EIGEN_NO_MALLOC: nothing here allocates (Eigen's blocking buffers stay on the stack).
#pragma once

#include <Eigen/Core>

#include <cstddef>
#include <type_traits>

#include "earshot/nn/backend.hpp"
#include "earshot/nn/detail/stages.hpp"
#include "earshot/nn/layer_info.hpp"

namespace earshot::nn {

namespace detail {

// Float layers with a GEMM form; int8 layers keep the loops.
template <class Layer, class = void>
struct HasGemm : std::false_type {};
template <class Layer>
struct HasGemm<Layer, std::void_t<decltype(Layer::gemm_depth)>>
    : std::bool_constant<std::is_same_v<typename Layer::Output::Element, float>> {};

template <class Stage, class = void>
struct IsGemmWindow : std::false_type {};
template <class Stage>
struct IsGemmWindow<Stage, std::void_t<typename Stage::PoolLayer>>
    : std::bool_constant<HasGemm<typename Stage::ProducerLayer>::value> {};

template <class Stage, class = void>
struct IsGemmWhole : std::false_type {};
template <class Stage>
struct IsGemmWhole<Stage, std::void_t<typename Stage::ProducerLayer>>
    : std::bool_constant<Stage::ProducerLayer::role == Role::kWhole && HasGemm<typename Stage::ProducerLayer>::value> {};

template <int kRows, int kColumns>
using RowMajorMap = Eigen::Map<Eigen::Matrix<float, kRows, kColumns, Eigen::RowMajor>>;
template <int kRows, int kColumns>
using ConstRowMajorMap = Eigen::Map<const Eigen::Matrix<float, kRows, kColumns, Eigen::RowMajor>>;

// out (width x channels) = bias + patches (width x depth) * weights (depth x channels).
template <class Producer>
void gemm_row(const float* patches, float* out) noexcept {
  constexpr int width = Producer::Output::width;
  constexpr int channels = Producer::Output::channels;
  constexpr int depth = Producer::gemm_depth;
  for (int column = 0; column < width; ++column) Producer::gemm_start(out + column * channels);
  RowMajorMap<Eigen::Dynamic, Eigen::Dynamic> result(out, width, channels);
  result.noalias() += ConstRowMajorMap<Eigen::Dynamic, Eigen::Dynamic>(patches, width, depth) *
                      ConstRowMajorMap<Eigen::Dynamic, Eigen::Dynamic>(Producer::gemm_weights(), depth, channels);
}

}  // namespace detail

struct EigenBackend {
  template <class Stage>
  static constexpr std::size_t scratch_bytes() noexcept {
    if constexpr (detail::IsGemmWindow<Stage>::value) {
      using Producer = typename Stage::ProducerLayer;
      constexpr std::size_t patches = static_cast<std::size_t>(Producer::Output::width) * Producer::gemm_depth;
      if constexpr (Stage::pooled) {
        // Plus the convolution rows under one pooling window.
        return sizeof(float) * (patches + static_cast<std::size_t>(Stage::PoolLayer::rows.kernel) *
                                              Producer::Output::width * Producer::Output::channels);
      } else {
        return sizeof(float) * patches;
      }
    } else {
      return 0;
    }
  }

  template <class Stage, bool kForward, class InElement, class OutElement>
  static void run(const InElement* input, OutElement* output, unsigned char* scratch) noexcept {
    if constexpr (detail::IsGemmWindow<Stage>::value) {
      run_window<Stage, kForward>(input, output, reinterpret_cast<float*>(scratch));
    } else if constexpr (detail::IsGemmWhole<Stage>::value) {
      using Producer = typename Stage::ProducerLayer;
      constexpr int units = Producer::Output::channels;
      Producer::gemm_start(output);
      Eigen::Map<Eigen::RowVectorXf> result(output, units);
      result.noalias() += Eigen::Map<const Eigen::RowVectorXf>(input, Producer::gemm_depth) *
                          detail::ConstRowMajorMap<Eigen::Dynamic, Eigen::Dynamic>(Producer::gemm_weights(),
                                                                                   Producer::gemm_depth, units);
      const detail::OpChain<typename Stage::PreOps> pre{};
      pre.apply(output);
    } else {
      LoopBackend::run<Stage, kForward>(input, output, scratch);
    }
  }

 private:
  // Rows in the same order as the loop backend, so the arena plan's overlaps stay valid.
  template <class Stage, bool kForward>
  static void run_window(const float* input, float* output, float* scratch) noexcept {
    using Producer = typename Stage::ProducerLayer;
    using Out = typename Stage::Output;
    constexpr int cell_width = Producer::Output::width;
    constexpr int cell_channels = Producer::Output::channels;
    const detail::OpChain<typename Stage::PreOps> pre{};
    const detail::OpChain<typename Stage::PostOps> post{};
    float* patches = scratch;
    for (int step = 0; step < Out::height; ++step) {
      const int row = kForward ? step : Out::height - 1 - step;
      float* out_row = output + row * Out::width * Out::channels;
      if constexpr (Stage::pooled) {
        using Pool = typename Stage::PoolLayer;
        float* cells = patches + cell_width * Producer::gemm_depth;
        const int first = Pool::rows.first_read(row);
        for (int cell_row = first; cell_row <= Pool::rows.last_read(row); ++cell_row) {
          float* cell_out = cells + (cell_row - first) * cell_width * cell_channels;
          Producer::gemm_patches(input, cell_row, patches);
          detail::gemm_row<Producer>(patches, cell_out);
          for (int column = 0; column < cell_width; ++column) pre.apply(cell_out + column * cell_channels);
        }
        for (int column = 0; column < Out::width; ++column) {
          float* out = out_row + column * Out::channels;
          Pool::reduce(
              row, column,
              [&](int cell_row, int cell_column) {
                return static_cast<const float*>(cells + ((cell_row - first) * cell_width + cell_column) * cell_channels);
              },
              out);
          post.apply(out);
        }
      } else {
        Producer::gemm_patches(input, row, patches);
        detail::gemm_row<Producer>(patches, out_row);
        for (int column = 0; column < Out::width; ++column) pre.apply(out_row + column * Out::channels);
      }
    }
  }
};

}  // namespace earshot::nn
