// AnomalyMonitor with hand-built reconstructions: a dense layer that returns k times its input
// scores a z-scored window (mean 0, population variance 1) at (1 - k)^2 x mean(x^2) = (1 - k)^2,
// so the scores, their average over the horizon and the states follow by hand; the gate gives
// `off`, silence restarts the average, NaN samples decide nothing, and block sizes do not matter.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "earshot/nn/dense.hpp"
#include "earshot/nn/flatten.hpp"
#include "earshot/nn/model.hpp"
#include "earshot/pipeline/anomaly_monitor.hpp"
#include "pipeline_test_support.hpp"
#include "support/allocation_guard.hpp"
#include "test_model.hpp"

namespace {

using earshot::MachineEvent;
using earshot::MachineState;
using earshot::PipelineStatus;
using earshot::ScoredWindow;

constexpr int kValues = 40 * 2;  // FSDD's 40 mels x 2 frames

template <int kNumerator, int kDenominator>
struct Scaled {
  // k x identity, [inputs][units]
  alignas(16) static constexpr std::array<float, kValues * kValues> kernel = [] {
    std::array<float, kValues * kValues> values{};
    for (int i = 0; i < kValues; ++i) values[i * kValues + i] = static_cast<float>(kNumerator) / kDenominator;
    return values;
  }();
  using Model = earshot::nn::Model<earshot::nn::Input<40, 2, 1>, earshot::nn::Flatten,
                                   earshot::nn::Dense<kValues, kernel, earshot::nn::no_bias>>;
  using Monitor = earshot::AnomalyMonitor<Model, earshot::test::FsddFrontend, 4>;
};

earshot::AnomalyMonitorConfig config(float maintenance, float failure, std::size_t horizon = 1) {
  earshot::AnomalyMonitorConfig result;
  result.pipeline = earshot::test::fsdd_pipeline_config(false);  // a stream: no centring
  result.pipeline.hop_frames = 2;
  result.pipeline.level_gate_dbfs = -60.0;
  result.horizon = horizon;
  result.states.maintenance_score = maintenance;
  result.states.failure_score = failure;
  return result;
}

struct Run {
  std::vector<MachineEvent> events;
  std::vector<float> scores;
  std::vector<float> smoothed;
  std::vector<bool> gated;
};

template <class Monitor, class Sample>
Run run(Monitor& monitor, const std::vector<Sample>& signal, std::size_t block) {
  Run result;
  monitor.begin();
  for (std::size_t first = 0; first < signal.size(); first += block) {
    const std::size_t count = signal.size() - first < block ? signal.size() - first : block;
    monitor.push(
        signal.data() + first, count, [&](const MachineEvent& event) { result.events.push_back(event); },
        [&](const ScoredWindow& window) {
          result.scores.push_back(window.score);
          result.smoothed.push_back(window.smoothed_score);
          result.gated.push_back(window.window.gated);
          CHECK(window.state == monitor.state());
        });
  }
  return result;
}

}  // namespace

TEST_CASE("reconstruction error: the mean squared difference") {
  const float input[] = {1.0f, 2.0f, 3.0f};
  const float output[] = {1.0f, 0.0f, 0.0f};
  CHECK(earshot::reconstruction_error(input, output, 3) == Approx(13.0 / 3.0).epsilon(1e-7));
  CHECK(earshot::reconstruction_error(input, input, 3) == 0.0f);
  CHECK(earshot::reconstruction_error(input, output, 0) == 0.0f);
}

