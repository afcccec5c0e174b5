// Audio blocks of any size (float or int16, as a DMA half-buffer arrives) -> front-end frames in
// a ring of kFrames -> an analysis window of kFrames frames every hop_frames frames, handed out
// as the model's input: (feature, frame) row-major = NHWC Input<kFeatures, kFrames, 1>,
// normalised per window (the thesis' per-window z-score), with its sound level for the gate.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "earshot/dsp/frontend.hpp"
#include "earshot/dsp/normalize.hpp"
#include "earshot/pipeline/level_meter.hpp"
#include "earshot/pipeline/pipeline_status.hpp"
#include "earshot/status.hpp"

namespace earshot {

// What the pipeline does around the model. The front-end is librosa's configuration; the
// window length is the model's input width (a compile-time size).
struct PipelineConfig {
  FrontendConfig frontend;
  // Frames between the starts of two windows: window length for no overlap, half of it for 50%.
  std::size_t hop_frames = 0;
  WindowNormalization normalization = WindowNormalization::kMeanStd;
  // Clip mode (finish()): a clip too short for one window is zero-padded at its end to the
  // shortest length that gives one, (frames - 1) x hop_length samples with center=true
  // ((frames - 1) x hop_length + n_fft without). false: finish() reports kClipTooShort instead.
  bool pad_short_clips = true;
  // Windows whose level (level_meter.hpp) is below this many dBFS are reported as gated and not
  // classified. kLevelGateOff: never.
  double level_gate_dbfs = kLevelGateOff;
};

// hop_frames for windows of `frames` frames overlapping by a fraction in [0, 1) (0.5: 50%),
// rounded to the nearest frame and at least 1. Outside that range the overlap is clamped (a
// negative one or NaN means none) rather than converted out of range, which would be undefined.
constexpr std::size_t hop_frames_for_overlap(std::size_t frames, double overlap) noexcept {
  if (frames == 0) return 1;
  if (!(overlap > 0.0)) return frames;
  const double hop = static_cast<double>(frames) * (1.0 - overlap) + 0.5;
  return hop < 1.0 ? 1 : static_cast<std::size_t>(hop);
}

// An int16 PCM sample as float, x / 32768 (exact). On a Cortex-M4F one VCVT with 15 fraction
// bits converts and scales; GCC emits a VCVT and a VMUL.
inline float pcm16_to_float(std::int16_t sample) noexcept {
#if defined(__ARM_FP) && (__ARM_FP & 4) && defined(__GNUC__) && !defined(__aarch64__)
  float value;
  __asm__("vmov %0, %1\n\tvcvt.f32.s32 %0, %0, #15" : "=t"(value) : "r"(static_cast<std::int32_t>(sample)));
  return value;
#else
  return static_cast<float>(sample) * (1.0f / 32768.0f);
#endif
}

// One analysis window, valid during the on_window call only.
struct WindowView {
  std::size_t index = 0;             // 0, 1, 2, ... since begin()
  std::uint64_t first_frame = 0;     // index x hop_frames
  // Where the window's last frame ends, in samples pushed since begin() (n_fft/2 of centre
  // padding not counted; in clip mode it may lie in the end padding). / sample_rate: seconds.
  std::uint64_t end_sample = 0;
  double seconds = 0.0;              // end_sample / sample_rate
  double level_dbfs = 0.0;           // level_meter.hpp
  double quietest_dbfs = 0.0;        // the level of its quietest frame's segment (a hop of samples)
  bool gated = false;                // level below PipelineConfig::level_gate_dbfs
  // Every sample the window's frames read was finite. A NaN or infinite sample spoils the
  // frames that read it; with dB features they are the amin floor, which a model cannot tell
  // from a quiet frame, so this is how a caller knows.
  bool finite = true;
};

template <class FrontendType, std::size_t kFeatures, std::size_t kFrames>
class FeatureWindows {
  static_assert(kFeatures > 0 && kFrames > 0, "FeatureWindows: empty window");

 public:
  static constexpr std::size_t feature_count = kFeatures;
  static constexpr std::size_t window_frames = kFrames;
  static constexpr std::size_t window_size = kFeatures * kFrames;

  PipelineStatus configure(const PipelineConfig& config) noexcept {
    configured_ = false;
    frontend_status_ = frontend_.configure(config.frontend);
    if (frontend_status_ != Status::kOk) return PipelineStatus::kFrontendRejected;
    if (frontend_.feature_size() != kFeatures) return PipelineStatus::kFeatureCountMismatch;
    if (config.hop_frames == 0) return PipelineStatus::kInvalidWindowHop;
    config_ = config;
    const FrontendConfig& resolved = frontend_.config();
    n_fft_ = resolved.n_fft;
    hop_length_ = resolved.hop_length;
    left_padding_ = resolved.center ? n_fft_ / 2 : 0;
    configured_ = true;
    begin();
    return PipelineStatus::kOk;
  }

