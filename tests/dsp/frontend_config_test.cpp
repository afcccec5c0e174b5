// Invalid configurations are rejected with the Status that names the problem.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>

#include "earshot/dsp/frontend.hpp"
#if EARSHOT_TEST_HAS_KISSFFT
#include "earshot/dsp/kiss_fft_backend.hpp"
#endif

using earshot::FeatureKind;
using earshot::FrontendConfig;
using earshot::Status;

namespace {
using Small = earshot::Frontend<1024, 40>;

FrontendConfig valid() {
  FrontendConfig config;
  config.sample_rate = 16000;
  config.n_fft = 512;
  config.hop_length = 256;
  config.n_mels = 40;
  return config;
}

template <class Change>
Status check(Change&& change) {
  FrontendConfig config = valid();
  change(config);
  return Small::validate(config);
}
}  // namespace

TEST_CASE("front-end configuration errors name the problem", "[dsp][frontend][errors]") {
  REQUIRE(Small::validate(valid()) == Status::kOk);
  REQUIRE(check([](FrontendConfig& c) { c.n_fft = 500; }) == Status::kFftSizeNotSupported);
  REQUIRE(check([](FrontendConfig& c) { c.n_fft = 2048; }) == Status::kFftSizeExceedsCapacity);
  REQUIRE(check([](FrontendConfig& c) { c.hop_length = 0; }) == Status::kInvalidHopLength);
  REQUIRE(check([](FrontendConfig& c) { c.win_length = 513; }) == Status::kInvalidWindowLength);
  REQUIRE(check([](FrontendConfig& c) { c.n_mels = 41; }) == Status::kMelBandsExceedCapacity);
  REQUIRE(check([](FrontendConfig& c) { c.n_mels = 0; }) == Status::kInvalidMelBandCount);
  REQUIRE(check([](FrontendConfig& c) { c.fmax = 8000.5; }) == Status::kInvalidFrequencyRange);
  REQUIRE(check([](FrontendConfig& c) { c.fmin = 9000; }) == Status::kInvalidFrequencyRange);
  REQUIRE(check([](FrontendConfig& c) { c.fmin = -1; }) == Status::kInvalidFrequencyRange);
  REQUIRE(check([](FrontendConfig& c) { c.sample_rate = 0; }) == Status::kInvalidSampleRate);
  // An infinite rate passed every range check (fmax = inf / 2 <= inf) and filled the mel bank
  // with infinite weights past its storage.
  REQUIRE(check([](FrontendConfig& c) { c.sample_rate = HUGE_VAL; }) == Status::kInvalidSampleRate);
  REQUIRE(check([](FrontendConfig& c) { c.sample_rate = NAN; }) == Status::kInvalidSampleRate);
  REQUIRE(check([](FrontendConfig& c) {
            c.kind = FeatureKind::kMfcc;
            c.n_mfcc = 41;
          }) == Status::kInvalidMfccCount);
  REQUIRE(check([](FrontendConfig& c) {
            c.kind = FeatureKind::kMfcc;
            c.n_mfcc = 0;
          }) == Status::kInvalidMfccCount);
  REQUIRE(check([](FrontendConfig& c) { c.ref = 0; }) == Status::kInvalidLogParameter);
  REQUIRE(check([](FrontendConfig& c) { c.amin = -1e-10f; }) == Status::kInvalidLogParameter);
  REQUIRE(check([](FrontendConfig& c) { c.ln_offset = -1; }) == Status::kInvalidLogParameter);
  // The front-end fuzzer's finding (regressions/frontend_config/infinite-ref): ref = inf made
  // every dB value -inf and the MFCCs NaN; an infinite amin or ln_offset is as meaningless.
  REQUIRE(check([](FrontendConfig& c) { c.ref = HUGE_VALF; }) == Status::kInvalidLogParameter);
  REQUIRE(check([](FrontendConfig& c) { c.amin = HUGE_VALF; }) == Status::kInvalidLogParameter);
  REQUIRE(check([](FrontendConfig& c) { c.ln_offset = HUGE_VALF; }) == Status::kInvalidLogParameter);
  // The front-end fuzzer's finding (tests/fuzz/regressions/frontend_config): a magnitude
  // spectrum in dB with an amin whose square is 0 in float made every MFCC of silence NaN.
  // 1e-22 squares to 1e-44, a float denormal, and stays accepted; 1e-23 squares to 0.
  for (const FeatureKind kind : {FeatureKind::kDecibel, FeatureKind::kMfcc}) {
    const auto with_amin = [kind](float amin) {
      return check([&](FrontendConfig& c) {
        c.spectrum = earshot::Spectrum::kMagnitude;
        c.kind = kind;
        c.amin = amin;
      });
    };
    REQUIRE(with_amin(1e-23f) == Status::kInvalidLogParameter);
    REQUIRE(with_amin(2.382207389352189e-44f) == Status::kInvalidLogParameter);
    REQUIRE(with_amin(1e-22f) == Status::kOk);
    // ... and above: 1e19 squares to 1e38, below float's 3.4e38, and stays accepted; 1e20 squares
    // to inf (regressions/frontend_config/magnitude-mfcc-amin-squares-to-inf: 1e31).
    REQUIRE(with_amin(1e19f) == Status::kOk);
    REQUIRE(with_amin(1e20f) == Status::kInvalidLogParameter);
    REQUIRE(with_amin(1.0141225353564769e+31f) == Status::kInvalidLogParameter);
  }
  REQUIRE(check([](FrontendConfig& c) {  // a power spectrum floors at amin itself
            c.kind = FeatureKind::kMfcc;
            c.amin = 1e-23f;
          }) == Status::kOk);
  REQUIRE(check([](FrontendConfig& c) {
            c.kind = FeatureKind::kMfcc;
            c.amin = 1e31f;
          }) == Status::kOk);
}

