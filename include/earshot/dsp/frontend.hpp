// The audio front-end: samples -> STFT (window, real FFT) -> power or magnitude spectrum ->
// mel filterbank -> linear / dB / natural-log mel or MFCC, matching
// librosa.feature.melspectrogram + power_to_db / amplitude_to_db / mfcc (librosa 0.11).
// Capacities are template parameters, the configuration is chosen at run time; all storage is
// inside the object, and processing is noexcept and never allocates.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "earshot/dsp/dct.hpp"
#include "earshot/dsp/decibel.hpp"
#include "earshot/dsp/fft_backend.hpp"
#include "earshot/dsp/mel_filterbank.hpp"
#include "earshot/dsp/mel_scale.hpp"
#include "earshot/dsp/real_fft.hpp"
#include "earshot/dsp/stft_framer.hpp"
#include "earshot/dsp/window.hpp"
#include "earshot/status.hpp"

namespace earshot {

// librosa's `power`: 2 (power spectrum) or 1 (magnitude spectrum).
enum class Spectrum : std::uint8_t { kPower, kMagnitude };

// What one frame of features is.
enum class FeatureKind : std::uint8_t {
  kMel,         // linear mel spectrogram (librosa.feature.melspectrogram)
  kDecibel,     // power_to_db (kPower) or amplitude_to_db (kMagnitude), with top_db
  kNaturalLog,  // log(mel + ln_offset)
  kMfcc,        // DCT-II (ortho) of the dB mel, first n_mfcc coefficients (librosa.feature.mfcc)
};

// Field names and defaults are librosa's. A zero in win_length, fmax or amin means "librosa's
// default" (n_fft, sample_rate / 2, and 1e-10 for power / 1e-5 for magnitude): values librosa
// itself would reject, so nothing valid is lost.
struct FrontendConfig {
  double sample_rate = 22050.0;
  std::size_t n_fft = 2048;
  std::size_t hop_length = 512;
  std::size_t win_length = 0;
  WindowType window = WindowType::kHann;  // periodic, as librosa's window="hann"
  bool center = true;                     // pad n_fft / 2 zeros at both ends (pad_mode="constant")
  Spectrum spectrum = Spectrum::kPower;
  std::size_t n_mels = 128;
  double fmin = 0.0;
  double fmax = 0.0;
  MelScale mel_scale = MelScale::kSlaney;  // librosa htk=False
  MelNorm mel_norm = MelNorm::kSlaney;
  FeatureKind kind = FeatureKind::kMel;
  float ref = 1.0f;
  float amin = 0.0f;
  float top_db = 80.0f;  // negative: no floor (librosa top_db=None)
  float ln_offset = 1e-6f;
  std::size_t n_mfcc = 20;  // used only by FeatureKind::kMfcc
};

// Features are delivered time-major: one frame is feature_size() contiguous floats (n_mels,
// or n_mfcc for kMfcc); a block of frames is frames x feature_size(). librosa's arrays are the
// transpose, (n_mels, n_frames).
template <std::size_t kMaxFftSize, std::size_t kMaxMels, class Fft = RealFft<kMaxFftSize>>
class Frontend {
  static_assert(IsFftBackend<Fft>::value, "Fft does not provide the interface of fft_backend.hpp");
  static_assert(Fft::max_size >= kMaxFftSize, "the FFT backend's capacity is below kMaxFftSize");

 public:
  static constexpr std::size_t max_fft_size = kMaxFftSize;
  static constexpr std::size_t max_mels = kMaxMels;
  using FftBackend = Fft;
  using Filterbank = MelFilterbank<kMaxMels, kMaxFftSize / 2 + 1>;

