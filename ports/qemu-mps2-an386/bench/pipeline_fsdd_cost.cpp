// The whole pipeline with the example model (fsdd-cnn, 8 kHz, n_fft 256, 40 mels, windows of 32
// frames): its cost on the Cortex-M4F, and as an image, its flash, RAM and stack.
#include "earshot/dsp/frontend.hpp"
#include "fsdd_cnn.hpp"
#include "pipeline_cost.hpp"

namespace fsdd = earshot::examples::fsdd_cnn;

namespace {
earshot::Monitor<fsdd::Model, earshot::Frontend<256, 40>, 3> monitor;
}

int main() {
  return earshot::port::cost::measure_pipeline(monitor, fsdd::frontend, fsdd::normalization,
                                               fsdd::Model::InputShape::width, "fsdd");
}
