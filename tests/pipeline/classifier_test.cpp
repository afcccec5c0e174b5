// StreamingClassifier and Monitor with a small deterministic model: probabilities are the
// model's output on the normalised whole-file windows, bitwise the same for any block sizes,
// no allocation, gated windows skip inference, and a monitored stream's events as worked out by
// hand from the window spans.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <vector>

#include "earshot/dsp/normalize.hpp"
#include "earshot/pipeline/monitor.hpp"
#include "earshot/pipeline/streaming_classifier.hpp"
#include "pipeline_test_support.hpp"
#include "support/allocation_guard.hpp"
#include "test_model.hpp"

namespace {

using earshot::PipelineStatus;
using Model = earshot::test::PipelineTestModel;
using Classifier = earshot::StreamingClassifier<Model, earshot::test::FsddFrontend>;
using TestMonitor = earshot::Monitor<Model, earshot::test::FsddFrontend, 4>;

}  // namespace

TEST_CASE("window probabilities are the model's output on the z-scored whole-file window") {
  const earshot::PipelineConfig config = earshot::test::fsdd_pipeline_config(true);
  const std::vector<float> signal = earshot::test::test_signal(12000);
  auto frontend = std::make_unique<earshot::test::FsddFrontend>();
  REQUIRE(frontend->configure(config.frontend) == earshot::Status::kOk);
  std::vector<float> features(frontend->output_buffer_size(signal.size()));
  std::size_t frames = 0;
  REQUIRE(frontend->process(signal.data(), signal.size(), features.data(), features.size(), &frames) ==
          earshot::Status::kOk);

  auto classifier = std::make_unique<Classifier>();
  REQUIRE(classifier->configure(config) == PipelineStatus::kOk);
  const auto collected = earshot::test::collect_probabilities(*classifier, signal, 4096, true);
  REQUIRE(collected.views.size() == (frames - 32) / 16 + 1);  // 94 frames -> 4 windows
  auto model = std::make_unique<Model>();
  for (std::size_t k = 0; k < collected.views.size(); ++k) {
    std::vector<float> input(40 * 32);
    for (std::size_t t = 0; t < 32; ++t) {
      for (std::size_t m = 0; m < 40; ++m) input[m * 32 + t] = features[(16 * k + t) * 40 + m];
    }
    earshot::normalize_mean_std(input.data(), input.size());
    std::vector<float> expected(10);
    model->invoke(input.data(), expected.data());
    const std::vector<float> got(collected.probabilities.begin() + static_cast<long>(10 * k),
                                 collected.probabilities.begin() + static_cast<long>(10 * (k + 1)));
    CHECK(got == expected);
  }
}

TEST_CASE("bitwise the same probabilities for blocks of 1, 7, 160 and 4096 samples, no allocation") {
  const std::vector<float> signal = earshot::test::test_signal(12000);
  const std::vector<std::int16_t> pcm = earshot::test::to_int16(signal);
  auto classifier = std::make_unique<Classifier>();
  for (const bool center : {true, false}) {
    CAPTURE(center);
    REQUIRE(classifier->configure(earshot::test::fsdd_pipeline_config(center)) == PipelineStatus::kOk);
    const auto reference = earshot::test::collect_probabilities(*classifier, signal, signal.size(), center);
    const auto reference_pcm = earshot::test::collect_probabilities(*classifier, pcm, pcm.size(), center);
    REQUIRE(reference.views.size() == 4);
    for (const std::size_t block : {std::size_t{1}, std::size_t{7}, std::size_t{160}, std::size_t{4096}}) {
      CAPTURE(block);
      CHECK(earshot::test::collect_probabilities(*classifier, signal, block, center).probabilities ==
            reference.probabilities);
      CHECK(earshot::test::collect_probabilities(*classifier, pcm, block, center).probabilities ==
            reference_pcm.probabilities);
    }
  }

  double total = 0.0;
  std::size_t windows = 0;
  const auto before = earshot::test::forbidden_allocation_count();
  {
    earshot::test::ForbidAllocations forbid;
    auto on_window = [&](const Classifier::Result& result) {
      for (std::size_t c = 0; c < 10; ++c) total += result.probabilities[c];
      ++windows;
    };
    classifier->begin();
    classifier->push(signal.data(), signal.size(), on_window);
    classifier->push(pcm.data(), pcm.size(), on_window);
  }
  CHECK(earshot::test::forbidden_allocation_count() == before);
  CHECK(windows == 10);  // center=false, 24000 samples: 186 frames -> starts 0, 16, ..., 144
  CHECK(total == Approx(10.0));  // softmax outputs
}

