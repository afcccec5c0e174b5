// Helpers for the pipeline tests: run a FeatureWindows / StreamingClassifier over a signal in
// blocks of a given size and keep every window (its view, model input and probabilities), and
// deterministic test signals.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "earshot/pipeline/feature_windows.hpp"
#include "earshot/pipeline/pipeline_status.hpp"

namespace earshot::test {

constexpr double kPi = 3.14159265358979323846;

struct CollectedWindows {
  std::vector<WindowView> views;
  std::vector<float> inputs;         // window_size floats per window
  std::vector<float> probabilities;  // class_count floats per window (classifiers only)
  PipelineStatus finish_status = PipelineStatus::kOk;
};

// A signal with speech-like variety: three tones with a slow amplitude envelope and a little
// deterministic noise, amplitude below 0.6.
inline std::vector<float> test_signal(std::size_t length, double sample_rate = 8000.0) {
  std::vector<float> signal(length);
  std::uint32_t state = 12345u;
  for (std::size_t i = 0; i < length; ++i) {
    const double t = static_cast<double>(i) / sample_rate;
    state = state * 1664525u + 1013904223u;
    const double noise = (static_cast<double>(state >> 8) / 8388608.0 - 1.0) * 0.02;
    const double envelope = 0.5 + 0.5 * std::sin(2.0 * kPi * 1.3 * t);
    signal[i] = static_cast<float>(
        0.3 * envelope * std::sin(2.0 * kPi * 440.0 * t) + 0.15 * std::sin(2.0 * kPi * 1250.0 * t) +
        0.1 * envelope * std::sin(2.0 * kPi * 3100.0 * t) + noise);
  }
  return signal;
}

inline std::vector<std::int16_t> to_int16(const std::vector<float>& signal) {
  std::vector<std::int16_t> pcm(signal.size());
  for (std::size_t i = 0; i < signal.size(); ++i) {
    pcm[i] = static_cast<std::int16_t>(std::lround(signal[i] * 32767.0f));
  }
  return pcm;
}

// Pushes `signal` in blocks of `block` samples (and finishes the clip if `clip`), keeping every
// window. Pipeline: FeatureWindows (inputs only) or StreamingClassifier (inputs are not kept;
// probabilities are).
template <class Windows, class Sample>
CollectedWindows collect_windows(Windows& windows, const std::vector<Sample>& signal,
                                 std::size_t block, bool clip) {
  CollectedWindows collected;
  auto keep = [&](const WindowView& view) {
    collected.views.push_back(view);
    const std::size_t offset = collected.inputs.size();
    collected.inputs.resize(offset + Windows::window_size);
    windows.copy_window(collected.inputs.data() + offset);
  };
  windows.begin();
  for (std::size_t first = 0; first < signal.size(); first += block) {
    const std::size_t count = signal.size() - first < block ? signal.size() - first : block;
    windows.push(signal.data() + first, count, keep);
  }
  if (clip) collected.finish_status = windows.finish(keep);
  return collected;
}

template <class Classifier, class Sample>
CollectedWindows collect_probabilities(Classifier& classifier, const std::vector<Sample>& signal,
                                       std::size_t block, bool clip) {
  CollectedWindows collected;
  auto keep = [&](const typename Classifier::Result& result) {
    collected.views.push_back(result.window);
    collected.probabilities.insert(collected.probabilities.end(), result.probabilities,
                                   result.probabilities + Classifier::class_count);
  };
  classifier.begin();
  for (std::size_t first = 0; first < signal.size(); first += block) {
    const std::size_t count = signal.size() - first < block ? signal.size() - first : block;
    classifier.push(signal.data() + first, count, keep);
  }
  if (clip) collected.finish_status = classifier.finish(keep);
  return collected;
}

}  // namespace earshot::test
