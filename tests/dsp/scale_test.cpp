// dB, natural log, top_db, DCT-II and per-window normalisation against hand calculation.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "earshot/dsp/dct.hpp"
#include "earshot/dsp/decibel.hpp"
#include "earshot/dsp/normalize.hpp"

using earshot::Status;

namespace {
constexpr double kPi = 3.14159265358979323846;
}  // namespace

TEST_CASE("power_to_db and amplitude_to_db follow librosa's formulas", "[dsp][db]") {
  const float power[] = {1.0f, 0.01f, 0.0f, 100.0f};
  float db[4];
  earshot::power_to_db(power, db, 4, 1.0f, 1e-10f);
  REQUIRE(db[0] == Approx(0.0).margin(1e-6));
  REQUIRE(db[1] == Approx(-20.0).epsilon(1e-6));
  REQUIRE(db[2] == Approx(-100.0).epsilon(1e-6));  // amin 1e-10
  REQUIRE(db[3] == Approx(20.0).epsilon(1e-6));
  earshot::power_to_db(power, db, 4, 10.0f, 1e-10f);  // ref 10: 10 dB lower
  REQUIRE(db[3] == Approx(10.0).epsilon(1e-6));
  const float magnitude[] = {0.1f, 0.0f};
  earshot::amplitude_to_db(magnitude, db, 2, 1.0f, 1e-5f);
  REQUIRE(db[0] == Approx(-20.0).epsilon(1e-6));
  REQUIRE(db[1] == Approx(-100.0).epsilon(1e-6));  // 20 log10(1e-5)
}

// The frontend_config fuzzer's finding (tests/fuzz/regressions/frontend_config): ref and amin
// below 1e-19, whose squares underflow in float. librosa squares them in double: the offset is
// 20 log10(max(ref, amin)), finite; a zero magnitude gives -inf (max(amin^2, 0) in float32 is
// 0), never NaN. Hand values: 20 log10(1e-30) = -600; 0.5 gives 20 log10(0.5) + 600.
TEST_CASE("amplitude_to_db with a ref and amin whose squares underflow in float has no NaN", "[dsp][db]") {
  const float magnitude[] = {0.5f, 0.0f};
  float db[2];
  earshot::amplitude_to_db(magnitude, db, 2, 1e-30f, 1e-30f);
  REQUIRE(db[0] == Approx(20.0 * std::log10(0.5) + 600.0).epsilon(1e-6));
  REQUIRE(std::isinf(db[1]));
  REQUIRE(db[1] < 0.0f);
}

TEST_CASE("natural log adds the offset", "[dsp][db]") {
  const float mel[] = {0.0f, 1.0f};
  float out[2];
  earshot::natural_log(mel, out, 2, 1e-6f);
  REQUIRE(out[0] == Approx(std::log(1e-6)).epsilon(1e-6));
  REQUIRE(out[1] == Approx(1e-6).margin(1e-7));
}

TEST_CASE("top_db floors the whole output at max - top_db", "[dsp][db]") {
  float db[] = {-10.0f, -95.0f, 3.0f, -77.0f, -78.0f};
  REQUIRE(earshot::apply_top_db(db, 5, 80.0f) == 3.0f);
  REQUIRE(db[1] == -77.0f);
  REQUIRE(db[3] == -77.0f);
  REQUIRE(db[4] == -77.0f);
  REQUIRE(db[0] == -10.0f);
}

TEST_CASE("streaming top_db clamps against the running maximum", "[dsp][db]") {
  earshot::RunningTopDb running;
  float first[] = {-50.0f, -100.0f};  // peak -50: floor -130, nothing clamped
  running.apply(first, 2, 80.0f);
  REQUIRE(first[1] == -100.0f);
  float second[] = {0.0f, -100.0f};  // peak 0: floor -80
  running.apply(second, 2, 80.0f);
  REQUIRE(second[1] == -80.0f);
  float third[] = {-60.0f, -90.0f};  // peak stays 0
  running.apply(third, 2, 80.0f);
  REQUIRE(third[1] == -80.0f);
  REQUIRE(running.peak() == 0.0f);
  running.reset();
  float fourth[] = {-60.0f, -90.0f};
  running.apply(fourth, 2, 80.0f);
  REQUIRE(fourth[1] == -90.0f);
}

