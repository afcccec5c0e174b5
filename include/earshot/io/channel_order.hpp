// Moves the channel axis of one C x H x W tensor between the channels-first layout that PyTorch
// and ONNX feed and return ([C][H][W], NCHW without the batch) and earshot's channels-last one
// ([H][W][C], NHWC). Used by the model runner that earshot_add_model(RUNNER) generates and by
// the tests that compare converted models with PyTorch.
#pragma once

namespace earshot {

namespace detail {

template <bool kToChannelsLast>
void move_channel_axis(const float* from, float* to, int channels, int height, int width) noexcept {
  for (int c = 0; c < channels; ++c) {
    for (int h = 0; h < height; ++h) {
      for (int w = 0; w < width; ++w) {
        const int chw = (c * height + h) * width + w;
        const int hwc = (h * width + w) * channels + c;
        if constexpr (kToChannelsLast) {
          to[hwc] = from[chw];
        } else {
          to[chw] = from[hwc];
        }
      }
    }
  }
}

}  // namespace detail

inline void channels_first_to_last(const float* from, float* to, int channels, int height, int width) noexcept {
  detail::move_channel_axis<true>(from, to, channels, height, width);
}

inline void channels_last_to_first(const float* from, float* to, int channels, int height, int width) noexcept {
  detail::move_channel_axis<false>(from, to, channels, height, width);
}

}  // namespace earshot
