// Each layer type against PyTorch (tests/nn/make_golden.py): odd sizes, stride 2 with
// TensorFlow-same padding (asymmetric for even kernels), dilation, depth multiplier > 1,
// pooling with padding, Dense after Flatten, BatchNormalization, activations, a residual Add.
#include <catch2/catch.hpp>
#include <limits>
#include <vector>

#include "earshot/nn/activations.hpp"
#include "earshot/nn/batch_normalization.hpp"
#include "earshot/nn/conv2d.hpp"
#include "earshot/nn/dense.hpp"
#include "earshot/nn/depthwise_conv2d.hpp"
#include "earshot/nn/flatten.hpp"
#include "earshot/nn/global_pooling.hpp"
#include "earshot/nn/model.hpp"
#include "earshot/nn/pooling.hpp"
#include "earshot/nn/residual.hpp"
#include "earshot/nn/separable_conv2d.hpp"
#include "golden_file.hpp"

namespace nn = earshot::nn;
using earshot::test::GoldenCase;
using earshot::test::relative_error;
using earshot::test::run_model;

namespace {

constexpr double kTolerance = 1e-5;

template <class M>
void check_case(const GoldenCase& golden, const char* output_key = "output") {
  const double error = relative_error(run_model<M>(golden["input"]), golden[output_key]);
  INFO("relative error " << error);
  CHECK(error <= kTolerance);
}

float conv_a_kernel[3 * 3 * 3 * 5], conv_a_bias[5];
float conv_b_kernel[4 * 4 * 2 * 3], conv_b_bias[3];
float conv_c_kernel[3 * 3 * 2 * 4];
float conv_d_kernel[3 * 2 * 2 * 4], conv_d_bias[4];
float conv_e_kernel[6 * 4], conv_e_bias[4];

}  // namespace

TEST_CASE("Conv2D 3x3 stride 2 same padding matches PyTorch") {
  const GoldenCase golden("conv_3x3_s2_same");
  golden.fill("kernel", conv_a_kernel);
  golden.fill("bias", conv_a_bias);
  using M = nn::Model<nn::Input<9, 7, 3>,
                      nn::Conv2D<5, nn::Kernel<3, 3>, nn::Strides<2, 2>, nn::Padding::kSame, conv_a_kernel, conv_a_bias>>;
  static_assert(std::is_same_v<M::OutputShape, nn::Shape<5, 4, 5>>);
  check_case<M>(golden);
}

TEST_CASE("Conv2D with an even kernel and stride 2 pads asymmetrically as TensorFlow") {
  const GoldenCase golden("conv_4x4_s2_same_even");
  golden.fill("kernel", conv_b_kernel);
  golden.fill("bias", conv_b_bias);
  using M = nn::Model<nn::Input<10, 9, 2>,
                      nn::Conv2D<3, nn::Kernel<4, 4>, nn::Strides<2, 2>, nn::Padding::kSame, conv_b_kernel, conv_b_bias>>;
  static_assert(std::is_same_v<M::OutputShape, nn::Shape<5, 5, 3>>);
  check_case<M>(golden);
}

TEST_CASE("Conv2D with dilation 2, valid padding and no bias matches PyTorch") {
  const GoldenCase golden("conv_3x3_dilation2_valid_nobias");
  golden.fill("kernel", conv_c_kernel);
  using M = nn::Model<nn::Input<11, 9, 2>, nn::Conv2D<4, nn::Kernel<3, 3>, nn::Strides<1, 1>, nn::Padding::kValid,
                                                      conv_c_kernel, nn::no_bias, nn::Dilation<2, 2>>>;
  static_assert(std::is_same_v<M::OutputShape, nn::Shape<7, 5, 4>>);
  check_case<M>(golden);
}

TEST_CASE("Conv2D with different dilations per axis and same padding matches PyTorch") {
  const GoldenCase golden("conv_3x2_dilation_2x3_same");
  golden.fill("kernel", conv_d_kernel);
  golden.fill("bias", conv_d_bias);
  using M = nn::Model<nn::Input<11, 9, 2>, nn::Conv2D<4, nn::Kernel<3, 2>, nn::Strides<1, 1>, nn::Padding::kSame,
                                                      conv_d_kernel, conv_d_bias, nn::Dilation<2, 3>>>;
  check_case<M>(golden);
}

