// Reads the reference data written by tests/nn/make_golden.py (PyTorch): named float32 arrays
// in earshot's layouts, and compares outputs within 1e-5 of the reference's largest magnitude
// (with the loop backend, or with both backends: check_backends).
#pragma once

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "earshot/nn/eigen_backend.hpp"

namespace earshot::test {

class GoldenCase {
 public:
  explicit GoldenCase(const std::string& name) {
    const std::string path = std::string(EARSHOT_TEST_DATA_DIR) + "/nn/" + name + ".bin";
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), std::fclose);
    REQUIRE(file != nullptr);
    const std::uint32_t count = read_u32(file.get());
    for (std::uint32_t index = 0; index < count; ++index) {
      std::string key(read_u32(file.get()), '\0');
      REQUIRE(std::fread(key.data(), 1, key.size(), file.get()) == key.size());
      std::vector<float> values(read_u32(file.get()));
      REQUIRE(std::fread(values.data(), sizeof(float), values.size(), file.get()) == values.size());
      arrays_[key] = std::move(values);
    }
  }

  const std::vector<float>& operator[](const std::string& key) const {
    const auto found = arrays_.find(key);
    INFO("array " << key);
    REQUIRE(found != arrays_.end());
    return found->second;
  }

  // Copies array `key` into a weight array of the matching length.
  template <class Array>
  void fill(const std::string& key, Array& destination) const {
    const std::vector<float>& values = (*this)[key];
    INFO("array " << key);
    REQUIRE(values.size() == std::size(destination));
    for (std::size_t index = 0; index < values.size(); ++index) destination[index] = values[index];
  }

 private:
  static std::uint32_t read_u32(std::FILE* file) {
    unsigned char bytes[4];
    REQUIRE(std::fread(bytes, 1, 4, file) == 4);
    return bytes[0] | (bytes[1] << 8u) | (bytes[2] << 16u) | (static_cast<std::uint32_t>(bytes[3]) << 24u);
  }

  std::map<std::string, std::vector<float>> arrays_;
};

// Largest |actual - expected| relative to the largest |expected|.
inline double relative_error(const std::vector<float>& actual, const std::vector<float>& expected) {
  REQUIRE(actual.size() == expected.size());
  double largest = 0.0;
  double error = 0.0;
  for (std::size_t index = 0; index < expected.size(); ++index) {
    largest = std::fmax(largest, std::fabs(expected[index]));
    error = std::fmax(error, std::fabs(static_cast<double>(actual[index]) - expected[index]));
  }
  return error / largest;
}

// Runs model type M on `input` in an arena of its own.
template <class M>
std::vector<float> run_model(const std::vector<float>& input) {
  REQUIRE(input.size() == static_cast<std::size_t>(M::input_size));
  auto model = std::make_unique<M>();
  std::vector<float> output(M::output_size);
  model->invoke(input.data(), output.data());
  return output;
}

// Runs model type M with the loop backend and with EigenBackend: both within 1e-5 of the
// reference's largest magnitude.
template <class M>
void check_backends(const GoldenCase& golden, const char* output_key = "output") {
  const double loops = relative_error(run_model<M>(golden["input"]), golden[output_key]);
  const double eigen = relative_error(
      run_model<typename M::template WithBackend<earshot::nn::EigenBackend>>(golden["input"]), golden[output_key]);
  INFO("relative error: loops " << loops << ", Eigen " << eigen);
  CHECK(loops <= 1e-5);
  CHECK(eigen <= 1e-5);
}

}  // namespace earshot::test
