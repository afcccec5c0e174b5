// The whole pipeline with Stride-DS-24 in int8 (the PyTorch-shaped test model, stand-in weights,
// quantized by the converter) on the thesis' front-end: its cost on the Cortex-M4F, and as an
// image, the flash, RAM and stack of an int8 firmware.
#include "earshot/dsp/frontend.hpp"
#include "pipeline_cost.hpp"
#include "stride_ds_24_int8.hpp"

namespace {
using Model = earshot::examples::stride_ds_24_int8::Model;
earshot::Monitor<Model, earshot::Frontend<1024, 60>, 3> monitor;
}  // namespace

int main() {
  return earshot::port::cost::measure_pipeline(monitor, earshot::port::cost::thesis_frontend(),
                                               earshot::WindowNormalization::kMeanStd, Model::InputShape::width,
                                               "stride_ds_24_int8");
}
