// Conversions between Hz and mel exactly as librosa 0.11 computes them (librosa/core/convert.py
// hz_to_mel, mel_to_hz): the Slaney scale (linear below 1 kHz, logarithmic above; Auditory
// Toolbox) and the HTK scale (2595 log10(1 + f / 700)). Double precision, like numpy.
#pragma once

#include <cmath>
#include <cstdint>

namespace earshot {

enum class MelScale : std::uint8_t { kSlaney, kHtk };

namespace detail {
// Slaney scale constants, spelled as librosa spells them so the rounding is the same.
constexpr double kSlaneyHzPerMel = 200.0 / 3;            // f_sp
constexpr double kSlaneyMinLogHz = 1000.0;               // start of the log region
constexpr double kSlaneyMinLogMel = (kSlaneyMinLogHz - 0.0) / kSlaneyHzPerMel;  // 15
inline double slaney_log_step() noexcept { return std::log(6.4) / 27.0; }
}  // namespace detail

inline double hz_to_mel(double hz, MelScale scale) noexcept {
  if (scale == MelScale::kHtk) return 2595.0 * std::log10(1.0 + hz / 700.0);
  if (hz >= detail::kSlaneyMinLogHz) {
    return detail::kSlaneyMinLogMel +
           std::log(hz / detail::kSlaneyMinLogHz) / detail::slaney_log_step();
  }
  return (hz - 0.0) / detail::kSlaneyHzPerMel;
}

inline double mel_to_hz(double mel, MelScale scale) noexcept {
  if (scale == MelScale::kHtk) return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0);
  if (mel >= detail::kSlaneyMinLogMel) {
    return detail::kSlaneyMinLogHz *
           std::exp(detail::slaney_log_step() * (mel - detail::kSlaneyMinLogMel));
  }
  return 0.0 + detail::kSlaneyHzPerMel * mel;
}

}  // namespace earshot