TEST_CASE("orthonormal DCT-II matches its definition", "[dsp][dct]") {
  earshot::DctII<8> dct;
  REQUIRE(dct.configure(4, 4) == Status::kOk);
  // A constant of 1 over N = 4: y0 = sqrt(1/4) * 4 = 2, the rest 0.
  const float ones[] = {1.0f, 1.0f, 1.0f, 1.0f};
  float out[5];
  dct.transform(ones, out);
  REQUIRE(out[0] == Approx(2.0).epsilon(1e-6));
  for (int k = 1; k < 4; ++k) REQUIRE(out[k] == Approx(0.0).margin(1e-6));
  // Any input against the formula in double, N = 7, 5 outputs.
  REQUIRE(dct.configure(7, 5) == Status::kOk);
  const float x[] = {3.0f, -1.0f, 4.0f, 1.0f, -5.0f, 9.0f, 2.0f};
  dct.transform(x, out);
  for (int k = 0; k < 5; ++k) {
    double sum = 0.0;
    for (int n = 0; n < 7; ++n) sum += x[n] * std::cos(kPi * k * (2 * n + 1) / 14.0);
    const double expected = sum * std::sqrt((k == 0 ? 1.0 : 2.0) / 7.0);
    REQUIRE(out[k] == Approx(expected).margin(1e-5));
  }
  REQUIRE(dct.configure(9, 1) == Status::kMelBandsExceedCapacity);
  REQUIRE(dct.configure(4, 5) == Status::kInvalidMfccCount);
}

TEST_CASE("mean/std normalisation gives zero mean and unit population std", "[dsp][normalize]") {
  // mean 2.5, population std sqrt(1.25).
  float values[] = {1.0f, 2.0f, 3.0f, 4.0f};
  earshot::normalize_window(earshot::WindowNormalization::kMeanStd, values, 4);
  const double s = std::sqrt(1.25);
  REQUIRE(values[0] == Approx(-1.5 / s).epsilon(1e-6));
  REQUIRE(values[3] == Approx(1.5 / s).epsilon(1e-6));
  float constant[] = {7.0f, 7.0f};
  earshot::normalize_mean_std(constant, 2);
  REQUIRE(constant[0] == 0.0f);
  REQUIRE(constant[1] == 0.0f);
}

TEST_CASE("max normalisation divides by the largest magnitude", "[dsp][normalize]") {
  float values[] = {-4.0f, 2.0f, 1.0f};
  earshot::normalize_window(earshot::WindowNormalization::kMax, values, 3);
  REQUIRE(values[0] == -1.0f);
  REQUIRE(values[1] == 0.5f);
  REQUIRE(values[2] == 0.25f);
  float zeros[] = {0.0f, 0.0f};
  earshot::normalize_max(zeros, 2);
  REQUIRE(zeros[0] == 0.0f);
  float untouched[] = {5.0f};
  earshot::normalize_window(earshot::WindowNormalization::kNone, untouched, 1);
  REQUIRE(untouched[0] == 5.0f);
}

TEST_CASE("streaming top_db ignores infinite values: an overflowed frame does not floor the "
          "rest of the stream",
          "[dsp][db]") {
  // A sample far beyond full scale overflows a frame's power to +inf dB. Taken as the peak, it
  // would raise the floor to +inf and clamp every later frame to +inf until reset().
  earshot::RunningTopDb running;
  float first[] = {-20.0f, -100.0f};  // peak -20: floor -100
  running.apply(first, 2, 80.0f);
  float overflowed[] = {HUGE_VALF, -30.0f};
  running.apply(overflowed, 2, 80.0f);
  REQUIRE(overflowed[0] == HUGE_VALF);
  REQUIRE(overflowed[1] == -30.0f);
  REQUIRE(running.peak() == -20.0f);
  float later[] = {-40.0f, -110.0f};
  running.apply(later, 2, 80.0f);
  REQUIRE(later[0] == -40.0f);
  REQUIRE(later[1] == -100.0f);
}