TEST_CASE("windows below the level gate are not classified: all probabilities zero") {
  earshot::PipelineConfig config = earshot::test::fsdd_pipeline_config(false);
  config.level_gate_dbfs = -30.0;
  auto classifier = std::make_unique<Classifier>();
  REQUIRE(classifier->configure(config) == PipelineStatus::kOk);
  // 4224 samples of 0.01 (-40 dBFS): one gated window; 0.3 (-10.5 dBFS): one classified window.
  for (const float amplitude : {0.01f, 0.3f}) {
    const auto collected =
        earshot::test::collect_probabilities(*classifier, std::vector<float>(4224, amplitude), 4224, false);
    REQUIRE(collected.views.size() == 1);
    CHECK(collected.views[0].gated == (amplitude < 0.1f));
    double total = 0.0;
    for (const float p : collected.probabilities) total += p;
    CHECK(total == Approx(amplitude < 0.1f ? 0.0 : 1.0));
  }
}

TEST_CASE("a monitored stream reports silence, unknown and silence at hand-computed times") {
  // 16000 zeros, 16000 samples of a 0.5 sine at 500 Hz, 16000 zeros; continuous mode, gate -40
  // dBFS, threshold above any confidence (every classified window is unknown), 2 agreeing
  // windows. Window k >= 1 spans samples [2048k + 128, 2048k + 4224) (the segments of frames
  // 16k..16k+31), window 0 [0, 4224):
  //   windows 0..5 end by 16000: silent; window 6 [12416, 16512) holds 512 sine samples.
  //   windows 15 [30848, 34944) still holds sine; 16 [32896, 36992) on are silent.
  //   last window: 2048k + 4224 <= 48000 -> k = 21.
  // Events: silence at window 1's end (frame 47 ends at 47 x 128 + 256 = 6272), unknown at
  // window 7's (frame 143: 18560), silence at window 17's (frame 303: 39040).
  std::vector<float> signal(48000, 0.0f);
  for (std::size_t i = 16000; i < 32000; ++i) {
    signal[i] = static_cast<float>(0.5 * std::sin(2.0 * earshot::test::kPi * 500.0 * static_cast<double>(i) / 8000.0));
  }
  earshot::MonitorConfig config;
  config.pipeline = earshot::test::fsdd_pipeline_config(false);
  config.pipeline.level_gate_dbfs = -40.0;
  config.horizon = 3;
  config.decision.threshold = 1.5f;
  config.decision.min_consecutive = 2;
  auto monitor = std::make_unique<TestMonitor>();
  REQUIRE(monitor->configure(config) == PipelineStatus::kOk);
  for (const std::size_t block : {std::size_t{160}, std::size_t{4096}}) {
    CAPTURE(block);
    std::vector<earshot::StateEvent> events;
    std::size_t windows = 0;
    monitor->begin();
    for (std::size_t first = 0; first < signal.size(); first += block) {
      monitor->push(
          signal.data() + first, std::min(block, signal.size() - first),
          [&](const earshot::StateEvent& event) { events.push_back(event); },
          [&](const TestMonitor::Result& result, const earshot::Vote<10>& vote) {
            CHECK(result.window.index == windows++);
            CHECK((vote.index == earshot::kSilentClass) == result.window.gated);
          });
    }
    CHECK(windows == 22);
    REQUIRE(events.size() == 3);
    CHECK(events[0].state == earshot::kSilentClass);
    CHECK(events[0].sample == 6272);
    CHECK(events[0].seconds == Approx(0.784));
    CHECK(events[1].state == earshot::kUnknownClass);
    CHECK(events[1].previous == earshot::kSilentClass);
    CHECK(events[1].sample == 18560);
    CHECK(events[2].state == earshot::kSilentClass);
    CHECK(events[2].sample == 39040);
    CHECK(monitor->state() == earshot::kSilentClass);
  }
}