TEST_CASE("a window's score is the error of its reconstruction: (1 - k)^2 for k x the z-scored window") {
  const std::vector<float> signal = earshot::test::test_signal(8000);  // 1 s
  auto half = std::make_unique<Scaled<1, 2>::Monitor>();
  REQUIRE(half->configure(config(0.2f, 0.3f)) == PipelineStatus::kOk);
  const Run halved = run(*half, signal, 512);
  // center=false, 8000 samples: 1 + (8000 - 256) / 128 = 61 frames; 2-frame windows every 2: 30.
  REQUIRE(halved.scores.size() == 30);
  for (const float score : halved.scores) CHECK(score == Approx(0.25).epsilon(1e-5));
  // 0.25 is maintenance (0.2 <= 0.25 < 0.3), from the first window on.
  REQUIRE(halved.events.size() == 1);
  CHECK(halved.events[0].first);
  CHECK(halved.events[0].state == MachineState::kMaintenance);
  CHECK(halved.events[0].score == halved.scores[0]);
  CHECK(halved.events[0].sample == 384);  // the first window's 2 frames end at 128 + 256

  // The same windows through k = 0 score 1: mean(x^2) of a z-scored window, failure at 0.3.
  auto zero = std::make_unique<Scaled<0, 1>::Monitor>();
  REQUIRE(zero->configure(config(0.2f, 0.3f)) == PipelineStatus::kOk);
  const Run zeroed = run(*zero, signal, 512);
  for (std::size_t k = 0; k < zeroed.scores.size(); ++k) CHECK(zeroed.scores[k] == Approx(4.0f * halved.scores[k]));
  REQUIRE(zeroed.events.size() == 1);
  CHECK(zeroed.events[0].state == MachineState::kFailure);
  // And k = 1 reconstructs exactly: score 0, normal.
  auto same = std::make_unique<Scaled<1, 1>::Monitor>();
  REQUIRE(same->configure(config(0.2f, 0.3f)) == PipelineStatus::kOk);
  const Run exact = run(*same, signal, 512);
  for (const float score : exact.scores) CHECK(score == 0.0f);
  REQUIRE(exact.events.size() == 1);
  CHECK(exact.events[0].state == MachineState::kNormal);
}

TEST_CASE("silence below the gate is off and restarts the average, and the machine's stop and start are not scored") {
  // 0.5 s of signal, 0.5 s of digital silence, 0.5 s of signal; horizon 3. Window k reads samples
  // [256 k, 256 k + 384) and its level the last 256 of them, in two segments of 128: windows 16-29
  // are silent (gated). Window 15's second segment, [4096, 4224), is silence: no score (the
  // stop). Windows 30 and 31 still read silent samples (settling_windows = ceil(384 / 256) = 2):
  // no score (the start).
  std::vector<float> signal = earshot::test::test_signal(12000);
  for (std::size_t i = 4000; i < 8000; ++i) signal[i] = 0.0f;
  auto monitor = std::make_unique<Scaled<1, 2>::Monitor>();
  REQUIRE(monitor->configure(config(0.2f, 0.3f, 3)) == PipelineStatus::kOk);
  CHECK(monitor->settling_windows() == 2);
  const Run result = run(*monitor, signal, 300);
  REQUIRE(result.events.size() == 3);
  CHECK(result.events[0].state == MachineState::kMaintenance);
  CHECK(result.events[1].state == MachineState::kOff);
  CHECK(result.events[1].sample == 16 * 256 + 384);
  CHECK(result.events[1].score == 0.0f);
  CHECK(std::isinf(result.events[1].level_dbfs));
  CHECK(result.events[2].state == MachineState::kMaintenance);
  CHECK(result.events[2].sample == 32 * 256 + 384);
  // The smoothed score is the mean of the last (up to) 3 scores since the last gated window.
  std::size_t since_gate = 0;
  for (std::size_t k = 0; k < result.scores.size(); ++k) {
    CAPTURE(k);
    CHECK(result.gated[k] == (k >= 16 && k <= 29));
    if (result.gated[k]) {
      since_gate = 0;
      CHECK(result.smoothed[k] == 0.0f);
      continue;
    }
    if (k == 15 || k == 30 || k == 31) {
      CHECK(std::isnan(result.scores[k]));
      CHECK(std::isnan(result.smoothed[k]));
      continue;
    }
    ++since_gate;
    const std::size_t n = since_gate < 3 ? since_gate : 3;
    double sum = 0.0;
    for (std::size_t j = k + 1 - n; j <= k; ++j) sum += result.scores[j];
    CHECK(result.smoothed[k] == static_cast<float>(sum / static_cast<double>(n)));
  }
}

