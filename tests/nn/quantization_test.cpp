// The int8 arithmetic (quantization.hpp) against values worked out by hand from the definitions
// of gemmlowp's SaturatingRoundingDoublingHighMul and RoundingDivideByPOT (TFLite's reference
// kernels and CMSIS-NN's arm_nn_requantize use the same), PyTorch's rounding for quantize(), and a
// hand-built int8 model whose every output is computed here on paper.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "earshot/nn/conv2d.hpp"
#include "earshot/nn/dense.hpp"
#include "earshot/nn/flatten.hpp"
#include "earshot/nn/global_pooling.hpp"
#include "earshot/nn/model.hpp"
#include "earshot/nn/pooling.hpp"
#include "earshot/nn/quantization.hpp"
#include "earshot/nn/quantized_tensors.hpp"

namespace nn = earshot::nn;

namespace {
constexpr std::int32_t kMin = std::numeric_limits<std::int32_t>::min();
constexpr std::int32_t kMax = std::numeric_limits<std::int32_t>::max();
}  // namespace

TEST_CASE("saturating rounding doubling high multiply: ties, signs and the one overflow") {
  // round(a x b / 2^31): 3 x 2^30 / 2^31 = 1.5 -> 2; the nudge for negatives is 1 - 2^30, and the
  // division truncates, so -1.5 -> -1 and -0.5 -> 0 (ties go towards +infinity).
  CHECK(nn::saturating_rounding_doubling_high_multiply(3, 1 << 30) == 2);
  CHECK(nn::saturating_rounding_doubling_high_multiply(-3, 1 << 30) == -1);
  CHECK(nn::saturating_rounding_doubling_high_multiply(1, 1 << 30) == 1);   // 0.5 -> 1
  CHECK(nn::saturating_rounding_doubling_high_multiply(-1, 1 << 30) == 0);  // -0.5 -> 0
  CHECK(nn::saturating_rounding_doubling_high_multiply(-5, 1 << 30) == -2); // -2.5 -> -2
  CHECK(nn::saturating_rounding_doubling_high_multiply(1 << 30, 1 << 30) == 1 << 29);
  CHECK(nn::saturating_rounding_doubling_high_multiply(kMax, kMax) == kMax - 1);  // (2^31-1)^2 / 2^31
  CHECK(nn::saturating_rounding_doubling_high_multiply(kMin, kMax) == -kMax);
  CHECK(nn::saturating_rounding_doubling_high_multiply(kMin, kMin) == kMax);  // saturates
  CHECK(nn::saturating_rounding_doubling_high_multiply(1000, 1518500250) == 707);  // 707.1068
}

TEST_CASE("rounding divide by a power of two: ties away from zero, every shift") {
  CHECK(nn::rounding_divide_by_power_of_two(5, 1) == 3);    // 2.5
  CHECK(nn::rounding_divide_by_power_of_two(-5, 1) == -3);  // -2.5
  CHECK(nn::rounding_divide_by_power_of_two(-3, 1) == -2);  // -1.5
  CHECK(nn::rounding_divide_by_power_of_two(6, 2) == 2);    // 1.5
  CHECK(nn::rounding_divide_by_power_of_two(-6, 2) == -2);  // -1.5
  CHECK(nn::rounding_divide_by_power_of_two(7, 2) == 2);    // 1.75
  CHECK(nn::rounding_divide_by_power_of_two(-7, 2) == -2);  // -1.75
  CHECK(nn::rounding_divide_by_power_of_two(5, 2) == 1);    // 1.25
  CHECK(nn::rounding_divide_by_power_of_two(-5, 2) == -1);  // -1.25
  CHECK(nn::rounding_divide_by_power_of_two(123, 0) == 123);
  CHECK(nn::rounding_divide_by_power_of_two(kMax, 31) == 1);   // 0.99999
  CHECK(nn::rounding_divide_by_power_of_two(kMin, 31) == -1);  // -1 exactly
  CHECK(nn::rounding_divide_by_power_of_two(1 << 29, 31) == 0);       // 0.25
  CHECK(nn::rounding_divide_by_power_of_two(3 << 29, 31) == 1);       // 0.75
}

