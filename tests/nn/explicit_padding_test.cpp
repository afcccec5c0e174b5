// Explicit (PyTorch-style) padding against PyTorch (tests/nn/make_golden.py): symmetric padding
// with stride 2 on even sizes, where it differs from TensorFlow's SAME, for every window layer;
// asymmetric sides; dilation with padding; ZeroPadding2D; a fused padded stage. Shapes and MACC
// by hand: output = (in + pads - span) / stride + 1, MACC over every output cell.
#include <catch2/catch.hpp>

#include <cstring>

#include "earshot/nn/activations.hpp"
#include "earshot/nn/batch_normalization.hpp"
#include "earshot/nn/conv2d.hpp"
#include "earshot/nn/depthwise_conv2d.hpp"
#include "earshot/nn/model.hpp"
#include "earshot/nn/pooling.hpp"
#include "earshot/nn/separable_conv2d.hpp"
#include "earshot/nn/zero_padding2d.hpp"
#include "golden_file.hpp"

namespace nn = earshot::nn;
using earshot::test::check_backends;
using earshot::test::GoldenCase;
using earshot::test::run_model;

namespace {

float conv_kernel[5 * 5 * 2 * 3], conv_bias[3];
float depthwise_kernel[3 * 3 * 3 * 2], depthwise_bias[6];
float separable_depthwise[5 * 5 * 4], separable_pointwise[4 * 6], separable_bias[6];
float asymmetric_kernel[3 * 3 * 2 * 4], asymmetric_bias[4];
float dilated_kernel[3 * 3 * 2 * 3], dilated_bias[3];
float same_kernel[3 * 3 * 3 * 5], same_bias[5];

}  // namespace

TEST_CASE("explicit_padding packs four sides into a Padding value, distinct from kValid and kSame") {
  constexpr nn::Padding padding = nn::explicit_padding<1, 2, 3, 127>;
  STATIC_REQUIRE(nn::detail::is_explicit(padding));
  STATIC_REQUIRE(!nn::detail::is_explicit(nn::Padding::kValid));
  STATIC_REQUIRE(!nn::detail::is_explicit(nn::Padding::kSame));
  STATIC_REQUIRE(nn::explicit_padding<0, 0, 0, 0> != nn::Padding::kValid);
  constexpr nn::detail::WindowAxis rows = nn::detail::window_axis(10, 3, 2, 1, padding, nn::detail::Axis::kRows);
  constexpr nn::detail::WindowAxis columns = nn::detail::window_axis(10, 3, 2, 1, padding, nn::detail::Axis::kColumns);
  STATIC_REQUIRE((rows.pad_before == 1 && rows.pad_after == 2 && columns.pad_before == 3 && columns.pad_after == 127));
  STATIC_REQUIRE(nn::symmetric_padding<2, 1> == nn::explicit_padding<2, 2, 1, 1>);
}

TEST_CASE("Conv2D 5x5 stride 2 padding 2 on an even size matches PyTorch (TensorFlow's SAME would pad 1 above)") {
  const GoldenCase golden("conv_5x5_s2_pad2_even");
  golden.fill("kernel", conv_kernel);
  golden.fill("bias", conv_bias);
  using M = nn::Model<nn::Input<10, 8, 2>, nn::Conv2D<3, nn::Kernel<5, 5>, nn::Strides<2, 2>, nn::symmetric_padding<2, 2>,
                                                     conv_kernel, conv_bias>>;
  // (10 + 4 - 5) / 2 + 1 = 5, (8 + 4 - 5) / 2 + 1 = 4.
  STATIC_REQUIRE(std::is_same_v<M::OutputShape, nn::Shape<5, 4, 3>>);
  STATIC_REQUIRE(M::macc == 5 * 4 * 3 * 25 * 2);
  check_backends<M>(golden);
}

TEST_CASE("DepthwiseConv2D with depth multiplier 2, stride 2, padding 1 on even sizes matches PyTorch groups") {
  const GoldenCase golden("depthwise_3x3_s2_pad1_mult2_even");
  golden.fill("kernel", depthwise_kernel);
  golden.fill("bias", depthwise_bias);
  using M = nn::Model<nn::Input<8, 6, 3>, nn::DepthwiseConv2D<nn::Kernel<3, 3>, nn::Strides<2, 2>, nn::symmetric_padding<1, 1>, 2,
                                                              depthwise_kernel, depthwise_bias>>;
  // (8 + 2 - 3) / 2 + 1 = 4, (6 + 2 - 3) / 2 + 1 = 3; 3 channels x 2.
  STATIC_REQUIRE(std::is_same_v<M::OutputShape, nn::Shape<4, 3, 6>>);
  STATIC_REQUIRE(M::macc == 4 * 3 * 6 * 9);
  check_backends<M>(golden);
}

