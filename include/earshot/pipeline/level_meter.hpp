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

template <std::size_t kSegments>
class LevelMeter {
  static_assert(kSegments > 0, "LevelMeter: at least one segment");

 public:
  void reset() noexcept {
    pending_energy_ = 0.0;
    filled_ = 0;
    next_ = 0;
  }

  // Squares of samples in arrival order (double: the sum of a block does not depend on how it
  // was split).
  void add(const float* samples, std::size_t count) noexcept {
    double energy = pending_energy_;
    for (std::size_t i = 0; i < count; ++i) {
      const double sample = samples[i];
      energy += sample * sample;
    }
    pending_energy_ = energy;
  }

  // Ends a segment of `length` samples (the zeros the caller did not add() count too).
  void close_segment(std::uint32_t length) noexcept {
    energy_[next_] = pending_energy_;
    length_[next_] = length;
    pending_energy_ = 0.0;
    next_ = next_ + 1 == kSegments ? 0 : next_ + 1;
    if (filled_ < kSegments) ++filled_;
  }

  // RMS in dBFS over the last kSegments closed segments (fewer at the start).
  double level_dbfs() const noexcept {
    double energy = 0.0;
    double length = 0.0;
    for (std::size_t i = 0; i < filled_; ++i) {
      energy += energy_[i];
      length += length_[i];
    }
    return mean_square_to_dbfs(length > 0.0 ? energy / length : 0.0);
  }

  // The level of the quietest of those segments: below a gate, part of the window is silence
  // even when the whole is not (a machine stopping or starting). NaN if a segment is NaN.
  double quietest_segment_dbfs() const noexcept {
    double quietest = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < filled_; ++i) {
      const double mean_square = length_[i] > 0 ? energy_[i] / length_[i] : 0.0;
      if (std::isnan(mean_square)) return mean_square;
      quietest = mean_square < quietest ? mean_square : quietest;
    }
    return mean_square_to_dbfs(filled_ > 0 ? quietest : 0.0);
  }

 private:
  double energy_[kSegments] = {};
  std::uint32_t length_[kSegments] = {};
  double pending_energy_ = 0.0;
  std::size_t filled_ = 0;
  std::size_t next_ = 0;
};

}  // namespace earshot