  // kOk, or the first problem found (see status.hpp).
  static Status validate(const FrontendConfig& config) noexcept {
    if (!(config.sample_rate > 0.0 && config.sample_rate < HUGE_VAL)) {
      return Status::kInvalidSampleRate;
    }
    if (!Fft::supports(config.n_fft)) return Status::kFftSizeNotSupported;
    if (config.n_fft > kMaxFftSize) return Status::kFftSizeExceedsCapacity;
    if (config.hop_length == 0) return Status::kInvalidHopLength;
    if (config.win_length > config.n_fft) return Status::kInvalidWindowLength;
    if (config.n_mels == 0) return Status::kInvalidMelBandCount;
    if (config.n_mels > kMaxMels) return Status::kMelBandsExceedCapacity;
    const double fmax = config.fmax == 0.0 ? config.sample_rate / 2 : config.fmax;
    if (!(config.fmin >= 0.0 && config.fmin < fmax && fmax <= config.sample_rate / 2)) {
      return Status::kInvalidFrequencyRange;
    }
    if (config.kind == FeatureKind::kMfcc && (config.n_mfcc == 0 || config.n_mfcc > config.n_mels)) {
      return Status::kInvalidMfccCount;
    }
    // Finite too: a ref of inf (the front-end fuzzer's) makes every dB value -inf and MFCCs NaN.
    if (!(config.ref > 0.0f && config.ref < HUGE_VALF && config.amin >= 0.0f && config.amin < HUGE_VALF &&
          config.ln_offset >= 0.0f && config.ln_offset < HUGE_VALF)) {
      return Status::kInvalidLogParameter;
    }
    // amplitude_to_db floors the power at amin^2, which must be a float: below about 4e-23 it is
    // 0, a silent bin -inf dB and an MFCC of -inf values NaN (the front-end fuzzer's amin of
    // 2.4e-44); above about 1.8e19 it is inf, every dB value inf and the MFCCs NaN (its 1e31).
    const bool magnitude_db = config.spectrum == Spectrum::kMagnitude &&
                              (config.kind == FeatureKind::kDecibel || config.kind == FeatureKind::kMfcc);
    const float amin_power = config.amin * config.amin;
    if (magnitude_db && config.amin > 0.0f && !(amin_power > 0.0f && amin_power < HUGE_VALF)) {
      return Status::kInvalidLogParameter;
    }
    return Status::kOk;
  }

  // Validates, builds the window, FFT, mel and DCT tables, and begins a stream. On error the
  // front-end is left unconfigured.
  Status configure(const FrontendConfig& requested) noexcept {
    configured_ = false;
    Status status = validate(requested);
    if (status != Status::kOk) return status;
    FrontendConfig config = requested;
    if (config.win_length == 0) config.win_length = config.n_fft;
    if (config.fmax == 0.0) config.fmax = config.sample_rate / 2;
    if (config.amin == 0.0f) {
      config.amin = config.spectrum == Spectrum::kPower ? kPowerAmin : kAmplitudeAmin;
    }
    status = make_window(config.window, WindowSymmetry::kPeriodic, config.win_length, config.n_fft,
                         window_);
    if (status == Status::kOk) status = fft_.init(config.n_fft);
    if (status == Status::kOk) status = framer_.configure(config.n_fft, config.hop_length);
    if (status == Status::kOk) {
      status = filterbank_.configure({config.sample_rate, config.n_fft, config.n_mels, config.fmin,
                                      config.fmax, config.mel_scale, config.mel_norm});
    }
    if (status == Status::kOk && config.kind == FeatureKind::kMfcc) {
      status = dct_.configure(config.n_mels, config.n_mfcc);
    }
    if (status != Status::kOk) return status;
    config_ = config;
    configured_ = true;
    begin();
    return Status::kOk;
  }

  bool configured() const noexcept { return configured_; }
  // The configuration in use, with win_length, fmax and amin resolved.
  const FrontendConfig& config() const noexcept { return config_; }
  const Filterbank& filterbank() const noexcept { return filterbank_; }
  std::size_t feature_size() const noexcept {
    return config_.kind == FeatureKind::kMfcc ? config_.n_mfcc : config_.n_mels;
  }