TEST_CASE("a NaN sample leaves its window without a score, deciding nothing, and the others are as clean audio") {
  std::vector<float> signal = earshot::test::test_signal(8000);
  const std::vector<float> clean = signal;
  // Window k reads samples [256 k, 256 k + 384): only window 7 reads sample 2000. In dB its frames
  // are the amin floor, a constant window that k = 1/2 would score 0: normal, were it scored.
  signal[2000] = std::numeric_limits<float>::quiet_NaN();
  auto monitor = std::make_unique<Scaled<1, 2>::Monitor>();
  REQUIRE(monitor->configure(config(0.2f, 0.3f, 1)) == PipelineStatus::kOk);
  const Run spoiled = run(*monitor, signal, 256);
  const Run reference = run(*monitor, clean, 256);
  REQUIRE(spoiled.scores.size() == reference.scores.size());
  for (std::size_t k = 0; k < spoiled.scores.size(); ++k) {
    CAPTURE(k);
    CHECK(std::isnan(spoiled.scores[k]) == (k == 7));
    CHECK(std::isnan(spoiled.smoothed[k]) == (k == 7));
    if (k != 7) CHECK(spoiled.scores[k] == reference.scores[k]);
  }
  REQUIRE(spoiled.events.size() == 1);  // maintenance from the first window, never interrupted
  CHECK(spoiled.events[0].state == MachineState::kMaintenance);
}

TEST_CASE("scores are bitwise the same for any block size and int16, with no allocation") {
  const std::vector<float> signal = earshot::test::test_signal(8000);
  const std::vector<std::int16_t> pcm = earshot::test::to_int16(signal);
  auto monitor = std::make_unique<Scaled<1, 2>::Monitor>();
  REQUIRE(monitor->configure(config(0.2f, 0.3f, 4)) == PipelineStatus::kOk);
  const Run reference = run(*monitor, signal, signal.size());
  const Run reference_pcm = run(*monitor, pcm, pcm.size());
  for (const std::size_t block : {std::size_t{1}, std::size_t{7}, std::size_t{160}}) {
    CAPTURE(block);
    CHECK(run(*monitor, signal, block).smoothed == reference.smoothed);
    CHECK(run(*monitor, pcm, block).smoothed == reference_pcm.smoothed);
  }
  std::size_t windows = 0;
  const auto before = earshot::test::forbidden_allocation_count();
  {
    earshot::test::ForbidAllocations forbid;
    monitor->begin();
    monitor->push(signal.data(), signal.size(), [](const MachineEvent&) {}, [&](const ScoredWindow&) { ++windows; });
  }
  CHECK(earshot::test::forbidden_allocation_count() == before);
  CHECK(windows == 30);
}

TEST_CASE("a bad horizon or bad thresholds are refused at configure") {
  auto monitor = std::make_unique<Scaled<1, 2>::Monitor>();
  CHECK(monitor->configure(config(0.2f, 0.3f, 0)) == PipelineStatus::kInvalidVoteHorizon);
  CHECK(monitor->configure(config(0.2f, 0.3f, 5)) == PipelineStatus::kInvalidVoteHorizon);
  CHECK(monitor->configure(config(0.3f, 0.2f)) == PipelineStatus::kInvalidStateThresholds);
  earshot::AnomalyMonitorConfig wrong_features = config(0.2f, 0.3f);
  wrong_features.pipeline.frontend.n_mels = 20;
  CHECK(monitor->configure(wrong_features) == PipelineStatus::kFeatureCountMismatch);
}
