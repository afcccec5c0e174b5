// The int8 test models (tests/data/converter/int8, make_int8_models.py), converted at build
// time, run on the host and on the Cortex-M4 (QEMU, where the DSP-extension kernels run): every
// output equals, bit for bit, what the host's portable kernels gave when the data was made
// (NAME.earshot.npy), and lies within the model's tolerance (1 LSB; 2 for the fused separable
// convolution) of PyTorch's fake quantization (NAME.expected.npy).
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "earshot/io/channel_order.hpp"
#include "earshot/io/npy.hpp"
#include "int8_models.hpp"  // written by CMake: the converted headers, EARSHOT_INT8_MODELS(X)
#include "support/allocation_guard.hpp"

namespace {

struct Outcome {
  std::size_t values = 0;
  std::size_t not_bitwise = 0;
  double worst_lsb = 0.0;
};

// Runs every batch item of NAME.input.npy (the framework's layout) through Model.
template <class Model, std::size_t kInRank, std::size_t kOutRank>
Outcome run(const std::string& name, float output_scale, const std::array<int, kInRank>& in,
            const std::array<int, kOutRank>& shape) {
  const std::string prefix = std::string(EARSHOT_INT8_MODELS_DIR) + "/" + name;
  const earshot::NpyReadResult input = earshot::load_npy(prefix + ".input.npy");
  const earshot::NpyReadResult ours = earshot::load_npy(prefix + ".earshot.npy");
  const earshot::NpyReadResult torch = earshot::load_npy(prefix + ".expected.npy");
  REQUIRE(input.ok());
  REQUIRE(ours.ok());
  REQUIRE(torch.ok());
  const std::size_t batch = input.array.shape[0];
  REQUIRE(ours.array.values.size() == batch * Model::output_size);
  static Model model;
  std::vector<float> item(Model::input_size), out(Model::output_size), framework(Model::output_size);
  Outcome outcome;
  for (std::size_t b = 0; b < batch; ++b) {
    const float* source = input.array.values.data() + b * Model::input_size;
    if constexpr (kInRank == 4) {
      earshot::channels_first_to_last(source, item.data(), in[1], in[2], in[3]);
    } else {
      item.assign(source, source + Model::input_size);
    }
    {
      earshot::test::ForbidAllocations forbid;  // int8 invoke() allocates nothing either
      model.invoke(item.data(), out.data());
    }
    if constexpr (kOutRank == 4) {
      earshot::channels_last_to_first(out.data(), framework.data(), shape[1], shape[2], shape[3]);
    } else {
      framework = out;
    }
    for (std::size_t i = 0; i < framework.size(); ++i) {
      const std::size_t at = b * Model::output_size + i;
      outcome.not_bitwise += framework[i] != ours.array.values[at];
      outcome.worst_lsb = std::fmax(outcome.worst_lsb, std::fabs(framework[i] - torch.array.values[at]) / output_scale);
      ++outcome.values;
    }
  }
  return outcome;
}

}  // namespace

TEST_CASE("int8 models equal the host's results bit for bit and PyTorch's fake quantization within their tolerance") {
  int models = 0;
#define EARSHOT_CHECK_INT8_MODEL(name, scale, tolerance)                                          \
  {                                                                                               \
    namespace converted = converted_int8::name;                                                   \
    const Outcome outcome = run<converted::Model>(#name, scale, converted::source_input_shape,    \
                                                  converted::source_output_shape);                \
    INFO(#name << ": " << outcome.values << " values, " << outcome.not_bitwise                    \
               << " differ from the host, worst " << outcome.worst_lsb << " LSB from PyTorch");    \
    CHECK(outcome.values > 0);                                                                    \
    CHECK(outcome.not_bitwise == 0);                                                              \
    CHECK(outcome.worst_lsb <= tolerance + 1e-3);                                                 \
    ++models;                                                                                     \
  }
  EARSHOT_INT8_MODELS(EARSHOT_CHECK_INT8_MODEL)
#undef EARSHOT_CHECK_INT8_MODEL
  CHECK(models == EARSHOT_INT8_MODEL_COUNT);
  CHECK(earshot::test::forbidden_allocation_count() == 0);
}
