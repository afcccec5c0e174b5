// MachineStateTracker: the thresholds, hysteresis, minimum duration, the gate's `off` and
// scores that are not numbers, on synthetic score streams against sequences worked out by hand.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "earshot/pipeline/machine_state.hpp"

namespace {

using earshot::MachineEvent;
using earshot::MachineState;
using earshot::MachineStateConfig;

constexpr float kGated = -1.0f;  // a step that is a gated window

// Feeds the scores as windows 0, 1, 2, ... ending at sample 100 x (k + 1), level -20 - k dBFS.
std::vector<MachineEvent> run(const MachineStateConfig& config, const std::vector<float>& scores) {
  earshot::MachineStateTracker tracker;
  REQUIRE(tracker.configure(config) == earshot::PipelineStatus::kOk);
  std::vector<MachineEvent> events;
  for (std::size_t k = 0; k < scores.size(); ++k) {
    const std::uint64_t sample = 100 * (k + 1);
    tracker.update(scores[k] == kGated, scores[k], -20.0 - static_cast<double>(k), sample,
                   static_cast<double>(sample) / 1000.0, [&](const MachineEvent& event) { events.push_back(event); });
  }
  return events;
}

std::vector<MachineState> states(const std::vector<MachineEvent>& events) {
  std::vector<MachineState> result;
  for (const MachineEvent& event : events) result.push_back(event.state);
  return result;
}

MachineStateConfig thresholds(float maintenance, float failure, float release = 1.0f, std::size_t min_windows = 1) {
  MachineStateConfig config;
  config.maintenance_score = maintenance;
  config.failure_score = failure;
  config.release = release;
  config.min_windows = min_windows;
  return config;
}

}  // namespace

TEST_CASE("the four state names") {
  CHECK(std::string(earshot::state_name(MachineState::kOff)) == "off");
  CHECK(std::string(earshot::state_name(MachineState::kNormal)) == "normal");
  CHECK(std::string(earshot::state_name(MachineState::kMaintenance)) == "maintenance");
  CHECK(std::string(earshot::state_name(MachineState::kFailure)) == "failure");
}

TEST_CASE("two thresholds: below the first normal, from it maintenance, from the second failure") {
  // 1 and 2: 0.5 normal, 1.0 maintenance (the threshold itself), 1.99 maintenance, 2.0 failure, 0.9 normal.
  const auto events = run(thresholds(1.0f, 2.0f), {0.5f, 1.0f, 1.99f, 2.0f, 0.9f});
  REQUIRE(states(events) == std::vector<MachineState>{MachineState::kNormal, MachineState::kMaintenance,
                                                      MachineState::kFailure, MachineState::kNormal});
  CHECK(events[0].first);
  CHECK_FALSE(events[1].first);
  CHECK(events[1].previous == MachineState::kNormal);
  CHECK(events[1].score == 1.0f);
  CHECK(events[1].level_dbfs == -21.0);
  CHECK(events[1].sample == 200);
  CHECK(events[1].seconds == 0.2);
  CHECK(events[2].sample == 400);
  CHECK(events[2].previous == MachineState::kMaintenance);
  CHECK(events[3].previous == MachineState::kFailure);
}

TEST_CASE("hysteresis: a raised state is left only below release x its threshold") {
  // release 0.5: in maintenance (threshold 1) the way down is below 0.5; in failure (2) below 1.
  // 1.2 maintenance; 0.6 stays; 0.49 normal; 0.6 normal (below 1 again); 2.5 failure; 1.1 stays;
  // 0.99 maintenance (below 1 = 0.5 x 2, not below 0.5); 0.4 normal.
  const auto events = run(thresholds(1.0f, 2.0f, 0.5f), {1.2f, 0.6f, 0.49f, 0.6f, 2.5f, 1.1f, 0.99f, 0.4f});
  CHECK(states(events) == std::vector<MachineState>{MachineState::kMaintenance, MachineState::kNormal,
                                                    MachineState::kFailure, MachineState::kMaintenance,
                                                    MachineState::kNormal});
  REQUIRE(events.size() == 5);
  CHECK(events[1].sample == 300);
  CHECK(events[3].sample == 700);
}

TEST_CASE("a minimum duration: one odd window flips nothing") {
  // min_windows 3: normal after three windows; one failure window is ignored; three maintenance
  // windows in a row make the change, reported at the third.
  const auto events = run(thresholds(1.0f, 2.0f, 1.0f, 3), {0.1f, 0.1f, 0.1f, 5.0f, 0.1f, 1.5f, 1.5f, 1.5f});
  REQUIRE(states(events) == std::vector<MachineState>{MachineState::kNormal, MachineState::kMaintenance});
  CHECK(events[0].sample == 300);
  CHECK(events[1].sample == 800);
  CHECK(events[1].score == 1.5f);
}

TEST_CASE("a gated window is off, with score 0 and its level") {
  const auto events = run(thresholds(1.0f, 2.0f), {0.5f, kGated, kGated, 0.5f});
  REQUIRE(states(events) == std::vector<MachineState>{MachineState::kNormal, MachineState::kOff,
                                                      MachineState::kNormal});
  CHECK(events[1].score == 0.0f);
  CHECK(events[1].level_dbfs == -21.0);
  CHECK(events[1].previous == MachineState::kNormal);
}

TEST_CASE("a score that is not a number decides nothing and does not interrupt a change") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  // min_windows 2: 0.1 0.1 normal at the second; 1.5 NaN 1.5: the NaN neither counts nor breaks
  // the run, so maintenance comes at the second 1.5.
  const auto events = run(thresholds(1.0f, 2.0f, 1.0f, 2), {0.1f, 0.1f, 1.5f, nan, 1.5f, nan, nan});
  REQUIRE(states(events) == std::vector<MachineState>{MachineState::kNormal, MachineState::kMaintenance});
  CHECK(events[1].sample == 500);
  // Infinity is a number: failure.
  CHECK(states(run(thresholds(1.0f, 2.0f), {std::numeric_limits<float>::infinity()})) ==
        std::vector<MachineState>{MachineState::kFailure});
}

TEST_CASE("thresholds that cannot be ordered are refused") {
  earshot::MachineStateTracker tracker;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (const MachineStateConfig& bad : {thresholds(2.0f, 1.0f), thresholds(-1.0f, 1.0f), thresholds(nan, 1.0f),
                                        thresholds(1.0f, nan), thresholds(1.0f, 2.0f, 0.0f),
                                        thresholds(1.0f, 2.0f, 1.5f), thresholds(1.0f, 2.0f, 1.0f, 0)}) {
    CHECK(tracker.configure(bad) == earshot::PipelineStatus::kInvalidStateThresholds);
  }
  CHECK(tracker.configure(thresholds(1.0f, 1.0f)) == earshot::PipelineStatus::kOk);  // no maintenance band
  CHECK(std::string(earshot::describe(earshot::PipelineStatus::kInvalidStateThresholds)).find("maintenance") !=
        std::string::npos);
}
