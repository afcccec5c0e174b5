// The converter against PyTorch on random models (make_random_models.py; the list is
// tests/data/converter/random/models.txt): every model converts, and its output, with the loop
// backend and with Eigen, equals PyTorch's within 1e-5 of the output's largest magnitude.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "earshot/io/channel_order.hpp"
#include "earshot/io/npy.hpp"
#include "earshot/nn/eigen_backend.hpp"
#include "random_models.hpp"  // written by CMake: the converted headers, EARSHOT_RANDOM_MODELS(X)

namespace {

// Runs Model on PyTorch's input NAME.input.npy; returns the worst difference from
// NAME.output.npy relative to that output's largest magnitude.
template <class Model, std::size_t kInRank, std::size_t kOutRank>
double relative_error(const std::string& name, const std::array<int, kInRank>& in_shape, bool in_channels_first,
                      const std::array<int, kOutRank>& out_shape, bool out_channels_first) {
  const std::string prefix = std::string(EARSHOT_RANDOM_MODELS_DIR) + "/" + name;
  const earshot::NpyReadResult input = earshot::load_npy(prefix + ".input.npy");
  const earshot::NpyReadResult expected = earshot::load_npy(prefix + ".output.npy");
  REQUIRE(input.ok());
  REQUIRE(expected.ok());
  REQUIRE(input.array.values.size() == static_cast<std::size_t>(Model::input_size));
  REQUIRE(expected.array.values.size() == static_cast<std::size_t>(Model::output_size));
  static_cast<void>(in_shape);  // used only for 4-D tensors
  static_cast<void>(out_shape);
  std::vector<float> in = input.array.values;
  std::vector<float> out(Model::output_size);
  if constexpr (kInRank == 4) {
    if (in_channels_first) earshot::channels_first_to_last(input.array.values.data(), in.data(), in_shape[1], in_shape[2], in_shape[3]);
  }
  static Model model;
  model.invoke(in.data(), out.data());
  std::vector<float> got = out;
  if constexpr (kOutRank == 4) {
    if (out_channels_first) earshot::channels_last_to_first(out.data(), got.data(), out_shape[1], out_shape[2], out_shape[3]);
  }
  double worst = 0.0, largest = 0.0;
  for (std::size_t index = 0; index < got.size(); ++index) {
    worst = std::max(worst, std::fabs(static_cast<double>(got[index]) - expected.array.values[index]));
    largest = std::max(largest, std::fabs(static_cast<double>(expected.array.values[index])));
  }
  return worst / largest;
}

template <class T>
struct Type {
  using type = T;
};

}  // namespace

TEST_CASE("random converted models match PyTorch within 1e-5 with both backends") {
  int models = 0;
#define EARSHOT_CHECK_RANDOM_MODEL(name)                                                         \
  {                                                                                              \
    namespace converted = random_models::name;                                                   \
    const auto check = [](auto model) {                                                          \
      return relative_error<typename decltype(model)::type>(                                     \
          #name, converted::source_input_shape, converted::source_input_channels_first,          \
          converted::source_output_shape, converted::source_output_channels_first);              \
    };                                                                                           \
    const double loops = check(Type<converted::Model>{});                                        \
    const double eigen = check(Type<converted::Model::WithBackend<earshot::nn::EigenBackend>>{}); \
    INFO(#name << ": loops " << loops << ", Eigen " << eigen);                                   \
    CHECK(loops <= 1e-5);                                                                        \
    CHECK(eigen <= 1e-5);                                                                        \
    ++models;                                                                                    \
  }
  EARSHOT_RANDOM_MODELS(EARSHOT_CHECK_RANDOM_MODEL)
#undef EARSHOT_CHECK_RANDOM_MODEL
  CHECK(models == EARSHOT_RANDOM_MODEL_COUNT);
}
