// Float layers add each output's products one by one in input order, starting from the bias,
// whatever their loop keeps in registers (blocks of 8-16 sums and pairs of cells on a Cortex-M4F,
// vectors of every output on hosts with SIMD: detail/float_vectors.hpp), and the per-cell layers
// after them (BatchNormalization, ReLU) see those sums whether they are applied as the sums are
// stored or afterwards. The promise is what makes the paths bitwise equal, so it is checked
// against the plain loop written out here, on channel counts that leave a rest after the blocks
// and vectors and on operands spread over 2^±7, where another order rounds differently.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <ratio>
#include <vector>

#include "earshot/nn/activations.hpp"
#include "earshot/nn/batch_normalization.hpp"
#include "earshot/nn/conv2d.hpp"
#include "earshot/nn/dense.hpp"
#include "earshot/nn/depthwise_conv2d.hpp"
#include "earshot/nn/model.hpp"
#include "earshot/nn/separable_conv2d.hpp"
#include "golden_file.hpp"

namespace nn = earshot::nn;
using earshot::test::run_model;

// Where the compiler may fuse a multiply and an add (an FMA unit), it may fuse a layer's loop and
// the loop below differently, except on the Cortex-M4F (Arm without NEON), where GCC fuses every
// `sum += a * b` of the layers' blocks: the loops below then fuse explicitly. Elsewhere with FMA
// (e.g. -march=native) the layers are held to PyTorch's results (layers_golden_test.cpp,
// models_test.cpp) only.
#if !defined(__FP_FAST_FMAF) || (defined(__ARM_ARCH) && !defined(__ARM_NEON))

