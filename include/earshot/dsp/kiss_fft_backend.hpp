// KissFFT as a front-end FFT backend (see fft_backend.hpp): any even size, for the host tools
// where n_fft is not a power of two. Include it only when linking kissfft::kissfft (Debian:
// libkissfft-dev, find_package(kissfft CONFIG COMPONENTS SHARED float)).
#pragma once

#include <kiss_fftr.h>

#include <cstddef>
#include <cstring>

#include "earshot/dsp/fft_backend.hpp"
#include "earshot/status.hpp"

namespace earshot {

// The KissFFT state lives inside the object: kiss_fftr_alloc(n, 0, mem, &length) places it in
// caller memory instead of calling malloc. Caveat from KissFFT itself: its generic butterfly
// (used for prime factors of n/2 other than 2, 3 and 5, e.g. n = 2 * 7 * 64) allocates a small
// scratch buffer with malloc on every transform; sizes built from 2, 3 and 5 never allocate.
template <std::size_t kMaxFftSize>
class KissFftBackend {
 public:
  static constexpr std::size_t max_size = kMaxFftSize;

  static constexpr bool supports(std::size_t n) noexcept { return n >= 2 && n % 2 == 0; }

  Status init(std::size_t n) noexcept {
    if (!supports(n)) return Status::kFftSizeNotSupported;
    if (n > max_size) return Status::kFftSizeExceedsCapacity;
    std::size_t length = sizeof(state_);
    config_ = kiss_fftr_alloc(static_cast<int>(n), 0, state_, &length);
    size_ = config_ != nullptr ? n : 0;
    return config_ != nullptr ? Status::kOk : Status::kFftSizeExceedsCapacity;
  }

  std::size_t size() const noexcept { return size_; }

  // kiss_fftr reads the input before it writes the output, but does not promise to; a copy of
  // the input keeps the in-place contract independent of that implementation detail.
  void forward(float* data) noexcept {
    std::memcpy(input_, data, size_ * sizeof(float));
    kiss_fftr(config_, input_, reinterpret_cast<kiss_fft_cpx*>(data));
  }

  // Bytes of KissFFT state reserved in the object: kiss_fftr_state (3 pointers), the n/2-point
  // kiss_fft_state (2 ints, 64 factor ints, n/2 twiddles), n/2 scratch and n/4 split twiddles,
  // plus room for alignment padding. init() fails cleanly if a KissFFT version needs more.
  static constexpr std::size_t kStateBytes =
      512 + sizeof(kiss_fft_cpx) * (kMaxFftSize / 2 + kMaxFftSize / 2 + kMaxFftSize / 4 + 4);

 private:
  alignas(16) unsigned char state_[kStateBytes];
  float input_[kMaxFftSize];
  kiss_fftr_cfg config_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace earshot
