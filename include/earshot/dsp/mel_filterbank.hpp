// Triangular mel filterbank identical to librosa.filters.mel 0.11 (fft_frequencies = rfftfreq,
// mel_frequencies = linspace in mel, slopes and Slaney area normalisation in double, then float),
// stored sparse: each band keeps only its non-zero run of weights, so applying 60 bands to a
// 1024-point spectrum costs about 1 k multiply-adds (every bin is in at most two bands).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "earshot/dsp/mel_scale.hpp"
#include "earshot/status.hpp"

namespace earshot {

enum class MelNorm : std::uint8_t {
  kSlaney,  // divide each triangle by its width in Hz (2 / (f[i+2] - f[i])): constant energy
  kNone,    // peak 1
};

struct MelFilterbankConfig {
  double sample_rate = 22050.0;
  std::size_t n_fft = 2048;
  std::size_t n_mels = 128;
  double fmin = 0.0;
  double fmax = 11025.0;  // librosa's None is sample_rate / 2
  MelScale scale = MelScale::kSlaney;
  MelNorm norm = MelNorm::kSlaney;
};

// kMaxBins: capacity in spectrum bins (n_fft / 2 + 1 of the largest n_fft).
template <std::size_t kMaxMels, std::size_t kMaxBins>
class MelFilterbank {
 public:
  static constexpr std::size_t max_mels = kMaxMels;
  static constexpr std::size_t max_bins = kMaxBins;
  // Every bin lies inside at most two triangles.
  static constexpr std::size_t max_weights = 2 * kMaxBins;

  Status configure(const MelFilterbankConfig& config) noexcept {
    // Finite: with an infinite rate every range check passes (fmax = inf / 2 <= inf) and the
    // bins get infinite frequencies, hence infinite weights everywhere.
    if (!(config.sample_rate > 0.0 && config.sample_rate < HUGE_VAL)) {
      return Status::kInvalidSampleRate;
    }
    if (config.n_mels == 0) return Status::kInvalidMelBandCount;
    if (config.n_mels > kMaxMels) return Status::kMelBandsExceedCapacity;
    if (config.n_fft < 2 || config.n_fft / 2 + 1 > kMaxBins) return Status::kFftSizeExceedsCapacity;
    if (!(config.fmin >= 0.0 && config.fmin < config.fmax && config.fmax <= config.sample_rate / 2)) {
      return Status::kInvalidFrequencyRange;
    }
    n_mels_ = config.n_mels;
    n_bins_ = config.n_fft / 2 + 1;
    // numpy.fft.rfftfreq(n_fft, d=1/sr): k * (1 / (n_fft * (1 / sr))).
    const double bin_hz = 1.0 / (static_cast<double>(config.n_fft) * (1.0 / config.sample_rate));
    // numpy.linspace(min_mel, max_mel, n_mels + 2): i * step + min_mel, the last one exact.
    const double min_mel = hz_to_mel(config.fmin, config.scale);
    const double max_mel = hz_to_mel(config.fmax, config.scale);
    const std::size_t last = n_mels_ + 1;
    const double step = (max_mel - min_mel) / static_cast<double>(last);
    auto edge_hz = [&](std::size_t i) {
      const double mel = i == last ? max_mel : static_cast<double>(i) * step + min_mel;
      return mel_to_hz(mel, config.scale);
    };
    std::size_t used = 0;
    for (std::size_t band = 0; band < n_mels_; ++band) {
      const double lower_hz = edge_hz(band);
      const double center_hz = edge_hz(band + 1);
      const double upper_hz = edge_hz(band + 2);
      const double enorm = config.norm == MelNorm::kSlaney ? 2.0 / (upper_hz - lower_hz) : 1.0;
      Band& b = bands_[band];
      b.first_bin = 0;
      b.count = 0;
      b.offset = static_cast<std::uint32_t>(used);
      for (std::size_t k = 0; k < n_bins_; ++k) {
        const double hz = static_cast<double>(k) * bin_hz;
        const double rising = -(lower_hz - hz) / (center_hz - lower_hz);
        const double falling = (upper_hz - hz) / (upper_hz - center_hz);
        // numpy's minimum and maximum propagate NaN: where a ramp is 0 / 0 (two edges that
        // round to the same Hz in a very narrow range) librosa's weight is NaN, as is every
        // weight of a zero-width triangle (enorm = 2 / 0, then 0 * inf). Such weights are left
        // out, which makes those bands empty (zero rows, librosa's "empty filters" but without
        // the NaN) and keeps the bank within its room for two weights a bin.
        if (!(rising > 0.0 && falling > 0.0)) continue;
        const double slope = rising < falling ? rising : falling;
        // librosa stores the triangle in float32, then multiplies by enorm in double and
        // rounds again: keep both roundings.
        float weight = static_cast<float>(slope);
        if (config.norm == MelNorm::kSlaney) {
          weight = static_cast<float>(static_cast<double>(weight) * enorm);
        }
        // The positive part of a triangle is one contiguous run of bins (a slope below the
        // smallest float rounds to zero in librosa's float32 too).
        if (!(weight > 0.0f)) continue;
        // An infinite weight, where librosa's would be too and the features NaN. Both found by
        // the front-end fuzzer: Slaney's 2 / width overflows float for bands narrower than
        // about 6e-39 Hz (a sample rate of 4e-306 Hz), and in a range of a few denormal Hz
        // (3e-320 to 8e-320) the edges round out of order and a turned-over triangle's slope
        // divides by almost nothing.
        if (!(weight < HUGE_VALF)) return Status::kInvalidFrequencyRange;
        // Unreachable while the edges increase (a bin is inside at most two triangles); a
        // rounding that broke this must not write past the storage.
        if (used == max_weights) return Status::kInvalidFrequencyRange;
        if (b.count == 0) b.first_bin = static_cast<std::uint32_t>(k);
        weights_[used++] = weight;
        ++b.count;
      }
    }
    return Status::kOk;
  }

