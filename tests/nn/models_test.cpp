// The thesis models: exact MACC and parameters against hand formulas, arenas below X-CUBE-AI's
// RAM, whole-model outputs against PyTorch, fused runs equal to layer-by-layer runs, and
// invoke() without allocation.
#include <catch2/catch.hpp>

#include <cstring>
#include <memory>
#include <vector>

#include "earshot/model/baseline.hpp"
#include "earshot/model/stride_ds.hpp"
#include "earshot/nn/eigen_backend.hpp"
#include "golden_file.hpp"
#include "support/allocation_guard.hpp"

namespace nn = earshot::nn;
namespace model = earshot::model;
using earshot::test::check_backends;
using earshot::test::GoldenCase;
using earshot::test::run_model;

namespace {

// Stride-DS-N by hand: 60x31 -> (same, stride 2) 30x16 -> (same, stride 2) 15x8 -> (valid 5x5,
// stride 2) 6x2; channels N, 1.5 N, 2.25 N; 5x5 kernels.
constexpr long stride_ds_macc(long n) {
  const long c2 = n * 3 / 2, c3 = n * 9 / 4;
  return 30 * 16 * n * 25                        // Conv2D
         + 15 * 8 * n * 25 + 15 * 8 * n * c2     // SeparableConv2D: depthwise + pointwise
         + 6 * 2 * c2 * 25 + 6 * 2 * c2 * c3     // SeparableConv2D
         + 6 * 2 * c3 * 64 + 64 * 10;            // Dense, Dense
}
constexpr long stride_ds_params(long n) {
  const long c2 = n * 3 / 2, c3 = n * 9 / 4;
  return (25 * n + n) + 4 * n + (25 * n + n * c2 + c2) + 4 * c2 + (25 * c2 + c2 * c3 + c3) + 4 * c3 +
         (6 * 2 * c3 * 64 + 64) + (64 * 10 + 10);
}

// Baseline by hand: 60x31x1 -(same 5x5)-> 60x31x24 -(pool 3x2)-> 20x15x24 -(same)-> 20x15x48
// -(pool)-> 6x7x48 -(valid 5x5)-> 2x3x48 -> 64 -> 10.
constexpr long kBaselineMacc = 60 * 31 * 24 * 25 * 1 + 20 * 15 * 48 * 25 * 24 + 2 * 3 * 48 * 25 * 48 + 288 * 64 + 64 * 10;
constexpr long kBaselineParams = (25 * 24 + 24) + 4 * 24 + (25 * 24 * 48 + 48) + 4 * 48 + (25 * 48 * 48 + 48) +
                                 4 * 48 + (288 * 64 + 64) + (64 * 10 + 10);

}  // namespace

TEST_CASE("Thesis models: MACC and parameters equal the hand formulas") {
  STATIC_REQUIRE(model::Baseline::macc == kBaselineMacc);
  STATIC_REQUIRE(model::Baseline::params == kBaselineParams);
  STATIC_REQUIRE(model::StrideDs12::macc == stride_ds_macc(12));
  STATIC_REQUIRE(model::StrideDs16::macc == stride_ds_macc(16));
  STATIC_REQUIRE(model::StrideDs20::macc == stride_ds_macc(20));
  STATIC_REQUIRE(model::StrideDs24::macc == stride_ds_macc(24));
  STATIC_REQUIRE(model::StrideDs12::params == stride_ds_params(12));
  STATIC_REQUIRE(model::StrideDs24::params == stride_ds_params(24));
  STATIC_REQUIRE(model::StrideDs24::weight_bytes == 4 * stride_ds_params(24));
}

