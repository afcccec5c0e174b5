// FeatureWindows: windows are the whole-file front-end output sliced and transposed, the clip
// padding rule, block-size invariance, no allocation, and the level meter against hand-computed
// RMS values.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "pipeline_test_support.hpp"
#include "support/allocation_guard.hpp"
#include "test_model.hpp"

namespace {

using earshot::PipelineStatus;
using earshot::WindowView;
using Windows = earshot::FeatureWindows<earshot::test::FsddFrontend, 40, 32>;
constexpr std::size_t kFrames = 32;
constexpr std::size_t kMels = 40;
// A segment's squares are summed in float (level_meter.hpp): relative error below n 2^-24 for n
// squares, here at most 1024, so a level is within 10 log10(1 + 1024 2^-24) dB of the exact one.
const double kLevelToleranceDb = 10.0 * std::log10(1.0 + 1024.0 * std::ldexp(1.0, -24));

// The front-end's whole-signal output (librosa's semantics), time-major.
std::vector<float> whole_file_features(const earshot::PipelineConfig& config,
                                       const std::vector<float>& signal, std::size_t& frames) {
  auto frontend = std::make_unique<earshot::test::FsddFrontend>();
  REQUIRE(frontend->configure(config.frontend) == earshot::Status::kOk);
  std::vector<float> out(frontend->output_buffer_size(signal.size()));
  REQUIRE(frontend->process(signal.data(), signal.size(), out.data(), out.size(), &frames) ==
          earshot::Status::kOk);
  return out;
}

// Window starting at `first_frame` of time-major features, as (mel, frame) row-major.
std::vector<float> slice_transposed(const std::vector<float>& features, std::size_t first_frame) {
  std::vector<float> window(kMels * kFrames);
  for (std::size_t t = 0; t < kFrames; ++t) {
    for (std::size_t m = 0; m < kMels; ++m) {
      window[m * kFrames + t] = features[(first_frame + t) * kMels + m];
    }
  }
  return window;
}

void check_windows_are_sliced_features(bool center, std::size_t length) {
  earshot::PipelineConfig config = earshot::test::fsdd_pipeline_config(center);
  config.normalization = earshot::WindowNormalization::kNone;
  const std::vector<float> signal = earshot::test::test_signal(length);
  std::size_t frames = 0;
  const std::vector<float> features = whole_file_features(config, signal, frames);

  auto windows = std::make_unique<Windows>();
  REQUIRE(windows->configure(config) == PipelineStatus::kOk);
  const auto collected = earshot::test::collect_windows(*windows, signal, 160, center);
  REQUIRE(collected.finish_status == PipelineStatus::kOk);

  // Windows start at frames 0, 16, 32, ... while start + 32 <= frames.
  const std::size_t expected = (frames - kFrames) / 16 + 1;
  REQUIRE(collected.views.size() == expected);
  for (std::size_t k = 0; k < expected; ++k) {
    const WindowView& view = collected.views[k];
    CHECK(view.index == k);
    CHECK(view.first_frame == 16 * k);
    // The last frame (first + 31) ends at (first + 31) * hop + n_fft in the padded signal.
    const std::uint64_t end = (16 * k + 31) * 128 + 256 - (center ? 128 : 0);
    CHECK(view.end_sample == end);
    CHECK(view.seconds == Approx(static_cast<double>(end) / 8000.0));
    const std::vector<float> reference = slice_transposed(features, 16 * k);
    CHECK(std::memcmp(reference.data(), collected.inputs.data() + k * kMels * kFrames,
                      reference.size() * sizeof(float)) == 0);
  }
}

}  // namespace

TEST_CASE("clip-mode windows are the whole-file front-end output sliced every 16 frames") {
  // 14000 samples, center=true: 1 + 14000 / 128 = 110 frames -> windows at 0, 16, ..., 64.
  check_windows_are_sliced_features(true, 14000);
}

TEST_CASE("continuous-mode windows are the front-end output without centring, sliced") {
  // center=false: 1 + (14000 - 256) / 128 = 108 frames -> windows at 0, ..., 64.
  check_windows_are_sliced_features(false, 14000);
}