TEST_CASE("multiply by a quantized multiplier: left shifts before, right shifts after") {
  // 0.5 in Q31 is 2^30.
  CHECK(nn::multiply_by_quantized_multiplier(100, 1 << 30, 1) == 100);    // 100 x 2 x 0.5
  CHECK(nn::multiply_by_quantized_multiplier(100, 1 << 30, 0) == 50);
  CHECK(nn::multiply_by_quantized_multiplier(101, 1 << 30, 0) == 51);     // 50.5 -> 51
  CHECK(nn::multiply_by_quantized_multiplier(-101, 1 << 30, 0) == -50);   // -50.5 -> -50 (high multiply)
  CHECK(nn::multiply_by_quantized_multiplier(1000, 1518500250, -3) == 88);  // 707 / 8 = 88.4
  CHECK(nn::multiply_by_quantized_multiplier(-1000, 1518500250, -3) == -88);
  CHECK(nn::multiply_by_quantized_multiplier(1 << 20, 1 << 30, -20) == 1);  // 2^19 / 2^20 = 0.5 -> 1
  CHECK(nn::multiply_by_quantized_multiplier(kMax, 1 << 30, -31) == 1);     // 2^30 / 2^31 = 0.5: away from zero
}

TEST_CASE("requantize adds the output offset and clamps to the fused activation") {
  static constexpr nn::Requantization<2> q{0, -10, -10, 20, {1 << 30, 1 << 30}, {0, -1}};
  CHECK(nn::requantize(q, 0, 40) == 10);    // 40 x 0.5 - 10
  CHECK(nn::requantize(q, 1, 40) == 0);     // 40 x 0.25 - 10
  CHECK(nn::requantize(q, 0, 100) == 20);   // 40 clamped to the ReLU6-like top
  CHECK(nn::requantize(q, 0, -100) == -10); // -60 clamped to the ReLU floor (the zero point)
}

TEST_CASE("quantize rounds as PyTorch's fake quantization: nearest, ties to even, clamped") {
  CHECK(nn::quantize(0.5f, 1.0f, 0) == 0);
  CHECK(nn::quantize(1.5f, 1.0f, 0) == 2);
  CHECK(nn::quantize(2.5f, 1.0f, 0) == 2);
  CHECK(nn::quantize(-2.5f, 1.0f, 0) == -2);
  CHECK(nn::quantize(-1.5f, 1.0f, 0) == -2);
  CHECK(nn::quantize(1.0f, 1.0f, 5) == 6);
  CHECK(nn::quantize(0.26f, 4.0f, -3) == -2);  // 1.04 -> 1
  CHECK(nn::quantize(200.0f, 1.0f, 0) == 127);
  CHECK(nn::quantize(-200.0f, 1.0f, 0) == -128);
  CHECK(nn::quantize(1e30f, 1.0f, 0) == 127);
  CHECK(nn::quantize(std::nanf(""), 1.0f, 7) == 7);
  CHECK(nn::quantize(INFINITY, 1.0f, 0) == 127);
  CHECK(nn::quantize(-INFINITY, 1.0f, 0) == -128);
  // Near int32's ends, where adding the zero point to the rounded value must not wrap around.
  CHECK(nn::quantize(2147483520.0f, 1.0f, 127) == 127);
  CHECK(nn::quantize(-2147483648.0f, 1.0f, -128) == -128);
  CHECK(nn::quantize(-1e30f, 1.0f, 127) == -128);
  CHECK(nn::dequantize(-3, 0.5f, -5) == 1.0f);
}

namespace {
// A 4x4x1 int8 input (scale 0.5, zero point -1) -> Conv2D 2x2 stride 2, 2 filters (OHWI) ->
// max pool 2x2 -> ... and a parallel average-pool model; every value below is computed by hand.
constexpr nn::TensorQuantization input_q{0.5f, -1};
alignas(16) constexpr std::int8_t conv_kernel[2 * 2 * 2 * 1] = {1, 0, 0, 1,     // filter 0: x00 + x11
                                                                -1, -1, -1, -1};  // filter 1: -sum
alignas(16) constexpr std::int32_t conv_bias[2] = {3, 0};
// Multiplier 2^30 (0.5), shift 0: out = (sum) / 2 + 2; filter 1 clamped below at 2 (a fused ReLU).
constexpr nn::Requantization<2> conv_q{1, 2, 2, 127, {1 << 30, 1 << 30}, {0, 0}};
constexpr nn::TensorQuantization output_q{0.25f, 2};

using HandModel = nn::Model<nn::QuantizedInput<4, 4, 1, input_q>,
                            nn::Conv2D<2, nn::Kernel<2, 2>, nn::Strides<2, 2>, nn::Padding::kValid, conv_kernel,
                                       conv_bias, nn::Dilation<1, 1>, conv_q>,
                            nn::MaxPool2D<nn::PoolSize<2, 1>>, nn::Flatten, nn::Dequantize<output_q>>;
using AverageModel = nn::Model<nn::QuantizedInput<2, 3, 1, input_q>, nn::GlobalAveragePooling2D, nn::Dequantize<input_q>>;
}  // namespace

