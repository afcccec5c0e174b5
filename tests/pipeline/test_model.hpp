// A small stand-in classifier for the pipeline tests: the example model's input (40 mels x 32
// frames x 1, FSDD's front-end) and 10 classes, deterministic weights (earshot/model/), so that
// window probabilities differ from window to window and from class to class.
#pragma once

#include "earshot/dsp/frontend.hpp"
#include "earshot/model/deterministic_weights.hpp"
#include "earshot/nn/activations.hpp"
#include "earshot/nn/conv2d.hpp"
#include "earshot/nn/dense.hpp"
#include "earshot/nn/flatten.hpp"
#include "earshot/nn/model.hpp"
#include "earshot/nn/pooling.hpp"
#include "earshot/pipeline/feature_windows.hpp"

namespace earshot::test {

struct PipelineTestWeights {
  alignas(16) static constexpr auto conv_kernel = model::deterministic_kernel<5 * 5 * 1 * 4, 25>(101);
  alignas(16) static constexpr auto conv_bias = model::deterministic_shift<4>(102);
  alignas(16) static constexpr auto dense_kernel = model::deterministic_kernel<5 * 4 * 4 * 10, 80>(103);
  alignas(16) static constexpr auto dense_bias = model::deterministic_shift<10>(104);
};

// 40x32x1 -> conv 5x5 stride 2 (20x16x4) -> max pool 4x4 (5x4x4) -> dense 10 -> softmax.
using PipelineTestModel = nn::Model<
    nn::Input<40, 32, 1>,
    nn::Conv2D<4, nn::Kernel<5, 5>, nn::Strides<2, 2>, nn::Padding::kSame, PipelineTestWeights::conv_kernel,
               PipelineTestWeights::conv_bias>,
    nn::ReLU, nn::MaxPool2D<nn::PoolSize<4, 4>>, nn::Flatten,
    nn::Dense<10, PipelineTestWeights::dense_kernel, PipelineTestWeights::dense_bias>, nn::Softmax>;

using FsddFrontend = Frontend<256, 40>;

// The example model's pipeline (examples/fsdd/frontend.json): 8 kHz, n_fft 256, hop 128, 40
// Slaney mels up to 4 kHz, power_to_db without top_db, windows of 32 frames every 16, z-score.
inline PipelineConfig fsdd_pipeline_config(bool center = true) {
  PipelineConfig config;
  config.frontend.sample_rate = 8000.0;
  config.frontend.n_fft = 256;
  config.frontend.hop_length = 128;
  config.frontend.n_mels = 40;
  config.frontend.fmax = 4000.0;
  config.frontend.kind = FeatureKind::kDecibel;
  config.frontend.top_db = -1.0f;
  config.frontend.center = center;
  config.hop_frames = 16;
  config.normalization = WindowNormalization::kMeanStd;
  return config;
}

}  // namespace earshot::test