TEST_CASE("a clip shorter than 31 hops is zero-padded at its end and gives exactly one window") {
  earshot::PipelineConfig config = earshot::test::fsdd_pipeline_config(true);
  config.normalization = earshot::WindowNormalization::kNone;
  auto windows = std::make_unique<Windows>();
  REQUIRE(windows->configure(config) == PipelineStatus::kOk);
  CHECK(windows->minimum_clip_samples() == 3968);  // (32 - 1) x 128

  for (const std::size_t length : {std::size_t{1}, std::size_t{1120}, std::size_t{3967}}) {
    CAPTURE(length);
    const std::vector<float> clip = earshot::test::test_signal(length);
    std::vector<float> padded = clip;
    padded.resize(3968, 0.0f);
    std::size_t frames = 0;
    const std::vector<float> features = whole_file_features(config, padded, frames);
    REQUIRE(frames == 32);
    const auto collected = earshot::test::collect_windows(*windows, clip, 7, true);
    REQUIRE(collected.finish_status == PipelineStatus::kOk);
    REQUIRE(collected.views.size() == 1);
    // The last frame ends at 31 x 128 + 256 - 128 = 4096: inside the right centre padding.
    CHECK(collected.views[0].end_sample == 4096);
    CHECK(collected.inputs == slice_transposed(features, 0));
  }

  // Exactly 3968 samples need no padding; without padding 3967 give no window.
  const auto exact = earshot::test::collect_windows(*windows, earshot::test::test_signal(3968), 160, true);
  CHECK(exact.views.size() == 1);
  config.pad_short_clips = false;
  REQUIRE(windows->configure(config) == PipelineStatus::kOk);
  const auto short_clip =
      earshot::test::collect_windows(*windows, earshot::test::test_signal(3967), 160, true);
  CHECK(short_clip.views.empty());
  CHECK(short_clip.finish_status == PipelineStatus::kClipTooShort);
}

TEST_CASE("the same windows for blocks of 1, 7, 160 and 4096 samples, float and int16") {
  const std::vector<float> signal = earshot::test::test_signal(13000);
  const std::vector<std::int16_t> pcm = earshot::test::to_int16(signal);
  for (const bool center : {true, false}) {
    CAPTURE(center);
    auto windows = std::make_unique<Windows>();
    REQUIRE(windows->configure(earshot::test::fsdd_pipeline_config(center)) == PipelineStatus::kOk);
    const auto reference = earshot::test::collect_windows(*windows, signal, 13000, center);
    const auto reference_pcm = earshot::test::collect_windows(*windows, pcm, 13000, center);
    REQUIRE(reference.views.size() == 5);
    for (const std::size_t block : {std::size_t{1}, std::size_t{7}, std::size_t{160}, std::size_t{4096}}) {
      CAPTURE(block);
      const auto floats = earshot::test::collect_windows(*windows, signal, block, center);
      const auto ints = earshot::test::collect_windows(*windows, pcm, block, center);
      CHECK(floats.inputs == reference.inputs);  // bitwise: == on float vectors
      CHECK(ints.inputs == reference_pcm.inputs);
      REQUIRE(floats.views.size() == reference.views.size());
      for (std::size_t k = 0; k < floats.views.size(); ++k) {
        CHECK(floats.views[k].end_sample == reference.views[k].end_sample);
        CHECK(floats.views[k].level_dbfs == reference.views[k].level_dbfs);
        CHECK(ints.views[k].level_dbfs == reference_pcm.views[k].level_dbfs);
      }
    }
  }
}

