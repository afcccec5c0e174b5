// Cuts a stream of samples that arrives in blocks of any size (1 sample, a DMA half-buffer, a
// whole file) into overlapping frames of frame_length samples, one every hop_length samples:
// frame t starts at sample t * hop_length of the stream, as librosa.util.frame. Zeros can be
// fed for librosa's center=True padding (pad_mode="constant").
#pragma once

#include <cstddef>
#include <cstring>

#include "earshot/status.hpp"

namespace earshot {

template <std::size_t kMaxFrameLength>
class StftFramer {
 public:
  static constexpr std::size_t max_frame_length = kMaxFrameLength;

  Status configure(std::size_t frame_length, std::size_t hop_length) noexcept {
    if (frame_length == 0 || frame_length > kMaxFrameLength) return Status::kFftSizeExceedsCapacity;
    if (hop_length == 0) return Status::kInvalidHopLength;
    frame_length_ = frame_length;
    hop_length_ = hop_length;
    reset();
    return Status::kOk;
  }

  // Starts a new stream (forgets buffered samples).
  void reset() noexcept {
    filled_ = 0;
    to_skip_ = 0;
  }

  std::size_t frame_length() const noexcept { return frame_length_; }
  std::size_t hop_length() const noexcept { return hop_length_; }

  // Appends count samples; calls on_frame(const float* frame) with frame_length samples for
  // every frame completed by them (zero, one or several per call). The frame pointer is valid
  // only during the call.
  template <class OnFrame>
  void push(const float* samples, std::size_t count, OnFrame&& on_frame) noexcept {
    FloatSamples source{samples};
    push_from(source, count, on_frame);
  }

  // Appends count zeros (center padding), with the same frame callbacks as push().
  template <class OnFrame>
  void push_zeros(std::size_t count, OnFrame&& on_frame) noexcept {
    Zeros source;
    push_from(source, count, on_frame);
  }

  // Appends the next count samples of `source`, which writes them straight into the frame
  // buffer: source.write(float* destination, n) stores its next n samples there, and
  // source.skip(n) passes over n that no frame reads (hop_length > frame_length). A source that
  // converts (int16 PCM) so costs no copy (Cortex-M4, see feature_windows.hpp). Frame callbacks
  // as push(); each write ends at the latest where a frame completes.
  template <class Source, class OnFrame>
  void push_from(Source& source, std::size_t count, OnFrame&& on_frame) noexcept {
    if (frame_length_ == 0) return;  // not configured
    while (count > 0) {
      if (to_skip_ > 0) {
        const std::size_t skipped = to_skip_ < count ? to_skip_ : count;
        source.skip(skipped);
        to_skip_ -= skipped;
        count -= skipped;
        continue;
      }
      const std::size_t room = frame_length_ - filled_;
      const std::size_t taken = room < count ? room : count;
      source.write(buffer_ + filled_, taken);
      filled_ += taken;
      count -= taken;
      if (filled_ == frame_length_) {
        on_frame(static_cast<const float*>(buffer_));
        if (hop_length_ < frame_length_) {
          filled_ = frame_length_ - hop_length_;
          move_down(buffer_, buffer_ + hop_length_, filled_);  // what the next frame keeps, to the front
        } else {
          filled_ = 0;
          to_skip_ = hop_length_ - frame_length_;
        }
      }
    }
  }

 private:
  struct FloatSamples {
    const float* next;
    void write(float* destination, std::size_t n) noexcept {
      std::memcpy(destination, next, n * sizeof(float));
      next += n;
    }
    void skip(std::size_t n) noexcept { next += n; }
  };
  struct Zeros {
    static void write(float* destination, std::size_t n) noexcept { std::memset(destination, 0, n * sizeof(float)); }
    static void skip(std::size_t) noexcept {}
  };

  // Copies count samples from `from` down to `to` (to < from; the ranges may overlap) in
  // ascending order, so every sample is read before a store can reach it. On a Cortex-M (Thumb-2)
  // eight words a load-multiple and a store-multiple: 4 instructions for 8 samples, where
  // newlib's memcpy and memmove take about 2 a sample (a 1024 / 512 frame's shift: 1,099 -> 280).
  static void move_down(float* to, const float* from, std::size_t count) noexcept {
#if defined(__GNUC__) && defined(__thumb2__) && defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M'
    if (std::size_t blocks = count / 8; blocks > 0) {
      count %= 8;
      // r7 and r9 stay out of the list: r7 is Thumb's frame pointer when one is kept, r9 the
      // static base of position-independent builds (-msingle-pic-base, -ffixed-r9).
      __asm__ volatile(
          "1:\n\t"
          "ldmia %[from]!, {r4-r6, r8, r10-r12, lr}\n\t"
          "subs %[blocks], %[blocks], #1\n\t"
          "stmia %[to]!, {r4-r6, r8, r10-r12, lr}\n\t"
          "bne 1b"
          : [from] "+r"(from), [to] "+r"(to), [blocks] "+r"(blocks)
          :
          : "r4", "r5", "r6", "r8", "r10", "r11", "r12", "lr", "cc", "memory");
    }
    for (std::size_t i = 0; i < count; ++i) to[i] = from[i];
#else
    std::memmove(to, from, count * sizeof(float));
#endif
  }

  float buffer_[kMaxFrameLength];  // no initialiser: a global framer stays in .bss
  std::size_t frame_length_ = 0;
  std::size_t hop_length_ = 1;
  std::size_t filled_ = 0;
  std::size_t to_skip_ = 0;
};

}  // namespace earshot
