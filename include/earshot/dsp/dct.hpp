// Orthonormal DCT-II (scipy.fft.dct(type=2, norm="ortho"), which librosa.feature.mfcc applies
// to the dB mel spectrogram): y[k] = s_k sum_n x[n] cos(pi k (2n + 1) / 2N), s_0 = sqrt(1/N),
// s_k = sqrt(2/N). The cosines come from one table of 4N values computed in double.
#pragma once

#include <cmath>
#include <cstddef>

#include "earshot/status.hpp"

namespace earshot {

// kMaxInput: largest N (the number of mel bands).
template <std::size_t kMaxInput>
class DctII {
 public:
  static constexpr std::size_t max_input = kMaxInput;

  // n_output (the number of MFCCs) coefficients out of n_input values.
  Status configure(std::size_t n_input, std::size_t n_output) noexcept {
    if (n_input == 0 || n_input > kMaxInput) return Status::kMelBandsExceedCapacity;
    if (n_output == 0 || n_output > n_input) return Status::kInvalidMfccCount;
    n_input_ = n_input;
    n_output_ = n_output;
    constexpr double kPi = 3.14159265358979323846264338327950288;
    const std::size_t period = 4 * n_input;  // cos(pi j / 2N) repeats every 4N
    for (std::size_t j = 0; j < period; ++j) {
      cosines_[j] = static_cast<float>(
          std::cos(kPi * static_cast<double>(j) / static_cast<double>(2 * n_input)));
    }
    scale_first_ = static_cast<float>(std::sqrt(1.0 / static_cast<double>(n_input)));
    scale_rest_ = static_cast<float>(std::sqrt(2.0 / static_cast<double>(n_input)));
    return Status::kOk;
  }

  std::size_t n_input() const noexcept { return n_input_; }
  std::size_t n_output() const noexcept { return n_output_; }

  // in and out must not overlap.
  void transform(const float* in, float* out) const noexcept {
    const std::size_t period = 4 * n_input_;
    for (std::size_t k = 0; k < n_output_; ++k) {
      float sum = 0.0f;
      std::size_t index = k;  // k (2n + 1) mod 4N, advanced by 2k per n
      const std::size_t step = (2 * k) % period;
      for (std::size_t n = 0; n < n_input_; ++n) {
        sum += in[n] * cosines_[index];
        index += step;
        if (index >= period) index -= period;
      }
      out[k] = sum * (k == 0 ? scale_first_ : scale_rest_);
    }
  }

 private:
  float cosines_[4 * kMaxInput];  // written by configure()
  float scale_first_ = 0.0f;
  float scale_rest_ = 0.0f;
  std::size_t n_input_ = 0;
  std::size_t n_output_ = 0;
};

}  // namespace earshot
