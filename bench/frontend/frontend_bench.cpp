// Cost of one front-end frame (window, real FFT, power, sparse mel, dB) for the thesis
// configuration (22.05 kHz, n_fft 1024, hop 512, 60 mels) and the on-device one (16 kHz, 1024,
// 512, 30 mels), with the built-in FFT, with KissFFT and, where Debian's libfftw3-dev is
// installed, with FFTW3: the same Frontend (window, power, mel, dB) around each FFT. The counter
// realtime_factor is seconds of audio processed per second of compute: one frame stands for
// hop_length / sample_rate s.
//
// On a shared machine other load only ever adds time: run with repetitions (the README's
// command: --benchmark_repetitions=10 --benchmark_enable_random_interleaving=true) and compare
// the "min" rows, each variant's least disturbed run.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "earshot/dsp/frontend.hpp"
#include "earshot/dsp/kiss_fft_backend.hpp"
#if EARSHOT_BENCH_HAS_FFTW
#include "fftw_backend.hpp"
#endif

namespace {

constexpr std::size_t kFftSize = 1024;
constexpr std::size_t kMaxMels = 64;

struct Setup {
  double sample_rate;
  std::size_t n_mels;
};
constexpr Setup kSetups[] = {
    {22050.0, 60},  // the thesis
    {16000.0, 30},  // on the device
};
constexpr int kThesis = 0;
constexpr int kDevice = 1;

// Deterministic white noise in [-0.5, 0.5): every band has energy, as in real audio.
std::vector<float> noise_frame() {
  std::vector<float> frame(kFftSize);
  std::uint32_t state = 12345;
  for (float& sample : frame) {
    state = state * 1664525u + 1013904223u;
    sample = static_cast<float>(state >> 8) / 16777216.0f - 0.5f;
  }
  return frame;
}

template <class Fft, int kSetup>
void frame_cost(benchmark::State& state) {
  constexpr Setup setup = kSetups[kSetup];
  using Frontend = earshot::Frontend<kFftSize, kMaxMels, Fft>;
  const auto frontend = std::make_unique<Frontend>();
  earshot::FrontendConfig config;
  config.sample_rate = setup.sample_rate;
  config.n_fft = kFftSize;
  config.hop_length = 512;
  config.n_mels = setup.n_mels;
  config.kind = earshot::FeatureKind::kDecibel;
  if (frontend->configure(config) != earshot::Status::kOk) {
    state.SkipWithError("configure failed");
    return;
  }
  const std::vector<float> frame = noise_frame();
  float features[kMaxMels];
  for (auto _ : state) {
    frontend->compute_frame(frame.data(), features);
    benchmark::DoNotOptimize(features);
    benchmark::ClobberMemory();
  }
  const double audio_seconds_per_frame = static_cast<double>(config.hop_length) / setup.sample_rate;
  state.counters["realtime_factor"] =
      benchmark::Counter(audio_seconds_per_frame * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
}

using BuiltIn = earshot::RealFft<kFftSize>;
using Kiss = earshot::KissFftBackend<kFftSize>;

#if EARSHOT_BENCH_HAS_FFTW
using Fftw = FftwBackend<kFftSize>;
#endif

// The FFT alone, to show how much of a frame it is.
template <class Fft>
void fft_cost(benchmark::State& state) {
  const auto fft = std::make_unique<Fft>();
  if (fft->init(kFftSize) != earshot::Status::kOk) {
    state.SkipWithError("init failed");
    return;
  }
  const std::vector<float> frame = noise_frame();
  std::vector<float> data(kFftSize + 2);
  for (auto _ : state) {
    std::copy(frame.begin(), frame.end(), data.begin());
    fft->forward(data.data());
    benchmark::DoNotOptimize(data.data());
    benchmark::ClobberMemory();
  }
}

struct Variant {
  const char* name;
  void (*run)(benchmark::State&);
};

constexpr Variant kVariants[] = {
    {"thesis_22k_1024_60mel_builtin", frame_cost<BuiltIn, kThesis>},
    {"thesis_22k_1024_60mel_kissfft", frame_cost<Kiss, kThesis>},
    {"device_16k_1024_30mel_builtin", frame_cost<BuiltIn, kDevice>},
    {"device_16k_1024_30mel_kissfft", frame_cost<Kiss, kDevice>},
#if EARSHOT_BENCH_HAS_FFTW
    {"thesis_22k_1024_60mel_fftw", frame_cost<Fftw, kThesis>},
    {"device_16k_1024_30mel_fftw", frame_cost<Fftw, kDevice>},
#endif
    {"fft_1024_builtin", fft_cost<BuiltIn>},
    {"fft_1024_kissfft", fft_cost<Kiss>},
#if EARSHOT_BENCH_HAS_FFTW
    {"fft_1024_fftw", fft_cost<Fftw>},
#endif
};

// Each variant with its "min" statistic beside Google Benchmark's mean, median and spread.
const bool kRegistered = [] {
  for (const Variant& variant : kVariants) {
    benchmark::RegisterBenchmark(variant.name, variant.run)
        ->ComputeStatistics("min", [](const std::vector<double>& times) {
          return *std::min_element(times.begin(), times.end());
        });
  }
  return true;
}();

}  // namespace