  // ---- Streaming -------------------------------------------------------------------------
  // begin(); push(...) any number of blocks of any size; finish() at the end of a recording
  // (only needed with center=true: it feeds the right padding). The frames equal librosa's for
  // the concatenated blocks, except top_db (dB and MFCC), which clamps each frame against the
  // running maximum since begin() (RunningTopDb in decibel.hpp): identical to librosa from the
  // loudest frame on, never more clamped before it. For exact whole-file output use process().

  // Starts a new stream; with center=true the first n_fft / 2 samples of the frame are zeros.
  void begin() noexcept {
    if (!configured_) return;
    framer_.reset();
    running_top_db_.reset();
    if (config_.center) framer_.push_zeros(config_.n_fft / 2, [](const float*) {});
  }

  // on_frame(const float* features) is called with feature_size() values for each frame that
  // the block completes; the pointer is valid during the call only.
  template <class OnFrame>
  void push(const float* samples, std::size_t count, OnFrame&& on_frame) noexcept {
    // After a failed configure() the framer and tables may still hold an older configuration.
    if (!configured_) return;
    framer_.push(samples, count, [&](const float* frame) { emit(frame, on_frame); });
  }

  // The same for the next count samples of a source that writes them into the frame buffer
  // itself (StftFramer::push_from): int16 PCM converted in place, without a float copy.
  template <class Source, class OnFrame>
  void push_from(Source& source, std::size_t count, OnFrame&& on_frame) noexcept {
    if (!configured_) return;
    framer_.push_from(source, count, [&](const float* frame) { emit(frame, on_frame); });
  }

  // Ends the stream: with center=true feeds the n_fft / 2 zeros of the right padding, which
  // completes the last frames. Call begin() before the next stream.
  template <class OnFrame>
  void finish(OnFrame&& on_frame) noexcept {
    if (configured_ && config_.center) {
      framer_.push_zeros(config_.n_fft / 2, [&](const float* frame) { emit(frame, on_frame); });
    }
  }

  // Features of one n_fft-sample frame (already cut from the signal), without top_db: the
  // per-frame cost that benchmarks measure. features gets feature_size() values.
  void compute_frame(const float* frame, float* features) noexcept {
    mel_frame(frame);
    scale_frame();
    if (config_.kind == FeatureKind::kMfcc) {
      dct_.transform(mel_, features);
    } else {
      std::memcpy(features, mel_, config_.n_mels * sizeof(float));
    }
  }

  // ---- Whole signal (librosa's semantics exactly, top_db over the whole output) ----------

  // Frames librosa returns for a signal of `length` samples: 1 + length / hop_length with
  // center=true (n_fft even), 1 + (length - n_fft) / hop_length with center=false (0 if short).
  std::size_t frame_count(std::size_t length) const noexcept {
    const std::size_t padded = config_.center ? length + 2 * (config_.n_fft / 2) : length;
    return padded < config_.n_fft ? 0 : 1 + (padded - config_.n_fft) / config_.hop_length;
  }

  // Floats process() needs in `out`: frame_count(length) x n_mels (also for MFCC, whose dB mel
  // is built in the same buffer before the DCT).
  // Saturates at SIZE_MAX rather than wrapping to a small size for absurd lengths.
  std::size_t output_buffer_size(std::size_t length) const noexcept {
    const std::size_t frames = frame_count(length);
    return frames > SIZE_MAX / config_.n_mels ? SIZE_MAX : frames * config_.n_mels;
  }

