// The whole per-window path: audio blocks -> front-end -> analysis windows (feature_windows.hpp)
// -> per-window normalisation -> model -> class probabilities, one result per window. Sized at
// compile time by the model type (Input<features, frames, 1>), allocation-free and noexcept.
#pragma once

#include <cstddef>
#include <cstdint>

#include "earshot/pipeline/feature_windows.hpp"
#include "earshot/pipeline/pipeline_status.hpp"
#include "earshot/status.hpp"

namespace earshot {

// One classified window, valid during the on_window call only.
template <std::size_t kClasses>
struct ClassifiedWindow {
  static constexpr std::size_t class_count = kClasses;
  const WindowView& window;    // index, time, level, gated
  const float* probabilities;  // kClasses model outputs; all zero when window.gated
};

// Model: an nn::Model (or a converted model), float or int8, with input Input<features, frames,
// 1> (or QuantizedInput) and float outputs, feature f of frame t at f * frames + t. FrontendType: an earshot::Frontend whose capacity covers the
// configuration, e.g. Frontend<256, 40> for 8 kHz / n_fft 256 / 40 mels.
template <class Model, class FrontendType>
class StreamingClassifier {
  using Input = typename Model::InputShape;
  static_assert(Input::channels == 1, "StreamingClassifier: the model's input must have one channel");

 public:
  using Windows = FeatureWindows<FrontendType, static_cast<std::size_t>(Input::height),
                                 static_cast<std::size_t>(Input::width)>;
  static constexpr std::size_t class_count = static_cast<std::size_t>(Model::output_size);
  static constexpr std::size_t feature_count = Windows::feature_count;
  static constexpr std::size_t window_frames = Windows::window_frames;
  using Result = ClassifiedWindow<class_count>;

  PipelineStatus configure(const PipelineConfig& config) noexcept { return windows_.configure(config); }
  Status frontend_status() const noexcept { return windows_.frontend_status(); }
  const Windows& windows() const noexcept { return windows_; }

  // Stream or clip: begin(), push() blocks of any size, and for a clip finish(). on_window(const
  // Result&) is called once per window; the same audio in any block sizes gives bitwise the same
  // probabilities.
  void begin() noexcept { windows_.begin(); }

  template <class OnWindow>
  void push(const float* samples, std::size_t count, OnWindow&& on_window) noexcept {
    windows_.push(samples, count, [&](const WindowView& view) { classify(view, on_window); });
  }

  template <class OnWindow>
  void push(const std::int16_t* samples, std::size_t count, OnWindow&& on_window) noexcept {
    windows_.push(samples, count, [&](const WindowView& view) { classify(view, on_window); });
  }

  // Clip mode: end padding and the last windows; kClipTooShort if the clip gave none.
  template <class OnWindow>
  PipelineStatus finish(OnWindow&& on_window) noexcept {
    return windows_.finish([&](const WindowView& view) { classify(view, on_window); });
  }

 private:
  template <class OnWindow>
  void classify(const WindowView& view, OnWindow& on_window) noexcept {
    if (view.gated) {
      for (float& probability : probabilities_) probability = 0.0f;
    } else {
      // The window is written straight into the model's input slot (quantized on the way for
      // an int8 model): no copy of the input.
      windows_.copy_window(Model::input_slot(arena_), [](float value) { return Model::store_input(value); });
      const float* output = Model::run_in_arena(arena_);
      for (std::size_t c = 0; c < class_count; ++c) probabilities_[c] = output[c];
    }
    on_window(Result{view, probabilities_});
  }

  Windows windows_;
  alignas(16) float arena_[Model::arena_bytes / sizeof(float)];  // no initialiser (.bss)
  float probabilities_[class_count] = {};
};

}  // namespace earshot