  bool configured() const noexcept { return configured_; }
  // The front-end's reason after configure() returned kFrontendRejected.
  Status frontend_status() const noexcept { return frontend_status_; }
  const PipelineConfig& config() const noexcept { return config_; }
  const FrontendType& frontend() const noexcept { return frontend_; }

  // Samples a clip needs for one window; shorter clips are padded to this in finish().
  std::size_t minimum_clip_samples() const noexcept {
    return (kFrames - 1) * hop_length_ + n_fft_ - 2 * left_padding_;
  }

  // Starts a stream (or a clip): forgets buffered audio and frames.
  void begin() noexcept {
    if (!configured_) return;
    frontend_.begin();
    levels_.reset();
    frames_ = 0;
    next_slot_ = 0;
    windows_ = 0;
    frames_to_next_window_ = kFrames;
    samples_ = 0;
    position_ = left_padding_;
    last_bad_sample_ = 0;
  }

  // on_window(const WindowView&) is called for every window the block completes; inside it,
  // copy_window() writes the window's model input.
  template <class OnWindow>
  void push(const float* samples, std::size_t count, OnWindow&& on_window) noexcept {
    if (!configured_) return;
    while (count > 0) {
      // Cut the block where the next frame ends, so that the level of a window counts exactly
      // the samples its frames have seen, whatever the block sizes.
      const std::uint64_t frame_end = frames_ * hop_length_ + n_fft_;
      const std::uint64_t room = frame_end - position_;
      const std::size_t taken = room < count ? static_cast<std::size_t>(room) : count;
      levels_.add(samples, taken);
      // A window completes only at a frame's end, the last sample taken here, so marking the
      // chunk's last bad sample before pushing it is soon enough for every window that reads it.
      // The segment's sum of squares turns non-finite with the first bad sample: only then is
      // the chunk searched (a test per sample cost as much as the level itself).
      if (!levels_.segment_finite()) {
        for (std::size_t i = taken; i-- > 0;) {
          if (!std::isfinite(samples[i])) {
            last_bad_sample_ = samples_ + i + 1;
            break;
          }
        }
      }
      position_ += taken;
      samples_ += taken;
      frontend_.push(samples, taken, [&](const float* frame) { on_frame(frame, on_window); });
      samples += taken;
      count -= taken;
    }
  }

  // int16 PCM as a codec or PDM filter delivers it: x / 32768, as WAV readers do. Converted
  // straight into the front-end's frame buffer, each sample squared for the level in the same
  // pass (no float copy of the block; int16 has no NaN to look for).
  template <class OnWindow>
  void push(const std::int16_t* samples, std::size_t count, OnWindow&& on_window) noexcept {
    if (!configured_) return;
    Pcm16Source source{samples, levels_};
    // The framer ends each write where a frame completes, so on_frame closes the level's
    // segment after exactly the samples its frame has seen, as in push(const float*, ...).
    frontend_.push_from(source, count, [&](const float* frame) { on_frame(frame, on_window); });
    position_ += count;
    samples_ += count;
  }

  // Ends a clip: pads a short clip (PipelineConfig::pad_short_clips), feeds the front-end's
  // right padding (center=true) and delivers the last windows. kClipTooShort if the clip gave no
  // window at all. Call begin() before the next clip.
  template <class OnWindow>
  PipelineStatus finish(OnWindow&& on_window) noexcept {
    if (!configured_) return PipelineStatus::kNotConfigured;
    if (config_.pad_short_clips) {
      static constexpr float kZeros[64] = {};
      while (samples_ < minimum_clip_samples()) {
        const std::uint64_t missing = minimum_clip_samples() - samples_;
        push(kZeros, missing < 64 ? static_cast<std::size_t>(missing) : 64, on_window);
      }
    }
    frontend_.finish([&](const float* frame) { on_frame(frame, on_window); });
    return windows_ > 0 ? PipelineStatus::kOk : PipelineStatus::kClipTooShort;
  }

  // During on_window: writes the window as the model's input, out[feature * kFrames + frame]
  // (NHWC Input<kFeatures, kFrames, 1>), normalised as configured.
  void copy_window(float* out) const noexcept {
    copy_window(out, [](float value) { return value; });
  }