TEST_CASE("a failed configure leaves the front-end unusable, not half-built",
          "[dsp][frontend][errors]") {
  static Small frontend;
  FrontendConfig config = valid();
  config.n_fft = 4096;
  REQUIRE(frontend.configure(config) == Status::kFftSizeExceedsCapacity);
  REQUIRE_FALSE(frontend.configured());
  float signal[1024] = {};
  float out[40 * 8];
  std::size_t frames = 99;
  REQUIRE(frontend.process(signal, 1024, out, 40 * 8, &frames) == Status::kNotConfigured);
  REQUIRE(frames == 0);
  int calls = 0;
  frontend.push(signal, 1024, [&](const float*) { ++calls; });
  REQUIRE(calls == 0);
}

TEST_CASE("a failed reconfiguration stops a configured front-end from producing frames",
          "[dsp][frontend][errors]") {
  // configure() reports the front-end unconfigured after an error; streaming must agree, and
  // not go on cutting frames with the previous configuration's tables.
  static Small frontend;
  FrontendConfig config = valid();
  REQUIRE(frontend.configure(config) == Status::kOk);
  config.hop_length = 0;
  REQUIRE(frontend.configure(config) == Status::kInvalidHopLength);
  REQUIRE_FALSE(frontend.configured());
  static float signal[4096] = {};
  int calls = 0;
  frontend.begin();
  frontend.push(signal, 4096, [&](const float*) { ++calls; });
  frontend.finish([&](const float*) { ++calls; });
  REQUIRE(calls == 0);
}

TEST_CASE("process reports short signals and small buffers", "[dsp][frontend][errors]") {
  static Small frontend;
  FrontendConfig config = valid();
  config.center = false;
  REQUIRE(frontend.configure(config) == Status::kOk);
  static float signal[2048] = {};
  static float out[40 * 8];
  std::size_t frames = 0;
  REQUIRE(frontend.process(signal, 511, out, 40 * 8, &frames) == Status::kSignalTooShort);
  // 1 + (2048 - 512) / 256 = 7 frames need 7 x 40 floats.
  REQUIRE(frontend.frame_count(2048) == 7);
  REQUIRE(frontend.output_buffer_size(2048) == 280);
  REQUIRE(frontend.process(signal, 2048, out, 279, &frames) == Status::kOutputBufferTooSmall);
  REQUIRE(frontend.process(signal, 2048, out, 280, &frames) == Status::kOk);
  REQUIRE(frames == 7);
  // hop 1: 2^(bits - 3) frames x 40 mels = 5 x 2^bits floats, 0 once wrapped: the check must
  // refuse the 280-float buffer before a sample is read (the signal is not that long).
  config.hop_length = 1;
  REQUIRE(frontend.configure(config) == Status::kOk);
  const std::size_t huge = SIZE_MAX / 8 + 1 + 511;
  REQUIRE(frontend.frame_count(huge) == SIZE_MAX / 8 + 1);
  REQUIRE(frontend.output_buffer_size(huge) == SIZE_MAX);
  REQUIRE(frontend.process(signal, huge, out, 280, &frames) == Status::kOutputBufferTooSmall);
}

#if EARSHOT_TEST_HAS_KISSFFT
TEST_CASE("KissFFT front-end accepts an n_fft that is not a power of two",
          "[dsp][frontend][errors]") {
  static earshot::Frontend<1024, 40, earshot::KissFftBackend<1024>> frontend;
  FrontendConfig config = valid();
  config.n_fft = 400;
  REQUIRE(frontend.configure(config) == Status::kOk);
  config.n_fft = 401;
  REQUIRE(frontend.configure(config) == Status::kFftSizeNotSupported);
}
#endif

TEST_CASE("every status has a one-line description", "[dsp][errors]") {
  for (int s = 0; s <= static_cast<int>(Status::kOutputBufferTooSmall); ++s) {
    const char* text = earshot::describe(static_cast<Status>(s));
    REQUIRE(text != nullptr);
    REQUIRE(std::strlen(text) > 1);
    REQUIRE(std::strchr(text, '\n') == nullptr);
  }
}
