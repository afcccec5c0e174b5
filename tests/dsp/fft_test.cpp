// The built-in real FFT (its transform and its windowed power spectrum) and the KissFFT backend
// against a direct DFT computed in double, for every power-of-two size 4..4096 (built-in) and
// even sizes that are not (KissFFT).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "earshot/dsp/real_fft.hpp"
#if EARSHOT_TEST_HAS_KISSFFT
#include "earshot/dsp/kiss_fft_backend.hpp"
#endif

using earshot::Status;

namespace {
constexpr double kPi = 3.14159265358979323846;
}  // namespace

namespace {

// X[k] = sum x[t] e^{-2 pi i k t / n}, k = 0..n/2, interleaved (re, im).
std::vector<double> direct_dft(const std::vector<float>& x) {
  const std::size_t n = x.size();
  std::vector<double> cosines(n), sines(n);
  for (std::size_t j = 0; j < n; ++j) {
    const double angle = 2.0 * kPi * static_cast<double>(j) / static_cast<double>(n);
    cosines[j] = std::cos(angle);
    sines[j] = std::sin(angle);
  }
  std::vector<double> out(n + 2);
  for (std::size_t k = 0; k <= n / 2; ++k) {
    double re = 0.0, im = 0.0;
    for (std::size_t t = 0; t < n; ++t) {
      const std::size_t j = (k * t) % n;
      re += x[t] * cosines[j];
      im -= x[t] * sines[j];
    }
    out[2 * k] = re;
    out[2 * k + 1] = im;
  }
  return out;
}

std::vector<float> random_signal(std::size_t n, unsigned seed) {
  std::mt19937 generator(seed);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::vector<float> x(n);
  for (float& v : x) v = uniform(generator);
  return x;
}

// Largest bin error relative to the RMS bin magnitude of the reference.
template <class Backend>
double relative_error(Backend& fft, const std::vector<float>& x) {
  REQUIRE(fft.init(x.size()) == Status::kOk);
  REQUIRE(fft.size() == x.size());
  std::vector<float> data(x.size() + 2, 123.0f);
  std::copy(x.begin(), x.end(), data.begin());
  fft.forward(data.data());
  const std::vector<double> expected = direct_dft(x);
  double worst = 0.0, energy = 0.0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    worst = std::max(worst, std::fabs(data[i] - expected[i]));
    energy += expected[i] * expected[i];
  }
  return worst / std::sqrt(energy / static_cast<double>(expected.size()));
}

}  // namespace

// The built-in FFT's two paths: complex values one at a time, and on hosts with 128-bit vectors
// (SSE2, NEON) two at a time in the rotated butterflies. Each is checked against the reference.
#if EARSHOT_COMPLEX_PAIRS_ARE_VECTORS
#define EARSHOT_BUILTIN_FFT_PATHS (earshot::RealFft<4096, false>), (earshot::RealFft<4096, true>)
#else
#define EARSHOT_BUILTIN_FFT_PATHS (earshot::RealFft<4096, false>)
#endif

TEMPLATE_TEST_CASE("built-in FFT matches a direct DFT for every power of two 4..4096", "[dsp][fft]",
                   EARSHOT_BUILTIN_FFT_PATHS) {
  static TestType fft;
  for (std::size_t n = 4; n <= 4096; n *= 2) {
    const double error = relative_error(fft, random_signal(n, static_cast<unsigned>(n)));
    INFO("n = " << n << ", error relative to RMS bin = " << error);
    REQUIRE(error < 2e-6);
  }
}