TEST_CASE("a hand-built int8 model: quantized input, int8 conv with offsets, clamps, pooling, dequantized output") {
  // Input real values; quantized with scale 0.5, zero point -1: q = 2x - 1.
  const float input[16] = {1.0f, 0.5f, 2.0f, 0.0f,  //
                           0.0f, 1.5f, 1.0f, 1.0f,  //
                           -1.0f, 0.0f, 0.5f, 0.5f,  //
                           3.0f, 0.0f, 0.0f, 0.0f};
  // q:  1 0 3 -1 / -1 2 1 1 / -3 -1 0 0 / 5 -1 -1 -1; input offset +1 gives x' = 2x:
  // cell (0,0): x' = 2 1 0 3: filter 0 = 3 + 2 + 3 = 8 -> 8/2 + 2 = 6; filter 1 = -6 -> -3 + 2 = -1 -> clamp 2
  // cell (0,1): x' = 4 0 2 2: filter 0 = 3 + 4 + 2 = 9 -> 4.5 -> 5 (ties up) + 2 = 7; filter 1 = -8 -> -4 + 2 -> 2
  // cell (1,0): x' = -2 0 6 0: filter 0 = 3 - 2 + 0 = 1 -> 0.5 -> 1 + 2 = 3; filter 1 = -4 -> -2 + 2 = 0 -> 2
  // cell (1,1): x' = 1 1 0 0: filter 0 = 3 + 1 + 0 = 4 -> 2 + 2 = 4; filter 1 = -2 -> -1 + 2 = 1 -> 2
  // max over rows: column 0: (6, 2) and (3, 2) -> 6, 2; column 1: (7, 2), (4, 2) -> 7, 2.
  // Dequantized with scale 0.25, zero point 2: (6-2)/4 = 1, 0, (7-2)/4 = 1.25, 0.
  float output[4] = {};
  static HandModel model;
  model.invoke(input, output);
  CHECK(output[0] == 1.0f);
  CHECK(output[1] == 0.0f);
  CHECK(output[2] == 1.25f);
  CHECK(output[3] == 0.0f);
  // Weights: a 1-channel layer keeps its 8 weights as int16 (16 B), bias 8 B, Requantization<2>
  // (4 + 2 x 2 int32 = 32 B). Arena: the 16 B input
  // beside the 4 B pooled conv output (the fused stage: 20 B), then 4 B beside the 16 B of
  // dequantized floats (20 B); the peak rounded up to 16 bytes is 32.
  STATIC_REQUIRE(HandModel::weight_bytes == 16 + 8 + 32);
  STATIC_REQUIRE(HandModel::macc == 2 * 2 * 2 * 4);
  STATIC_REQUIRE(std::is_same_v<HandModel::InputElement, std::int8_t>);
  STATIC_REQUIRE(std::is_same_v<HandModel::OutputElement, float>);
  STATIC_REQUIRE(HandModel::arena_bytes == 32);
}

TEST_CASE("int8 average pooling rounds as TFLite's reference: (sum +- n/2) / n") {
  // q = 2x - 1: 1 2 4 / 0 0 -1 from x = 1, 1.5, 2.5, 0.5, 0.5, 0 -> sum 6 over 6 cells = 1 -> x = 1.
  const float input[6] = {1.0f, 1.5f, 2.5f, 0.5f, 0.5f, 0.0f};
  float output[1] = {};
  alignas(16) static float arena[AverageModel::arena_bytes / sizeof(float)];
  AverageModel::invoke(input, output, arena);
  CHECK(output[0] == 1.0f);
  // q = -1 -2 -4 / 0 0 0 (x = 0, -0.5, -1.5, 0.5, 0.5, 0.5): sum -7 / 6 = -1.17 -> (-7 - 3) / 6 = -1 -> x = 0.
  const float negative[6] = {0.0f, -0.5f, -1.5f, 0.5f, 0.5f, 0.5f};
  AverageModel::invoke(negative, output, arena);
  CHECK(output[0] == 0.0f);
  // -9 / 6 = -1.5 -> (-9 - 3) / 6 = -2 (away from zero) -> x = -0.5.
  const float tie[6] = {-1.0f, -1.0f, -1.0f, 0.5f, 0.5f, 0.5f};  // q = -3 -3 -3 0 0 0
  AverageModel::invoke(tie, output, arena);
  CHECK(output[0] == -0.5f);
}