TEST_CASE("int16 blocks give the windows and levels of float blocks holding x / 32768") {
  const std::vector<std::int16_t> pcm = earshot::test::to_int16(earshot::test::test_signal(12000));
  std::vector<float> scaled(pcm.size());
  for (std::size_t i = 0; i < pcm.size(); ++i) scaled[i] = static_cast<float>(pcm[i]) / 32768.0f;
  auto windows = std::make_unique<Windows>();
  // hop 128: frames overlap; hop 300 > n_fft 256: 44 samples between frames are read by no
  // frame, yet count in the level (PCM is converted into the frame buffer, so they take a path
  // of their own).
  for (const std::size_t hop_length : {std::size_t{128}, std::size_t{300}}) {
    CAPTURE(hop_length);
    earshot::PipelineConfig config = earshot::test::fsdd_pipeline_config(false);
    config.frontend.hop_length = hop_length;
    config.hop_frames = 4;
    REQUIRE(windows->configure(config) == PipelineStatus::kOk);
    for (const std::size_t block : {std::size_t{7}, std::size_t{160}}) {
      CAPTURE(block);
      const auto from_ints = earshot::test::collect_windows(*windows, pcm, block, false);
      const auto from_floats = earshot::test::collect_windows(*windows, scaled, block, false);
      // 1 + (12000 - 256) / hop frames: 92 (windows of 32 from frames 0, 4, ..., 60) or 40 (0, 4, 8)
      REQUIRE(from_ints.views.size() == (hop_length == 128 ? 16 : 3));
      CHECK(from_ints.inputs == from_floats.inputs);
      REQUIRE(from_floats.views.size() == from_ints.views.size());
      for (std::size_t k = 0; k < from_ints.views.size(); ++k) {
        CHECK(from_ints.views[k].level_dbfs == from_floats.views[k].level_dbfs);
        CHECK(from_ints.views[k].quietest_dbfs == from_floats.views[k].quietest_dbfs);
      }
    }
  }
}

TEST_CASE("pushing audio and finishing a clip allocate nothing") {
  const std::vector<float> signal = earshot::test::test_signal(9000);
  const std::vector<std::int16_t> pcm = earshot::test::to_int16(signal);
  auto windows = std::make_unique<Windows>();
  REQUIRE(windows->configure(earshot::test::fsdd_pipeline_config(true)) == PipelineStatus::kOk);
  static float input[kMels * kFrames];
  std::size_t count = 0;
  const auto before = earshot::test::forbidden_allocation_count();
  {
    earshot::test::ForbidAllocations forbid;
    auto on_window = [&](const WindowView&) {
      windows->copy_window(input);
      ++count;
    };
    windows->begin();
    windows->push(signal.data(), signal.size(), on_window);
    windows->push(pcm.data(), pcm.size(), on_window);
    (void)windows->finish(on_window);
  }
  CHECK(earshot::test::forbidden_allocation_count() == before);
  CHECK(count == 7);  // 1 + 18000 / 128 = 141 frames: windows start at 0, 16, ..., 96
}

TEST_CASE("a window's level is the RMS of the samples its frames brought in") {
  // Continuous mode, 0.5 for 4000 samples then 0.1. Window 0 spans frames 0..31: samples
  // [0, 31 x 128 + 256) = [0, 4224): 4000 at 0.5 and 224 at 0.1. Window 1 spans the segments of
  // frames 16..47: from the end of frame 15 (15 x 128 + 256 = 2176) to the end of frame 47
  // (6272): 1824 samples at 0.5 and 2272 at 0.1.
  std::vector<float> signal(8000, 0.1f);
  for (std::size_t i = 0; i < 4000; ++i) signal[i] = 0.5f;
  auto windows = std::make_unique<Windows>();
  REQUIRE(windows->configure(earshot::test::fsdd_pipeline_config(false)) == PipelineStatus::kOk);
  const auto stream = earshot::test::collect_windows(*windows, signal, 333, false);
  REQUIRE(stream.views.size() >= 2);
  const double square_01 = static_cast<double>(0.1f) * static_cast<double>(0.1f);
  const double window0 = (4000 * 0.25 + 224 * square_01) / 4224;
  const double window1 = (1824 * 0.25 + 2272 * square_01) / 4096;
  CHECK(stream.views[0].level_dbfs == Approx(10 * std::log10(window0)).margin(kLevelToleranceDb));
  CHECK(stream.views[1].level_dbfs == Approx(10 * std::log10(window1)).margin(kLevelToleranceDb));

  // Clip mode: the first window's segments include the 128 zeros of the centre padding:
  // 4224 samples, then the signal's first 4096 (4000 at 0.5, 96 at 0.1).
  REQUIRE(windows->configure(earshot::test::fsdd_pipeline_config(true)) == PipelineStatus::kOk);
  const auto clip = earshot::test::collect_windows(*windows, signal, 4096, true);
  const double clip0 = (4000 * 0.25 + 96 * square_01) / 4224;
  CHECK(clip.views[0].level_dbfs == Approx(10 * std::log10(clip0)).margin(kLevelToleranceDb));
}

