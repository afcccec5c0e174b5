// Runs the converted Keras-style model (NHWC input) on the reference input and compares with
// the reference output: the whole path a consumer project takes, in one program.
#include <cmath>
#include <cstdio>

#include "earshot/io/npy.hpp"
#include "keywords.hpp"

int main() {
  const earshot::NpyReadResult input = earshot::load_npy(INPUT_NPY);
  const earshot::NpyReadResult expected = earshot::load_npy(OUTPUT_NPY);
  if (!input.ok() || !expected.ok()) {
    std::fprintf(stderr, "cannot read the reference data\n");
    return 1;
  }
  using Model = app::keywords::Model;
  static_assert(!app::keywords::source_input_channels_first, "tf2onnx models take NHWC input");
  if (input.array.values.size() != Model::input_size || expected.array.values.size() != Model::output_size) {
    std::fprintf(stderr, "reference sizes do not fit the model\n");
    return 1;
  }
  static Model model;
  float output[Model::output_size];
  model.invoke(input.array.values.data(), output);
  float largest = 0.0f;
  float error = 0.0f;
  for (int index = 0; index < Model::output_size; ++index) {
    largest = std::fmax(largest, std::fabs(expected.array.values[index]));
    error = std::fmax(error, std::fabs(output[index] - expected.array.values[index]));
  }
  std::printf("max error %.3g of the output's maximum %.3g\n", static_cast<double>(error), static_cast<double>(largest));
  return error <= 1e-5f * largest ? 0 : 1;
}
