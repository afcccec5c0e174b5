// Sound level of an analysis window for the level gate: RMS in dBFS (20 log10 rms, full scale
// = 1.0, i.e. int16 32768; a full-scale sine reads -3.01 dBFS) of the samples that arrived for
// the window's last kSegments frames. One segment per frame: the samples since the previous
// frame ended (n_fft for the first frame, hop_length after), padding zeros included.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace earshot {

// A gate level that never gates: every finite level, and silence (-inf), is not below it.
constexpr double kLevelGateOff = -std::numeric_limits<double>::infinity();

// 10 log10(mean square); -infinity for digital silence only: NaN samples give a NaN level,
// which no gate takes for silence (pipeline README).
inline double mean_square_to_dbfs(double mean_square) noexcept {
  if (std::isnan(mean_square)) return mean_square;
  return mean_square > 0.0 ? 10.0 * std::log10(mean_square)
                           : -std::numeric_limits<double>::infinity();
}

// `energy` plus the squares of sample(0), ..., sample(count - 1), added in that order. In float:
// a Cortex-M4 has no double-precision unit, and a double sum here cost about 125 instructions a
// sample, a third of a whole pipeline. A segment (one frame's new samples) sums at most a few
// thousand squares: relative error below n 2^-24 (6e-5, 2.6e-4 dB, for 1024), ample for a gate.
template <class Sample>
float add_squares(float energy, std::size_t count, Sample&& sample) noexcept {
#pragma GCC unroll 4
  for (std::size_t i = 0; i < count; ++i) {
    const float value = sample(i);
    energy += value * value;
  }
  return energy;
}

// RMS in dBFS of `count` segments, given by their sums of squares and their lengths in samples:
// the sums added in double in this order (the order decides the last bits).
inline double segments_level_dbfs(const float* energy, const std::uint32_t* length, std::size_t count) noexcept {
  double sum = 0.0;
  std::uint64_t samples = 0;
  for (std::size_t i = 0; i < count; ++i) {
    sum += static_cast<double>(energy[i]);
    samples += length[i];
  }
  return mean_square_to_dbfs(samples > 0 ? sum / static_cast<double>(samples) : 0.0);
}

template <std::size_t kSegments>
class LevelMeter {
  static_assert(kSegments > 0, "LevelMeter: at least one segment");

 public:
  void reset() noexcept {
    pending_energy_ = 0.0f;
    filled_ = 0;
    next_ = 0;
  }

  // Squares of samples in arrival order (add_squares), so that the sum of a segment does not
  // depend on how its samples were split into blocks.
  void add(const float* samples, std::size_t count) noexcept {
    add_each(count, [samples](std::size_t i) { return samples[i]; });
  }

  // The same for the samples sample(0), ..., sample(count - 1), in that order: a caller that
  // produces them (int16 PCM converted into the front-end's buffer) sums them in the same pass.
  template <class Sample>
  void add_each(std::size_t count, Sample&& sample) noexcept {
    pending_energy_ = add_squares(pending_energy_, count, sample);
  }

  // False once the open segment has met a NaN or infinite sample (or squares beyond float's
  // range, from samples above 1.8e19), whose square makes its sum non-finite.
  bool segment_finite() const noexcept { return std::isfinite(pending_energy_); }

  // Ends a segment of `length` samples (the zeros the caller did not add() count too).
  void close_segment(std::uint32_t length) noexcept {
    energy_[next_] = pending_energy_;
    length_[next_] = length;
    pending_energy_ = 0.0f;
    next_ = next_ + 1 == kSegments ? 0 : next_ + 1;
    if (filled_ < kSegments) ++filled_;
  }

  // RMS in dBFS over the last kSegments closed segments (fewer at the start), in ring order.
  double level_dbfs() const noexcept { return segments_level_dbfs(energy_, length_, filled_); }

  // The level of the quietest of those segments: below a gate, part of the window is silence
  // even when the whole is not (a machine stopping or starting). NaN if a segment is NaN.
  double quietest_segment_dbfs() const noexcept {
    float quietest = std::numeric_limits<float>::infinity();
    for (std::size_t i = 0; i < filled_; ++i) {  // in float, as the segments were summed
      const float mean_square = length_[i] > 0 ? energy_[i] / static_cast<float>(length_[i]) : 0.0f;
      if (std::isnan(mean_square)) return mean_square;
      quietest = mean_square < quietest ? mean_square : quietest;
    }
    return mean_square_to_dbfs(filled_ > 0 ? static_cast<double>(quietest) : 0.0);
  }

 private:
  float energy_[kSegments] = {};
  std::uint32_t length_[kSegments] = {};
  float pending_energy_ = 0.0f;
  std::size_t filled_ = 0;
  std::size_t next_ = 0;
};

}  // namespace earshot
