// Per-window normalisation of a block of features (e.g. 31 frames x 60 mels) before it enters
// the classifier, as in the reference thesis: z-score over the whole window, or division by its
// largest absolute value. The statistics are over every value of the window, so the layout
// (time-major or not) does not matter.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

namespace earshot {

enum class WindowNormalization : std::uint8_t { kNone, kMeanStd, kMax };

// (x - mean) / std with the population standard deviation (numpy's x.std()); mean and std are
// accumulated in double. A constant window (std == 0) becomes all zeros instead of NaN.
inline void normalize_mean_std(float* values, std::size_t count) noexcept {
  if (count == 0) return;
  double sum = 0.0;
  for (std::size_t i = 0; i < count; ++i) sum += values[i];
  const double mean = sum / static_cast<double>(count);
  double squares = 0.0;
  for (std::size_t i = 0; i < count; ++i) {
    const double d = values[i] - mean;
    squares += d * d;
  }
  const double std_dev = std::sqrt(squares / static_cast<double>(count));
  const double inverse = std_dev > 0.0 ? 1.0 / std_dev : 0.0;
  for (std::size_t i = 0; i < count; ++i) {
    values[i] = static_cast<float>((values[i] - mean) * inverse);
  }
}

// x / max|x|. An all-zero window stays zero.
inline void normalize_max(float* values, std::size_t count) noexcept {
  float peak = 0.0f;
  for (std::size_t i = 0; i < count; ++i) {
    const float magnitude = std::fabs(values[i]);
    peak = magnitude > peak ? magnitude : peak;
  }
  if (peak == 0.0f) return;
  for (std::size_t i = 0; i < count; ++i) values[i] /= peak;
}

inline void normalize_window(WindowNormalization mode, float* values, std::size_t count) noexcept {
  if (mode == WindowNormalization::kMeanStd) normalize_mean_std(values, count);
  if (mode == WindowNormalization::kMax) normalize_max(values, count);
}

}  // namespace earshot