namespace {

// sum + a * b, rounded once where the layers' loops fuse it (see above), twice elsewhere.
float multiply_add(float a, float b, float sum) {
#if defined(__FP_FAST_FMAF)
  return std::fma(a, b, sum);
#else
  return sum + a * b;
#endif
}

// Values in [-1, 1) times 2^-7 ... 2^7, from a fixed 32-bit linear congruential sequence.
void fill(float* values, std::size_t count, std::uint32_t seed) {
  std::uint32_t state = seed;
  for (std::size_t i = 0; i < count; ++i) {
    state = state * 1664525u + 1013904223u;
    const float unit = static_cast<float>(state >> 8) / 8388608.0f - 1.0f;
    values[i] = unit * static_cast<float>(1 << (i % 15)) / 128.0f;
  }
}

// The plain loop over one output cell's window: for each tap of a kernel x kernel window (stride
// `stride`, `pad_rows` and `pad_columns` cells of padding before) that falls inside the height x
// width input, in kernel order, sum = add(sum, in_row, in_column, tap); from `start`.
template <class Add>
float window_sum(float start, int row, int column, int kernel, int stride, int pad_rows, int pad_columns, int height,
                 int width, const Add& add) {
  float sum = start;
  for (int kernel_row = 0; kernel_row < kernel; ++kernel_row) {
    for (int kernel_column = 0; kernel_column < kernel; ++kernel_column) {
      const int in_row = stride * row - pad_rows + kernel_row;
      const int in_column = stride * column - pad_columns + kernel_column;
      if (in_row < 0 || in_row >= height || in_column < 0 || in_column >= width) continue;  // padding
      sum = add(sum, in_row, in_column, kernel_row * kernel + kernel_column);
    }
  }
  return sum;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

constexpr int kInputs = 23, kUnits = 37;
float dense_kernel[kInputs * kUnits], dense_bias[kUnits];

constexpr int kHeight = 6, kWidth = 7, kChannels = 3, kFilters = 13;
float conv_kernel[3 * 3 * kChannels * kFilters], conv_bias[kFilters];

constexpr int kDepthHeight = 7, kDepthWidth = 6, kDepthChannels = 11;
float depthwise_kernel[3 * 3 * kDepthChannels], depthwise_bias[kDepthChannels];

// One input channel, 5 x 5, stride 2, as Stride-DS's first convolution: its first and last output
// columns and rows read the padding, the cells between are computed in pairs on a Cortex-M4F.
constexpr int kFirstHeight = 9, kFirstWidth = 11, kFirstFilters = 19;
float first_kernel[5 * 5 * kFirstFilters], first_bias[kFirstFilters];
// BatchNormalization whose scale and shift are exact in float: mean 0, variance 4, epsilon 0.
float bn_gamma[kFirstFilters], bn_beta[kFirstFilters], bn_mean[kFirstFilters], bn_variance[kFirstFilters];

constexpr int kSeparableHeight = 5, kSeparableWidth = 9, kSeparableChannels = 13, kSeparableFilters = 17;
float separable_depthwise[3 * 3 * kSeparableChannels], separable_pointwise[kSeparableChannels * kSeparableFilters],
    separable_bias[kSeparableFilters];

}  // namespace

TEST_CASE("Dense adds each unit's products in input order after the bias", "[nn][order]") {
  fill(dense_kernel, std::size(dense_kernel), 1);
  fill(dense_bias, std::size(dense_bias), 2);
  std::vector<float> input(kInputs);
  fill(input.data(), input.size(), 3);
  std::vector<float> expected(kUnits);
  for (int unit = 0; unit < kUnits; ++unit) {
    float sum = dense_bias[unit];
    for (int i = 0; i < kInputs; ++i) sum = multiply_add(input[i], dense_kernel[i * kUnits + unit], sum);
    expected[unit] = sum;
  }
  using M = nn::Model<nn::Input<1, 1, kInputs>, nn::Dense<kUnits, dense_kernel, dense_bias>>;
  CHECK(same_bits(run_model<M>(input), expected));
}

TEST_CASE("Conv2D adds each filter's products tap by tap, channel by channel, after the bias", "[nn][order]") {
  fill(conv_kernel, std::size(conv_kernel), 4);
  fill(conv_bias, std::size(conv_bias), 5);
  std::vector<float> input(kHeight * kWidth * kChannels);
  fill(input.data(), input.size(), 6);
  std::vector<float> expected(kHeight * kWidth * kFilters);
  for (int row = 0; row < kHeight; ++row) {
    for (int column = 0; column < kWidth; ++column) {
      for (int filter = 0; filter < kFilters; ++filter) {
        expected[(row * kWidth + column) * kFilters + filter] =
            window_sum(conv_bias[filter], row, column, 3, 1, 1, 1, kHeight, kWidth, [&](float sum, int r, int c, int tap) {
              for (int channel = 0; channel < kChannels; ++channel) {
                sum = multiply_add(input[(r * kWidth + c) * kChannels + channel],
                                   conv_kernel[(tap * kChannels + channel) * kFilters + filter], sum);
              }
              return sum;
            });
      }
    }
  }
  using M = nn::Model<nn::Input<kHeight, kWidth, kChannels>,
                      nn::Conv2D<kFilters, nn::Kernel<3, 3>, nn::Strides<1, 1>, nn::Padding::kSame, conv_kernel, conv_bias>>;
  CHECK(same_bits(run_model<M>(input), expected));
}

TEST_CASE("DepthwiseConv2D adds each channel's products tap by tap after the bias", "[nn][order]") {
  fill(depthwise_kernel, std::size(depthwise_kernel), 7);
  fill(depthwise_bias, std::size(depthwise_bias), 8);
  std::vector<float> input(kDepthHeight * kDepthWidth * kDepthChannels);
  fill(input.data(), input.size(), 9);
  constexpr int kOutHeight = 4, kOutWidth = 3;  // stride 2, TensorFlow-same: ceil(7 / 2), ceil(6 / 2)
  std::vector<float> expected(kOutHeight * kOutWidth * kDepthChannels);
  for (int row = 0; row < kOutHeight; ++row) {
    for (int column = 0; column < kOutWidth; ++column) {
      for (int channel = 0; channel < kDepthChannels; ++channel) {
        // Same padding of 7 rows by stride 2: 2 in all, 1 before; of 6 columns: 1 in all, 0 before.
        expected[(row * kOutWidth + column) * kDepthChannels + channel] = window_sum(
            depthwise_bias[channel], row, column, 3, 2, 1, 0, kDepthHeight, kDepthWidth, [&](float sum, int r, int c, int tap) {
              return multiply_add(input[(r * kDepthWidth + c) * kDepthChannels + channel],
                                  depthwise_kernel[tap * kDepthChannels + channel], sum);
            });
      }
    }
  }
  using M = nn::Model<nn::Input<kDepthHeight, kDepthWidth, kDepthChannels>,
                      nn::DepthwiseConv2D<nn::Kernel<3, 3>, nn::Strides<2, 2>, nn::Padding::kSame, 1, depthwise_kernel,
                                          depthwise_bias>>;
  REQUIRE(M::output_size == static_cast<long>(expected.size()));
  CHECK(same_bits(run_model<M>(input), expected));
}

TEST_CASE("Conv2D's BatchNormalization and ReLU see the sums in the same order, applied as they are stored",
          "[nn][order]") {
  fill(first_kernel, std::size(first_kernel), 10);
  fill(first_bias, std::size(first_bias), 11);
  fill(bn_gamma, std::size(bn_gamma), 12);
  fill(bn_beta, std::size(bn_beta), 13);
  for (int filter = 0; filter < kFirstFilters; ++filter) {
    bn_mean[filter] = 0.0f;
    bn_variance[filter] = 4.0f;
  }
  std::vector<float> input(kFirstHeight * kFirstWidth);
  fill(input.data(), input.size(), 14);
  // Stride 2, TensorFlow-same: 5 x 6 cells; 4 rows and 4 columns of padding, 2 before.
  constexpr int kOutHeight = 5, kOutWidth = 6;
  std::vector<float> expected(kOutHeight * kOutWidth * kFirstFilters);
  for (int row = 0; row < kOutHeight; ++row) {
    for (int column = 0; column < kOutWidth; ++column) {
      for (int filter = 0; filter < kFirstFilters; ++filter) {
        const float sum = window_sum(first_bias[filter], row, column, 5, 2, 2, 2, kFirstHeight, kFirstWidth,
                                     [&](float partial, int r, int c, int tap) {
                                       return multiply_add(input[r * kFirstWidth + c],
                                                           first_kernel[tap * kFirstFilters + filter], partial);
                                     });
        const float normalized = multiply_add(sum, bn_gamma[filter] / 2.0f, bn_beta[filter]);
        expected[(row * kOutWidth + column) * kFirstFilters + filter] = normalized > 0.0f ? normalized : 0.0f;
      }
    }
  }
  using M = nn::Model<nn::Input<kFirstHeight, kFirstWidth, 1>,
                      nn::Conv2D<kFirstFilters, nn::Kernel<5, 5>, nn::Strides<2, 2>, nn::Padding::kSame, first_kernel,
                                 first_bias>,
                      nn::BatchNormalization<bn_gamma, bn_beta, bn_mean, bn_variance, std::ratio<0, 1>>, nn::ReLU>;
  REQUIRE(M::output_size == static_cast<long>(expected.size()));
  CHECK(same_bits(run_model<M>(input), expected));
}

TEST_CASE("SeparableConv2D adds its depthwise products from zero, then the pointwise ones after the bias",
          "[nn][order]") {
  fill(separable_depthwise, std::size(separable_depthwise), 15);
  fill(separable_pointwise, std::size(separable_pointwise), 16);
  fill(separable_bias, std::size(separable_bias), 17);
  std::vector<float> input(kSeparableHeight * kSeparableWidth * kSeparableChannels);
  fill(input.data(), input.size(), 18);
  std::vector<float> expected(kSeparableHeight * kSeparableWidth * kSeparableFilters);
  for (int row = 0; row < kSeparableHeight; ++row) {
    for (int column = 0; column < kSeparableWidth; ++column) {
      float depthwise[kSeparableChannels];
      for (int channel = 0; channel < kSeparableChannels; ++channel) {
        depthwise[channel] = window_sum(0.0f, row, column, 3, 1, 1, 1, kSeparableHeight, kSeparableWidth,
                                        [&](float sum, int r, int c, int tap) {
                                          return multiply_add(input[(r * kSeparableWidth + c) * kSeparableChannels + channel],
                                                              separable_depthwise[tap * kSeparableChannels + channel], sum);
                                        });
      }
      for (int filter = 0; filter < kSeparableFilters; ++filter) {
        float sum = separable_bias[filter];
        for (int channel = 0; channel < kSeparableChannels; ++channel) {
          sum = multiply_add(depthwise[channel], separable_pointwise[channel * kSeparableFilters + filter], sum);
        }
        expected[(row * kSeparableWidth + column) * kSeparableFilters + filter] = sum;
      }
    }
  }
  using M = nn::Model<nn::Input<kSeparableHeight, kSeparableWidth, kSeparableChannels>,
                      nn::SeparableConv2D<kSeparableFilters, nn::Kernel<3, 3>, nn::Strides<1, 1>, nn::Padding::kSame,
                                          separable_depthwise, separable_pointwise, separable_bias>>;
  REQUIRE(M::output_size == static_cast<long>(expected.size()));
  CHECK(same_bits(run_model<M>(input), expected));
}

#endif