  std::size_t n_mels() const noexcept { return n_mels_; }
  std::size_t n_bins() const noexcept { return n_bins_; }
  // Total stored weights = multiply-adds per frame.
  std::size_t weight_count() const noexcept {
    return n_mels_ == 0 ? 0 : bands_[n_mels_ - 1].offset + bands_[n_mels_ - 1].count;
  }

  // mel[m] = sum_k weight(m, k) spectrum[k] for n_bins() bins in, n_mels() bands out.
  void apply(const float* spectrum, float* mel) const noexcept {
    for (std::size_t band = 0; band < n_mels_; ++band) {
      const Band& b = bands_[band];
      mel[band] = dot(weights_ + b.offset, spectrum + b.first_bin, b.count);
    }
  }

  // Dense weight (m, k), 0 outside the band's run: for tests and for printing the bank.
  float weight(std::size_t band, std::size_t bin) const noexcept {
    const Band& b = bands_[band];
    if (bin < b.first_bin || bin >= b.first_bin + b.count) return 0.0f;
    return weights_[b.offset + (bin - b.first_bin)];
  }

  std::size_t first_bin(std::size_t band) const noexcept { return bands_[band].first_bin; }
  std::size_t bin_count(std::size_t band) const noexcept { return bands_[band].count; }

 private:
  // sum of w[j] s[j] for j = 0, 1, ..., count - 1, added in that order. On a Cortex-M4F two
  // weights and two bins a step with VLDM, which GCC does not emit (it loads one register per
  // instruction: 5 instructions a multiply-add, here 3; Cortex-M4, 22.05 kHz / 1024 / 60-mel
  // frame: 39,210 -> 37,285 instructions). Each VFMA is the one GCC emits for `sum += w * s`.
  static float dot(const float* w, const float* s, std::size_t count) noexcept {
    float sum = 0.0f;
#if defined(__ARM_FP) && (__ARM_FP & 4) && defined(__GNUC__) && !defined(__aarch64__) && !defined(__ARM_NEON)
    std::size_t pairs = count / 2;
    if (pairs > 0) {
      __asm__(
          "1:\n\t"
          "vldmia %[w]!, {s12, s13}\n\t"
          "vldmia %[s]!, {s14, s15}\n\t"
          "vfma.f32 %[sum], s12, s14\n\t"
          "vfma.f32 %[sum], s13, s15\n\t"
          "subs %[pairs], %[pairs], #1\n\t"
          "bne 1b"
          : [sum] "+t"(sum), [w] "+r"(w), [s] "+r"(s), [pairs] "+r"(pairs)
          :
          : "s12", "s13", "s14", "s15", "cc", "memory");
    }
    if (count % 2 != 0) sum += *w * *s;
#else
    for (std::size_t j = 0; j < count; ++j) sum += w[j] * s[j];
#endif
    return sum;
  }

  struct Band {
    std::uint32_t first_bin;
    std::uint32_t count;
    std::uint32_t offset;
  };

  Band bands_[kMaxMels];  // written by configure(); no initialiser keeps globals in .bss
  float weights_[max_weights];
  std::size_t n_mels_ = 0;
  std::size_t n_bins_ = 0;
};

}  // namespace earshot
