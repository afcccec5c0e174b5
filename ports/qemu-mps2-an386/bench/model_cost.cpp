// Instructions per inference on the Cortex-M4F of the example models (fsdd-cnn, and the trained
// ESC-10 Stride-DS-24 of examples/esc10, float and int8) and the thesis'
// Stride-DS-24 and Baseline (deterministic stand-in weights: the cost does not depend on the
// values), with each model's MACC count so that cost_table.py can give instructions per MACC;
// and Stride-DS-24's layers alone (its weights), its separable convolution split into the
// depthwise and the 1x1 parts, to compare with CMSIS-NN's kernels on the same emulator. The int8
// models (fsdd-cnn-int8, Stride-DS-24 int8 from its PyTorch-shaped test model) and the int8
// Stride-DS-24 layers alone, each on int8 input already in its slot (no quantize/dequantize).
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "cost_report.hpp"
#include "earshot/model/baseline.hpp"
#include "earshot/model/stride_ds.hpp"
#include "earshot/nn/model.hpp"
#include "esc10_stride_ds_24.hpp"
#include "esc10_stride_ds_24_int8.hpp"
#include "fsdd_cnn.hpp"
#include "fsdd_cnn_int8.hpp"
#include "stride_ds_24_int8.hpp"

namespace cost = earshot::port::cost;
namespace nn = earshot::nn;

