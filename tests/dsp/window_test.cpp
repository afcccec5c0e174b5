// Windows against hand-calculated values of scipy.signal.get_window's formulas
// (0.5 - 0.5 cos(2 pi n / N) periodic, / (N - 1) symmetric; Hamming 0.54 - 0.46 cos).
#include <catch2/catch.hpp>

#include <vector>

#include "earshot/dsp/window.hpp"

using earshot::Status;
using earshot::WindowSymmetry;
using earshot::WindowType;

namespace {
std::vector<float> window(WindowType type, WindowSymmetry symmetry, std::size_t win_length,
                          std::size_t n_fft) {
  std::vector<float> out(n_fft, -1.0f);
  REQUIRE(earshot::make_window(type, symmetry, win_length, n_fft, out.data()) == Status::kOk);
  return out;
}

void require_values(const std::vector<float>& actual, const std::vector<double>& expected) {
  REQUIRE(actual.size() == expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i) {
    INFO("index " << i);
    REQUIRE(actual[i] == Approx(expected[i]).margin(1e-7));
  }
}
}  // namespace

TEST_CASE("periodic Hann equals 0.5 - 0.5 cos(2 pi n / N)", "[dsp][window]") {
  // cos(pi/4) = 0.70710678: 0.5 -+ 0.35355339.
  require_values(window(WindowType::kHann, WindowSymmetry::kPeriodic, 8, 8),
                 {0.0, 0.14644661, 0.5, 0.85355339, 1.0, 0.85355339, 0.5, 0.14644661});
}

TEST_CASE("symmetric Hann and Hamming end where they start", "[dsp][window]") {
  require_values(window(WindowType::kHann, WindowSymmetry::kSymmetric, 5, 5),
                 {0.0, 0.5, 1.0, 0.5, 0.0});
  require_values(window(WindowType::kHamming, WindowSymmetry::kSymmetric, 5, 5),
                 {0.08, 0.54, 1.0, 0.54, 0.08});
  require_values(window(WindowType::kHamming, WindowSymmetry::kPeriodic, 4, 4),
                 {0.08, 0.54, 1.0, 0.54});
}

TEST_CASE("a short window is zero-padded centrally like librosa.util.pad_center",
          "[dsp][window]") {
  // Periodic Hann of 3: 0.5 - 0.5 cos(2 pi n / 3) = 0, 0.75, 0.75; left pad (8 - 3) / 2 = 2.
  require_values(window(WindowType::kHann, WindowSymmetry::kPeriodic, 3, 8),
                 {0.0, 0.0, 0.0, 0.75, 0.75, 0.0, 0.0, 0.0});
  // 400 in 512 (the square_mfcc16k golden case): 56 zeros on each side.
  const std::vector<float> w = window(WindowType::kHann, WindowSymmetry::kPeriodic, 400, 512);
  REQUIRE(w[55] == 0.0f);
  REQUIRE(w[56] == 0.0f);  // the window's own first value
  REQUIRE(w[57] > 0.0f);
  REQUIRE(w[256] == 1.0f);  // n = 200 of 400: cos(pi) = -1
  REQUIRE(w[456] == 0.0f);
}

TEST_CASE("a one-point window is 1 and bad lengths are rejected", "[dsp][window]") {
  require_values(window(WindowType::kHann, WindowSymmetry::kPeriodic, 1, 1), {1.0});
  float out[4];
  REQUIRE(earshot::make_window(WindowType::kHann, WindowSymmetry::kPeriodic, 5, 4, out) ==
          Status::kInvalidWindowLength);
  REQUIRE(earshot::make_window(WindowType::kHann, WindowSymmetry::kPeriodic, 0, 4, out) ==
          Status::kInvalidWindowLength);
}