  // The same, each normalised value stored as store(value) returns it: Model::store_input
  // quantizes it for an int8 model, so no float copy of the window is made. The statistics run
  // over the values in out's order, so the float result is the same as normalising out in place.
  template <class Element, class Store>
  void copy_window(Element* out, const Store& store) const noexcept {
    // The frames' places in the ring, found once rather than for every value (Cortex-M4: the
    // statistics took 14 instructions a value).
    const float* frames[kFrames];
    for (std::size_t t = 0; t < kFrames; ++t) frames[t] = ring_frame(t);
    const auto value_at = [&frames](std::size_t i) { return frames[i % kFrames][i / kFrames]; };
    // The inner loops unrolled, as normalize_window's (Cortex-M4: their compare and branch were
    // 2 of 8 instructions a value).
    const WindowScaling scaling = window_scaling(config_.normalization, window_size, value_at, [&](const auto& visit) {
      for (std::size_t m = 0; m < kFeatures; ++m) {
#pragma GCC unroll 8
        for (std::size_t t = 0; t < kFrames; ++t) visit(frames[t][m]);
      }
    });
    scaling.with_function([&](const auto& scale) {
      for (std::size_t t = 0; t < kFrames; ++t) {
        const float* frame = frames[t];
#pragma GCC unroll 8
        for (std::size_t m = 0; m < kFeatures; ++m) out[m * kFrames + t] = store(scale(frame[m]));
      }
    });
  }

  std::uint64_t samples_pushed() const noexcept { return samples_; }
  std::uint64_t frames_seen() const noexcept { return frames_; }
  std::size_t windows_seen() const noexcept { return windows_; }

 private:
  struct Pcm16Source {
    const std::int16_t* next;
    LevelMeter<kFrames>& levels;
    void write(float* destination, std::size_t n) noexcept {
      const std::int16_t* pcm = next;
      levels.add_each(n, [pcm, destination](std::size_t i) { return destination[i] = pcm16_to_float(pcm[i]); });
      next += n;
    }
    void skip(std::size_t n) noexcept {  // samples between frames (hop > n_fft) count in the level too
      const std::int16_t* pcm = next;
      levels.add_each(n, [pcm](std::size_t i) { return pcm16_to_float(pcm[i]); });
      next += n;
    }
  };

  // Frame t of the current window (0 = oldest: the next one to be overwritten in the ring).
  const float* ring_frame(std::size_t t) const noexcept {
    const std::size_t slot = next_slot_ + t;
    return ring_ + (slot < kFrames ? slot : slot - kFrames) * kFeatures;
  }

  template <class OnWindow>
  void on_frame(const float* features, OnWindow& on_window) noexcept {
    levels_.close_segment(static_cast<std::uint32_t>(frames_ == 0 ? n_fft_ : hop_length_));
    std::memcpy(ring_ + next_slot_ * kFeatures, features, kFeatures * sizeof(float));
    next_slot_ = next_slot_ + 1 == kFrames ? 0 : next_slot_ + 1;
    ++frames_;
    if (--frames_to_next_window_ != 0) return;
    frames_to_next_window_ = config_.hop_frames;
    WindowView view;
    view.index = windows_++;
    view.first_frame = frames_ - kFrames;
    view.end_sample = (frames_ - 1) * hop_length_ + n_fft_ - left_padding_;
    view.seconds = static_cast<double>(view.end_sample) / frontend_.config().sample_rate;
    view.level_dbfs = levels_.level_dbfs();
    view.quietest_dbfs = levels_.quietest_segment_dbfs();
    view.gated = view.level_dbfs < config_.level_gate_dbfs;
    // The window's frames read the pushed samples from end_sample - ((W - 1) hop + n_fft) on.
    const std::uint64_t span = (kFrames - 1) * hop_length_ + n_fft_;
    view.finite = last_bad_sample_ == 0 || last_bad_sample_ + span <= view.end_sample;
    on_window(static_cast<const WindowView&>(view));
  }

  FrontendType frontend_;
  float ring_[kFrames * kFeatures];  // no initialiser: a global pipeline stays in .bss
  LevelMeter<kFrames> levels_;
  PipelineConfig config_;
  std::uint64_t frames_ = 0;
  std::uint64_t samples_ = 0;   // pushed since begin(), clip padding included
  std::uint64_t position_ = 0;  // in the front-end's stream: samples_ + left_padding_
  std::uint64_t last_bad_sample_ = 0;  // 1 + the index of the last non-finite sample pushed; 0: none
  std::size_t next_slot_ = 0;  // of ring_: the oldest frame, overwritten next
  std::size_t windows_ = 0;
  std::size_t frames_to_next_window_ = kFrames;
  std::size_t n_fft_ = 0;
  std::size_t hop_length_ = 1;
  std::size_t left_padding_ = 0;
  Status frontend_status_ = Status::kNotConfigured;
  bool configured_ = false;
};

}  // namespace earshot