TEST_CASE("windows below the level gate are flagged, and digital silence is -inf dBFS") {
  earshot::PipelineConfig config = earshot::test::fsdd_pipeline_config(false);
  config.level_gate_dbfs = -20.0;
  auto windows = std::make_unique<Windows>();
  REQUIRE(windows->configure(config) == PipelineStatus::kOk);
  // 0.25 is -12.04 dBFS, 0.05 is -26.02 dBFS.
  for (const float amplitude : {0.25f, 0.05f, 0.0f}) {
    CAPTURE(amplitude);
    const auto collected =
        earshot::test::collect_windows(*windows, std::vector<float>(5000, amplitude), 500, false);
    REQUIRE(collected.views.size() == 1);
    const double expected = 20.0 * std::log10(static_cast<double>(amplitude));
    if (amplitude > 0.0f) CHECK(collected.views[0].level_dbfs == Approx(expected).margin(kLevelToleranceDb));
    if (amplitude == 0.0f) CHECK(std::isinf(collected.views[0].level_dbfs));
    CHECK(collected.views[0].gated == (amplitude < 0.1f));
  }
}

TEST_CASE("a NaN sample gives its windows a NaN level, which no gate takes for silence") {
  earshot::PipelineConfig config = earshot::test::fsdd_pipeline_config(false);
  config.level_gate_dbfs = -20.0;
  auto windows = std::make_unique<Windows>();
  REQUIRE(windows->configure(config) == PipelineStatus::kOk);
  std::vector<float> signal(5000, 0.0f);
  signal[100] = std::nanf("");
  const auto collected = earshot::test::collect_windows(*windows, signal, 500, false);
  REQUIRE(collected.views.size() == 1);
  CHECK(std::isnan(collected.views[0].level_dbfs));
  CHECK_FALSE(collected.views[0].gated);
  CHECK(std::isnan(earshot::mean_square_to_dbfs(std::nan(""))));
  CHECK(earshot::mean_square_to_dbfs(0.0) == -std::numeric_limits<double>::infinity());
}

TEST_CASE("a window's quietest segment: one frame hop of its samples, by hand") {
  // 0.5 for 4160 samples, then zeros. Without centring, window 0's 32 segments are the first 256
  // samples and then one hop of 128 each, up to [4096, 4224): 64 of its 128 samples are 0.5, so
  // its mean square is 0.125 (-9.031 dBFS) against 0.25 (-6.021) for the others; window 1's
  // segments reach past 4224, into zeros only: -inf.
  earshot::PipelineConfig config = earshot::test::fsdd_pipeline_config(false);
  auto windows = std::make_unique<Windows>();
  REQUIRE(windows->configure(config) == PipelineStatus::kOk);
  std::vector<float> signal(8000, 0.0f);
  for (std::size_t i = 0; i < 4160; ++i) signal[i] = 0.5f;
  const auto collected = earshot::test::collect_windows(*windows, signal, 333, false);
  REQUIRE(collected.views.size() >= 2);
  CHECK(collected.views[0].quietest_dbfs == Approx(10.0 * std::log10(0.125)).margin(kLevelToleranceDb));
  CHECK(collected.views[0].level_dbfs > collected.views[0].quietest_dbfs);
  CHECK(collected.views[1].quietest_dbfs == -std::numeric_limits<double>::infinity());
  // A constant signal: every segment is the whole window's level.
  const auto constant = earshot::test::collect_windows(*windows, std::vector<float>(8000, 0.5f), 333, false);
  for (const WindowView& view : constant.views) CHECK(view.quietest_dbfs == Approx(10.0 * std::log10(0.25)).margin(kLevelToleranceDb));
}

