// Machine monitoring from normal sound only: a model that reconstructs its input window (an
// autoencoder, float or int8) scores each window by its reconstruction error, the mean squared
// difference between the window as the model received it and the model's output; the scores of
// the last `horizon` windows are averaged, and the average becomes a machine state
// (machine_state.hpp). A window below the level gate is `off` and restarts the average, so a
// score never mixes running and silent audio. A half-silent window is no normal input, so these
// are not scored either: one with a frame segment below the gate (the machine stopping), and
// the windows after a gated one whose frames still read its quiet samples (starting). Nor is a
// window that read a NaN or infinite sample. Windows without a score (NaN) are left out of the
// average and decide nothing. Allocation-free and noexcept,
// like the Monitor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

#include "earshot/pipeline/feature_windows.hpp"
#include "earshot/pipeline/machine_state.hpp"
#include "earshot/pipeline/pipeline_status.hpp"
#include "earshot/pipeline/voter.hpp"
#include "earshot/status.hpp"

namespace earshot {

// mean((input[i] - output[i])^2) over count values, summed in index order in float (the same
// operations on the host and the Cortex-M4F).
inline float reconstruction_error(const float* input, const float* output, std::size_t count) noexcept {
  float sum = 0.0f;
  for (std::size_t i = 0; i < count; ++i) {
    const float difference = input[i] - output[i];
    sum += difference * difference;
  }
  return count == 0 ? 0.0f : sum / static_cast<float>(count);
}

struct AnomalyMonitorConfig {
  PipelineConfig pipeline;    // usually frontend.center = false, and a level gate for `off`
  std::size_t horizon = 1;    // windows whose scores are averaged, 1 to the monitor's kMaxHorizon
  MachineStateConfig states;  // thresholds on the averaged score, hysteresis, minimum duration
};

// One scored window, valid during the on_window call only.
struct ScoredWindow {
  const WindowView& window;  // index, time, level, gated
  float score;               // this window's reconstruction error (0 when gated, NaN when unscored)
  float smoothed_score;      // the mean over the horizon (0 when gated, NaN when unscored)
  MachineState state;        // the state reported after this window (kOff before the first)
};

// Model: input Input<features, frames, 1> (or QuantizedInput) and as many float outputs, the
// reconstruction of the normalised window in the same order. FrontendType as for the
// StreamingClassifier; kMaxHorizon: the longest horizon (kMaxHorizon floats are kept).
template <class Model, class FrontendType, std::size_t kMaxHorizon>
class AnomalyMonitor {
  using Input = typename Model::InputShape;
  static_assert(Input::channels == 1, "AnomalyMonitor: the model's input must have one channel");
  static_assert(Model::output_size == Model::input_size,
                "AnomalyMonitor: the model must reconstruct its input (as many outputs as inputs)");
  static_assert(kMaxHorizon > 0, "AnomalyMonitor: a horizon of at least one window");

 public:
  using Windows = FeatureWindows<FrontendType, static_cast<std::size_t>(Input::height),
                                 static_cast<std::size_t>(Input::width)>;
  static constexpr std::size_t window_size = Windows::window_size;

  PipelineStatus configure(const AnomalyMonitorConfig& config) noexcept {
    if (config.horizon == 0) return PipelineStatus::kInvalidVoteHorizon;
    PipelineStatus status = scores_.configure(VoteRule::kMean, config.horizon);
    if (status != PipelineStatus::kOk) return status;
    status = states_.configure(config.states);
    if (status != PipelineStatus::kOk) return status;
    status = windows_.configure(config.pipeline);
    if (status != PipelineStatus::kOk) return status;
    // A gated window's quiet samples may reach one window step past its level span, and the
    // frames of a window span (frames - 1) hops + n_fft: the windows that start before both ends
    // are skipped. The frontend's resolved configuration, after configure().
    const FrontendConfig& frontend = windows_.frontend().config();
    const std::size_t step = frontend.hop_length * config.pipeline.hop_frames;
    const std::size_t span = (Windows::window_frames - 1) * frontend.hop_length + frontend.n_fft;
    settling_windows_ = (span + step - 1) / step;
    begin();
    return PipelineStatus::kOk;
  }

  // Windows after a gated one that are not scored (the machine starting): computed at configure().
  std::size_t settling_windows() const noexcept { return settling_windows_; }

  Status frontend_status() const noexcept { return windows_.frontend_status(); }
  const Windows& windows() const noexcept { return windows_; }
  bool has_state() const noexcept { return states_.has_state(); }
  MachineState state() const noexcept { return states_.state(); }

  void begin() noexcept {
    windows_.begin();
    scores_.reset();
    states_.reset();
    unscored_ = 0;
  }

  // Sample: float or std::int16_t, blocks of any size. on_event(const MachineEvent&) for every
  // change of state; on_window(const ScoredWindow&) for every window (optional).
  template <class Sample, class OnEvent>
  void push(const Sample* samples, std::size_t count, OnEvent&& on_event) noexcept {
    push(samples, count, on_event, [](const ScoredWindow&) {});
  }

  template <class Sample, class OnEvent, class OnWindow>
  void push(const Sample* samples, std::size_t count, OnEvent&& on_event, OnWindow&& on_window) noexcept {
    windows_.push(samples, count, [&](const WindowView& view) {
      float score = 0.0f;
      float smoothed = 0.0f;
      if (view.gated) {
        scores_.reset();
        unscored_ = settling_windows_;
      } else if (!view.finite || unscored_ > 0 || view.quietest_dbfs < windows_.config().level_gate_dbfs) {
        score = smoothed = std::numeric_limits<float>::quiet_NaN();
        unscored_ -= unscored_ > 0 ? 1 : 0;
      } else {
        score = score_window();
        scores_.add(&score);
        smoothed = scores_.vote().scores[0];
      }
      states_.update(view.gated, smoothed, view.level_dbfs, view.end_sample, view.seconds, on_event);
      on_window(ScoredWindow{view, score, smoothed, states_.state()});
    });
  }

 private:
  // The window as float (the reference the error is measured against), then into the model's
  // input slot as the model stores it (quantized for int8), then the model.
  float score_window() noexcept {
    windows_.copy_window(input_);
    typename Model::InputElement* slot = Model::input_slot(arena_);
    for (std::size_t i = 0; i < window_size; ++i) slot[i] = Model::store_input(input_[i]);
    return reconstruction_error(input_, Model::run_in_arena(arena_), window_size);
  }

  Windows windows_;
  Voter<1, kMaxHorizon> scores_;  // the kMean vote of one "class" is the mean score over the horizon
  MachineStateTracker states_;
  std::size_t settling_windows_ = 0;
  std::size_t unscored_ = 0;  // windows still to skip after a gated one
  alignas(16) float arena_[Model::arena_bytes / sizeof(float)];  // no initialiser (.bss)
  float input_[window_size];
};

}  // namespace earshot
