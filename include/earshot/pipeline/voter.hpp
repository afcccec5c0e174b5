// Combines the class probabilities of several analysis windows into one decision: the mean (the
// thesis' clip-level voting), the geometric mean, a majority of per-window argmaxes, or the
// maximum; over a whole clip or a sliding horizon of the last N windows (continuous mode).
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "earshot/pipeline/pipeline_status.hpp"

namespace earshot {

// Class indices that are not classes: no decision (no window yet, or confidence below the
// threshold), and a window below the level gate.
constexpr int kUnknownClass = -1;
constexpr int kSilentClass = -2;

enum class VoteRule : std::uint8_t {
  kMean,           // score_c = mean of p_c
  kGeometricMean,  // exp(mean of ln max(p_c, 1e-30)), rescaled so that the scores sum to 1
  kMajority,       // score_c = share of windows whose argmax (first maximum) is c
  kMax,            // score_c = max of p_c
};

template <std::size_t kClasses>
struct Vote {
  int index = kUnknownClass;  // first maximum of scores; kUnknownClass without windows
  float confidence = 0.0f;    // scores[index]
  std::size_t windows = 0;    // windows in the vote
  std::array<float, kClasses> scores{};
};

// Index of the first largest value, as numpy's argmax.
inline std::size_t first_argmax(const float* values, std::size_t count) noexcept {
  std::size_t best = 0;
  for (std::size_t i = 1; i < count; ++i) best = values[i] > values[best] ? i : best;
  return best;
}

// kMaxHorizon: the longest sliding horizon (windows kept: kMaxHorizon x kClasses floats); 0 if
// only whole clips are voted on, which needs no window storage.
template <std::size_t kClasses, std::size_t kMaxHorizon = 0>
class Voter {
  static_assert(kClasses > 0, "Voter: at least one class");

 public:
  static constexpr std::size_t class_count = kClasses;
  static constexpr std::size_t max_horizon = kMaxHorizon;

  // horizon 0: every window since reset() (clip mode); N: the last N windows.
  PipelineStatus configure(VoteRule rule, std::size_t horizon = 0) noexcept {
    if (horizon > kMaxHorizon) return PipelineStatus::kInvalidVoteHorizon;
    rule_ = rule;
    horizon_ = horizon;
    reset();
    return PipelineStatus::kOk;
  }

  VoteRule rule() const noexcept { return rule_; }
  std::size_t horizon() const noexcept { return horizon_; }

  void reset() noexcept {
    clip_ = Totals{};
    added_ = 0;
  }

  // One window's kClasses probabilities.
  void add(const float* probabilities) noexcept {
    if (horizon_ == 0) {
      clip_.add(rule_, probabilities);
    } else {
      float* slot = history_.data() + (added_ % horizon_) * kClasses;
      for (std::size_t c = 0; c < kClasses; ++c) slot[c] = probabilities[c];
    }
    ++added_;
    // A size_t counts 2^32 windows on a Cortex-M (about 500 days at 100 a second): keep the ring's
    // counter below 2 x horizon. Subtracting whole horizons moves no slot and changes no count.
    if (horizon_ != 0 && added_ >= 2 * horizon_) added_ -= horizon_;
  }

  // Windows the vote covers now.
  std::size_t count() const noexcept {
    return horizon_ == 0 || added_ < horizon_ ? added_ : horizon_;
  }

  Vote<kClasses> vote() const noexcept {
    Vote<kClasses> result;
    result.windows = count();
    if (result.windows == 0) return result;
    Totals totals = clip_;
    if (horizon_ != 0) {
      // Oldest first, so the sums do not depend on where the ring starts.
      totals = Totals{};
      const std::size_t first = added_ - result.windows;
      for (std::size_t i = first; i < added_; ++i) {
        totals.add(rule_, history_.data() + (i % horizon_) * kClasses);
      }
    }
    totals.scores(rule_, result.windows, result.scores.data());
    const std::size_t best = first_argmax(result.scores.data(), kClasses);
    result.index = static_cast<int>(best);
    result.confidence = result.scores[best];
    return result;
  }

 private:
  // The sufficient statistic of the rule, in double so that long clips do not drift. Only the
  // rule's own: the geometric mean's logarithms and exponentials are double-precision library
  // calls of hundreds of instructions each on a Cortex-M4F.
  struct Totals {
    double sum[kClasses] = {};
    double log_sum[kClasses] = {};
    double votes[kClasses] = {};
    float max[kClasses] = {};

    void add(VoteRule rule, const float* p) noexcept {
      for (std::size_t c = 0; c < kClasses; ++c) {
        switch (rule) {
          case VoteRule::kMean:
            sum[c] += p[c];
            break;
          case VoteRule::kGeometricMean:
            log_sum[c] += std::log(p[c] > 1e-30f ? static_cast<double>(p[c]) : 1e-30);
            break;
          case VoteRule::kMajority:
            break;
          case VoteRule::kMax:
            max[c] = p[c] > max[c] ? p[c] : max[c];
            break;
        }
      }
      if (rule == VoteRule::kMajority) votes[first_argmax(p, kClasses)] += 1.0;
    }

    void scores(VoteRule rule, std::size_t windows, float* out) const noexcept {
      const double n = static_cast<double>(windows);
      double geometric[kClasses] = {};
      double geometric_total = 0.0;
      if (rule == VoteRule::kGeometricMean) {
        for (std::size_t c = 0; c < kClasses; ++c) {
          geometric[c] = std::exp(log_sum[c] / n);
          geometric_total += geometric[c];
        }
      }
      for (std::size_t c = 0; c < kClasses; ++c) {
        switch (rule) {
          case VoteRule::kMean:
            out[c] = static_cast<float>(sum[c] / n);
            break;
          case VoteRule::kGeometricMean:
            out[c] = static_cast<float>(geometric[c] / geometric_total);
            break;
          case VoteRule::kMajority:
            out[c] = static_cast<float>(votes[c] / n);
            break;
          case VoteRule::kMax:
            out[c] = max[c];
            break;
        }
      }
    }
  };

  std::array<float, kMaxHorizon * kClasses> history_{};
  Totals clip_;
  std::size_t added_ = 0;
  std::size_t horizon_ = 0;
  VoteRule rule_ = VoteRule::kMean;
};

}  // namespace earshot
