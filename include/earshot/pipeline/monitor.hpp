// Continuous monitoring in one object: a StreamingClassifier whose windows are voted on over a
// sliding horizon and turned into state-change events (threshold, hysteresis); a window below
// the level gate reports kSilentClass and empties the horizon, so votes never span a silence.
#pragma once

#include <cstddef>
#include <cstdint>

#include "earshot/pipeline/decision.hpp"
#include "earshot/pipeline/streaming_classifier.hpp"
#include "earshot/pipeline/voter.hpp"

namespace earshot {

struct MonitorConfig {
  PipelineConfig pipeline;  // usually with frontend.center = false: a stream has no edges
  VoteRule rule = VoteRule::kMean;
  std::size_t horizon = 1;  // windows voted on, at most the Monitor's kMaxHorizon
  DecisionConfig decision;
};

template <class Model, class FrontendType, std::size_t kMaxHorizon>
class Monitor {
 public:
  using Classifier = StreamingClassifier<Model, FrontendType>;
  static constexpr std::size_t class_count = Classifier::class_count;
  using Result = typename Classifier::Result;

  PipelineStatus configure(const MonitorConfig& config) noexcept {
    if (config.horizon == 0) return PipelineStatus::kInvalidVoteHorizon;
    const PipelineStatus status = voter_.configure(config.rule, config.horizon);
    if (status != PipelineStatus::kOk) return status;
    decisions_.configure(config.decision);
    return classifier_.configure(config.pipeline);
  }

  Status frontend_status() const noexcept { return classifier_.frontend_status(); }
  const Classifier& classifier() const noexcept { return classifier_; }
  int state() const noexcept { return decisions_.state(); }

  void begin() noexcept {
    classifier_.begin();
    voter_.reset();
    decisions_.reset();
  }

  // Sample: float or std::int16_t. on_event(const StateEvent&) for every change of state;
  // on_window(const Result&, const Vote<class_count>&) for every window (optional).
  template <class Sample, class OnEvent>
  void push(const Sample* samples, std::size_t count, OnEvent&& on_event) noexcept {
    push(samples, count, on_event, [](const Result&, const Vote<class_count>&) {});
  }

  template <class Sample, class OnEvent, class OnWindow>
  void push(const Sample* samples, std::size_t count, OnEvent&& on_event,
            OnWindow&& on_window) noexcept {
    classifier_.push(samples, count, [&](const Result& result) {
      Vote<class_count> vote;
      if (result.window.gated) {
        voter_.reset();
        vote.index = kSilentClass;
      } else {
        voter_.add(result.probabilities);
        vote = voter_.vote();
      }
      on_window(result, static_cast<const Vote<class_count>&>(vote));
      decisions_.update(vote.index, vote.confidence, result.window.end_sample,
                        result.window.seconds, on_event);
    });
  }

 private:
  Classifier classifier_;
  Voter<class_count, kMaxHorizon> voter_;
  DecisionTracker decisions_;
};

}  // namespace earshot
