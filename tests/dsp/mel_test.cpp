// Mel scale and filterbank against hand calculation of librosa's formulas
// (librosa/core/convert.py, librosa/filters.py).
#include <catch2/catch.hpp>

#include <cmath>

#include "earshot/dsp/mel_filterbank.hpp"
#include "earshot/dsp/mel_scale.hpp"

using earshot::MelFilterbank;
using earshot::MelFilterbankConfig;
using earshot::MelNorm;
using earshot::MelScale;
using earshot::Status;

TEST_CASE("Slaney mel is linear to 1 kHz (15 mel) and logarithmic above", "[dsp][mel]") {
  REQUIRE(earshot::hz_to_mel(1000.0, MelScale::kSlaney) == Approx(15.0).epsilon(1e-15));
  REQUIRE(earshot::hz_to_mel(500.0, MelScale::kSlaney) == Approx(7.5).epsilon(1e-15));
  // 6400 Hz = 1000 * 6.4: 15 + log(6.4) / (log(6.4) / 27) = 42.
  REQUIRE(earshot::hz_to_mel(6400.0, MelScale::kSlaney) == Approx(42.0).epsilon(1e-14));
  REQUIRE(earshot::mel_to_hz(42.0, MelScale::kSlaney) == Approx(6400.0).epsilon(1e-14));
  REQUIRE(earshot::mel_to_hz(7.5, MelScale::kSlaney) == Approx(500.0).epsilon(1e-15));
}

TEST_CASE("HTK mel is 2595 log10(1 + f / 700)", "[dsp][mel]") {
  // 2595 * log10(17 / 7) = 2595 * 0.38535088... = 999.98554 (about 1000, by design of the scale).
  REQUIRE(earshot::hz_to_mel(1000.0, MelScale::kHtk) == Approx(999.98554).epsilon(1e-8));
  REQUIRE(earshot::mel_to_hz(earshot::hz_to_mel(4321.0, MelScale::kHtk), MelScale::kHtk) ==
          Approx(4321.0).epsilon(1e-13));
}

TEST_CASE("a single triangle from 0 to 1 kHz has the hand-calculated weights", "[dsp][mel]") {
  // sr 8000, n_fft 32: bins every 250 Hz. One band, edges 0, 500, 1000 Hz (mel 0, 7.5, 15).
  MelFilterbank<4, 17> bank;
  MelFilterbankConfig config{8000.0, 32, 1, 0.0, 1000.0, MelScale::kSlaney, MelNorm::kNone};
  REQUIRE(bank.configure(config) == Status::kOk);
  REQUIRE(bank.first_bin(0) == 1);
  REQUIRE(bank.bin_count(0) == 3);
  REQUIRE(bank.weight(0, 1) == 0.5f);
  REQUIRE(bank.weight(0, 2) == 1.0f);
  REQUIRE(bank.weight(0, 3) == 0.5f);
  REQUIRE(bank.weight(0, 4) == 0.0f);
  // Slaney norm divides by half the width: 2 / (1000 - 0).
  config.norm = MelNorm::kSlaney;
  REQUIRE(bank.configure(config) == Status::kOk);
  REQUIRE(bank.weight(0, 1) == static_cast<float>(0.5 * 0.002));
  REQUIRE(bank.weight(0, 2) == static_cast<float>(0.002));
  // Applying it: 0.5 * 0.002 * 4 + 0.002 * 2 = 0.008.
  float spectrum[17] = {100.0f, 4.0f, 2.0f};
  float mel = 0.0f;
  bank.apply(spectrum, &mel);
  REQUIRE(mel == Approx(0.008f).epsilon(1e-6));
}

TEST_CASE("the sparse bank stores at most two weights per bin", "[dsp][mel]") {
  // The thesis configuration: 60 bands, n_fft 1024 at 22.05 kHz: about 1 k MACs, not 30 k.
  static MelFilterbank<60, 513> bank;
  REQUIRE(bank.configure({22050.0, 1024, 60, 0.0, 11025.0, MelScale::kSlaney, MelNorm::kSlaney}) ==
          Status::kOk);
  REQUIRE(bank.weight_count() <= 2 * 513);
  REQUIRE(bank.weight_count() > 900);
  for (std::size_t band = 0; band < 60; ++band) {
    INFO("band " << band);
    REQUIRE(bank.bin_count(band) >= 1);
    REQUIRE(bank.weight(band, bank.first_bin(band)) > 0.0f);
  }
}

