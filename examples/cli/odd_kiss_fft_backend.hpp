// A front-end FFT backend (earshot/dsp/fft_backend.hpp) for odd n_fft, which neither the
// built-in FFT nor KissFFT's real transform (kiss_fftr: even sizes) can do. Uses KissFFT's
// complex transform on the real input and keeps bins 0..n/2, as numpy.fft.rfft returns them.
// Host-only: allocates at init() (the CLI's front-end lives on the heap anyway).
#pragma once

#include <kiss_fft.h>

#include <cstddef>
#include <vector>

#include "earshot/status.hpp"

namespace earshot::cli {

template <std::size_t kMaxFftSize>
class OddKissFftBackend {
 public:
  static constexpr std::size_t max_size = kMaxFftSize;

  static constexpr bool supports(std::size_t n) noexcept { return n >= 3 && n % 2 == 1; }

  OddKissFftBackend() = default;
  OddKissFftBackend(const OddKissFftBackend&) = delete;
  OddKissFftBackend& operator=(const OddKissFftBackend&) = delete;
  ~OddKissFftBackend() { kiss_fft_free(config_); }

  Status init(std::size_t n) noexcept {
    if (!supports(n)) return Status::kFftSizeNotSupported;
    if (n > max_size) return Status::kFftSizeExceedsCapacity;
    kiss_fft_free(config_);
    config_ = kiss_fft_alloc(static_cast<int>(n), 0, nullptr, nullptr);
    if (config_ == nullptr) return Status::kFftSizeExceedsCapacity;
    input_.assign(n, kiss_fft_cpx{0.0f, 0.0f});
    output_.assign(n, kiss_fft_cpx{0.0f, 0.0f});
    size_ = n;
    return Status::kOk;
  }

  std::size_t size() const noexcept { return size_; }

  // n reals in, bins 0..(n - 1) / 2 out as interleaved (re, im): n + 1 floats. An odd size has
  // no Nyquist bin, so the last imaginary part is a real value, not 0.
  void forward(float* data) noexcept {
    for (std::size_t i = 0; i < size_; ++i) input_[i] = kiss_fft_cpx{data[i], 0.0f};
    kiss_fft(config_, input_.data(), output_.data());
    for (std::size_t k = 0; k <= size_ / 2; ++k) {
      data[2 * k] = output_[k].r;
      data[2 * k + 1] = output_[k].i;
    }
  }

 private:
  kiss_fft_cfg config_ = nullptr;
  std::vector<kiss_fft_cpx> input_;
  std::vector<kiss_fft_cpx> output_;
  std::size_t size_ = 0;
};

}  // namespace earshot::cli