// The pipeline README's promise: a gated window empties the vote horizon, so a sound after a
// silence is voted on its own windows only, never on those before the silence. Sound, 12000
// zeros (several windows below the -40 dBFS gate), sound: the first vote after the gap counts
// one window, then two, up to the horizon, and each equals the mean of the windows since.
TEST_CASE("a gated window empties the vote horizon: the sound after a silence is voted on alone") {
  const std::vector<float> sound = earshot::test::test_signal(12000);
  std::vector<float> signal(sound);
  signal.resize(24000, 0.0f);
  signal.insert(signal.end(), sound.begin(), sound.end());
  earshot::MonitorConfig config;
  config.pipeline = earshot::test::fsdd_pipeline_config(false);
  config.pipeline.level_gate_dbfs = -40.0;
  config.horizon = 4;
  config.rule = earshot::VoteRule::kMean;
  auto monitor = std::make_unique<TestMonitor>();
  REQUIRE(monitor->configure(config) == PipelineStatus::kOk);
  std::vector<std::array<float, 10>> since_gate;  // the probabilities of the windows since the last gate
  std::size_t gated = 0;
  std::size_t after_gate = 0;
  monitor->begin();
  monitor->push(signal.data(), signal.size(), [](const earshot::StateEvent&) {},
                [&](const TestMonitor::Result& result, const earshot::Vote<10>& vote) {
                  if (result.window.gated) {
                    ++gated;
                    since_gate.clear();
                    return;
                  }
                  std::array<float, 10> probabilities{};
                  std::copy(result.probabilities, result.probabilities + 10, probabilities.begin());
                  since_gate.push_back(probabilities);
                  if (gated == 0) return;
                  ++after_gate;
                  const std::size_t counted = std::min<std::size_t>(since_gate.size(), 4);
                  REQUIRE(vote.windows == counted);
                  for (std::size_t c = 0; c < 10; ++c) {
                    float sum = 0.0f;
                    for (std::size_t w = since_gate.size() - counted; w < since_gate.size(); ++w) sum += since_gate[w][c];
                    CHECK(vote.scores[c] == Approx(sum / static_cast<float>(counted)).epsilon(1e-6));
                  }
                });
  CHECK(gated >= 2);
  CHECK(after_gate >= 4);
}

TEST_CASE("with a reachable threshold a monitored stream settles on a class") {
  earshot::MonitorConfig config;
  config.pipeline = earshot::test::fsdd_pipeline_config(false);
  config.horizon = 4;
  config.rule = earshot::VoteRule::kMean;
  auto monitor = std::make_unique<TestMonitor>();
  REQUIRE(monitor->configure(config) == PipelineStatus::kOk);
  const std::vector<std::int16_t> pcm = earshot::test::to_int16(earshot::test::test_signal(12000));
  std::vector<earshot::StateEvent> events;
  monitor->begin();
  monitor->push(pcm.data(), pcm.size(), [&](const earshot::StateEvent& event) { events.push_back(event); });
  REQUIRE_FALSE(events.empty());
  CHECK(events[0].previous == earshot::kUnknownClass);
  CHECK(events[0].state >= 0);
  CHECK(events[0].sample == 4224);  // the first window's end: every window is a decision
  CHECK(monitor->state() == events.back().state);
  config.horizon = 5;
  CHECK(monitor->configure(config) == PipelineStatus::kInvalidVoteHorizon);
}

TEST_CASE("a monitored stream recovers from NaN, infinite and far-beyond-full-scale samples") {
  // Continuous mode, one bad sample at 10000. Frames 77 and 78 ([9856, 10112), [9984, 10240))
  // hold it; windows 3 (frames 48..79) and 4 (64..95) hold those frames, and their level
  // segments ([6272, 10368), [8320, 12416)) the sample; a horizon of 3 carries their votes to
  // window 6. Every other window must vote and measure exactly as on the clean stream, for
  // every feature kind, with top_db on (a frame overflowed to +inf dB must not become the peak).
  const std::vector<float> clean = earshot::test::test_signal(60000);
  earshot::MonitorConfig config;
  config.pipeline = earshot::test::fsdd_pipeline_config(false);
  config.pipeline.frontend.top_db = 80.0f;
  config.pipeline.level_gate_dbfs = -60.0;
  config.horizon = 3;
  auto monitor = std::make_unique<TestMonitor>();
  struct Window {
    earshot::Vote<10> vote;
    double level;
  };
  auto run = [&](const std::vector<float>& signal) {
    std::vector<Window> windows;
    monitor->begin();
    monitor->push(
        signal.data(), signal.size(), [](const earshot::StateEvent&) {},
        [&](const TestMonitor::Result& result, const earshot::Vote<10>& vote) {
          windows.push_back({vote, result.window.level_dbfs});
        });
    return windows;
  };
  for (const earshot::FeatureKind kind : {earshot::FeatureKind::kMel, earshot::FeatureKind::kDecibel,
                                          earshot::FeatureKind::kNaturalLog}) {
    config.pipeline.frontend.kind = kind;
    REQUIRE(monitor->configure(config) == PipelineStatus::kOk);
    const std::vector<Window> reference = run(clean);
    REQUIRE(reference.size() == 28);
    for (const float bad : {NAN, HUGE_VALF, -HUGE_VALF, 1e30f}) {
      CAPTURE(static_cast<int>(kind), bad);
      std::vector<float> signal = clean;
      signal[10000] = bad;
      const std::vector<Window> windows = run(signal);
      REQUIRE(windows.size() == reference.size());
      for (std::size_t k = 0; k < windows.size(); ++k) {
        CAPTURE(k);
        if (k >= 3 && k <= 6) continue;
        CHECK(windows[k].vote.index == reference[k].vote.index);
        CHECK(windows[k].vote.scores == reference[k].vote.scores);
        CHECK(windows[k].level == reference[k].level);
      }
    }
  }
}