TEST_CASE("filterbank configuration errors are reported", "[dsp][mel]") {
  MelFilterbank<8, 33> bank;
  REQUIRE(bank.configure({16000.0, 64, 9, 0.0, 8000.0, MelScale::kSlaney, MelNorm::kSlaney}) ==
          Status::kMelBandsExceedCapacity);
  REQUIRE(bank.configure({16000.0, 64, 0, 0.0, 8000.0, MelScale::kSlaney, MelNorm::kSlaney}) ==
          Status::kInvalidMelBandCount);
  REQUIRE(bank.configure({16000.0, 64, 8, 0.0, 8001.0, MelScale::kSlaney, MelNorm::kSlaney}) ==
          Status::kInvalidFrequencyRange);
  REQUIRE(bank.configure({16000.0, 64, 8, 300.0, 300.0, MelScale::kSlaney, MelNorm::kSlaney}) ==
          Status::kInvalidFrequencyRange);
  REQUIRE(bank.configure({16000.0, 128, 8, 0.0, 8000.0, MelScale::kSlaney, MelNorm::kSlaney}) ==
          Status::kFftSizeExceedsCapacity);
}

TEST_CASE("a range narrower than the bands' spacing gives empty bands, never more weights than "
          "the bank holds",
          "[dsp][mel]") {
  // fmin 1000 Hz, fmax the next double: the 130 band edges round to 1000 Hz, so every triangle
  // has zero width. librosa's Slaney norm then divides by zero (2 / (f[i+2] - f[i]) = inf) and
  // 0 * inf makes NaN weights; none may be stored (the sparse bank has room for 2 per bin).
  static MelFilterbank<128, 257> bank;
  const double fmax = std::nextafter(1000.0, 2000.0);
  for (MelNorm norm : {MelNorm::kSlaney, MelNorm::kNone}) {
    REQUIRE(bank.configure({16000.0, 512, 128, 1000.0, fmax, MelScale::kSlaney, norm}) ==
            Status::kOk);
    REQUIRE(bank.n_mels() == 128);
    REQUIRE(bank.weight_count() <= MelFilterbank<128, 257>::max_weights);
    static float spectrum[257];
    for (float& value : spectrum) value = 1.0f;
    float mel[128];
    bank.apply(spectrum, mel);
    for (float value : mel) REQUIRE(value == 0.0f);
  }
}

TEST_CASE("an infinite sample rate is refused, not turned into a bank of infinities",
          "[dsp][mel]") {
  static MelFilterbank<40, 257> bank;
  const double inf = HUGE_VAL;
  REQUIRE(bank.configure({inf, 512, 40, 0.0, 8000.0, MelScale::kSlaney, MelNorm::kSlaney}) ==
          Status::kInvalidSampleRate);
  REQUIRE(bank.configure({inf, 512, 40, 0.0, inf, MelScale::kSlaney, MelNorm::kSlaney}) ==
          Status::kInvalidSampleRate);
}

// The frontend_config fuzzer's finding (tests/fuzz/regressions/frontend_config): 228 bands
// between 3.415e-320 and 8.1387e-320 Hz. In denormals the band edges round out of order, and
// the last triangle, turned over, gave 32 bins an infinite weight: NaN features from silence.
TEST_CASE("band edges that round out of order into infinite weights are refused",
          "[dsp][mel]") {
  static MelFilterbank<228, 33> bank;
  REQUIRE(bank.configure({16000.0, 64, 228, 3.415e-320, 8.1387e-320, MelScale::kSlaney, MelNorm::kNone}) ==
          Status::kInvalidFrequencyRange);
  // The same bands over a normal range are accepted.
  REQUIRE(bank.configure({16000.0, 64, 228, 0.0, 8000.0, MelScale::kSlaney, MelNorm::kNone}) == Status::kOk);
}

// Its second finding: a sample rate of 4.3e-306 Hz, so bands of about 1e-308 Hz, where Slaney's
// normalisation 2 / width is beyond float: infinite weights, NaN features.
TEST_CASE("bands too narrow for Slaney's normalisation in float are refused", "[dsp][mel]") {
  static MelFilterbank<256, 5> bank;
  const double rate = 4.3172231845137257e-306;
  REQUIRE(bank.configure({rate, 8, 256, 6.953359952358e-310, rate / 2, MelScale::kSlaney, MelNorm::kSlaney}) ==
          Status::kInvalidFrequencyRange);
  // Peak-1 triangles (no normalisation) are finite there, and accepted.
  REQUIRE(bank.configure({rate, 8, 256, 6.953359952358e-310, rate / 2, MelScale::kSlaney, MelNorm::kNone}) ==
          Status::kOk);
}
