// Turns a stream of votes into reported states for monitoring: a vote whose confidence is below
// the threshold counts as kUnknownClass, and the reported state changes only after
// min_consecutive windows in a row agree on a new one (hysteresis against flicker); each change
// is an event with the state, its confidence and its time.
#pragma once

#include <cstddef>
#include <cstdint>

#include "earshot/pipeline/voter.hpp"

namespace earshot {

struct DecisionConfig {
  float threshold = 0.0f;           // confidence below this: kUnknownClass
  std::size_t min_consecutive = 1;  // agreeing windows before the state changes (0 acts as 1)
};

struct StateEvent {
  int state = kUnknownClass;     // a class index, kUnknownClass or kSilentClass
  int previous = kUnknownClass;  // the state before
  float confidence = 0.0f;       // of the window that completed the change
  std::uint64_t sample = 0;      // that window's end (WindowView::end_sample)
  double seconds = 0.0;          // the same in seconds
};

class DecisionTracker {
 public:
  void configure(const DecisionConfig& config) noexcept {
    config_ = config;
    if (config_.min_consecutive == 0) config_.min_consecutive = 1;
    reset();
  }

  // The state becomes kUnknownClass with nothing pending; no event.
  void reset() noexcept {
    state_ = kUnknownClass;
    candidate_ = kUnknownClass;
    run_ = 0;
  }

  int state() const noexcept { return state_; }
  const DecisionConfig& config() const noexcept { return config_; }

  // One window's decision: a class index with its confidence, or kSilentClass (gated window).
  // Calls on_event(const StateEvent&) and returns true when the reported state changes.
  template <class OnEvent>
  bool update(int index, float confidence, std::uint64_t sample, double seconds,
              OnEvent&& on_event) noexcept {
    int candidate = index;
    if (index >= 0 && !(confidence >= config_.threshold)) candidate = kUnknownClass;
    if (candidate == candidate_) {
      if (run_ < config_.min_consecutive) ++run_;  // saturates: streams may run for years
    } else {
      candidate_ = candidate;
      run_ = 1;
    }
    if (run_ < config_.min_consecutive || candidate_ == state_) return false;
    const StateEvent event{candidate_, state_, confidence, sample, seconds};
    state_ = candidate_;
    on_event(event);
    return true;
  }

 private:
  DecisionConfig config_;
  int state_ = kUnknownClass;
  int candidate_ = kUnknownClass;
  std::size_t run_ = 0;
};

}  // namespace earshot