#if EARSHOT_COMPLEX_PAIRS_ARE_VECTORS && !defined(__FP_FAST_FMAF)
// The pairs' operations are the scalar ones lane by lane (fft_complex.hpp), so without fused
// multiply-adds the two paths give the same floats. Where the compiler may fuse (an FMA unit, e.g.
// -march=native) it fuses each path differently; both are then held to the direct DFT above.
TEST_CASE("built-in FFT's vector path equals its scalar path bit for bit", "[dsp][fft]") {
  static earshot::RealFft<4096, false> scalar;
  static earshot::RealFft<4096, true> pairs;
  for (std::size_t n = 4; n <= 4096; n *= 2) {
    INFO("n = " << n);
    REQUIRE(scalar.init(n) == Status::kOk);
    REQUIRE(pairs.init(n) == Status::kOk);
    const std::vector<float> x = random_signal(n, static_cast<unsigned>(3 * n));
    const std::vector<float> window = random_signal(n, static_cast<unsigned>(3 * n + 1));
    std::vector<float> a(n + 2), b(n + 2);
    std::copy(x.begin(), x.end(), a.begin());
    std::copy(x.begin(), x.end(), b.begin());
    scalar.forward(a.data());
    pairs.forward(b.data());
    REQUIRE(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
    scalar.power_spectrum(x.data(), window.data(), a.data());
    pairs.power_spectrum(x.data(), window.data(), b.data());
    REQUIRE(std::memcmp(a.data(), b.data(), (n / 2 + 1) * sizeof(float)) == 0);
  }
}
#endif

TEST_CASE("built-in FFT of a cosine puts n/2 into its bin", "[dsp][fft]") {
  // x[t] = cos(2 pi 3 t / 64): X[3] = 32, every other bin 0 (hand calculation).
  earshot::RealFft<64> fft;
  REQUIRE(fft.init(64) == Status::kOk);
  float data[66];
  for (int t = 0; t < 64; ++t) data[t] = static_cast<float>(std::cos(2.0 * kPi * 3 * t / 64));
  fft.forward(data);
  for (int k = 0; k <= 32; ++k) {
    INFO("bin " << k);
    REQUIRE(data[2 * k] == Approx(k == 3 ? 32.0 : 0.0).margin(1e-5));
    REQUIRE(data[2 * k + 1] == Approx(0.0).margin(1e-5));
  }
}

TEMPLATE_TEST_CASE(
    "built-in FFT's power spectrum of a windowed frame matches a direct DFT for every power of two 4..4096",
    "[dsp][fft]", EARSHOT_BUILTIN_FFT_PATHS) {
  static TestType fft;
  static_assert(earshot::HasPowerSpectrum<earshot::RealFft<64>>::value, "");
  for (std::size_t n = 4; n <= 4096; n *= 2) {
    const std::vector<float> frame = random_signal(n, static_cast<unsigned>(n));
    const std::vector<float> window = random_signal(n, static_cast<unsigned>(n + 1));
    std::vector<float> windowed(n);
    for (std::size_t i = 0; i < n; ++i) windowed[i] = frame[i] * window[i];
    const std::vector<double> expected = direct_dft(windowed);
    REQUIRE(fft.init(n) == Status::kOk);
    std::vector<float> power(n + 2, 123.0f);
    fft.power_spectrum(frame.data(), window.data(), power.data());
    double worst = 0.0, mean_power = 0.0;
    for (std::size_t k = 0; k <= n / 2; ++k) {
      const double reference = expected[2 * k] * expected[2 * k] + expected[2 * k + 1] * expected[2 * k + 1];
      worst = std::max(worst, std::fabs(power[k] - reference));
      mean_power += reference / static_cast<double>(n / 2 + 1);
    }
    INFO("n = " << n << ", error relative to the mean bin power = " << worst / mean_power);
    REQUIRE(worst / mean_power < 4e-6);
  }
}

TEST_CASE("built-in FFT's power spectrum puts (n/2)^2 into a cosine's bin", "[dsp][fft]") {
  // x[t] = cos(2 pi 5 t / 32) under a window of ones: |X[5]|^2 = 16^2 = 256, every other bin 0
  // (hand calculation).
  earshot::RealFft<32> fft;
  REQUIRE(fft.init(32) == Status::kOk);
  float frame[32];
  float ones[32];
  for (int t = 0; t < 32; ++t) {
    frame[t] = static_cast<float>(std::cos(2.0 * kPi * 5 * t / 32));
    ones[t] = 1.0f;
  }
  float power[34];
  fft.power_spectrum(frame, ones, power);
  for (int k = 0; k <= 16; ++k) {
    INFO("bin " << k);
    REQUIRE(power[k] == Approx(k == 5 ? 256.0 : 0.0).margin(1e-4));
  }
}

#if EARSHOT_TEST_HAS_KISSFFT
TEST_CASE("KissFFT backend matches a direct DFT, also for sizes that are not powers of two",
          "[dsp][fft]") {
  static earshot::KissFftBackend<4096> fft;
  for (const std::size_t n : {6u, 30u, 256u, 400u, 1000u, 1024u, 1536u, 4000u, 4096u}) {
    const double error = relative_error(fft, random_signal(n, static_cast<unsigned>(n)));
    INFO("n = " << n << ", error relative to RMS bin = " << error);
    REQUIRE(error < 2e-6);
  }
}

TEST_CASE("built-in FFT and KissFFT agree bin by bin", "[dsp][fft]") {
  static earshot::RealFft<1024> builtin;
  static earshot::KissFftBackend<1024> kiss;
  REQUIRE(builtin.init(1024) == Status::kOk);
  REQUIRE(kiss.init(1024) == Status::kOk);
  const std::vector<float> x = random_signal(1024, 7);
  std::vector<float> a(1026), b(1026);
  std::copy(x.begin(), x.end(), a.begin());
  std::copy(x.begin(), x.end(), b.begin());
  builtin.forward(a.data());
  kiss.forward(b.data());
  for (std::size_t i = 0; i < a.size(); ++i) REQUIRE(a[i] == Approx(b[i]).margin(2e-4));
}
#endif

TEST_CASE("FFT backends reject sizes they cannot do", "[dsp][fft]") {
  earshot::RealFft<1024> builtin;
  REQUIRE(builtin.init(1000) == Status::kFftSizeNotSupported);
  REQUIRE(builtin.init(2) == Status::kFftSizeNotSupported);
  REQUIRE(builtin.init(2048) == Status::kFftSizeExceedsCapacity);
  REQUIRE(builtin.size() == 0);
  static_assert(earshot::IsFftBackend<earshot::RealFft<64>>::value, "");
  static_assert(!earshot::IsFftBackend<int>::value, "");
#if EARSHOT_TEST_HAS_KISSFFT
  static earshot::KissFftBackend<1024> kiss;
  REQUIRE(kiss.init(999) == Status::kFftSizeNotSupported);
  REQUIRE(kiss.init(1026) == Status::kFftSizeExceedsCapacity);
  static_assert(earshot::IsFftBackend<earshot::KissFftBackend<64>>::value, "");
#endif
}
