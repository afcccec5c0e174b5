// Analysis windows for the STFT: Hann and Hamming, periodic (scipy.signal.get_window with
// fftbins=True, what librosa's window="hann" uses) or symmetric, and zero-padded centrally to
// n_fft like librosa.util.pad_center. Values are computed in double and stored as float.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "earshot/status.hpp"

namespace earshot {

enum class WindowType : std::uint8_t { kHann, kHamming };

// Periodic windows are the first N points of an (N+1)-point symmetric window: the right choice
// for spectral analysis and librosa's default. Symmetric windows are for filter design.
enum class WindowSymmetry : std::uint8_t { kPeriodic, kSymmetric };

// Value n (0 <= n < length) of the window, in double.
inline double window_value(WindowType type, WindowSymmetry symmetry, std::size_t n,
                           std::size_t length) noexcept {
  if (length <= 1) return 1.0;  // scipy returns [1.0] for a one-point window
  const double period =
      static_cast<double>(symmetry == WindowSymmetry::kPeriodic ? length : length - 1);
  constexpr double kTwoPi = 6.283185307179586476925286766559;
  const double c = std::cos(kTwoPi * static_cast<double>(n) / period);
  // Hann: a0 = 0.5; Hamming: a0 = 0.54 (scipy.signal.windows.general_hamming(alpha=0.54)).
  const double a0 = type == WindowType::kHann ? 0.5 : 0.54;
  return a0 - (1.0 - a0) * c;
}

// Writes n_fft values to out: the win_length-point window in the middle, zeros around it
// (left padding (n_fft - win_length) / 2, as librosa.util.pad_center).
inline Status make_window(WindowType type, WindowSymmetry symmetry, std::size_t win_length,
                          std::size_t n_fft, float* out) noexcept {
  if (win_length == 0 || win_length > n_fft) return Status::kInvalidWindowLength;
  const std::size_t left = (n_fft - win_length) / 2;
  for (std::size_t i = 0; i < n_fft; ++i) {
    const bool inside = i >= left && i < left + win_length;
    out[i] = inside ? static_cast<float>(window_value(type, symmetry, i - left, win_length)) : 0.0f;
  }
  return Status::kOk;
}

}  // namespace earshot