namespace {

// Requantizes 25,000 random cells of 8 channels with requantize_cell<true, kNarrow> (or, kSumsDoubled,
// requantize_value of 2 x sum as a doubled wide kernel hands it over) and counts the values that
// differ from requantize(): multipliers as the converter writes them ([2^30, 2^31)), every shift
// from -1 to -23, offsets and clamps, sums within +-limit and near both ends of it (a linear
// congruential generator, so the target runs the same cases).
template <bool kNarrow, bool kSumsDoubled = false>
int fast_form_mismatches(std::uint64_t seed, std::int32_t limit) {
  std::uint64_t state = seed;
  const auto next = [&state] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<std::uint32_t>(state >> 32);
  };
  constexpr int kChannels = 8;
  int mismatches = 0;
  for (int round = 0; round < 25000; ++round) {
    nn::Requantization<kChannels> q{};
    q.output_offset = static_cast<std::int32_t>(next() % 256) - 128;
    q.output_min = -128 + static_cast<std::int32_t>(next() % 2) * (q.output_offset + 128);  // none, or a ReLU
    q.output_max = 127;
    std::int32_t sums[kChannels];
    for (int c = 0; c < kChannels; ++c) {
      q.multiplier[c] = static_cast<std::int32_t>((1u << 30) + next() % (1u << 30));
      q.shift[c] = -1 - static_cast<std::int32_t>(next() % 23);
      const std::uint32_t kind = next() % 8;
      const auto raw = static_cast<std::int32_t>(static_cast<std::int64_t>(static_cast<std::int32_t>(next())) * limit / kMax);
      sums[c] = kind == 0 ? limit - static_cast<std::int32_t>(next() % 4096)
              : kind == 1 ? -limit - 1 + static_cast<std::int32_t>(next() % 4096)
              : kind < 5  ? raw / (1 << (next() % 24))
                          : raw;
    }
    if (!nn::has_fast_requantization(q)) return -1;
    std::int8_t fast[kChannels];
    if constexpr (kSumsDoubled) {
      for (int c = 0; c < kChannels; ++c) fast[c] = nn::requantize_value<true, true, true>(q, c, 2 * sums[c]);
    } else {
      nn::requantize_cell<true, kNarrow>(q, sums, fast);
    }
    for (int c = 0; c < kChannels; ++c) mismatches += fast[c] != nn::requantize(q, c, sums[c]);
  }
  return mismatches;
}

}  // namespace

TEST_CASE("requantize_cell's fast form equals requantize() for every sum, multiplier and right shift") {
  CHECK(fast_form_mismatches<false>(20261201, kMax) == 0);  // sums over the whole int32 range
  // And the cases the fast form must refuse: a left shift, a 24-bit right shift, INT32_MIN, an
  // output offset outside int8 (the narrow form's bound on its sum assumes a zero point).
  static constexpr nn::Requantization<1> left{0, 0, -128, 127, {1 << 30}, {1}};
  static constexpr nn::Requantization<1> far{0, 0, -128, 127, {1 << 30}, {-24}};
  static constexpr nn::Requantization<1> minimum{0, 0, -128, 127, {kMin}, {-1}};
  static constexpr nn::Requantization<1> high_offset{0, 128, -128, 127, {1 << 30}, {-1}};
  static constexpr nn::Requantization<1> low_offset{0, -129, -128, 127, {1 << 30}, {-1}};
  static constexpr nn::Requantization<1> int8_offsets{0, 127, -128, 127, {1 << 30}, {-23}};
  STATIC_REQUIRE_FALSE(nn::has_fast_requantization(left));
  STATIC_REQUIRE_FALSE(nn::has_fast_requantization(far));
  STATIC_REQUIRE_FALSE(nn::has_fast_requantization(minimum));
  STATIC_REQUIRE_FALSE(nn::has_fast_requantization(high_offset));
  STATIC_REQUIRE_FALSE(nn::has_fast_requantization(low_offset));
  STATIC_REQUIRE(nn::has_fast_requantization(int8_offsets));
}

TEST_CASE("requantize_cell's narrow form equals requantize() for every sum within +-2^30") {
  CHECK(fast_form_mismatches<true>(20261207, (1 << 30) - 1) == 0);
  CHECK(fast_form_mismatches<true, true>(20261208, (1 << 30) - 1) == 0);  // the sums handed over doubled
}

TEST_CASE("narrow_sums bounds a layer's sums: largest start plus every weight's magnitude times the input's") {
  static constexpr std::int8_t kernel[4] = {127, -128, 1, 0};  // magnitudes add up to 256
  static constexpr std::int32_t start[2] = {-5, 3};
  // 5 + 256 x 4,194,303 = 2^30 - 251 is narrow; 5 + 256 x 4,194,304 = 2^30 + 5 is not.
  STATIC_REQUIRE(nn::narrow_sums(start, kernel, 4194303));
  STATIC_REQUIRE_FALSE(nn::narrow_sums(start, kernel, 4194304));
  STATIC_REQUIRE(nn::narrow_sums(kernel, 4194303));  // 256 x 4,194,303 = 2^30 - 256
  STATIC_REQUIRE_FALSE(nn::narrow_sums(kernel, 4194304));  // 2^30
}