TEST_CASE("Thesis models: arenas are the hand-derived plan and below X-CUBE-AI's RAM") {
  // Baseline: the second Conv2D+BN+MaxPool+ReLU reads 20x15x24 (28,800 B, rows of 1,440 B)
  // from the bottom and writes 6x7x48 (rows of 1,344 B) downwards from the top; pooled row 5
  // still needs every input row, so 28,800 + 8,064 - 5 x 1,344 = 30,144 B.
  STATIC_REQUIRE(model::Baseline::arena_bytes == 30144);
  STATIC_REQUIRE(model::Baseline::arena_bytes < 36290);
  // Stride-DS-N: the first SeparableConv2D reads 30x16xN (1,920 N B) and writes its first
  // output row (8 x 1.5N floats) before any input row is released: 1,920 N + 48 N B.
  STATIC_REQUIRE(model::StrideDs12::arena_bytes == 1920 * 12 + 32 * 18);
  STATIC_REQUIRE(model::StrideDs16::arena_bytes == 1920 * 16 + 32 * 24);
  STATIC_REQUIRE(model::StrideDs20::arena_bytes == 1920 * 20 + 32 * 30);
  STATIC_REQUIRE(model::StrideDs24::arena_bytes == 1920 * 24 + 32 * 36);
  STATIC_REQUIRE(model::StrideDs12::arena_bytes < 28130);
  STATIC_REQUIRE(model::StrideDs24::arena_bytes < 56250);
  // Without overlapping, Stride-DS-12's first layer alone would need 7,440 + 23,040 B.
  STATIC_REQUIRE(7440 + 23040 > 28130);
}

TEST_CASE("Baseline's layer table lists every declared layer with its output shape") {
  constexpr auto rows = model::Baseline::layer_info();
  STATIC_REQUIRE(rows.size() == 16);
  CHECK(std::strcmp(rows[2].type, "MaxPool2D") == 0);
  CHECK((rows[2].height == 20 && rows[2].width == 15 && rows[2].channels == 24));
  CHECK((rows[6].height == 6 && rows[6].width == 7 && rows[6].channels == 48));
  CHECK((rows[8].height == 2 && rows[8].width == 3 && rows[8].channels == 48));
  CHECK(rows[0].macc == 60 * 31 * 24 * 25);
  CHECK(rows[0].activation_bytes == 60 * 31 * 24 * 4);
  CHECK(std::strcmp(rows[15].type, "Softmax") == 0);
}

