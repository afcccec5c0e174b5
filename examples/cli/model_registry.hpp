// The models a tool knows, in one list: their costs for `earshot info` and, for `earshot
// classify` / `stream` / `windows`, their labels, the front-end and pipeline they were trained
// with and a pipeline (StreamingClassifier + Voter, or Monitor) behind a virtual interface, so
// that the commands handle every model type alike. The thesis models register themselves
// (thesis_models.cpp); every converted model, built-in or a user's, is registered by the code
// earshot_add_tool() generates from its header (converted_model.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "earshot/dsp/frontend.hpp"
#include "earshot/dsp/normalize.hpp"
#include "earshot/nn/layer_info.hpp"
#include "earshot/pipeline/anomaly_monitor.hpp"
#include "earshot/pipeline/decision.hpp"
#include "earshot/pipeline/feature_windows.hpp"
#include "earshot/pipeline/monitor.hpp"
#include "earshot/pipeline/pipeline_status.hpp"
#include "earshot/pipeline/voter.hpp"

namespace earshot::cli {

// The longest voting horizon `earshot stream` accepts.
constexpr std::size_t kMaxStreamHorizon = 64;

struct XCubeFigures {
  long macc;
  long ram_bytes;
};

// One analysis window as the commands see it.
struct WindowReport {
  const WindowView& window;
  const float* probabilities;  // class_count values, zeros when gated
  int vote_index;              // stream: the vote over the horizon so far (kSilentClass if gated)
  float vote_confidence;
};
using WindowCallback = std::function<void(const WindowReport&)>;
using EventCallback = std::function<void(const StateEvent&)>;

struct ClipResult {
  PipelineStatus status = PipelineStatus::kOk;
  std::vector<std::vector<float>> windows;  // each window's probabilities
  int index = kUnknownClass;
  float confidence = 0.0f;
  std::vector<float> scores;  // the vote's score per class
  // With keep_inputs: every window's model input as float (normalised, before an int8 model
  // quantizes it), window after window, each input_rows x input_columns (features x frames).
  std::vector<float> inputs;
  std::size_t input_rows = 0;
  std::size_t input_columns = 0;
};

// A model's pipeline, configured once and run on many clips or one stream.
class ModelPipeline {
 public:
  virtual ~ModelPipeline() = default;
  // Pipeline, vote rule and (stream) horizon and decisions.
  virtual PipelineStatus configure(const MonitorConfig& config) = 0;
  virtual Status frontend_status() const = 0;
  virtual std::size_t minimum_clip_samples() const = 0;
  // Clip mode over a whole recording: windows, then the vote (status kClipTooShort: no window).
  virtual ClipResult classify_clip(const float* samples, std::size_t count, bool keep_inputs) = 0;
  // Continuous mode, as a device runs: begin_stream(), then the recording block by block.
  virtual void begin_stream() = 0;
  virtual void push_stream(const float* samples, std::size_t count, const EventCallback& on_event,
                           const WindowCallback& on_window) = 0;
};

// One scored window of an anomaly detector, as the commands see it.
struct ScoreReport {
  const WindowView& window;
  float score;           // the window's reconstruction error (0 gated, NaN not finite)
  float smoothed_score;  // the mean over the horizon
  MachineState state;    // reported after this window
  bool has_state;        // false until the first state
};
using ScoreCallback = std::function<void(const ScoreReport&)>;
using MachineEventCallback = std::function<void(const MachineEvent&)>;

// An anomaly detector's AnomalyMonitor, continuous mode only (a machine is monitored as a stream).
class AnomalyPipeline {
 public:
  virtual ~AnomalyPipeline() = default;
  virtual PipelineStatus configure(const AnomalyMonitorConfig& config) = 0;
  virtual Status frontend_status() const = 0;
  virtual void begin() = 0;
  virtual void push(const float* samples, std::size_t count, const MachineEventCallback& on_event,
                    const ScoreCallback& on_window) = 0;
};

struct RegisteredModel {
  const char* name;  // lower case with dashes
  const char* description;
  const nn::LayerInfo* layers;
  std::size_t layer_count;
  long macc;
  long xcube_style_macc;
  long params;
  long weight_bytes;      // weights, biases and (int8) requantization constants
  std::size_t arena_bytes;
  const char* element;    // "float32" or "int8": what the layers compute in
  XCubeFigures xcube_reported;  // {0, 0} when the thesis reports none
  // Pipeline: what the model was trained on.
  bool trained;  // false: deterministic stand-in weights (costs are real, answers are not)
  std::vector<std::string> labels;
  FrontendConfig frontend;
  WindowNormalization normalization;
  std::size_t window_frames;
  // Defaults of the pipeline options (a converted model's front-end file), each overridable.
  std::size_t hop_frames;
  double gate_dbfs;  // kLevelGateOff: no gate
  float decision_threshold;
  VoteRule vote_rule;
  std::function<std::unique_ptr<ModelPipeline>()> make_pipeline;
  // Anomaly detectors only (empty for a classifier): the AnomalyMonitor, and the defaults of its
  // horizon and states (the front-end file's "anomaly").
  std::function<std::unique_ptr<AnomalyPipeline>()> make_anomaly_pipeline = {};
  std::size_t score_horizon = 1;
  MachineStateConfig machine_states = {};
};

// Adds a model to the tool's list (at start-up, before a command runs).
void register_model(RegisteredModel model);
const std::vector<RegisteredModel>& registered_models();
// nullptr when no model has that name; '_' and '-' are the same (NAME fsdd_cnn is fsdd-cnn).
const RegisteredModel* find_model(const std::string& name);
// "fsdd-cnn, baseline, ..." for error messages.
std::string model_names();

}  // namespace earshot::cli
