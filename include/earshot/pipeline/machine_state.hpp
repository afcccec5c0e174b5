// The four states of a monitored machine, and how a stream of anomaly scores becomes them: `off`
// when the level gate finds the machine silent; otherwise `normal`, `maintenance` or `failure`
// by two thresholds on the (smoothed) score, with hysteresis (a raised state is left only when
// the score falls below a fraction of its threshold) and a minimum duration (a new state must be
// seen in min_windows windows in a row before it is reported), so one odd window flips nothing.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "earshot/pipeline/decision.hpp"
#include "earshot/pipeline/pipeline_status.hpp"

namespace earshot {

// Ordered: a larger value is a worse state (a log's "worst state" is the largest).
enum class MachineState : std::uint8_t { kOff, kNormal, kMaintenance, kFailure };

constexpr const char* state_name(MachineState state) noexcept {
  switch (state) {
    case MachineState::kOff:
      return "off";
    case MachineState::kNormal:
      return "normal";
    case MachineState::kMaintenance:
      return "maintenance";
    case MachineState::kFailure:
      return "failure";
  }
  return "unknown";
}

struct MachineStateConfig {
  float maintenance_score = 0.0f;  // a score at or above this: maintenance needed
  float failure_score = 0.0f;      // at or above this (>= maintenance_score): failure
  // Hysteresis, in (0, 1]: in a raised state the thresholds that would lower it are multiplied
  // by this, so a score hovering at a threshold does not toggle the state. 1: none.
  float release = 1.0f;
  std::size_t min_windows = 1;  // windows in a row a new state needs before it is reported
};

// Checks what MachineStateTracker::configure() accepts.
constexpr bool valid(const MachineStateConfig& config) noexcept {
  return config.maintenance_score >= 0.0f && config.failure_score >= config.maintenance_score &&
         config.release > 0.0f && config.release <= 1.0f && config.min_windows >= 1;
}

// The state a score points to while `reported` is the state reported now (hysteresis).
constexpr MachineState state_for_score(float score, const MachineStateConfig& config,
                                       MachineState reported) noexcept {
  const auto reaches = [&](float threshold, MachineState level) {
    return score >= (reported >= level ? threshold * config.release : threshold);
  };
  if (reaches(config.failure_score, MachineState::kFailure)) return MachineState::kFailure;
  if (reaches(config.maintenance_score, MachineState::kMaintenance)) return MachineState::kMaintenance;
  return MachineState::kNormal;
}

struct MachineEvent {
  MachineState state = MachineState::kOff;
  MachineState previous = MachineState::kOff;  // meaningless when first
  bool first = false;        // the first state since reset(): there was none before
  float score = 0.0f;        // the smoothed score of the window that completed the change (0 when off)
  double level_dbfs = 0.0;   // that window's level
  std::uint64_t sample = 0;  // that window's end (WindowView::end_sample)
  double seconds = 0.0;
};

class MachineStateTracker {
 public:
  PipelineStatus configure(const MachineStateConfig& config) noexcept {
    if (!valid(config)) return PipelineStatus::kInvalidStateThresholds;
    config_ = config;
    DecisionConfig decisions;
    decisions.min_consecutive = config.min_windows;
    decisions_.configure(decisions);
    return PipelineStatus::kOk;
  }

  const MachineStateConfig& config() const noexcept { return config_; }
  void reset() noexcept { decisions_.reset(); }
  // Whether a state has been reported since reset(), and which.
  bool has_state() const noexcept { return decisions_.state() >= 0; }
  MachineState state() const noexcept { return static_cast<MachineState>(has_state() ? decisions_.state() : 0); }

  // One window: gated (the machine is silent: off), or its smoothed anomaly score. A score that is
  // not a number (NaN samples upstream) decides nothing: it neither counts towards a change nor
  // interrupts one. Calls on_event(const MachineEvent&) and returns true when the state changes.
  template <class OnEvent>
  bool update(bool gated, float score, double level_dbfs, std::uint64_t sample, double seconds,
              OnEvent&& on_event) noexcept {
    if (!gated && std::isnan(score)) return false;
    const MachineState candidate = gated ? MachineState::kOff : state_for_score(score, config_, state());
    const int before = decisions_.state();
    return decisions_.update(static_cast<int>(candidate), 1.0f, sample, seconds, [&](const StateEvent& change) {
      MachineEvent event;
      event.state = candidate;
      event.first = before < 0;
      event.previous = static_cast<MachineState>(event.first ? 0 : before);
      event.score = gated ? 0.0f : score;
      event.level_dbfs = level_dbfs;
      event.sample = change.sample;
      event.seconds = change.seconds;
      on_event(static_cast<const MachineEvent&>(event));
    });
  }

 private:
  MachineStateConfig config_;
  DecisionTracker decisions_;  // on state indices, confidence 1 against threshold 0
};

}  // namespace earshot