TEST_CASE("SeparableConv2D 5x5 stride 2 padding 2 on even sizes matches depthwise then pointwise in PyTorch") {
  const GoldenCase golden("separable_5x5_s2_pad2_even");
  golden.fill("depthwise", separable_depthwise);
  golden.fill("pointwise", separable_pointwise);
  golden.fill("bias", separable_bias);
  using M = nn::Model<nn::Input<10, 8, 4>, nn::SeparableConv2D<6, nn::Kernel<5, 5>, nn::Strides<2, 2>, nn::symmetric_padding<2, 2>,
                                                               separable_depthwise, separable_pointwise, separable_bias>>;
  STATIC_REQUIRE(std::is_same_v<M::OutputShape, nn::Shape<5, 4, 6>>);
  STATIC_REQUIRE(M::macc == 5 * 4 * 4 * (25 + 6));
  check_backends<M>(golden);
}

TEST_CASE("Pooling 3x3 stride 2 padding 1 on even sizes matches PyTorch, count_include_pad 0 and 1") {
  const GoldenCase golden("pool_3x3_s2_pad1_even");
  using In = nn::Input<8, 10, 3>;
  using Pool = nn::PoolSize<3, 3>;
  using Two = nn::Strides<2, 2>;
  using Max = nn::Model<In, nn::MaxPool2D<Pool, nn::symmetric_padding<1, 1>, Two>>;
  // (8 + 2 - 3) / 2 + 1 = 4, (10 + 2 - 3) / 2 + 1 = 5.
  STATIC_REQUIRE(std::is_same_v<Max::OutputShape, nn::Shape<4, 5, 3>>);
  STATIC_REQUIRE(Max::macc == 0);
  check_backends<Max>(golden, "max");
  check_backends<nn::Model<In, nn::AveragePool2D<Pool, nn::symmetric_padding<1, 1>, Two>>>(golden,
                                                                                               "average_exclude_pad");
  check_backends<nn::Model<In, nn::AveragePool2D<Pool, nn::symmetric_padding<1, 1>, Two, nn::PaddedCells::kIncluded>>>(
      golden, "average_include_pad");
}

TEST_CASE("Asymmetric explicit padding (top 0, bottom 2, left 1, right 0) matches PyTorch's F.pad then conv") {
  const GoldenCase golden("conv_3x3_s2_pad_0_2_1_0");
  golden.fill("kernel", asymmetric_kernel);
  golden.fill("bias", asymmetric_bias);
  using M = nn::Model<nn::Input<9, 8, 2>, nn::Conv2D<4, nn::Kernel<3, 3>, nn::Strides<2, 2>, nn::explicit_padding<0, 2, 1, 0>,
                                                     asymmetric_kernel, asymmetric_bias>>;
  // (9 + 2 - 3) / 2 + 1 = 5, (8 + 1 - 3) / 2 + 1 = 4.
  STATIC_REQUIRE(std::is_same_v<M::OutputShape, nn::Shape<5, 4, 4>>);
  STATIC_REQUIRE(M::macc == 5 * 4 * 4 * 9 * 2);
  check_backends<M>(golden);
}

TEST_CASE("MaxPool2D with asymmetric padding ignores the padded cells as a -inf F.pad does") {
  using M = nn::Model<nn::Input<7, 9, 3>, nn::MaxPool2D<nn::PoolSize<2, 2>, nn::explicit_padding<1, 0, 0, 1>>>;
  // (7 + 1 - 2) / 2 + 1 = 4, (9 + 1 - 2) / 2 + 1 = 5.
  STATIC_REQUIRE(std::is_same_v<M::OutputShape, nn::Shape<4, 5, 3>>);
  check_backends<M>(GoldenCase("maxpool_2x2_pad_1_0_0_1"));
}

TEST_CASE("Conv2D with dilation 2, stride 2 and padding (1, 3) matches PyTorch") {
  const GoldenCase golden("conv_3x3_dilation2_s2_pad_1_3");
  golden.fill("kernel", dilated_kernel);
  golden.fill("bias", dilated_bias);
  using M = nn::Model<nn::Input<11, 10, 2>, nn::Conv2D<3, nn::Kernel<3, 3>, nn::Strides<2, 2>, nn::symmetric_padding<1, 3>,
                                                       dilated_kernel, dilated_bias, nn::Dilation<2, 2>>>;
  // Span 5: (11 + 2 - 5) / 2 + 1 = 5, (10 + 6 - 5) / 2 + 1 = 6.
  STATIC_REQUIRE(std::is_same_v<M::OutputShape, nn::Shape<5, 6, 3>>);
  STATIC_REQUIRE(M::macc == 5 * 6 * 3 * 9 * 2);
  check_backends<M>(golden);
}

