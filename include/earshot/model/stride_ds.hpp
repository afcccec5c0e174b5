// Stride-DS-N, the thesis' depthwise-separable CNN with strided convolutions (J. Nordby,
// "Environmental Sound Classification on Microcontrollers using Convolutional Neural
// Networks", 2019): input 60 mels x 31 frames x 1; first convolution N filters, x1.5 per stage.
#pragma once

#include <ratio>

#include "earshot/model/deterministic_weights.hpp"
#include "earshot/nn/activations.hpp"
#include "earshot/nn/batch_normalization.hpp"
#include "earshot/nn/conv2d.hpp"
#include "earshot/nn/dense.hpp"
#include "earshot/nn/flatten.hpp"
#include "earshot/nn/model.hpp"
#include "earshot/nn/separable_conv2d.hpp"

namespace earshot::model {

// The layers, with weights from W (static arrays named as in StrideDsDeterministicWeights;
// Keras layouts). BatchNormalization uses Keras' epsilon 1e-3.
template <int kFilters, class W>
using StrideDsModel = nn::Model<
    nn::Input<60, 31, 1>,
    nn::Conv2D<kFilters, nn::Kernel<5, 5>, nn::Strides<2, 2>, nn::Padding::kSame, W::conv1_kernel, W::conv1_bias>,
    nn::BatchNormalization<W::bn1_gamma, W::bn1_beta, W::bn1_mean, W::bn1_variance>, nn::ReLU,
    nn::SeparableConv2D<kFilters * 3 / 2, nn::Kernel<5, 5>, nn::Strides<2, 2>, nn::Padding::kSame, W::conv2_depthwise,
                        W::conv2_pointwise, W::conv2_bias>,
    nn::BatchNormalization<W::bn2_gamma, W::bn2_beta, W::bn2_mean, W::bn2_variance>, nn::ReLU,
    nn::SeparableConv2D<kFilters * 9 / 4, nn::Kernel<5, 5>, nn::Strides<2, 2>, nn::Padding::kValid, W::conv3_depthwise,
                        W::conv3_pointwise, W::conv3_bias>,
    nn::BatchNormalization<W::bn3_gamma, W::bn3_beta, W::bn3_mean, W::bn3_variance>, nn::ReLU, nn::Flatten,
    nn::Dense<64, W::dense4_kernel, W::dense4_bias>, nn::ReLU, nn::Dense<10, W::dense5_kernel, W::dense5_bias>,
    nn::Softmax>;

// Deterministic stand-in weights (constexpr, in flash).
template <int kFilters>
struct StrideDsDeterministicWeights {
  static constexpr int c1 = kFilters;
  static constexpr int c2 = kFilters * 3 / 2;
  static constexpr int c3 = kFilters * 9 / 4;
  static constexpr int flat = 6 * 2 * c3;  // 60x31 -> 30x16 -> 15x8 -> 6x2
  alignas(16) static constexpr auto conv1_kernel = deterministic_kernel<25 * c1, 25>(1);
  alignas(16) static constexpr auto conv1_bias = deterministic_shift<c1>(2);
  alignas(16) static constexpr auto bn1_gamma = deterministic_gamma<c1>(20);
  alignas(16) static constexpr auto bn1_beta = deterministic_shift<c1>(21);
  alignas(16) static constexpr auto bn1_mean = deterministic_shift<c1>(22);
  alignas(16) static constexpr auto bn1_variance = deterministic_variance<c1>(23);
  alignas(16) static constexpr auto conv2_depthwise = deterministic_kernel<25 * c1, 25>(3);
  alignas(16) static constexpr auto conv2_pointwise = deterministic_kernel<c1 * c2, c1>(4);
  alignas(16) static constexpr auto conv2_bias = deterministic_shift<c2>(5);
  alignas(16) static constexpr auto bn2_gamma = deterministic_gamma<c2>(30);
  alignas(16) static constexpr auto bn2_beta = deterministic_shift<c2>(31);
  alignas(16) static constexpr auto bn2_mean = deterministic_shift<c2>(32);
  alignas(16) static constexpr auto bn2_variance = deterministic_variance<c2>(33);
  alignas(16) static constexpr auto conv3_depthwise = deterministic_kernel<25 * c2, 25>(6);
  alignas(16) static constexpr auto conv3_pointwise = deterministic_kernel<c2 * c3, c2>(7);
  alignas(16) static constexpr auto conv3_bias = deterministic_shift<c3>(8);
  alignas(16) static constexpr auto bn3_gamma = deterministic_gamma<c3>(40);
  alignas(16) static constexpr auto bn3_beta = deterministic_shift<c3>(41);
  alignas(16) static constexpr auto bn3_mean = deterministic_shift<c3>(42);
  alignas(16) static constexpr auto bn3_variance = deterministic_variance<c3>(43);
  alignas(16) static constexpr auto dense4_kernel = deterministic_kernel<flat * 64, flat>(9);
  alignas(16) static constexpr auto dense4_bias = deterministic_shift<64>(10);
  alignas(16) static constexpr auto dense5_kernel = deterministic_kernel<64 * 10, 64>(11);
  alignas(16) static constexpr auto dense5_bias = deterministic_shift<10>(12);
};

}  // namespace earshot::model

namespace earshot::model {

using StrideDs12 = StrideDsModel<12, StrideDsDeterministicWeights<12>>;
using StrideDs16 = StrideDsModel<16, StrideDsDeterministicWeights<16>>;
using StrideDs20 = StrideDsModel<20, StrideDsDeterministicWeights<20>>;
using StrideDs24 = StrideDsModel<24, StrideDsDeterministicWeights<24>>;

}  // namespace earshot::model
