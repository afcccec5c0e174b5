// FFTW3 (single precision) as a front-end FFT backend (fft_backend.hpp), for the benchmark's
// side-by-side comparison only: the library does not depend on FFTW. forward() runs an in-place
// real-to-complex plan (FFTW writes the n/2 + 1 bins over the n + 2 floats, the layout the
// interface asks for) planned with FFTW_MEASURE; a second plan without FFTW's alignment
// assumption serves buffers whose alignment differs from the planning buffer's.
#pragma once

#include <fftw3.h>

#include <cstddef>

#include "earshot/dsp/fft_backend.hpp"
#include "earshot/status.hpp"

template <std::size_t kMaxFftSize>
class FftwBackend {
 public:
  static constexpr std::size_t max_size = kMaxFftSize;

  static constexpr bool supports(std::size_t n) noexcept { return n >= 2 && n % 2 == 0; }

  FftwBackend() = default;
  FftwBackend(const FftwBackend&) = delete;
  FftwBackend& operator=(const FftwBackend&) = delete;
  ~FftwBackend() { release(); }

  earshot::Status init(std::size_t n) noexcept {
    if (!supports(n)) return earshot::Status::kFftSizeNotSupported;
    if (n > max_size) return earshot::Status::kFftSizeExceedsCapacity;
    release();
    planning_ = fftwf_alloc_real(n + 2);
    const int size = static_cast<int>(n);
    auto* bins = reinterpret_cast<fftwf_complex*>(planning_);
    aligned_ = fftwf_plan_dft_r2c_1d(size, planning_, bins, FFTW_MEASURE);
    unaligned_ = fftwf_plan_dft_r2c_1d(size, planning_, bins, FFTW_MEASURE | FFTW_UNALIGNED);
    size_ = aligned_ != nullptr && unaligned_ != nullptr ? n : 0;
    return size_ == n ? earshot::Status::kOk : earshot::Status::kFftSizeNotSupported;
  }

  std::size_t size() const noexcept { return size_; }

  void forward(float* data) noexcept {
    const bool same_alignment = fftwf_alignment_of(data) == fftwf_alignment_of(planning_);
    fftwf_execute_dft_r2c(same_alignment ? aligned_ : unaligned_, data, reinterpret_cast<fftwf_complex*>(data));
    data[1] = 0.0f;                 // Im X[0]
    data[size_ + 1] = 0.0f;         // Im X[n/2]
  }

 private:
  void release() noexcept {
    if (aligned_ != nullptr) fftwf_destroy_plan(aligned_);
    if (unaligned_ != nullptr) fftwf_destroy_plan(unaligned_);
    if (planning_ != nullptr) fftwf_free(planning_);
    aligned_ = unaligned_ = nullptr;
    planning_ = nullptr;
    size_ = 0;
  }

  float* planning_ = nullptr;
  fftwf_plan aligned_ = nullptr;
  fftwf_plan unaligned_ = nullptr;
  std::size_t size_ = 0;
};
