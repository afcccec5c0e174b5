// The whole pipeline on the host (front-end, windows, normalisation, model, vote and decisions):
// audio seconds processed per second of CPU (the real-time factor) for the example model
// (fsdd-cnn, 8 kHz) and the thesis' Stride-DS-24 (22.05 kHz, n_fft 1024, hop 512, 60 mels,
// 31-frame windows), plain loops (the MCU path) and the Eigen backend; and each object's RAM.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "earshot/model/stride_ds.hpp"
#include "earshot/nn/eigen_backend.hpp"
#include "earshot/pipeline/monitor.hpp"

#if EARSHOT_BENCH_HAS_FSDD_MODEL
#include "fsdd_cnn.hpp"
#endif

namespace {

constexpr double kSeconds = 10.0;  // of audio per iteration
constexpr std::size_t kBlock = 512;  // samples per push, as a DMA half-buffer

// Deterministic int16 audio: two tones and noise, as a microphone delivers it.
std::vector<std::int16_t> test_audio(double sample_rate) {
  std::vector<std::int16_t> audio(static_cast<std::size_t>(kSeconds * sample_rate));
  std::uint32_t state = 1u;
  for (std::size_t i = 0; i < audio.size(); ++i) {
    const double t = static_cast<double>(i) / sample_rate;
    state = state * 1664525u + 1013904223u;
    const double noise = static_cast<double>(state >> 8) / 8388608.0 - 1.0;
    audio[i] = static_cast<std::int16_t>(8000.0 * std::sin(6.283185307179586 * 440.0 * t) +
                                         3000.0 * std::sin(6.283185307179586 * 1870.0 * t) + 500.0 * noise);
  }
  return audio;
}

earshot::PipelineConfig stride_ds_config() {
  earshot::PipelineConfig config;
  config.frontend.sample_rate = 22050.0;
  config.frontend.n_fft = 1024;
  config.frontend.hop_length = 512;
  config.frontend.n_mels = 60;
  config.frontend.kind = earshot::FeatureKind::kDecibel;
  config.frontend.top_db = -1.0f;
  config.hop_frames = 16;  // 31-frame windows, about 50% overlap
  return config;
}

// Continuous mode: int16 blocks into a Monitor (vote over 3 windows, 2 agreeing windows).
template <class Model, class FrontendType>
void run_monitor(benchmark::State& state, earshot::PipelineConfig pipeline) {
  using Pipeline = earshot::Monitor<Model, FrontendType, 8>;
  auto monitor = std::make_unique<Pipeline>();
  pipeline.frontend.center = false;
  earshot::MonitorConfig config;
  config.pipeline = pipeline;
  config.horizon = 3;
  config.decision.min_consecutive = 2;
  if (monitor->configure(config) != earshot::PipelineStatus::kOk) {
    state.SkipWithError("configure failed");
    return;
  }
  const std::vector<std::int16_t> audio = test_audio(pipeline.frontend.sample_rate);
  std::size_t events = 0;
  for (auto _ : state) {
    monitor->begin();
    for (std::size_t first = 0; first < audio.size(); first += kBlock) {
      const std::size_t count = audio.size() - first < kBlock ? audio.size() - first : kBlock;
      monitor->push(audio.data() + first, count, [&](const earshot::StateEvent&) { ++events; });
    }
    benchmark::DoNotOptimize(events);
  }
  state.counters["audio_s/s"] = benchmark::Counter(kSeconds, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["RAM_B"] = static_cast<double>(sizeof(Pipeline));
  state.counters["classifier_RAM_B"] = static_cast<double>(sizeof(typename Pipeline::Classifier));
  state.counters["arena_B"] = static_cast<double>(Model::arena_bytes);
}

// The same audio through the front-end and the windows only (copy + normalisation, no model):
// the share of the pipeline that is not inference.
template <class FrontendType, std::size_t kFeatures, std::size_t kFrames>
void run_windows_only(benchmark::State& state, earshot::PipelineConfig pipeline) {
  using Windows = earshot::FeatureWindows<FrontendType, kFeatures, kFrames>;
  auto windows = std::make_unique<Windows>();
  pipeline.frontend.center = false;
  if (windows->configure(pipeline) != earshot::PipelineStatus::kOk) {
    state.SkipWithError("configure failed");
    return;
  }
  const std::vector<std::int16_t> audio = test_audio(pipeline.frontend.sample_rate);
  std::vector<float> input(Windows::window_size);
  for (auto _ : state) {
    windows->begin();
    for (std::size_t first = 0; first < audio.size(); first += kBlock) {
      const std::size_t count = audio.size() - first < kBlock ? audio.size() - first : kBlock;
      windows->push(audio.data() + first, count, [&](const earshot::WindowView&) { windows->copy_window(input.data()); });
    }
    benchmark::DoNotOptimize(input.data());
  }
  state.counters["audio_s/s"] = benchmark::Counter(kSeconds, benchmark::Counter::kIsIterationInvariantRate);
}

void stride_ds_24_windows_only(benchmark::State& state) {
  run_windows_only<earshot::Frontend<1024, 60>, 60, 31>(state, stride_ds_config());
}
BENCHMARK(stride_ds_24_windows_only)->Unit(benchmark::kMillisecond);

void stride_ds_24_loops(benchmark::State& state) {
  run_monitor<earshot::model::StrideDs24, earshot::Frontend<1024, 60>>(state, stride_ds_config());
}
void stride_ds_24_eigen(benchmark::State& state) {
  run_monitor<earshot::model::StrideDs24::WithBackend<earshot::nn::EigenBackend>, earshot::Frontend<1024, 60>>(
      state, stride_ds_config());
}
BENCHMARK(stride_ds_24_loops)->Unit(benchmark::kMillisecond);
BENCHMARK(stride_ds_24_eigen)->Unit(benchmark::kMillisecond);

#if EARSHOT_BENCH_HAS_FSDD_MODEL
namespace fsdd = earshot::examples::fsdd_cnn;

earshot::PipelineConfig fsdd_config() {
  earshot::PipelineConfig config;
  config.frontend = fsdd::frontend;
  config.normalization = fsdd::normalization;
  config.hop_frames = 16;
  return config;
}

void fsdd_cnn_windows_only(benchmark::State& state) {
  run_windows_only<earshot::Frontend<256, 40>, 40, 32>(state, fsdd_config());
}
BENCHMARK(fsdd_cnn_windows_only)->Unit(benchmark::kMillisecond);

void fsdd_cnn_loops(benchmark::State& state) { run_monitor<fsdd::Model, earshot::Frontend<256, 40>>(state, fsdd_config()); }
void fsdd_cnn_eigen(benchmark::State& state) {
  run_monitor<fsdd::Model::WithBackend<earshot::nn::EigenBackend>, earshot::Frontend<256, 40>>(state, fsdd_config());
}
BENCHMARK(fsdd_cnn_loops)->Unit(benchmark::kMillisecond);
BENCHMARK(fsdd_cnn_eigen)->Unit(benchmark::kMillisecond);
#endif

}  // namespace