TEST_CASE("a window is not finite exactly when its frames read a NaN or infinite sample") {
  // 32 frames of 256 every 128, a window every 16 frames: without centring window k reads samples
  // [2048 k, 2048 k + 4224); with centring (128 samples of padding) [2048 k - 128, 2048 k + 4096);
  // 12000 samples give 4 windows either way.
  struct Case {
    bool center;
    std::size_t bad;
    float value;
    std::vector<bool> finite;
  };
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  for (const Case& c : {Case{false, 4200, nan, {false, false, false, true}}, Case{false, 4230, nan, {true, false, false, true}},
                        Case{false, 2047, -inf, {false, true, true, true}}, Case{true, 0, inf, {false, true, true, true}},
                        Case{true, 3967, nan, {false, false, true, true}}, Case{true, 3968, nan, {false, false, false, true}}}) {
    CAPTURE(c.center, c.bad);
    earshot::PipelineConfig config = earshot::test::fsdd_pipeline_config(c.center);
    auto windows = std::make_unique<Windows>();
    REQUIRE(windows->configure(config) == PipelineStatus::kOk);
    std::vector<float> signal = earshot::test::test_signal(12000);
    signal[c.bad] = c.value;
    for (const std::size_t block : {std::size_t{1}, std::size_t{7}, std::size_t{4096}}) {
      CAPTURE(block);
      const auto collected = earshot::test::collect_windows(*windows, signal, block, c.center);
      std::vector<bool> finite;
      for (const WindowView& view : collected.views) finite.push_back(view.finite);
      CHECK(finite == c.finite);
    }
    // begin() forgets it.
    const auto clean = earshot::test::collect_windows(*windows, earshot::test::test_signal(12000), 4096, c.center);
    for (const WindowView& view : clean.views) CHECK(view.finite);
  }
}

TEST_CASE("configure reports what does not fit the window") {
  auto windows = std::make_unique<Windows>();
  earshot::PipelineConfig config = earshot::test::fsdd_pipeline_config(true);
  config.frontend.n_mels = 30;
  CHECK(windows->configure(config) == PipelineStatus::kFeatureCountMismatch);
  config = earshot::test::fsdd_pipeline_config(true);
  config.hop_frames = 0;
  CHECK(windows->configure(config) == PipelineStatus::kInvalidWindowHop);
  config = earshot::test::fsdd_pipeline_config(true);
  config.frontend.n_fft = 300;
  CHECK(windows->configure(config) == PipelineStatus::kFrontendRejected);
  CHECK(windows->frontend_status() == earshot::Status::kFftSizeNotSupported);
  CHECK_FALSE(windows->configured());
  CHECK(windows->finish([](const WindowView&) {}) == PipelineStatus::kNotConfigured);
  CHECK(std::string(earshot::describe(PipelineStatus::kClipTooShort)) == "too short for one analysis window");
  CHECK(earshot::hop_frames_for_overlap(32, 0.5) == 16);
  CHECK(earshot::hop_frames_for_overlap(31, 0.0) == 31);
  CHECK(earshot::hop_frames_for_overlap(32, 0.99) == 1);
  // Out of range: clamped (UBSan would flag the float-to-integer conversion otherwise).
  CHECK(earshot::hop_frames_for_overlap(32, 1.0) == 1);
  CHECK(earshot::hop_frames_for_overlap(32, 1e300) == 1);
  CHECK(earshot::hop_frames_for_overlap(32, -1e300) == 32);
  CHECK(earshot::hop_frames_for_overlap(32, std::numeric_limits<double>::quiet_NaN()) == 32);
  CHECK(earshot::hop_frames_for_overlap(0, 0.5) == 1);
}