  // Features of a whole signal into out (time-major, frames x feature_size()), top_db over
  // the whole output as librosa. *frames receives the number of frames. Ends any stream in
  // progress and begins a new one.
  Status process(const float* signal, std::size_t length, float* out, std::size_t out_capacity,
                 std::size_t* frames) noexcept {
    if (frames != nullptr) *frames = 0;
    if (!configured_) return Status::kNotConfigured;
    const std::size_t total = frame_count(length);
    if (total == 0) return Status::kSignalTooShort;
    // Divided, not multiplied: a wrapped product would let a small buffer through.
    if (total > out_capacity / config_.n_mels) return Status::kOutputBufferTooSmall;
    const std::size_t n_mels = config_.n_mels;
    std::size_t done = 0;
    auto store = [&](const float* frame) {
      mel_frame(frame);
      scale_frame();
      std::memcpy(out + done * n_mels, mel_, n_mels * sizeof(float));
      ++done;
    };
    begin();
    framer_.push(signal, length, store);
    if (config_.center) framer_.push_zeros(config_.n_fft / 2, store);
    if (uses_decibels() && config_.top_db >= 0.0f) apply_top_db(out, done * n_mels, config_.top_db);
    if (config_.kind == FeatureKind::kMfcc) {
      // Frame t's coefficients go to out + t * n_mfcc, never past the dB values still unread.
      const std::size_t n_mfcc = config_.n_mfcc;
      for (std::size_t t = 0; t < done; ++t) {
        dct_.transform(out + t * n_mels, features_);
        std::memcpy(out + t * n_mfcc, features_, n_mfcc * sizeof(float));
      }
    }
    begin();
    if (frames != nullptr) *frames = done;
    return Status::kOk;
  }

 private:
  bool uses_decibels() const noexcept {
    return config_.kind == FeatureKind::kDecibel || config_.kind == FeatureKind::kMfcc;
  }

  // Window, FFT, |X|^2 or |X|, mel: linear mel of one frame into mel_.
  void mel_frame(const float* frame) noexcept {
    const std::size_t n_fft = config_.n_fft;
    const std::size_t bins = n_fft / 2 + 1;
    if constexpr (HasPowerSpectrum<Fft>::value) {
      fft_.power_spectrum(frame, window_, spectrum_);
    } else {
      for (std::size_t i = 0; i < n_fft; ++i) spectrum_[i] = frame[i] * window_[i];
      fft_.forward(spectrum_);
      // Bin k's power overwrites spectrum_[k] after its (re, im) at 2k, 2k + 1 has been read.
      for (std::size_t k = 0; k < bins; ++k) {
        const float re = spectrum_[2 * k];
        const float im = spectrum_[2 * k + 1];
        spectrum_[k] = re * re + im * im;
      }
    }
    if (config_.spectrum == Spectrum::kMagnitude) {
      for (std::size_t k = 0; k < bins; ++k) spectrum_[k] = std::sqrt(spectrum_[k]);
    }
    filterbank_.apply(spectrum_, mel_);
  }

  // Per-frame part of the scale (top_db needs more than one frame).
  void scale_frame() noexcept {
    const std::size_t n = config_.n_mels;
    switch (config_.kind) {
      case FeatureKind::kMel:
        break;
      case FeatureKind::kDecibel:
      case FeatureKind::kMfcc:
        if (config_.spectrum == Spectrum::kPower) {
          power_to_db(mel_, mel_, n, config_.ref, config_.amin);
        } else {
          amplitude_to_db(mel_, mel_, n, config_.ref, config_.amin);
        }
        break;
      case FeatureKind::kNaturalLog:
        natural_log(mel_, mel_, n, config_.ln_offset);
        break;
    }
  }

  template <class OnFrame>
  void emit(const float* frame, OnFrame& on_frame) noexcept {
    mel_frame(frame);
    scale_frame();
    if (uses_decibels() && config_.top_db >= 0.0f) {
      running_top_db_.apply(mel_, config_.n_mels, config_.top_db);
    }
    if (config_.kind == FeatureKind::kMfcc) {
      dct_.transform(mel_, features_);
      on_frame(static_cast<const float*>(features_));
    } else {
      on_frame(static_cast<const float*>(mel_));
    }
  }

  // The buffers have no initialisers: they are written by configure() or before each read, and
  // a global Frontend then lives in .bss instead of costing its size again in flash (.data).
  Fft fft_;
  StftFramer<kMaxFftSize> framer_;
  Filterbank filterbank_;
  DctII<kMaxMels> dct_;
  RunningTopDb running_top_db_;
  FrontendConfig config_;
  float window_[kMaxFftSize];
  float spectrum_[kMaxFftSize + 2];
  float mel_[kMaxMels];
  float features_[kMaxMels];
  bool configured_ = false;
};

}  // namespace earshot
