// Streaming equals file processing: blocks of any size give bitwise the frames of one call and
// of process(); center=true streams (begin/push/finish) give librosa's frames; the streaming
// top_db follows the running maximum; and nothing allocates while processing.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <vector>

#include "golden_cases.hpp"
#if EARSHOT_TEST_HAS_KISSFFT
#include "earshot/dsp/kiss_fft_backend.hpp"
#endif
#include "support/allocation_guard.hpp"

using earshot::FeatureKind;
using earshot::FrontendConfig;
using earshot::Status;

namespace {

using BuiltinFrontend = earshot::Frontend<1024, 60>;
#if EARSHOT_TEST_HAS_KISSFFT
using KissFrontend = earshot::Frontend<1024, 60, earshot::KissFftBackend<1024>>;
#define EARSHOT_DSP_TEST_FRONTENDS BuiltinFrontend, KissFrontend
#else
#define EARSHOT_DSP_TEST_FRONTENDS BuiltinFrontend
#endif

// Frames (time-major, concatenated) of a stream cut into blocks of random sizes in [0, max_block].
template <class FrontendType>
std::vector<float> stream(FrontendType& frontend, const std::vector<float>& signal,
                          std::size_t max_block, unsigned seed) {
  std::vector<float> frames;
  auto collect = [&](const float* frame) {
    frames.insert(frames.end(), frame, frame + frontend.feature_size());
  };
  std::mt19937 generator(seed);
  frontend.begin();
  std::size_t position = 0;
  while (position < signal.size()) {
    const std::size_t block =
        std::min<std::size_t>(signal.size() - position, generator() % (max_block + 1));
    frontend.push(signal.data() + position, block, collect);
    position += block;
  }
  frontend.finish(collect);
  return frames;
}

template <class FrontendType>
std::vector<float> whole(FrontendType& frontend, const std::vector<float>& signal) {
  std::vector<float> out(frontend.output_buffer_size(signal.size()));
  std::size_t frames = 0;
  REQUIRE(frontend.process(signal.data(), signal.size(), out.data(), out.size(), &frames) ==
          Status::kOk);
  out.resize(frames * frontend.feature_size());
  return out;
}

earshot::test::GoldenCase golden(const char* name) {
  for (const auto& c : earshot::test::golden_cases()) {
    if (std::string(c.name) == name) return c;
  }
  FAIL("no golden case " << name);
  return {};
}

}  // namespace

TEMPLATE_TEST_CASE("streaming with random block sizes gives bitwise the frames of one call (center=false)",
                   "[dsp][frontend][streaming]", EARSHOT_DSP_TEST_FRONTENDS) {
  static TestType frontend;
  const auto chirp = golden("chirp_thesis22k");
  const std::vector<float> signal = earshot::test::golden_input(chirp);
  for (const FeatureKind kind :
       {FeatureKind::kMel, FeatureKind::kDecibel, FeatureKind::kNaturalLog, FeatureKind::kMfcc}) {
    FrontendConfig config = chirp.config;
    config.center = false;
    config.kind = kind;
    config.n_mfcc = 13;
    REQUIRE(frontend.configure(config) == Status::kOk);
    const std::vector<float> one_call = stream(frontend, signal, signal.size() * 2, 0);
    REQUIRE(one_call.size() == frontend.frame_count(signal.size()) * frontend.feature_size());
    for (const std::size_t max_block : {1u, 7u, 100u, 4096u}) {
      INFO("kind " << static_cast<int>(kind) << ", blocks up to " << max_block);
      REQUIRE(stream(frontend, signal, max_block, static_cast<unsigned>(max_block)) == one_call);
    }
    if (kind == FeatureKind::kMel || kind == FeatureKind::kNaturalLog) {
      REQUIRE(whole(frontend, signal) == one_call);
    }
  }
}

TEMPLATE_TEST_CASE("center=true streaming with begin/finish equals whole-file processing",
                   "[dsp][frontend][streaming]", EARSHOT_DSP_TEST_FRONTENDS) {
  static TestType frontend;
  for (const char* name : {"fsdd_0_theo_0", "square_mfcc16k"}) {
    const auto c = golden(name);
    const std::vector<float> signal = earshot::test::golden_input(c);
    for (const FeatureKind kind :
         {FeatureKind::kMel, FeatureKind::kDecibel, FeatureKind::kNaturalLog, FeatureKind::kMfcc}) {
      FrontendConfig config = c.config;
      config.kind = kind;
      config.top_db = -1.0f;  // the one thing a stream cannot do like a file
      REQUIRE(frontend.configure(config) == Status::kOk);
      INFO(name << ", kind " << static_cast<int>(kind));
      const std::vector<float> file = whole(frontend, signal);
      REQUIRE(file.size() == (1 + signal.size() / config.hop_length) * frontend.feature_size());
      REQUIRE(stream(frontend, signal, 333, 1) == file);
    }
  }
}

