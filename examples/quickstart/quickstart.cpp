// The README's firmware example, compiled and run so that it stays true: a converted model in a
// streaming classifier fed by DMA-sized int16 blocks. Here the "DMA" is a bundled WAV file.
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <vector>

#include "earshot/earshot.hpp"
#include "fsdd_cnn.hpp"  // generated from examples/fsdd/model.onnx

namespace kws = earshot::examples::fsdd_cnn;

using Frontend = earshot::Frontend<256, 40>;  // capacities: n_fft <= 256, 40 mels
static earshot::StreamingClassifier<kws::Model, Frontend> classifier;  // no heap

static bool init() {
  earshot::PipelineConfig config;
  config.frontend = kws::frontend;  // the features the model was trained on
  config.frontend.center = false;   // continuous mode
  config.hop_frames = 16;
  config.normalization = kws::normalization;
  return classifier.configure(config) == earshot::PipelineStatus::kOk;
}

static void on_dma_half_buffer(const std::int16_t* samples, std::size_t count) {
  classifier.push(samples, count, [](const auto& window) {
    std::size_t best = 0;
    for (std::size_t c = 1; c < kws::Model::output_size; ++c) {
      if (window.probabilities[c] > window.probabilities[best]) best = c;
    }
    std::printf("window %zu at %.2f s: '%s' (%.3f)\n", window.window.index, window.window.seconds,
                kws::labels[best], static_cast<double>(window.probabilities[best]));
  });
}

int main(int argc, char** argv) {
  if (argc != 2 || !init()) {
    std::fprintf(stderr, "usage: earshot-quickstart FILE.wav (8 kHz)\n");
    return 2;
  }
  std::ifstream file(argv[1], std::ios::binary);
  const std::vector<unsigned char> bytes{std::istreambuf_iterator<char>(file), {}};
  const auto wav = earshot::parse_wav(bytes.data(), bytes.size());
  if (!wav.ok() || wav.file.sample_rate != 8000) {
    std::fprintf(stderr, "earshot-quickstart: %s: %s\n", argv[1],
                 wav.ok() ? "not 8 kHz" : wav.message());
    return 2;
  }
  std::vector<float> audio(wav.file.frame_count);
  wav.file.read_mono(0, audio.data(), audio.size());
  std::int16_t block[160];  // one 20 ms DMA half-buffer
  for (std::size_t first = 0; first < audio.size(); first += 160) {
    const std::size_t count = audio.size() - first < 160 ? audio.size() - first : 160;
    for (std::size_t i = 0; i < count; ++i) {
      const float scaled = audio[first + i] * 32768.0f;  // exact for 16-bit sources
      block[i] = static_cast<std::int16_t>(scaled > 32767.0f ? 32767.0f
                                           : scaled < -32768.0f ? -32768.0f : scaled);
    }
    on_dma_half_buffer(block, count);
  }
  return 0;
}
