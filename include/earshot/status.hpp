// Errors as values: every fallible earshot function returns a Status instead of throwing, so the
// library works with -fno-exceptions on a microcontroller. describe() gives a one-line message
// for logs and for the command-line tool (which exits with code 2 on any non-kOk status).
#pragma once

#include <cstdint>

namespace earshot {

enum class Status : std::uint8_t {
  kOk = 0,
  // Front-end configuration (include/earshot/dsp/frontend.hpp).
  kInvalidSampleRate,
  kFftSizeNotSupported,
  kFftSizeExceedsCapacity,
  kInvalidHopLength,
  kInvalidWindowLength,
  kInvalidMelBandCount,
  kMelBandsExceedCapacity,
  kInvalidFrequencyRange,
  kInvalidMfccCount,
  kInvalidLogParameter,
  // Processing.
  kNotConfigured,
  kSignalTooShort,
  kOutputBufferTooSmall,
};

// One line, no trailing newline, never nullptr.
constexpr const char* describe(Status status) noexcept {
  switch (status) {
    case Status::kOk:
      return "ok";
    case Status::kInvalidSampleRate:
      return "sample rate must be positive and finite";
    case Status::kFftSizeNotSupported:
      return "n_fft is not supported by the FFT backend (built-in FFT: power of two, 4..capacity; "
             "KissFFT: even)";
    case Status::kFftSizeExceedsCapacity:
      return "n_fft exceeds the capacity the front-end was compiled for";
    case Status::kInvalidHopLength:
      return "hop_length must be at least 1";
    case Status::kInvalidWindowLength:
      return "win_length must be between 1 and n_fft";
    case Status::kInvalidMelBandCount:
      return "n_mels must be at least 1";
    case Status::kMelBandsExceedCapacity:
      return "n_mels exceeds the capacity the front-end was compiled for";
    case Status::kInvalidFrequencyRange:
      return "frequency range must satisfy 0 <= fmin < fmax <= sample_rate / 2";
    case Status::kInvalidMfccCount:
      return "n_mfcc must be between 1 and n_mels";
    case Status::kInvalidLogParameter:
      return "ref must be positive, amin and ln_offset not negative, all finite; for dB of a magnitude "
             "spectrum amin^2 must be a float above 0 (amin 4e-23 to 1.8e19)";
    case Status::kNotConfigured:
      return "the object was used before a successful configure()";
    case Status::kSignalTooShort:
      return "signal is shorter than n_fft (with center=false there is no complete frame)";
    case Status::kOutputBufferTooSmall:
      return "output buffer is too small";
  }
  return "unknown status";
}

}  // namespace earshot
