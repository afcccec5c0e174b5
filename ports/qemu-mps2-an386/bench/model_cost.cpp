// Instructions per inference on the Cortex-M4F of the example model (fsdd-cnn) and the thesis'
// Stride-DS-24 and Baseline (deterministic stand-in weights: the cost does not depend on the
// values), with each model's MACC count so that cost_table.py can give instructions per MACC.
#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "cost_report.hpp"
#include "earshot/model/baseline.hpp"
#include "earshot/model/stride_ds.hpp"
#include "fsdd_cnn.hpp"

namespace cost = earshot::port::cost;

namespace {

volatile float sink;

// Static models: their arenas (16-47 kB) belong in .bss, not on the stack.
earshot::examples::fsdd_cnn::Model fsdd;
earshot::model::StrideDs24 stride_ds_24;
earshot::model::Baseline baseline;
float input[60 * 31];
float output[10];

// The second of two inferences (the first would cost the same: the emulator has no cache).
template <class Model>
void measure(Model& model, const char* name) {
  for (std::size_t i = 0; i < Model::input_size; ++i) input[i] = static_cast<float>(i % 17) * 0.1f - 0.8f;
  model.invoke(input, output);
  const std::uint64_t instructions = cost::instructions_of([&] { model.invoke(input, output); });
  sink = output[0];
  char key[64];
  std::snprintf(key, sizeof key, "model.%s.instructions", name);
  cost::report(key, instructions);
  std::snprintf(key, sizeof key, "model.%s.macc", name);
  cost::report(key, static_cast<std::uint64_t>(Model::macc));
}

}  // namespace

int main() {
  static_assert(sizeof input / sizeof input[0] >= earshot::model::Baseline::input_size, "input too small");
  if (!cost::start()) return 1;
  measure(fsdd, "fsdd");
  measure(stride_ds_24, "stride_ds_24");
  measure(baseline, "baseline");
  return 0;
}
