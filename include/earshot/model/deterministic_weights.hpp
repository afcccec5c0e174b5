// Deterministic stand-in weights for the thesis models (no trained weights exist for them):
// constexpr arrays, so they land in flash like a converted model's, with the scales of a
// Glorot-style initialisation so activations keep a realistic range for benchmarks.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace earshot::model {

// kCount values center + spread * u with u uniform in [-1, 1) from a 32-bit LCG seeded by kSeed.
template <std::size_t kCount>
constexpr std::array<float, kCount> deterministic_values(std::uint32_t seed, float center, float spread) noexcept {
  std::array<float, kCount> values{};
  std::uint32_t state = seed * 2654435761u + 12345u;
  for (std::size_t index = 0; index < kCount; ++index) {
    state = state * 1664525u + 1013904223u;
    const float unit = static_cast<float>(state >> 8) / 8388608.0f - 1.0f;
    values[index] = center + spread * unit;
  }
  return values;
}

// A kernel with fan-in kFanIn: uniform with variance 1 / kFanIn.
template <std::size_t kCount, int kFanIn>
constexpr std::array<float, kCount> deterministic_kernel(std::uint32_t seed) noexcept {
  // sqrt(3 / fan_in) by Newton's method: std::sqrt is not constexpr.
  float target = 3.0f / static_cast<float>(kFanIn);
  float root = target > 1.0f ? target : 1.0f;
  for (int iteration = 0; iteration < 30; ++iteration) root = 0.5f * (root + target / root);
  return deterministic_values<kCount>(seed, 0.0f, root);
}

// Batch normalisation parameters: gamma in [0.8, 1.2), beta and mean in [-0.1, 0.1),
// variance in [0.5, 1.5).
template <std::size_t kCount>
constexpr std::array<float, kCount> deterministic_gamma(std::uint32_t seed) noexcept {
  return deterministic_values<kCount>(seed, 1.0f, 0.2f);
}
template <std::size_t kCount>
constexpr std::array<float, kCount> deterministic_shift(std::uint32_t seed) noexcept {
  return deterministic_values<kCount>(seed, 0.0f, 0.1f);
}
template <std::size_t kCount>
constexpr std::array<float, kCount> deterministic_variance(std::uint32_t seed) noexcept {
  return deterministic_values<kCount>(seed, 1.0f, 0.5f);
}

}  // namespace earshot::model
