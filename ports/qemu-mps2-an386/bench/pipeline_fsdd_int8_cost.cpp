// The whole pipeline with fsdd-cnn-int8: its cost on the Cortex-M4F, and as an image, the flash,
// RAM and stack of an int8 firmware.
#include "earshot/dsp/frontend.hpp"
#include "fsdd_cnn_int8.hpp"
#include "pipeline_cost.hpp"

namespace fsdd = earshot::examples::fsdd_cnn_int8;

namespace {
earshot::Monitor<fsdd::Model, earshot::Frontend<256, 40>, 3> monitor;
}

int main() {
  return earshot::port::cost::measure_pipeline(monitor, fsdd::frontend, fsdd::normalization,
                                               fsdd::Model::InputShape::width, "fsdd_int8");
}
