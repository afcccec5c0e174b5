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

// How every value of a window is scaled: (x - mean) / std with the population standard
// deviation (numpy's x.std()), x / max|x|, or not at all. mean and std come from one pass in
// single precision over the deviations d = x - c from a rough centre c, the mean of 16 values
// spread over the window: mean = c + sum(d) / n, variance = sum(d^2) / n - (sum(d) / n)^2.
// Shifting by c keeps the sums small (dB features sit far from 0, within tens of dB of each
// other) and the subtraction in the variance harmless, at three additions or multiply-adds a
// value where compensated sums took eight (a Cortex-M4F has no double-precision unit). Over the
// 1,280 to 1,860 values of the example windows the z-scores stay within 1e-4 of numpy's in
// float64 (tests/pipeline/reference_test.cpp). A window whose deviations are all 0 (a constant
// one) becomes all zeros instead of NaN; an all-zero window under kMax stays zero. Computed
// from accessors, so a window can be scaled as it is copied (into an int8 model's input,
// without a float copy of the window).
struct WindowScaling {
  WindowNormalization mode = WindowNormalization::kNone;
  bool constant = false;  // kMeanStd: every value was equal
  float mean = 0.0f;
  float inverse_std = 0.0f;
  float peak = 0.0f;  // kMax

  // Calls loop(scale) once with the function that scales one value, chosen here rather than
  // for every value: loops over a window then run without a branch on the mode.
  template <class Loop>
  void with_function(const Loop& loop) const noexcept {
    const auto unchanged = [](float value) { return value; };
    if (mode == WindowNormalization::kMeanStd && constant) {
      loop([](float) { return 0.0f; });
    } else if (mode == WindowNormalization::kMeanStd) {
      loop([shift = mean, factor = inverse_std](float value) { return (value - shift) * factor; });
    } else if (mode == WindowNormalization::kMax && peak != 0.0f) {
      loop([divisor = peak](float value) { return value / divisor; });
    } else {
      loop(unchanged);
    }
  }
};

// The scaling of `count` values; for_each_value(visit) calls visit(value) for each of them, in
// the same order every time, and value_at(i) returns the i-th of them.
template <class ValueAt, class ForEachValue>
WindowScaling window_scaling(WindowNormalization mode, std::size_t count, const ValueAt& value_at,
                             const ForEachValue& for_each_value) noexcept {
  WindowScaling scaling;
  scaling.mode = count == 0 ? WindowNormalization::kNone : mode;
  if (scaling.mode == WindowNormalization::kMeanStd) {
    constexpr std::size_t kCentreValues = 16;
    const std::size_t spread = count < kCentreValues ? count : kCentreValues;
    float centre = 0.0f;
    for (std::size_t i = 0; i < spread; ++i) centre += value_at(i * count / spread);
    centre /= static_cast<float>(spread);
    float deviations = 0.0f;
    float squares = 0.0f;
    for_each_value([&](float value) {
      const float d = value - centre;
      deviations += d;
      squares += d * d;
    });
    scaling.constant = squares == 0.0f;
    if (scaling.constant) return scaling;
    const float n = static_cast<float>(count);
    const float mean_deviation = deviations / n;
    const float variance = squares / n - mean_deviation * mean_deviation;
    scaling.mean = centre + mean_deviation;
    scaling.inverse_std = variance > 0.0f ? 1.0f / std::sqrt(variance) : 0.0f;
  } else if (scaling.mode == WindowNormalization::kMax) {
    for_each_value([&](float value) {
      const float magnitude = std::fabs(value);
      scaling.peak = magnitude > scaling.peak ? magnitude : scaling.peak;
    });
  }
  return scaling;
}

// Normalises `values` in place.
inline void normalize_window(WindowNormalization mode, float* values, std::size_t count) noexcept {
  if (count == 0) return;
  // Unrolled: the loop's own increment, compare and branch were a third of each pass.
  const auto value_at = [values](std::size_t i) { return values[i]; };
  const WindowScaling scaling = window_scaling(mode, count, value_at, [&](const auto& visit) {
#pragma GCC unroll 8
    for (std::size_t i = 0; i < count; ++i) visit(values[i]);
  });
  if (scaling.mode == WindowNormalization::kNone) return;
  scaling.with_function([&](const auto& scale) {
#pragma GCC unroll 8
    for (std::size_t i = 0; i < count; ++i) values[i] = scale(values[i]);
  });
}

inline void normalize_mean_std(float* values, std::size_t count) noexcept {
  normalize_window(WindowNormalization::kMeanStd, values, count);
}

inline void normalize_max(float* values, std::size_t count) noexcept {
  normalize_window(WindowNormalization::kMax, values, count);
}

}  // namespace earshot