TEST_CASE("Conv2D 1x1 takes the pointwise path and matches PyTorch") {
  const GoldenCase golden("conv_pointwise");
  golden.fill("kernel", conv_e_kernel);
  golden.fill("bias", conv_e_bias);
  using M = nn::Model<nn::Input<5, 7, 6>,
                      nn::Conv2D<4, nn::Kernel<1, 1>, nn::Strides<1, 1>, nn::Padding::kValid, conv_e_kernel, conv_e_bias>>;
  check_case<M>(golden);
}

namespace {
float depthwise_a_kernel[3 * 3 * 3 * 2], depthwise_a_bias[6];
float depthwise_b_kernel[5 * 5 * 4], depthwise_b_bias[4];
float separable_depthwise[3 * 3 * 4 * 2], separable_pointwise[8 * 6], separable_bias[6];
}  // namespace

TEST_CASE("DepthwiseConv2D with depth multiplier 2 matches PyTorch groups") {
  const GoldenCase golden("depthwise_3x3_mult2_same");
  golden.fill("kernel", depthwise_a_kernel);
  golden.fill("bias", depthwise_a_bias);
  using M = nn::Model<nn::Input<7, 9, 3>, nn::DepthwiseConv2D<nn::Kernel<3, 3>, nn::Strides<1, 1>, nn::Padding::kSame, 2,
                                                              depthwise_a_kernel, depthwise_a_bias>>;
  static_assert(std::is_same_v<M::OutputShape, nn::Shape<7, 9, 6>>);
  check_case<M>(golden);
}

TEST_CASE("DepthwiseConv2D 5x5 stride 2 same padding matches PyTorch") {
  const GoldenCase golden("depthwise_5x5_s2_same");
  golden.fill("kernel", depthwise_b_kernel);
  golden.fill("bias", depthwise_b_bias);
  using M = nn::Model<nn::Input<11, 8, 4>, nn::DepthwiseConv2D<nn::Kernel<5, 5>, nn::Strides<2, 2>, nn::Padding::kSame, 1,
                                                               depthwise_b_kernel, depthwise_b_bias>>;
  check_case<M>(golden);
}

TEST_CASE("SeparableConv2D stride 2 with depth multiplier 2 matches depthwise then pointwise in PyTorch") {
  const GoldenCase golden("separable_3x3_s2_same_mult2");
  golden.fill("depthwise", separable_depthwise);
  golden.fill("pointwise", separable_pointwise);
  golden.fill("bias", separable_bias);
  using M = nn::Model<nn::Input<9, 8, 4>, nn::SeparableConv2D<6, nn::Kernel<3, 3>, nn::Strides<2, 2>, nn::Padding::kSame,
                                                              separable_depthwise, separable_pointwise, separable_bias, 2>>;
  static_assert(std::is_same_v<M::OutputShape, nn::Shape<5, 4, 6>>);
  check_case<M>(golden);
}

TEST_CASE("MaxPool2D and AveragePooling2D match PyTorch, padded cells excluded") {
  SECTION("max 3x2 valid") {
    check_case<nn::Model<nn::Input<7, 9, 3>, nn::MaxPool2D<nn::PoolSize<3, 2>>>>(GoldenCase("maxpool_3x2_valid"));
  }
  SECTION("max 3x3 stride 2 same") {
    using M = nn::Model<nn::Input<7, 9, 3>, nn::MaxPool2D<nn::PoolSize<3, 3>, nn::Padding::kSame, nn::Strides<2, 2>>>;
    check_case<M>(GoldenCase("maxpool_3x3_s2_same"));
  }
  SECTION("average 3x3 stride 2 same") {
    using M = nn::Model<nn::Input<7, 9, 3>, nn::AveragePool2D<nn::PoolSize<3, 3>, nn::Padding::kSame, nn::Strides<2, 2>>>;
    check_case<M>(GoldenCase("avgpool_3x3_s2_same"));
  }
  SECTION("average 2x2 valid") {
    check_case<nn::Model<nn::Input<7, 9, 3>, nn::AveragePool2D<nn::PoolSize<2, 2>>>>(GoldenCase("avgpool_2x2_valid"));
  }
}

TEST_CASE("Global pooling reduces every cell of each channel") {
  check_case<nn::Model<nn::Input<5, 6, 4>, nn::GlobalAveragePooling2D>>(GoldenCase("global_average"));
  check_case<nn::Model<nn::Input<5, 6, 4>, nn::GlobalMaxPooling2D>>(GoldenCase("global_max"));
}

