// Logarithmic scales of a spectrogram as librosa 0.11 computes them in float32:
// power_to_db (10 log10(max(amin, S)) - 10 log10(max(amin, ref))), amplitude_to_db (the same on
// S^2 with ref^2 and amin^2), the top_db floor, and the natural log with an offset. The
// logarithms of the values go through fast_ln (fast_log.hpp: within a few units in the last
// place); the offsets, computed once, through the standard library.
#pragma once

#include <cmath>
#include <cstddef>

#include "earshot/dsp/fast_log.hpp"

namespace earshot {

// librosa's defaults for amin: power_to_db uses 1e-10, amplitude_to_db 1e-5.
constexpr float kPowerAmin = 1e-10f;
constexpr float kAmplitudeAmin = 1e-5f;

// 10 log10(x) = (10 / ln 10) ln x.
constexpr float kDecibelsPerNeper = 4.34294482f;

// power_to_db without top_db, element by element (in may equal out).
inline void power_to_db(const float* in, float* out, std::size_t count, float ref,
                        float amin) noexcept {
  const float offset = 10.0f * std::log10(ref > amin ? ref : amin);
  for (std::size_t i = 0; i < count; ++i) {
    const float value = in[i] > amin ? in[i] : amin;
    out[i] = kDecibelsPerNeper * fast_ln(value) - offset;
  }
}

// amplitude_to_db without top_db: power_to_db(S^2, ref^2, amin^2) (in may equal out).
inline void amplitude_to_db(const float* in, float* out, std::size_t count, float ref,
                            float amin) noexcept {
  const float amin_power = amin * amin;
  // 10 log10(max(ref^2, amin^2)) as 20 log10(max(ref, amin)): librosa squares these two in
  // double, where a tiny ref and amin (below 1e-19) do not underflow to 0 as they would in
  // float, making the offset -inf and every value NaN.
  const float offset = 20.0f * std::log10(ref > amin ? ref : amin);
  for (std::size_t i = 0; i < count; ++i) {
    const float power = in[i] * in[i];
    out[i] = kDecibelsPerNeper * fast_ln(power > amin_power ? power : amin_power) - offset;
  }
}

// log(S + offset) (in may equal out).
inline void natural_log(const float* in, float* out, std::size_t count, float offset) noexcept {
  for (std::size_t i = 0; i < count; ++i) out[i] = fast_ln(in[i] + offset);
}

inline float max_value(const float* values, std::size_t count) noexcept {
  float result = -HUGE_VALF;
  for (std::size_t i = 0; i < count; ++i) result = values[i] > result ? values[i] : result;
  return result;
}

// Raises every value to at least floor.
inline void clamp_below(float* values, std::size_t count, float floor) noexcept {
  for (std::size_t i = 0; i < count; ++i) values[i] = values[i] < floor ? floor : values[i];
}

// librosa's top_db over a whole output: max(S_db, S_db.max() - top_db). Returns the maximum.
inline float apply_top_db(float* db, std::size_t count, float top_db) noexcept {
  const float peak = max_value(db, count);
  clamp_below(db, count, peak - top_db);
  return peak;
}

// The streaming form of top_db: each frame is clamped against the largest finite value seen
// since reset(), including the frame itself. It equals librosa's whole-output result for every
// frame that comes after the loudest one, and never clamps harder than librosa would.
class RunningTopDb {
 public:
  void reset() noexcept { peak_ = -HUGE_VALF; }
  float peak() const noexcept { return peak_; }

  // Only finite values raise the peak: +inf dB comes from a frame whose power overflowed (a
  // sample far beyond full scale) and carries no level; as the peak it would clamp every later
  // frame to +inf until reset(). (librosa's whole-output rule keeps it: apply_top_db.)
  void apply(float* db, std::size_t count, float top_db) noexcept {
    for (std::size_t i = 0; i < count; ++i) {
      peak_ = db[i] > peak_ && db[i] < HUGE_VALF ? db[i] : peak_;
    }
    clamp_below(db, count, peak_ - top_db);
  }

 private:
  float peak_ = -HUGE_VALF;
};

}  // namespace earshot
