// Baseline, the thesis' SB-CNN variant (J. Nordby, "Environmental Sound Classification on
// Microcontrollers using Convolutional Neural Networks", 2019; after Salamon & Bello 2017):
// input 60 mels x 31 frames x 1, shapes 60x31x1 -> 20x15x24 -> 6x7x48 -> 2x3x48 -> 64 -> 10.
#pragma once

#include "earshot/model/deterministic_weights.hpp"
#include "earshot/nn/activations.hpp"
#include "earshot/nn/batch_normalization.hpp"
#include "earshot/nn/conv2d.hpp"
#include "earshot/nn/dense.hpp"
#include "earshot/nn/flatten.hpp"
#include "earshot/nn/model.hpp"
#include "earshot/nn/pooling.hpp"

namespace earshot::model {

// The layers, with weights from W (static arrays named as in BaselineDeterministicWeights;
// Keras layouts). BatchNormalization uses Keras' epsilon 1e-3.
template <class W>
using BaselineModel = nn::Model<
    nn::Input<60, 31, 1>,
    nn::Conv2D<24, nn::Kernel<5, 5>, nn::Strides<1, 1>, nn::Padding::kSame, W::conv1_kernel, W::conv1_bias>,
    nn::BatchNormalization<W::bn1_gamma, W::bn1_beta, W::bn1_mean, W::bn1_variance>, nn::MaxPool2D<nn::PoolSize<3, 2>>,
    nn::ReLU,
    nn::Conv2D<48, nn::Kernel<5, 5>, nn::Strides<1, 1>, nn::Padding::kSame, W::conv2_kernel, W::conv2_bias>,
    nn::BatchNormalization<W::bn2_gamma, W::bn2_beta, W::bn2_mean, W::bn2_variance>, nn::MaxPool2D<nn::PoolSize<3, 2>>,
    nn::ReLU,
    nn::Conv2D<48, nn::Kernel<5, 5>, nn::Strides<1, 1>, nn::Padding::kValid, W::conv3_kernel, W::conv3_bias>,
    nn::BatchNormalization<W::bn3_gamma, W::bn3_beta, W::bn3_mean, W::bn3_variance>, nn::ReLU, nn::Flatten,
    nn::Dense<64, W::dense4_kernel, W::dense4_bias>, nn::ReLU, nn::Dense<10, W::dense5_kernel, W::dense5_bias>,
    nn::Softmax>;

// Deterministic stand-in weights (constexpr, in flash).
struct BaselineDeterministicWeights {
  alignas(16) static constexpr auto conv1_kernel = deterministic_kernel<25 * 24, 25>(101);
  alignas(16) static constexpr auto conv1_bias = deterministic_shift<24>(102);
  alignas(16) static constexpr auto bn1_gamma = deterministic_gamma<24>(120);
  alignas(16) static constexpr auto bn1_beta = deterministic_shift<24>(121);
  alignas(16) static constexpr auto bn1_mean = deterministic_shift<24>(122);
  alignas(16) static constexpr auto bn1_variance = deterministic_variance<24>(123);
  alignas(16) static constexpr auto conv2_kernel = deterministic_kernel<25 * 24 * 48, 25 * 24>(103);
  alignas(16) static constexpr auto conv2_bias = deterministic_shift<48>(104);
  alignas(16) static constexpr auto bn2_gamma = deterministic_gamma<48>(130);
  alignas(16) static constexpr auto bn2_beta = deterministic_shift<48>(131);
  alignas(16) static constexpr auto bn2_mean = deterministic_shift<48>(132);
  alignas(16) static constexpr auto bn2_variance = deterministic_variance<48>(133);
  alignas(16) static constexpr auto conv3_kernel = deterministic_kernel<25 * 48 * 48, 25 * 48>(105);
  alignas(16) static constexpr auto conv3_bias = deterministic_shift<48>(106);
  alignas(16) static constexpr auto bn3_gamma = deterministic_gamma<48>(140);
  alignas(16) static constexpr auto bn3_beta = deterministic_shift<48>(141);
  alignas(16) static constexpr auto bn3_mean = deterministic_shift<48>(142);
  alignas(16) static constexpr auto bn3_variance = deterministic_variance<48>(143);
  alignas(16) static constexpr auto dense4_kernel = deterministic_kernel<2 * 3 * 48 * 64, 2 * 3 * 48>(107);
  alignas(16) static constexpr auto dense4_bias = deterministic_shift<64>(108);
  alignas(16) static constexpr auto dense5_kernel = deterministic_kernel<64 * 10, 64>(109);
  alignas(16) static constexpr auto dense5_bias = deterministic_shift<10>(110);
};

using Baseline = BaselineModel<BaselineDeterministicWeights>;

}  // namespace earshot::model
