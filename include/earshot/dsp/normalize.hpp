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

namespace detail {

// Kahan's compensated sum: as exact as a double accumulator for windows of a few thousand
// values, in single precision. A Cortex-M4F has no double-precision FPU: double accumulation in
// software cost about 420 instructions a value (QEMU, -O3), half an fsdd-cnn inference per window.
struct CompensatedSum {
  float total = 0.0f;
  float lost = 0.0f;  // low-order part that the last addition rounded away (negated)
  void add(float value) noexcept {
    const float corrected = value - lost;
    const float next = total + corrected;
    lost = (next - total) - corrected;
    total = next;
  }
  double value() const noexcept { return static_cast<double>(total) - static_cast<double>(lost); }
};

}  // namespace detail

// (x - mean) / std with the population standard deviation (numpy's x.std()); mean and std come
// from compensated single-precision sums (detail::CompensatedSum) and the values are scaled in
// single precision. A constant window (std == 0) becomes all zeros instead of NaN.
inline void normalize_mean_std(float* values, std::size_t count) noexcept {
  if (count == 0) return;
  detail::CompensatedSum sum;
  float smallest = values[0];
  float largest = values[0];
  for (std::size_t i = 0; i < count; ++i) {
    sum.add(values[i]);
    smallest = values[i] < smallest ? values[i] : smallest;
    largest = values[i] > largest ? values[i] : largest;
  }
  // Checked exactly: a rounded mean could leave a constant window with a tiny non-zero std.
  if (smallest == largest) {
    for (std::size_t i = 0; i < count; ++i) values[i] = 0.0f;
    return;
  }
  const auto mean = static_cast<float>(sum.value() / static_cast<double>(count));
  detail::CompensatedSum squares;
  for (std::size_t i = 0; i < count; ++i) {
    const float d = values[i] - mean;
    squares.add(d * d);
  }
  const double std_dev = std::sqrt(squares.value() / static_cast<double>(count));
  const float inverse = std_dev > 0.0 ? static_cast<float>(1.0 / std_dev) : 0.0f;
  for (std::size_t i = 0; i < count; ++i) values[i] = (values[i] - mean) * inverse;
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