// torch.nn.functional.max_pool2d of a window that is all -inf is -inf (the identity of max),
// not the most negative finite float.
TEST_CASE("Max pooling of -inf cells is -inf") {
  constexpr float kMinusInf = -std::numeric_limits<float>::infinity();
  const std::vector<float> input = {kMinusInf, kMinusInf, kMinusInf, kMinusInf, kMinusInf, 1.0f, kMinusInf, kMinusInf};
  // 2 x 2 x 2 (NHWC): channel 0 is all -inf, channel 1 holds one 1.
  const std::vector<float> pooled = run_model<nn::Model<nn::Input<2, 2, 2>, nn::MaxPool2D<nn::PoolSize<2, 2>>>>(input);
  CHECK(pooled == std::vector<float>{kMinusInf, 1.0f});
  const std::vector<float> global = run_model<nn::Model<nn::Input<2, 2, 2>, nn::GlobalMaxPooling2D>>(input);
  CHECK(global == std::vector<float>{kMinusInf, 1.0f});
}

namespace {
float dense_kernel[60 * 7], dense_bias[7];
float bn_gamma[6], bn_beta[6], bn_mean[6], bn_variance[6];
}  // namespace

TEST_CASE("Flatten keeps Keras' NHWC order for Dense") {
  const GoldenCase golden("flatten_dense");
  golden.fill("kernel", dense_kernel);
  golden.fill("bias", dense_bias);
  check_case<nn::Model<nn::Input<3, 4, 5>, nn::Flatten, nn::Dense<7, dense_kernel, dense_bias>>>(golden);
}

TEST_CASE("BatchNormalization in inference form matches PyTorch with epsilon 1e-3") {
  const GoldenCase golden("batchnorm");
  golden.fill("gamma", bn_gamma);
  golden.fill("beta", bn_beta);
  golden.fill("mean", bn_mean);
  golden.fill("variance", bn_variance);
  check_case<nn::Model<nn::Input<4, 5, 6>, nn::BatchNormalization<bn_gamma, bn_beta, bn_mean, bn_variance>>>(golden);
}

TEST_CASE("Activations match PyTorch, and softmax runs over each cell's channels") {
  const GoldenCase golden("activations");
  using In = nn::Input<3, 4, 5>;
  check_case<nn::Model<In, nn::ReLU>>(golden, "relu");
  check_case<nn::Model<In, nn::ReLU6>>(golden, "relu6");
  check_case<nn::Model<In, nn::LeakyReLU<>>>(golden, "leaky_relu");
  check_case<nn::Model<In, nn::Sigmoid>>(golden, "sigmoid");
  check_case<nn::Model<In, nn::Softmax>>(golden, "softmax");
}

namespace {
float residual_kernel1[3 * 3 * 4 * 4], residual_bias1[4], residual_kernel2[3 * 3 * 4 * 4], residual_bias2[4];
float residual_gamma[4], residual_beta[4], residual_mean[4], residual_variance[4];
}  // namespace

TEST_CASE("Residual adds the block's input to its output as PyTorch's x + f(x)") {
  const GoldenCase golden("residual");
  golden.fill("kernel1", residual_kernel1);
  golden.fill("bias1", residual_bias1);
  golden.fill("kernel2", residual_kernel2);
  golden.fill("bias2", residual_bias2);
  golden.fill("bn_gamma", residual_gamma);
  golden.fill("bn_beta", residual_beta);
  golden.fill("bn_mean", residual_mean);
  golden.fill("bn_variance", residual_variance);
  using Same3x3 = nn::Strides<1, 1>;
  using M = nn::Model<
      nn::Input<6, 5, 4>,
      nn::Residual<nn::Conv2D<4, nn::Kernel<3, 3>, Same3x3, nn::Padding::kSame, residual_kernel1, residual_bias1>,
                   nn::BatchNormalization<residual_gamma, residual_beta, residual_mean, residual_variance>, nn::ReLU,
                   nn::Conv2D<4, nn::Kernel<3, 3>, Same3x3, nn::Padding::kSame, residual_kernel2, residual_bias2>>,
      nn::ReLU>;
  // The block's input (480 B, rows of 80 B) stays; inside the block the second Conv2D writes
  // over rows of the first one's output (480 B) that it no longer reads, so it needs only two
  // rows more than its input: 480 + 480 + 2 x 80.
  STATIC_REQUIRE(M::arena_bytes == 480 + 480 + 2 * 80);
  check_case<M>(golden);
}
