// Float layers add each output's products one by one in input order, starting from the bias,
// whatever their loop keeps in registers (blocks of 8 on a Cortex-M4F, vectors of every output on
// hosts with SIMD: detail/float_vectors.hpp). The promise is what makes the paths bitwise equal,
// so it is checked against the plain loop written out here, on channel counts that leave a rest
// after the vectors of 4 or 8 and on operands spread over 2^±7, where another order rounds
// differently.
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <vector>

#include "earshot/nn/conv2d.hpp"
#include "earshot/nn/dense.hpp"
#include "earshot/nn/depthwise_conv2d.hpp"
#include "earshot/nn/model.hpp"
#include "golden_file.hpp"

namespace nn = earshot::nn;
using earshot::test::run_model;

// Without fused multiply-adds: where the compiler may fuse (an FMA unit, e.g. -march=native), it
// may fuse a layer's loop and the loop below differently. The layers are then held to PyTorch's
// results (layers_golden_test.cpp, models_test.cpp) only.
#if !defined(__FP_FAST_FMAF)

namespace {

// Values in [-1, 1) times 2^-7 ... 2^7, from a fixed 32-bit linear congruential sequence.
void fill(float* values, std::size_t count, std::uint32_t seed) {
  std::uint32_t state = seed;
  for (std::size_t i = 0; i < count; ++i) {
    state = state * 1664525u + 1013904223u;
    const float unit = static_cast<float>(state >> 8) / 8388608.0f - 1.0f;
    values[i] = unit * static_cast<float>(1 << (i % 15)) / 128.0f;
  }
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

}  // namespace

TEST_CASE("Dense adds each unit's products in input order after the bias", "[nn][order]") {
  fill(dense_kernel, std::size(dense_kernel), 1);
  fill(dense_bias, std::size(dense_bias), 2);
  std::vector<float> input(kInputs);
  fill(input.data(), input.size(), 3);
  std::vector<float> expected(kUnits);
  for (int unit = 0; unit < kUnits; ++unit) {
    float sum = dense_bias[unit];
    for (int i = 0; i < kInputs; ++i) sum += input[i] * dense_kernel[i * kUnits + unit];
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
        float sum = conv_bias[filter];
        for (int kernel_row = 0; kernel_row < 3; ++kernel_row) {
          for (int kernel_column = 0; kernel_column < 3; ++kernel_column) {
            const int in_row = row - 1 + kernel_row, in_column = column - 1 + kernel_column;
            if (in_row < 0 || in_row >= kHeight || in_column < 0 || in_column >= kWidth) continue;  // padding
            for (int channel = 0; channel < kChannels; ++channel) {
              sum += input[(in_row * kWidth + in_column) * kChannels + channel] *
                     conv_kernel[((kernel_row * 3 + kernel_column) * kChannels + channel) * kFilters + filter];
            }
          }
        }
        expected[(row * kWidth + column) * kFilters + filter] = sum;
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
        float sum = depthwise_bias[channel];
        for (int kernel_row = 0; kernel_row < 3; ++kernel_row) {
          for (int kernel_column = 0; kernel_column < 3; ++kernel_column) {
            // Same padding of 7 rows by stride 2: 2 in all, 1 before; of 6 columns: 1 in all, 0 before.
            const int in_row = 2 * row - 1 + kernel_row, in_column = 2 * column + kernel_column;
            if (in_row < 0 || in_row >= kDepthHeight || in_column >= kDepthWidth) continue;
            sum += input[(in_row * kDepthWidth + in_column) * kDepthChannels + channel] *
                   depthwise_kernel[(kernel_row * 3 + kernel_column) * kDepthChannels + channel];
          }
        }
        expected[(row * kOutWidth + column) * kDepthChannels + channel] = sum;
      }
    }
  }
  using M = nn::Model<nn::Input<kDepthHeight, kDepthWidth, kDepthChannels>,
                      nn::DepthwiseConv2D<nn::Kernel<3, 3>, nn::Strides<2, 2>, nn::Padding::kSame, 1, depthwise_kernel,
                                          depthwise_bias>>;
  REQUIRE(M::output_size == static_cast<long>(expected.size()));
  CHECK(same_bits(run_model<M>(input), expected));
}

#endif