namespace {

struct LoadedStrideDs24 {
  static inline float conv1_kernel[25 * 24], conv1_bias[24];
  static inline float bn1_gamma[24], bn1_beta[24], bn1_mean[24], bn1_variance[24];
  static inline float conv2_depthwise[25 * 24], conv2_pointwise[24 * 36], conv2_bias[36];
  static inline float bn2_gamma[36], bn2_beta[36], bn2_mean[36], bn2_variance[36];
  static inline float conv3_depthwise[25 * 36], conv3_pointwise[36 * 54], conv3_bias[54];
  static inline float bn3_gamma[54], bn3_beta[54], bn3_mean[54], bn3_variance[54];
  static inline float dense4_kernel[648 * 64], dense4_bias[64], dense5_kernel[64 * 10], dense5_bias[10];
};

struct LoadedBaseline {
  static inline float conv1_kernel[25 * 24], conv1_bias[24];
  static inline float bn1_gamma[24], bn1_beta[24], bn1_mean[24], bn1_variance[24];
  static inline float conv2_kernel[25 * 24 * 48], conv2_bias[48];
  static inline float bn2_gamma[48], bn2_beta[48], bn2_mean[48], bn2_variance[48];
  static inline float conv3_kernel[25 * 48 * 48], conv3_bias[48];
  static inline float bn3_gamma[48], bn3_beta[48], bn3_mean[48], bn3_variance[48];
  static inline float dense4_kernel[288 * 64], dense4_bias[64], dense5_kernel[64 * 10], dense5_bias[10];
};

template <class W>
void fill_batch_norms(const GoldenCase& golden) {
  golden.fill("bn1_gamma", W::bn1_gamma), golden.fill("bn1_beta", W::bn1_beta);
  golden.fill("bn1_mean", W::bn1_mean), golden.fill("bn1_variance", W::bn1_variance);
  golden.fill("bn2_gamma", W::bn2_gamma), golden.fill("bn2_beta", W::bn2_beta);
  golden.fill("bn2_mean", W::bn2_mean), golden.fill("bn2_variance", W::bn2_variance);
  golden.fill("bn3_gamma", W::bn3_gamma), golden.fill("bn3_beta", W::bn3_beta);
  golden.fill("bn3_mean", W::bn3_mean), golden.fill("bn3_variance", W::bn3_variance);
  golden.fill("dense4_kernel", W::dense4_kernel), golden.fill("dense4_bias", W::dense4_bias);
  golden.fill("dense5_kernel", W::dense5_kernel), golden.fill("dense5_bias", W::dense5_bias);
}

// Runs the layers of a model one at a time, each as a one-layer model with its own buffers.
template <class In, class... Layers>
struct OneByOne {
  static std::vector<float> run(const std::vector<float>& input) { return input; }
};
template <class In, class Layer, class... Rest>
struct OneByOne<In, Layer, Rest...> {
  static std::vector<float> run(const std::vector<float>& input) {
    using Single = nn::Model<In, Layer>;
    return OneByOne<typename Single::OutputShape, Rest...>::run(run_model<Single>(input));
  }
};
template <class M>
struct LayersOf;
template <class Backend, class In, class... Layers>
struct LayersOf<nn::BasicModel<Backend, In, Layers...>> : OneByOne<In, Layers...> {};

std::vector<float> ramp_input(int size) {
  std::vector<float> input(static_cast<std::size_t>(size));
  for (int index = 0; index < size; ++index) input[static_cast<std::size_t>(index)] = static_cast<float>(index % 23) * 0.37f - 3.0f;
  return input;
}

template <class M>
void check_fused_equals_one_by_one() {
  const std::vector<float> input = ramp_input(M::input_size);
  const std::vector<float> fused = run_model<M>(input);
  const std::vector<float> separate = LayersOf<M>::run(input);
  CHECK(fused == separate);
}

}  // namespace

TEST_CASE("Stride-DS-24 matches PyTorch within 1e-5 with loops and with Eigen") {
  const GoldenCase golden("stride_ds_24");
  using W = LoadedStrideDs24;
  golden.fill("conv1_kernel", W::conv1_kernel), golden.fill("conv1_bias", W::conv1_bias);
  golden.fill("conv2_depthwise", W::conv2_depthwise), golden.fill("conv2_pointwise", W::conv2_pointwise);
  golden.fill("conv2_bias", W::conv2_bias);
  golden.fill("conv3_depthwise", W::conv3_depthwise), golden.fill("conv3_pointwise", W::conv3_pointwise);
  golden.fill("conv3_bias", W::conv3_bias);
  fill_batch_norms<W>(golden);
  check_backends<model::StrideDsModel<24, W>>(golden);
}

TEST_CASE("Baseline matches PyTorch within 1e-5 with loops and with Eigen") {
  const GoldenCase golden("baseline");
  using W = LoadedBaseline;
  golden.fill("conv1_kernel", W::conv1_kernel), golden.fill("conv1_bias", W::conv1_bias);
  golden.fill("conv2_kernel", W::conv2_kernel), golden.fill("conv2_bias", W::conv2_bias);
  golden.fill("conv3_kernel", W::conv3_kernel), golden.fill("conv3_bias", W::conv3_bias);
  fill_batch_norms<W>(golden);
  check_backends<model::BaselineModel<W>>(golden);
}

TEST_CASE("A fused, overlapping model run equals its layers run one by one") {
  check_fused_equals_one_by_one<model::Baseline>();
  check_fused_equals_one_by_one<model::StrideDs12>();
  check_fused_equals_one_by_one<model::StrideDs24>();
}

