// Concatenate: branch outputs side by side in the channels, in branch order, and the arena the
// planner promises (input + output + the largest branch's own plan), both worked out by hand on
// a model whose weights make every value known. The converter's tests check it against
// PyTorch's torch.cat (tests/converter: inception, and concat_branches in int8).
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "earshot/nn/activations.hpp"
#include "earshot/nn/concatenate.hpp"
#include "earshot/nn/conv2d.hpp"
#include "earshot/nn/model.hpp"
#include "earshot/nn/pooling.hpp"
#include "earshot/nn/quantized_tensors.hpp"

namespace nn = earshot::nn;

namespace {

// Branch 1: a 1x1 convolution that copies channel 0, copies channel 1 and adds a constant 1.
alignas(16) constexpr float copy_kernel[1 * 1 * 2 * 3] = {1, 0, 0, 0, 1, 0};
alignas(16) constexpr float copy_bias[3] = {0, 0, 1};
// Branch 2: a 3x3 convolution with zero weights: its bias everywhere, then ReLU.
alignas(16) constexpr float zero_kernel[3 * 3 * 2 * 2] = {};
alignas(16) constexpr float bias_only[2] = {5, -6};

using Joined = nn::Model<nn::Input<4, 4, 2>,
    nn::Concatenate<nn::Branch<nn::Conv2D<3, nn::Kernel<1, 1>, nn::Strides<1, 1>, nn::Padding::kValid, copy_kernel, copy_bias>>,
                    nn::Branch<nn::Conv2D<2, nn::Kernel<3, 3>, nn::Strides<1, 1>, nn::Padding::kSame, zero_kernel, bias_only>,
                               nn::ReLU>,
                    nn::Branch<>>,
    nn::MaxPool2D<nn::PoolSize<2, 2>>>;

}  // namespace

TEST_CASE("Concatenate puts the branches' channels side by side in branch order") {
  float input[4 * 4 * 2];
  for (int i = 0; i < 4 * 4 * 2; ++i) input[i] = static_cast<float>(i);  // cell c: (2c, 2c + 1)
  float output[2 * 2 * 7];
  Joined model;
  model.invoke(input, output);
  // Pooled cell (r, c) takes the largest of cells (2r + 1, 2c + 1): 2x2 pooling of values that
  // grow with the cell index.
  for (int r = 0; r < 2; ++r) {
    for (int c = 0; c < 2; ++c) {
      const float x = static_cast<float>(2 * ((2 * r + 1) * 4 + 2 * c + 1));
      const float* cell = output + (r * 2 + c) * 7;
      const float expected[7] = {x, x + 1, 1, 5, 0, x, x + 1};
      for (int channel = 0; channel < 7; ++channel) CHECK(cell[channel] == expected[channel]);
    }
  }
}

TEST_CASE("Concatenate's arena holds input, output and the largest branch, and its costs add up") {
  // Input 4x4x2 (128 B), output 4x4x7 (448 B), branches: 4x4x3 (192 B) and 4x4x2 (128 B; its ReLU
  // works in place); then the 2x2 pool streams into rows the concatenation no longer needs.
  STATIC_REQUIRE(Joined::arena_bytes == 128 + 448 + 192);
  STATIC_REQUIRE(Joined::macc == 4 * 4 * 3 * 2 + 4 * 4 * 2 * 3 * 3 * 2);
  STATIC_REQUIRE(Joined::params == 2 * 3 + 3 + 3 * 3 * 2 * 2 + 2);
  constexpr auto rows = Joined::layer_info();
  STATIC_REQUIRE(rows.size() == 5);  // the branches' three layers, Concatenate, MaxPool2D
  CHECK(std::string(rows[3].type) == "Concatenate");
  CHECK(rows[3].channels == 7);
  CHECK(rows[0].depth == 1);
  CHECK(rows[3].depth == 0);
}

namespace {
inline constexpr nn::TensorQuantization unit{1.0f, 0};
using Int8Joined = nn::Model<nn::QuantizedInput<2, 2, 3, unit>,
    nn::Concatenate<nn::Branch<nn::MaxPool2D<nn::PoolSize<1, 1>>>, nn::Branch<>>, nn::Dequantize<unit>>;
}  // namespace

TEST_CASE("Concatenate in int8 is a copy of the codes") {
  const float input[2 * 2 * 3] = {-128, -1, 0, 1, 2, 3, 50, 60, 70, 125, 126, 127};
  float output[2 * 2 * 6];
  Int8Joined model;
  model.invoke(input, output);
  for (int cell = 0; cell < 4; ++cell) {
    for (int channel = 0; channel < 6; ++channel) CHECK(output[cell * 6 + channel] == input[cell * 3 + channel % 3]);
  }
}