TEST_CASE("streaming top_db clamps each frame against the running maximum",
          "[dsp][frontend][streaming]") {
  static BuiltinFrontend frontend;
  const auto c = golden("silence_impulse_demo16k");
  const std::vector<float> signal = earshot::test::golden_input(c);
  FrontendConfig config = c.config;
  config.kind = FeatureKind::kDecibel;
  config.top_db = -1.0f;
  REQUIRE(frontend.configure(config) == Status::kOk);
  const std::vector<float> unclamped = whole(frontend, signal);
  config.top_db = 80.0f;
  REQUIRE(frontend.configure(config) == Status::kOk);
  const std::vector<float> file = whole(frontend, signal);
  const std::vector<float> streamed = stream(frontend, signal, 50, 3);
  REQUIRE(streamed.size() == file.size());
  const std::size_t n_mels = config.n_mels;
  const float loudest = *std::max_element(unclamped.begin(), unclamped.end());
  float peak = -1e30f;
  bool after_loudest = false;
  bool clamped_less_than_file = false;
  for (std::size_t t = 0; t < streamed.size() / n_mels; ++t) {
    const float* raw = unclamped.data() + t * n_mels;
    peak = std::max(peak, *std::max_element(raw, raw + n_mels));
    after_loudest = after_loudest || peak == loudest;
    for (std::size_t m = 0; m < n_mels; ++m) {
      const std::size_t i = t * n_mels + m;
      REQUIRE(streamed[i] == std::max(raw[m], peak - 80.0f));
      if (after_loudest) REQUIRE(streamed[i] == file[i]);
      clamped_less_than_file = clamped_less_than_file || streamed[i] < file[i];
    }
  }
  // The recording starts silent: the first frames really are clamped less than in the file.
  REQUIRE(clamped_less_than_file);
}

TEMPLATE_TEST_CASE("configuring and processing never allocate", "[dsp][frontend][allocation]",
                   EARSHOT_DSP_TEST_FRONTENDS) {
  static std::unique_ptr<TestType> frontend = std::make_unique<TestType>();
  const auto c = golden("square_mfcc16k");
  const std::vector<float> signal = earshot::test::golden_input(c);
  std::vector<float> out(signal.size());  // more than frames x n_mels
  FrontendConfig config = c.config;
  config.kind = FeatureKind::kMfcc;
  const std::size_t before = earshot::test::forbidden_allocation_count();
  float sum = 0.0f;
  std::size_t frames = 0;
  {
    earshot::test::ForbidAllocations forbid;
    REQUIRE(frontend->configure(config) == Status::kOk);
    REQUIRE(frontend->process(signal.data(), signal.size(), out.data(), out.size(), &frames) ==
            Status::kOk);
    frontend->begin();
    for (std::size_t i = 0; i + 7 <= signal.size(); i += 7) {
      frontend->push(signal.data() + i, 7, [&](const float* f) { sum += f[0]; });
    }
    frontend->finish([&](const float* f) { sum += f[0]; });
    frontend->compute_frame(signal.data(), out.data());
  }
  REQUIRE(frames == 51);
  REQUIRE(sum != 0.0f);
  REQUIRE(earshot::test::forbidden_allocation_count() == before);
}

TEST_CASE("a stream recovers from bad samples: later frames equal those of clean audio",
          "[dsp][frontend][streaming]") {
  // A float source can glitch: NaN, infinities, or a value so far beyond full scale that the
  // frame's power overflows to +inf dB. Frames that contain the sample are lost; every frame
  // after it must be what the clean stream gives (the running top_db peak included).
  static BuiltinFrontend frontend;
  FrontendConfig config;
  config.sample_rate = 8000;
  config.n_fft = 256;
  config.hop_length = 128;
  config.n_mels = 40;
  config.center = false;
  config.n_mfcc = 13;
  std::vector<float> clean(4096);
  // Loud first, so that the running peak comes from frames before the glitch.
  for (std::size_t i = 0; i < clean.size(); ++i) {
    clean[i] = (i < 1024 ? 0.9f : 0.1f) * static_cast<float>(std::sin(0.3 * static_cast<double>(i)));
  }
  const std::size_t glitch = 2000;  // in frames 14 and 15 (start 1792 and 1920)
  clean[glitch] = 0.0f;
  for (FeatureKind kind :
       {FeatureKind::kMel, FeatureKind::kDecibel, FeatureKind::kNaturalLog, FeatureKind::kMfcc}) {
    config.kind = kind;
    REQUIRE(frontend.configure(config) == Status::kOk);
    const std::vector<float> reference = stream(frontend, clean, 4096, 1);
    const std::size_t size = frontend.feature_size();
    for (float bad : {NAN, HUGE_VALF, -HUGE_VALF, 1e30f}) {
      INFO("kind " << static_cast<int>(kind) << ", sample " << bad);
      std::vector<float> signal = clean;
      signal[glitch] = bad;
      const std::vector<float> frames = stream(frontend, signal, 100, 2);
      REQUIRE(frames.size() == reference.size());
      for (std::size_t i = 0; i < frames.size(); ++i) {
        const std::size_t t = i / size;
        if (t < 14 || t > 15) REQUIRE(frames[i] == reference[i]);
      }
    }
  }
}