TEST_CASE("Explicit padding equal to TensorFlow's SAME sides gives the SAME golden output") {
  // 9x7, 3x3 stride 2: TensorFlow pads 1 on each side of both axes.
  const GoldenCase golden("conv_3x3_s2_same");
  golden.fill("kernel", same_kernel);
  golden.fill("bias", same_bias);
  check_backends<nn::Model<nn::Input<9, 7, 3>, nn::Conv2D<5, nn::Kernel<3, 3>, nn::Strides<2, 2>,
                                                               nn::symmetric_padding<1, 1>, same_kernel, same_bias>>>(golden);
}

namespace {
// Identity 1x1 kernel: a padded 1x1 convolution is a zero padding (not the unpadded pointwise path).
constexpr float identity_kernel[3 * 3] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
}  // namespace

TEST_CASE("ZeroPadding2D and a padded 1x1 Conv2D match PyTorch's F.pad") {
  const GoldenCase golden("zero_padding_1_3_2_0");
  using Padded = nn::Model<nn::Input<4, 5, 3>, nn::ZeroPadding2D<1, 3, 2, 0>>;
  STATIC_REQUIRE(std::is_same_v<Padded::OutputShape, nn::Shape<8, 7, 3>>);
  STATIC_REQUIRE(Padded::macc == 0);
  CHECK(std::strcmp(Padded::layer_info()[0].type, "ZeroPadding2D") == 0);
  CHECK(run_model<Padded>(golden["input"]) == golden["output"]);
  using Conv = nn::Model<nn::Input<4, 5, 3>, nn::Conv2D<3, nn::Kernel<1, 1>, nn::Strides<1, 1>, nn::explicit_padding<1, 3, 2, 0>,
                                                        identity_kernel, nn::no_bias>>;
  STATIC_REQUIRE(std::is_same_v<Conv::OutputShape, nn::Shape<8, 7, 3>>);
  STATIC_REQUIRE(Conv::macc == 8 * 7 * 3 * 3);
  CHECK(run_model<Conv>(golden["input"]) == golden["output"]);
  CHECK(run_model<Conv::WithBackend<nn::EigenBackend>>(golden["input"]) == golden["output"]);
}

namespace {
float fused_kernel[3 * 3 * 2 * 4], fused_bias[4];
float fused_gamma[4], fused_beta[4], fused_mean[4], fused_variance[4];
}  // namespace

TEST_CASE("Padded Conv2D -> BN -> ReLU -> padded MaxPool2D runs as one stage and matches PyTorch") {
  const GoldenCase golden("conv_bn_relu_maxpool_padded");
  golden.fill("kernel", fused_kernel);
  golden.fill("bias", fused_bias);
  golden.fill("bn_gamma", fused_gamma);
  golden.fill("bn_beta", fused_beta);
  golden.fill("bn_mean", fused_mean);
  golden.fill("bn_variance", fused_variance);
  using M = nn::Model<
      nn::Input<12, 10, 2>,
      nn::Conv2D<4, nn::Kernel<3, 3>, nn::Strides<2, 2>, nn::symmetric_padding<1, 1>, fused_kernel, fused_bias>,
      nn::BatchNormalization<fused_gamma, fused_beta, fused_mean, fused_variance, std::ratio<1, 100000>>, nn::ReLU,
      nn::MaxPool2D<nn::PoolSize<2, 2>, nn::symmetric_padding<1, 1>>>;
  // 12x10 -> (12 + 2 - 3) / 2 + 1 = 6 x (10 + 2 - 3) / 2 + 1 = 5 -> pooled (6 + 2 - 2) / 2 + 1 = 4 x 3.
  STATIC_REQUIRE(std::is_same_v<M::OutputShape, nn::Shape<4, 3, 4>>);
  STATIC_REQUIRE(M::macc == 6 * 5 * 4 * 9 * 2);
  // One stage: the 6x5x4 convolution output never exists. Pooled row 0 reads convolution rows
  // 0 (row -1 is padding), which read input rows 0-1; the stage needs the whole input (960 B)
  // plus one output row (3 x 4 floats) before releasing any input row.
  STATIC_REQUIRE(M::arena_bytes == 960 + 48);
  check_backends<M>(golden);
}
