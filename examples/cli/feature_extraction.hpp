// The features of a whole recording for any front-end configuration the host can compute, in
// librosa's orientation: what `earshot features` writes and the Python binding returns, from one
// function, so the two are equal bit for bit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "earshot/dsp/frontend.hpp"

namespace earshot::cli {

// Capacities of the host front-ends. The built-in FFT covers the sizes a CMSIS-DSP backend
// covers on the device (powers of two 32..4096); KissFFT takes every other size up to 32768.
constexpr std::size_t kMaxBuiltInFft = 4096;
constexpr std::size_t kMinBuiltInFft = 32;
constexpr std::size_t kMaxFft = 32768;
constexpr std::size_t kMaxMels = 512;

// Features in librosa's orientation: rows x frames, row-major.
struct Features {
  std::size_t rows = 0;
  std::size_t frames = 0;
  std::vector<float> values;
  const char* fft_name = "";
  std::size_t empty_bands = 0;  // mel bands that no FFT bin falls in (their output is 0)
};

// Samples are finite and within +-1e6: integer PCM is within +-1; float audio may exceed it, but
// not by 120 dB: beyond 1e6 a frame's float32 power can overflow to inf (3e38 gave NaN or flat
// -100 dB features and a confident class), and such values come from corrupt or mislabelled
// data, not from a microphone. false with `error` naming the first bad sample (counted from
// first_index: the samples' place in the recording).
bool check_samples(const float* samples, std::size_t count, std::string& error, std::uint64_t first_index = 0);

// How the frames are computed: as librosa does over a whole recording (Frontend::process, top_db
// against the loudest frame of the recording: `earshot features`), or as the device's streaming
// front-end does (Frontend::push, top_db against the loudest frame so far: what a model receives,
// `earshot windows`). The two differ only with top_db, before a recording's loudest frame.
enum class FrameMode { kWholeRecording, kStreaming };

// The built-in FFT for powers of two 32..4096, KissFFT otherwise (odd sizes through its complex
// transform). false with `error` set when the configuration is refused (describe(Status)).
// Throws std::bad_alloc when the features do not fit in memory.
bool compute_features(const FrontendConfig& config, const std::vector<float>& samples, Features& features,
                      std::string& error, FrameMode mode = FrameMode::kWholeRecording);

}  // namespace earshot::cli
