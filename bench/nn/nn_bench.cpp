// Time per inference and MACC/s of the thesis models and of their heaviest layers, with the
// plain loops (the MCU path) and with the Eigen backend (host); and the int8 models (fsdd-cnn-int8,
// Stride-DS-24 int8 from its PyTorch-shaped test model) beside their float forms.
#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include "earshot/model/baseline.hpp"
#include "earshot/model/stride_ds.hpp"
#include "earshot/nn/eigen_backend.hpp"
#include "fsdd_cnn.hpp"
#include "fsdd_cnn_int8.hpp"
#include "stride_ds_24_int8.hpp"

namespace nn = earshot::nn;
namespace model = earshot::model;

namespace {

using B = model::BaselineDeterministicWeights;
using D = model::StrideDsDeterministicWeights<24>;
using Same = nn::Padding;

// Baseline's stages (convolution + batch-norm + max-pool + ReLU fused) and Stride-DS-24's layers.
using BaselineStage1 = nn::Model<nn::Input<60, 31, 1>,
    nn::Conv2D<24, nn::Kernel<5, 5>, nn::Strides<1, 1>, Same::kSame, B::conv1_kernel, B::conv1_bias>,
    nn::BatchNormalization<B::bn1_gamma, B::bn1_beta, B::bn1_mean, B::bn1_variance>, nn::MaxPool2D<nn::PoolSize<3, 2>>,
    nn::ReLU>;
using BaselineStage2 = nn::Model<nn::Input<20, 15, 24>,
    nn::Conv2D<48, nn::Kernel<5, 5>, nn::Strides<1, 1>, Same::kSame, B::conv2_kernel, B::conv2_bias>,
    nn::BatchNormalization<B::bn2_gamma, B::bn2_beta, B::bn2_mean, B::bn2_variance>, nn::MaxPool2D<nn::PoolSize<3, 2>>,
    nn::ReLU>;
using BaselineConv3 = nn::Model<nn::Input<6, 7, 48>,
    nn::Conv2D<48, nn::Kernel<5, 5>, nn::Strides<1, 1>, Same::kValid, B::conv3_kernel, B::conv3_bias>>;
using StrideDsConv1 = nn::Model<nn::Input<60, 31, 1>,
    nn::Conv2D<24, nn::Kernel<5, 5>, nn::Strides<2, 2>, Same::kSame, D::conv1_kernel, D::conv1_bias>>;
using StrideDsSeparable2 = nn::Model<nn::Input<30, 16, 24>,
    nn::SeparableConv2D<36, nn::Kernel<5, 5>, nn::Strides<2, 2>, Same::kSame, D::conv2_depthwise, D::conv2_pointwise,
                        D::conv2_bias>>;
using StrideDsSeparable3 = nn::Model<nn::Input<15, 8, 36>,
    nn::SeparableConv2D<54, nn::Kernel<5, 5>, nn::Strides<2, 2>, Same::kValid, D::conv3_depthwise, D::conv3_pointwise,
                        D::conv3_bias>>;
using StrideDsDense4 = nn::Model<nn::Input<1, 1, 648>, nn::Dense<64, D::dense4_kernel, D::dense4_bias>>;

template <class M>
void run_model(benchmark::State& state) {
  auto instance = std::make_unique<M>();
  std::vector<float> input(M::input_size);
  for (std::size_t index = 0; index < input.size(); ++index) input[index] = static_cast<float>(index % 17) * 0.1f - 0.8f;
  std::vector<float> output(M::output_size);
  for (auto _ : state) {
    instance->invoke(input.data(), output.data());
    benchmark::DoNotOptimize(output.data());
    benchmark::ClobberMemory();
  }
  state.counters["MACC/s"] =
      benchmark::Counter(static_cast<double>(M::macc), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["arena_B"] = static_cast<double>(M::arena_bytes);
}

template <class M>
void run_eigen(benchmark::State& state) {
  run_model<typename M::template WithBackend<nn::EigenBackend>>(state);
}

}  // namespace

BENCHMARK_TEMPLATE(run_model, model::Baseline)->Name("Baseline/loops")->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(run_eigen, model::Baseline)->Name("Baseline/eigen")->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(run_model, model::StrideDs24)->Name("StrideDs24/loops")->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(run_eigen, model::StrideDs24)->Name("StrideDs24/eigen")->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(run_model, model::StrideDs12)->Name("StrideDs12/loops")->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(run_eigen, model::StrideDs12)->Name("StrideDs12/eigen")->Unit(benchmark::kMicrosecond);

BENCHMARK_TEMPLATE(run_model, BaselineStage1)->Name("layer/Baseline conv1+bn+pool+relu/loops")->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(run_eigen, BaselineStage1)->Name("layer/Baseline conv1+bn+pool+relu/eigen")->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(run_model, BaselineStage2)->Name("layer/Baseline conv2+bn+pool+relu/loops")->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(run_eigen, BaselineStage2)->Name("layer/Baseline conv2+bn+pool+relu/eigen")->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(run_model, BaselineConv3)->Name("layer/Baseline conv3/loops")->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(run_eigen, BaselineConv3)->Name("layer/Baseline conv3/eigen")->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(run_model, StrideDsConv1)->Name("layer/StrideDs24 conv1 s2/loops")->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(run_eigen, StrideDsConv1)->Name("layer/StrideDs24 conv1 s2/eigen")->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(run_model, StrideDsSeparable2)->Name("layer/StrideDs24 separable2/loops")->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(run_eigen, StrideDsSeparable2)->Name("layer/StrideDs24 separable2/eigen")->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(run_model, StrideDsSeparable3)->Name("layer/StrideDs24 separable3/loops")->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(run_eigen, StrideDsSeparable3)->Name("layer/StrideDs24 separable3/eigen")->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(run_model, StrideDsDense4)->Name("layer/StrideDs24 dense4/loops")->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(run_eigen, StrideDsDense4)->Name("layer/StrideDs24 dense4/eigen")->Unit(benchmark::kMicrosecond);

BENCHMARK_TEMPLATE(run_model, earshot::examples::fsdd_cnn::Model)->Name("fsdd-cnn/loops")->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(run_model, earshot::examples::fsdd_cnn_int8::Model)->Name("fsdd-cnn/int8")->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(run_model, earshot::examples::stride_ds_24_int8::Model)
    ->Name("StrideDs24/int8")
    ->Unit(benchmark::kMicrosecond);