namespace {

// Stride-DS-24 as PyTorch writes it: padding=2 where Keras has SAME (which pads 1 above, 2 below
// on the even sizes 30 and 16); the same shapes, so the same MACC.
using TorchW = model::StrideDsDeterministicWeights<24>;
constexpr nn::Padding kTorchPadding = nn::symmetric_padding<2, 2>;
using TorchStrideDs24 = nn::Model<
    nn::Input<60, 31, 1>,
    nn::Conv2D<24, nn::Kernel<5, 5>, nn::Strides<2, 2>, kTorchPadding, TorchW::conv1_kernel, TorchW::conv1_bias>,
    nn::BatchNormalization<TorchW::bn1_gamma, TorchW::bn1_beta, TorchW::bn1_mean, TorchW::bn1_variance>, nn::ReLU,
    nn::SeparableConv2D<36, nn::Kernel<5, 5>, nn::Strides<2, 2>, kTorchPadding, TorchW::conv2_depthwise,
                        TorchW::conv2_pointwise, TorchW::conv2_bias>,
    nn::BatchNormalization<TorchW::bn2_gamma, TorchW::bn2_beta, TorchW::bn2_mean, TorchW::bn2_variance>, nn::ReLU,
    nn::SeparableConv2D<54, nn::Kernel<5, 5>, nn::Strides<2, 2>, nn::Padding::kValid, TorchW::conv3_depthwise,
                        TorchW::conv3_pointwise, TorchW::conv3_bias>,
    nn::BatchNormalization<TorchW::bn3_gamma, TorchW::bn3_beta, TorchW::bn3_mean, TorchW::bn3_variance>, nn::ReLU,
    nn::Flatten, nn::Dense<64, TorchW::dense4_kernel, TorchW::dense4_bias>, nn::ReLU,
    nn::Dense<10, TorchW::dense5_kernel, TorchW::dense5_bias>, nn::Softmax>;

}  // namespace

TEST_CASE("Stride-DS-24 with PyTorch's padding: same shapes and MACC, an arena no larger than with SAME") {
  STATIC_REQUIRE(std::is_same_v<TorchStrideDs24::OutputShape, nn::Shape<1, 1, 10>>);
  STATIC_REQUIRE(TorchStrideDs24::macc == stride_ds_macc(24));
  STATIC_REQUIRE(TorchStrideDs24::params == stride_ds_params(24));
  // The input (7,440 B) goes to the top. The first stage runs forward and peaks at its last row:
  // 7,440 + 46,080 - 56 x 124 = 46,576 B. The first SeparableConv2D reads 30x16x24 (46,080 B)
  // backwards: its last output row (14) reads input rows 26-29, so it is written before any
  // input row is released: 46,080 + 1,152 B. (Forward it would need 48,384 B: output rows 0
  // and 1 both read input row 0.)
  STATIC_REQUIRE(TorchStrideDs24::arena_bytes == 46080 + 1152);
  STATIC_REQUIRE(TorchStrideDs24::arena_bytes <= model::StrideDs24::arena_bytes);
  check_fused_equals_one_by_one<TorchStrideDs24>();
}

TEST_CASE("invoke() allocates nothing, with its own arena or a caller's, with loops or Eigen") {
  auto model_object = std::make_unique<model::StrideDs24>();
  auto eigen_object = std::make_unique<model::Baseline::WithBackend<nn::EigenBackend>>();
  alignas(16) static float arena[model::Baseline::arena_bytes / sizeof(float)];
  const std::vector<float> input = ramp_input(60 * 31);
  float output[10] = {};
  {
    earshot::test::ForbidAllocations forbid;
    model_object->invoke(input.data(), output);
    eigen_object->invoke(input.data(), output);
    model::Baseline::invoke(input.data(), output, arena);
  }
  CHECK(earshot::test::forbidden_allocation_count() == 0);
  float sum = 0.0f;
  for (float value : output) sum += value;
  CHECK(sum == Approx(1.0f).epsilon(1e-5));
}