namespace {

volatile float sink;

using D = earshot::model::StrideDsDeterministicWeights<24>;
alignas(16) constexpr std::array<float, 24> kNoBias{};
using Conv1 = nn::Model<nn::Input<60, 31, 1>,
    nn::Conv2D<24, nn::Kernel<5, 5>, nn::Strides<2, 2>, nn::Padding::kSame, D::conv1_kernel, D::conv1_bias>>;
using Depthwise2 = nn::Model<nn::Input<30, 16, 24>,
    nn::DepthwiseConv2D<nn::Kernel<5, 5>, nn::Strides<2, 2>, nn::Padding::kSame, 1, D::conv2_depthwise, kNoBias>>;
using Pointwise2 = nn::Model<nn::Input<15, 8, 24>,
    nn::Conv2D<36, nn::Kernel<1, 1>, nn::Strides<1, 1>, nn::Padding::kValid, D::conv2_pointwise, D::conv2_bias>>;
using Separable3 = nn::Model<nn::Input<15, 8, 36>,
    nn::SeparableConv2D<54, nn::Kernel<5, 5>, nn::Strides<2, 2>, nn::Padding::kValid, D::conv3_depthwise,
                        D::conv3_pointwise, D::conv3_bias>>;
using Dense4 = nn::Model<nn::Input<1, 1, 648>, nn::Dense<64, D::dense4_kernel, D::dense4_bias>>;

namespace q = earshot::examples::stride_ds_24_int8::weights;
using Conv1Int8 = nn::Model<nn::QuantizedInput<60, 31, 1, q::input_quantization>,
    nn::Conv2D<24, nn::Kernel<5, 5>, nn::Strides<2, 2>, nn::explicit_padding<2, 2, 2, 2>, q::layer0_kernel,
               q::layer0_bias, nn::Dilation<1, 1>, q::layer0_requantization>>;
using Separable2Int8 = nn::Model<nn::QuantizedInput<30, 16, 24, q::layer0_output>,
    nn::SeparableConv2D<36, nn::Kernel<5, 5>, nn::Strides<2, 2>, nn::explicit_padding<2, 2, 2, 2>,
                        q::layer2_depthwise_kernel, q::layer2_pointwise_kernel, q::layer2_bias, 1, nn::Dilation<1, 1>,
                        q::layer2_requantization>>;
using Separable3Int8 = nn::Model<nn::QuantizedInput<15, 8, 36, q::layer2_output>,
    nn::SeparableConv2D<54, nn::Kernel<5, 5>, nn::Strides<2, 2>, nn::Padding::kValid, q::layer5_depthwise_kernel,
                        q::layer5_pointwise_kernel, q::layer5_bias, 1, nn::Dilation<1, 1>, q::layer5_requantization>>;
using Dense4Int8 = nn::Model<nn::QuantizedInput<1, 1, 648, q::layer5_output>,
    nn::Dense<64, q::layer9_kernel, q::layer9_bias, q::layer9_requantization>>;

// Static models: their arenas (16-47 kB) belong in .bss, not on the stack.
earshot::examples::fsdd_cnn::Model fsdd;
earshot::model::StrideDs24 stride_ds_24;
earshot::model::Baseline baseline;
Conv1 conv1;
Depthwise2 depthwise2;
Pointwise2 pointwise2;
Separable3 separable3;
Dense4 dense4;
earshot::examples::fsdd_cnn_int8::Model fsdd_int8;
earshot::examples::stride_ds_24_int8::Model stride_ds_24_int8;
earshot::examples::esc10_stride_ds_24::Model esc10;
earshot::examples::esc10_stride_ds_24_int8::Model esc10_int8;
alignas(16) unsigned char int8_arena[Separable2Int8::arena_bytes > Conv1Int8::arena_bytes ? Separable2Int8::arena_bytes
                                                                                          : Conv1Int8::arena_bytes];
constexpr std::size_t kMaxValues = 30 * 16 * 24;  // the largest input or output: depthwise2's
float input[kMaxValues];
float output[kMaxValues];

// The second of two inferences (the first would cost the same: the emulator has no cache).
template <class Model>
void measure(Model& model, const char* name, const char* kind = "model") {
  static_assert(Model::input_size <= kMaxValues && Model::output_size <= kMaxValues, "kMaxValues is too small");
  for (std::size_t i = 0; i < Model::input_size; ++i) input[i] = static_cast<float>(i % 17) * 0.1f - 0.8f;
  model.invoke(input, output);
  const std::uint64_t instructions = cost::instructions_of([&] { model.invoke(input, output); });
  sink = output[0];
  char key[64];
  std::snprintf(key, sizeof key, "%s.%s.instructions", kind, name);
  cost::report(key, instructions);
  std::snprintf(key, sizeof key, "%s.%s.macc", kind, name);
  cost::report(key, static_cast<std::uint64_t>(Model::macc));
}

// An int8 layer alone: the instructions of run_in_arena on an input already quantized in its slot.
template <class Model>
void measure_int8_layer(const char* name) {
  static_assert(Model::arena_bytes <= sizeof int8_arena, "int8_arena is too small");
  std::int8_t* slot = Model::input_slot(int8_arena);
  for (int i = 0; i < Model::input_size; ++i) slot[i] = static_cast<std::int8_t>(i % 23 * 11 - 128);
  Model::run_in_arena(int8_arena);
  for (int i = 0; i < Model::input_size; ++i) slot[i] = static_cast<std::int8_t>(i % 23 * 11 - 128);
  const std::uint64_t instructions = cost::instructions_of([&] { Model::run_in_arena(int8_arena); });
  char key[64];
  std::snprintf(key, sizeof key, "layer.%s.instructions", name);
  cost::report(key, instructions);
  std::snprintf(key, sizeof key, "layer.%s.macc", name);
  cost::report(key, static_cast<std::uint64_t>(Model::macc));
}

}  // namespace

int main() {
  if (!cost::start()) return 1;
  measure(fsdd, "fsdd");
  measure(stride_ds_24, "stride_ds_24");
  measure(baseline, "baseline");
  measure(conv1, "conv1", "layer");
  measure(depthwise2, "depthwise2", "layer");
  measure(pointwise2, "pointwise2", "layer");
  measure(separable3, "separable3", "layer");
  measure(dense4, "dense4", "layer");
  measure(fsdd_int8, "fsdd_int8");
  measure(stride_ds_24_int8, "stride_ds_24_int8");
  measure(esc10, "esc10");
  measure(esc10_int8, "esc10_int8");
  measure_int8_layer<Conv1Int8>("conv1_int8");
  measure_int8_layer<Separable2Int8>("separable2_int8");
  measure_int8_layer<Separable3Int8>("separable3_int8");
  measure_int8_layer<Dense4Int8>("dense4_int8");
  return 0;
}
