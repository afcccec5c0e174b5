// The whole front-end (file mode, process()) against librosa 0.11 golden outputs, with the
// tolerances of issue 2: dB within 0.01 dB where the reference is within 60 dB of the case's
// maximum and 0.1 dB within 80 dB; mel within 1e-4 of the frame maximum; MFCC within 0.01.
// The worst error of every case is printed (WARN) for the record.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "golden_cases.hpp"
#if EARSHOT_TEST_HAS_KISSFFT
#include "earshot/dsp/kiss_fft_backend.hpp"
#endif

using earshot::FeatureKind;
using earshot::Status;
using earshot::test::GoldenCase;

namespace {

using BuiltinFrontend = earshot::Frontend<1024, 60>;

template <class FrontendType>
std::vector<float> run(FrontendType& frontend, const GoldenCase& golden, FeatureKind kind,
                       const std::vector<float>& signal) {
  earshot::FrontendConfig config = golden.config;
  config.kind = kind;
  REQUIRE(frontend.configure(config) == Status::kOk);
  std::vector<float> out(frontend.output_buffer_size(signal.size()));
  std::size_t frames = 0;
  REQUIRE(frontend.process(signal.data(), signal.size(), out.data(), out.size(), &frames) ==
          Status::kOk);
  REQUIRE(frames == frontend.frame_count(signal.size()));
  out.resize(frames * frontend.feature_size());
  return out;
}

struct Reference {
  std::vector<float> values;  // time-major
  std::size_t rows = 0;
  std::size_t frames = 0;
};

Reference reference(const GoldenCase& golden, const char* file) {
  Reference r;
  r.values = earshot::test::golden_output_time_major(golden, file, &r.rows, &r.frames);
  return r;
}

template <class FrontendType>
void check_case(const GoldenCase& golden, const char* backend) {
  static std::unique_ptr<FrontendType> frontend = std::make_unique<FrontendType>();
  const std::vector<float> signal = earshot::test::golden_input(golden);
  INFO("case " << golden.name << ", " << backend);

  // Linear mel: error relative to the frame's maximum.
  const Reference mel_ref = reference(golden, "mel.npy");
  const std::vector<float> mel = run(*frontend, golden, FeatureKind::kMel, signal);
  REQUIRE(mel.size() == mel_ref.values.size());
  REQUIRE(mel_ref.rows == golden.config.n_mels);
  double mel_worst = 0.0;
  for (std::size_t t = 0; t < mel_ref.frames; ++t) {
    const float* ref = mel_ref.values.data() + t * mel_ref.rows;
    const float frame_max = *std::max_element(ref, ref + mel_ref.rows);
    for (std::size_t m = 0; m < mel_ref.rows; ++m) {
      const double error = std::fabs(mel[t * mel_ref.rows + m] - ref[m]);
      // A silent frame (max 0) must be exactly 0.
      mel_worst = std::max(mel_worst, frame_max > 0.0f ? error / frame_max : error * 1e30);
    }
  }

  // dB: absolute error in dB where the reference is within 60 / 80 dB of the case maximum.
  const Reference db_ref = reference(golden, "db.npy");
  const std::vector<float> db = run(*frontend, golden, FeatureKind::kDecibel, signal);
  REQUIRE(db.size() == db_ref.values.size());
  const float db_max = *std::max_element(db_ref.values.begin(), db_ref.values.end());
  double db_worst_60 = 0.0, db_worst_80 = 0.0;
  for (std::size_t i = 0; i < db.size(); ++i) {
    const double error = std::fabs(db[i] - db_ref.values[i]);
    if (db_ref.values[i] >= db_max - 60.0f) db_worst_60 = std::max(db_worst_60, error);
    if (db_ref.values[i] >= db_max - 80.0f) db_worst_80 = std::max(db_worst_80, error);
  }

  // ln: the 0.01 dB tolerance in nepers (0.01 ln(10) / 10) within 60 dB of the case maximum
  // (a factor 1e-6 in power, 1e-3 in magnitude).
  const Reference ln_ref = reference(golden, "ln.npy");
  const std::vector<float> ln = run(*frontend, golden, FeatureKind::kNaturalLog, signal);
  REQUIRE(ln.size() == ln_ref.values.size());
  const float mel_max = *std::max_element(mel_ref.values.begin(), mel_ref.values.end());
  const float ln_floor =
      mel_max * (golden.config.spectrum == earshot::Spectrum::kPower ? 1e-6f : 1e-3f);
  double ln_worst = 0.0;
  for (std::size_t i = 0; i < ln.size(); ++i) {
    if (mel_ref.values[i] >= ln_floor) {
      ln_worst = std::max(ln_worst, static_cast<double>(std::fabs(ln[i] - ln_ref.values[i])));
    }
  }

  double mfcc_worst = 0.0;
  if (golden.has_mfcc) {
    const Reference mfcc_ref = reference(golden, "mfcc.npy");
    REQUIRE(mfcc_ref.rows == golden.config.n_mfcc);
    const std::vector<float> mfcc = run(*frontend, golden, FeatureKind::kMfcc, signal);
    REQUIRE(mfcc.size() == mfcc_ref.values.size());
    for (std::size_t i = 0; i < mfcc.size(); ++i) {
      mfcc_worst = std::max(mfcc_worst, static_cast<double>(std::fabs(mfcc[i] - mfcc_ref.values[i])));
    }
  }

  WARN(backend << " " << golden.name << " (" << mel_ref.frames << " frames): worst mel "
               << mel_worst << " of frame max, dB " << db_worst_60 << " (<=60 dB) " << db_worst_80
               << " (<=80 dB), ln " << ln_worst << ", mfcc "
               << (golden.has_mfcc ? std::to_string(mfcc_worst) : std::string("-")));
  CHECK(mel_worst <= 1e-4);
  CHECK(db_worst_60 <= 0.01);
  CHECK(db_worst_80 <= 0.1);
  CHECK(ln_worst <= 0.01 * std::log(10.0) / 10.0);
  CHECK(mfcc_worst <= 0.01);
}

}  // namespace

TEST_CASE("front-end matches librosa golden outputs (built-in FFT)", "[dsp][frontend][golden]") {
  for (const GoldenCase& golden : earshot::test::golden_cases()) {
    check_case<BuiltinFrontend>(golden, "built-in");
  }
}

#if EARSHOT_TEST_HAS_KISSFFT
TEST_CASE("front-end matches librosa golden outputs (KissFFT)", "[dsp][frontend][golden]") {
  using KissFrontend = earshot::Frontend<1024, 60, earshot::KissFftBackend<1024>>;
  for (const GoldenCase& golden : earshot::test::golden_cases()) {
    check_case<KissFrontend>(golden, "kissfft");
  }
}
#endif
