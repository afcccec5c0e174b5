// The STFT framer cuts frame t from samples [t * hop, t * hop + n) whatever the block sizes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <vector>

#include "earshot/dsp/stft_framer.hpp"

using earshot::Status;

namespace {
// Frames as lists of the sample values (sample i has value i).
std::vector<std::vector<float>> cut(std::size_t n, std::size_t hop, std::size_t length,
                                    const std::vector<std::size_t>& blocks) {
  earshot::StftFramer<64> framer;
  REQUIRE(framer.configure(n, hop) == Status::kOk);
  std::vector<float> signal(length);
  for (std::size_t i = 0; i < length; ++i) signal[i] = static_cast<float>(i);
  std::vector<std::vector<float>> frames;
  std::size_t position = 0;
  for (std::size_t block : blocks) {
    framer.push(signal.data() + position, block,
                [&](const float* frame) { frames.emplace_back(frame, frame + n); });
    position += block;
  }
  REQUIRE(position == length);
  return frames;
}
}  // namespace

TEST_CASE("framer emits 1 + (length - n) / hop frames starting every hop samples",
          "[dsp][framer]") {
  // n 8, hop 3, 20 samples: 1 + 12 / 3 = 5 frames, at 0, 3, 6, 9, 12.
  const auto frames = cut(8, 3, 20, {1, 7, 2, 10});
  REQUIRE(frames.size() == 5);
  for (std::size_t t = 0; t < frames.size(); ++t) {
    for (std::size_t i = 0; i < 8; ++i) REQUIRE(frames[t][i] == static_cast<float>(3 * t + i));
  }
}

TEST_CASE("framer keeps the overlap of every frame length and hop, apart or overlapping copies",
          "[dsp][framer]") {
  // The samples a frame keeps move to the front of the buffer: eight at a time on a Cortex-M,
  // the rest one by one; the source and destination ranges overlap when hop < n - hop.
  const std::size_t cases[][2] = {{64, 1}, {64, 7}, {64, 8}, {64, 9}, {64, 16}, {64, 31}, {64, 32}, {64, 33},
                                  {64, 48}, {64, 63}, {40, 13}, {17, 4}};
  for (const auto& size : cases) {
    const std::size_t n = size[0];
    const std::size_t hop = size[1];
    CAPTURE(n, hop);
    const auto frames = cut(n, hop, 200, {37, 1, 100, 62});
    REQUIRE(frames.size() == 1 + (200 - n) / hop);
    for (std::size_t t = 0; t < frames.size(); ++t) {
      for (std::size_t i = 0; i < n; ++i) REQUIRE(frames[t][i] == static_cast<float>(hop * t + i));
    }
  }
}

TEST_CASE("framer skips samples when hop exceeds the frame length", "[dsp][framer]") {
  // n 4, hop 10, 35 samples: frames at 0, 10, 20, 30.
  const auto frames = cut(4, 10, 35, {3, 3, 29});
  REQUIRE(frames.size() == 4);
  REQUIRE(frames[3][0] == 30.0f);
  REQUIRE(frames[3][3] == 33.0f);
}

TEST_CASE("framer output does not depend on block sizes", "[dsp][framer]") {
  std::mt19937 generator(42);
  const auto reference = cut(16, 5, 300, {300});
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<std::size_t> blocks;
    std::size_t left = 300;
    while (left > 0) {
      const std::size_t block = std::min<std::size_t>(left, generator() % 40);
      blocks.push_back(block);
      left -= block;
    }
    REQUIRE(cut(16, 5, 300, blocks) == reference);
  }
}

TEST_CASE("framer pads with zeros and rejects bad sizes", "[dsp][framer]") {
  earshot::StftFramer<8> framer;
  REQUIRE(framer.configure(9, 1) == Status::kFftSizeExceedsCapacity);
  REQUIRE(framer.configure(8, 0) == Status::kInvalidHopLength);
  REQUIRE(framer.configure(4, 2) == Status::kOk);
  std::vector<float> last;
  const float ones[] = {1.0f, 1.0f};
  framer.push_zeros(2, [](const float*) { FAIL("no frame yet"); });
  framer.push(ones, 2, [&](const float* frame) { last.assign(frame, frame + 4); });
  REQUIRE(last == std::vector<float>{0.0f, 0.0f, 1.0f, 1.0f});
}
