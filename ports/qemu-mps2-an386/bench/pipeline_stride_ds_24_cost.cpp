// The whole pipeline with the thesis' Stride-DS-24 (deterministic stand-in weights) on its
// front-end (22.05 kHz, n_fft 1024, hop 512, 60 mels, dB, windows of 31 frames = 0.72 s): its
// cost on the Cortex-M4F, and as an image, its flash, RAM and stack.
#include "earshot/dsp/frontend.hpp"
#include "earshot/model/stride_ds.hpp"
#include "pipeline_cost.hpp"

namespace {
earshot::Monitor<earshot::model::StrideDs24, earshot::Frontend<1024, 60>, 3> monitor;
}  // namespace

int main() {
  return earshot::port::cost::measure_pipeline(monitor, earshot::port::cost::thesis_frontend(),
                                               earshot::WindowNormalization::kMeanStd,
                                               earshot::model::StrideDs24::InputShape::width, "stride_ds_24");
}
