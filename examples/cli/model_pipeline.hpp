// A model's pipeline behind the tool's ModelPipeline interface, and the RegisteredModel that
// describes it: one template for every model the tool runs, float or int8, thesis or converted.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "earshot/pipeline/anomaly_monitor.hpp"
#include "earshot/pipeline/streaming_classifier.hpp"
#include "model_registry.hpp"

namespace earshot::cli {

template <class Model, class FrontendType>
class PipelineOf final : public ModelPipeline {
 public:
  using Classifier = StreamingClassifier<Model, FrontendType>;
  using StreamMonitor = Monitor<Model, FrontendType, kMaxStreamHorizon>;
  static constexpr std::size_t class_count = Classifier::class_count;

  PipelineStatus configure(const MonitorConfig& config) override {
    PipelineStatus status = clip_voter_.configure(config.rule);
    if (status == PipelineStatus::kOk) status = classifier_->configure(config.pipeline);
    if (status != PipelineStatus::kOk) return status;
    MonitorConfig stream_config = config;
    stream_config.pipeline.frontend.center = false;  // a stream has no edges to pad
    return monitor_->configure(stream_config);
  }

  Status frontend_status() const override { return classifier_->frontend_status(); }

  std::size_t minimum_clip_samples() const override {
    return classifier_->windows().minimum_clip_samples();
  }

  ClipResult classify_clip(const float* samples, std::size_t count, bool keep_inputs) override {
    ClipResult result;
    result.input_rows = static_cast<std::size_t>(Model::InputShape::height);
    result.input_columns = static_cast<std::size_t>(Model::InputShape::width);
    clip_voter_.reset();
    std::size_t voted = 0;
    auto on_window = [&](const typename Classifier::Result& window) {
      result.windows.emplace_back(window.probabilities, window.probabilities + class_count);
      if (keep_inputs) {  // the window's ring is still current during this call
        const std::size_t first = result.inputs.size();
        result.inputs.resize(first + Classifier::feature_count * Classifier::window_frames);
        classifier_->windows().copy_window(result.inputs.data() + first);
      }
      if (window.window.gated) return;  // silence (below the gate): not a vote for any class
      clip_voter_.add(window.probabilities);
      ++voted;
    };
    classifier_->begin();
    classifier_->push(samples, count, on_window);
    result.status = classifier_->finish(on_window);
    const Vote<class_count> vote = clip_voter_.vote();
    result.index = voted == 0 && !result.windows.empty() ? kSilentClass : vote.index;
    result.confidence = voted == 0 ? 0.0f : vote.confidence;
    result.scores.assign(vote.scores.begin(), vote.scores.end());
    return result;
  }

  void begin_stream() override { monitor_->begin(); }

  void push_stream(const float* samples, std::size_t count, const EventCallback& on_event,
                   const WindowCallback& on_window) override {
    monitor_->push(samples, count, on_event,
                   [&](const typename StreamMonitor::Result& window, const Vote<class_count>& vote) {
                     on_window(WindowReport{window.window, window.probabilities, vote.index, vote.confidence});
                   });
  }

 private:
  // Both hold a front-end, a window ring and a model arena: too big for the stack.
  std::unique_ptr<Classifier> classifier_ = std::make_unique<Classifier>();
  std::unique_ptr<StreamMonitor> monitor_ = std::make_unique<StreamMonitor>();
  Voter<class_count> clip_voter_;
};

template <class Model, class FrontendType>
class AnomalyPipelineOf final : public AnomalyPipeline {
 public:
  using Detector = AnomalyMonitor<Model, FrontendType, kMaxStreamHorizon>;

  PipelineStatus configure(const AnomalyMonitorConfig& config) override { return monitor_->configure(config); }
  Status frontend_status() const override { return monitor_->frontend_status(); }
  void begin() override { monitor_->begin(); }

  void push(const float* samples, std::size_t count, const MachineEventCallback& on_event,
            const ScoreCallback& on_window) override {
    monitor_->push(samples, count, on_event, [&](const ScoredWindow& window) {
      on_window(ScoreReport{window.window, window.score, window.smoothed_score, window.state, monitor_->has_state()});
    });
  }

 private:
  std::unique_ptr<Detector> monitor_ = std::make_unique<Detector>();  // too big for the stack
};

// What the tool needs to know of a model besides its type: where it came from and the pipeline
// it was trained with (the defaults of the commands' options).
struct ModelDefaults {
  XCubeFigures xcube_reported{0, 0};  // {0, 0} when the thesis reports none
  bool trained = true;                // false: deterministic stand-in weights
  std::vector<std::string> labels;
  FrontendConfig frontend;
  WindowNormalization normalization = WindowNormalization::kMeanStd;
  std::size_t hop_frames = 1;
  double gate_dbfs = kLevelGateOff;
  float decision_threshold = 0.0f;
  VoteRule vote_rule = VoteRule::kMean;
};

template <class Model, class FrontendType>
RegisteredModel describe(const char* name, const char* description, ModelDefaults defaults) {
  static constexpr auto rows = Model::layer_info();
  return {name,
          description,
          rows.data(),
          rows.size(),
          Model::macc,
          Model::xcube_macc,
          Model::params,
          Model::weight_bytes,
          Model::arena_bytes,
          std::is_same_v<typename Model::InputElement, std::int8_t> ? "int8" : "float32",
          defaults.xcube_reported,
          defaults.trained,
          std::move(defaults.labels),
          defaults.frontend,
          defaults.normalization,
          static_cast<std::size_t>(Model::InputShape::width),
          defaults.hop_frames,
          defaults.gate_dbfs,
          defaults.decision_threshold,
          defaults.vote_rule,
          [] { return std::unique_ptr<ModelPipeline>(new PipelineOf<Model, FrontendType>()); }};
}

// An anomaly detector: a model that reconstructs its window. `windows` and `info` treat it as any
// model; classify and stream run its AnomalyMonitor.
template <class Model, class FrontendType>
RegisteredModel describe_anomaly_detector(const char* name, const char* description, ModelDefaults defaults,
                                          std::size_t score_horizon, const MachineStateConfig& states) {
  RegisteredModel model = describe<Model, FrontendType>(name, description, std::move(defaults));
  model.make_anomaly_pipeline = [] { return std::unique_ptr<AnomalyPipeline>(new AnomalyPipelineOf<Model, FrontendType>()); };
  model.score_horizon = score_horizon;
  model.machine_states = states;
  return model;
}

}  // namespace earshot::cli
