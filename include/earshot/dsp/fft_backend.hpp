// The interface every real-FFT backend of the front-end provides (a concept, written down here
// because C++17 has no `concept`). Backends: RealFft (built-in, real_fft.hpp), KissFftBackend
// (kiss_fft_backend.hpp); a CMSIS-DSP backend would wrap arm_rfft_fast_f32 the same way.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

#include "earshot/status.hpp"

namespace earshot {

// A backend type B is default-constructible, holds all its tables and scratch memory inside the
// object (no heap), and provides:
//
//   static constexpr std::size_t max_size;
//       Largest transform size the object has room for (a template parameter of the backend).
//   static constexpr bool supports(std::size_t n) noexcept;
//       Whether the algorithm can do an n-point transform at all, ignoring capacity
//       (built-in: power of two >= 4; KissFFT: even; CMSIS arm_rfft_fast_f32: 32..4096 pow2).
//   Status init(std::size_t n) noexcept;
//       Prepares an n-point transform. kFftSizeNotSupported if !supports(n),
//       kFftSizeExceedsCapacity if n > max_size. May be slow (tables); never allocates.
//   std::size_t size() const noexcept;
//       n after a successful init(), 0 before.
//   void forward(float* data) noexcept;
//       In place. On entry data[0..n) holds n real samples. On return data[0..n+2) holds the
//       n/2 + 1 bins X[0..n/2] of the unnormalised forward DFT, X[k] = sum x[t] e^{-2 pi i k t/n},
//       interleaved (re, im): data[2k] = Re X[k], data[2k+1] = Im X[k]. The imaginary parts of
//       X[0] and X[n/2] are written as 0. numpy.fft.rfft gives the same numbers.
//       A CMSIS backend unpacks arm_rfft_fast_f32's format (X[n/2].re stored in out[1]) into this.
//       Must not allocate; is real-time safe.
//
// Optionally, a backend may also provide
//
//   void power_spectrum(const float* frame, const float* window, float* out) const noexcept;
//       out[k] = |X[k]|^2 for k = 0 .. n/2, X the forward DFT of frame[i] * window[i]
//       (i < n), the same numbers as forward() followed by re^2 + im^2 up to rounding; out has
//       room for n + 2 floats, which the backend may use as work space.
//
// which the front-end then calls instead of windowing, forward() and squaring itself
// (HasPowerSpectrum).
template <class Backend, class = void>
struct HasPowerSpectrum : std::false_type {};

template <class Backend>
struct HasPowerSpectrum<Backend, std::void_t<decltype(std::declval<const Backend&>().power_spectrum(
                                     std::declval<const float*>(), std::declval<const float*>(),
                                     std::declval<float*>()))>> : std::true_type {};

template <class Backend, class = void>
struct IsFftBackend : std::false_type {};

template <class Backend>
struct IsFftBackend<
    Backend, std::void_t<decltype(Backend::max_size), decltype(Backend::supports(std::size_t{})),
                         decltype(std::declval<Backend&>().init(std::size_t{})),
                         decltype(std::declval<const Backend&>().size()),
                         decltype(std::declval<Backend&>().forward(std::declval<float*>()))>>
    : std::integral_constant<
          bool, std::is_same_v<decltype(std::declval<Backend&>().init(std::size_t{})), Status> &&
                    noexcept(std::declval<Backend&>().forward(std::declval<float*>()))> {};

}  // namespace earshot
