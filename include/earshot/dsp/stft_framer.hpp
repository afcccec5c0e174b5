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
    append(samples, count, on_frame);
  }

  // Appends count zeros (center padding), with the same frame callbacks as push().
  template <class OnFrame>
  void push_zeros(std::size_t count, OnFrame&& on_frame) noexcept {
    append(nullptr, count, on_frame);
  }

 private:
  // samples == nullptr appends zeros.
  template <class OnFrame>
  void append(const float* samples, std::size_t count, OnFrame& on_frame) noexcept {
    if (frame_length_ == 0) return;  // not configured
    while (count > 0) {
      // With hop_length > frame_length the samples between two frames belong to no frame.
      if (to_skip_ > 0) {
        const std::size_t skipped = to_skip_ < count ? to_skip_ : count;
        to_skip_ -= skipped;
        count -= skipped;
        if (samples != nullptr) samples += skipped;
        continue;
      }
      const std::size_t room = frame_length_ - filled_;
      const std::size_t taken = room < count ? room : count;
      if (samples != nullptr) {
        std::memcpy(buffer_ + filled_, samples, taken * sizeof(float));
        samples += taken;
      } else {
        std::memset(buffer_ + filled_, 0, taken * sizeof(float));
      }
      filled_ += taken;
      count -= taken;
      if (filled_ == frame_length_) {
        on_frame(static_cast<const float*>(buffer_));
        if (hop_length_ < frame_length_) {
          filled_ = frame_length_ - hop_length_;
          std::memmove(buffer_, buffer_ + hop_length_, filled_ * sizeof(float));
        } else {
          filled_ = 0;
          to_skip_ = hop_length_ - frame_length_;
        }
      }
    }
  }

  float buffer_[kMaxFrameLength];  // no initialiser: a global framer stays in .bss
  std::size_t frame_length_ = 0;
  std::size_t hop_length_ = 1;
  std::size_t filled_ = 0;
  std::size_t to_skip_ = 0;
};

}  // namespace earshot
