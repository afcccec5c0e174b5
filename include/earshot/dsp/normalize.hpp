// Per-window normalisation of a block of features (e.g. 31 frames x 60 mels) before it enters
// the classifier, as in the reference thesis: z-score over the whole window, or division by its
// largest absolute value. The statistics are over every value of the window, so the layout
// (time-major or not) does not matter.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

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

// How every value of a window is scaled: (x - mean) x (1 / std) with the population standard
// deviation (numpy's x.std()), x / max|x|, or not at all. The statistics come from compensated
// single-precision sums (detail::CompensatedSum) over the values in index order; the values
// are scaled in single precision. A constant window (std == 0) becomes all zeros instead of
// NaN; an all-zero window under kMax stays zero. Computed from an accessor, so a window can be
// scaled as it is copied (into an int8 model's input, without a float copy of the window).
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
// the same order every time.
template <class ForEachValue>
WindowScaling window_scaling(WindowNormalization mode, std::size_t count, const ForEachValue& for_each_value) noexcept {
  WindowScaling scaling;
  scaling.mode = count == 0 ? WindowNormalization::kNone : mode;
  if (scaling.mode == WindowNormalization::kMeanStd) {
    detail::CompensatedSum sum;
    float smallest = std::numeric_limits<float>::infinity();
    float largest = -std::numeric_limits<float>::infinity();
    for_each_value([&](float value) {
      sum.add(value);
      smallest = value < smallest ? value : smallest;
      largest = value > largest ? value : largest;
    });
    // Checked exactly: a rounded mean could leave a constant window with a tiny non-zero std.
    scaling.constant = smallest == largest;
    if (scaling.constant) return scaling;
    scaling.mean = static_cast<float>(sum.value() / static_cast<double>(count));
    detail::CompensatedSum squares;
    for_each_value([&](float value) {
      const float d = value - scaling.mean;
      squares.add(d * d);
    });
    const double std_dev = std::sqrt(squares.value() / static_cast<double>(count));
    scaling.inverse_std = std_dev > 0.0 ? static_cast<float>(1.0 / std_dev) : 0.0f;
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
  const WindowScaling scaling = window_scaling(mode, count, [&](const auto& visit) {
    for (std::size_t i = 0; i < count; ++i) visit(values[i]);
  });
  if (scaling.mode == WindowNormalization::kNone) return;
  scaling.with_function([&](const auto& scale) {
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
