// Instructions per front-end frame on the Cortex-M4F (window, real FFT, power, mel filterbank,
// dB): the thesis' two configurations and the example model's, plus the FFT and the dB step
// alone (CMSIS-DSP's arm_rfft_fast_f32 of 1024 points takes 44,684 on the same emulator), and
// the per-window z-score of a whole window (60 x 31 and 40 x 32 values).
#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "cost_report.hpp"
#include "earshot/dsp/decibel.hpp"
#include "earshot/dsp/frontend.hpp"
#include "earshot/dsp/normalize.hpp"
#include "earshot/dsp/real_fft.hpp"
#include "fsdd_cnn.hpp"

namespace cost = earshot::port::cost;

namespace {

constexpr std::size_t kFrames = 8;  // frames measured per configuration (cost per frame: / 8)
constexpr std::size_t kMaxFft = 1024;

earshot::Frontend<kMaxFft, 60> large_frontend;
earshot::Frontend<256, 40> fsdd_frontend;
float signal[kMaxFft * (kFrames + 1)];
float features[60];
float fft_buffer[kMaxFft + 2];
volatile float sink;  // keeps the results observable

earshot::FrontendConfig thesis_config(double sample_rate, std::size_t n_mels) {
  earshot::FrontendConfig config;
  config.sample_rate = sample_rate;
  config.n_fft = 1024;
  config.hop_length = 512;
  config.n_mels = n_mels;
  config.kind = earshot::FeatureKind::kDecibel;
  return config;
}

// Fills `signal` for `sample_rate`, then reports the instructions of kFrames compute_frame calls
// (successive hops) divided by kFrames.
template <class FrontendType>
bool measure_frames(FrontendType& frontend, const earshot::FrontendConfig& config, const char* key) {
  if (frontend.configure(config) != earshot::Status::kOk) {
    std::printf("error: %s: %s\n", key, earshot::describe(frontend.configure(config)));
    return false;
  }
  cost::TestSignal test_signal(static_cast<float>(config.sample_rate));
  for (float& sample : signal) sample = test_signal.next();
  const std::uint64_t instructions = cost::instructions_of([&] {
    for (std::size_t f = 0; f < kFrames; ++f) frontend.compute_frame(signal + f * config.hop_length, features);
  });
  sink = features[0];
  cost::report(key, instructions / kFrames);
  return true;
}

}  // namespace

int main() {
  if (!cost::start()) return 1;
  bool ok = measure_frames(large_frontend, thesis_config(16000.0, 30), "frontend.16k_1024_30");
  ok &= measure_frames(large_frontend, thesis_config(22050.0, 60), "frontend.22k_1024_60");
  ok &= measure_frames(fsdd_frontend, earshot::examples::fsdd_cnn::frontend, "frontend.fsdd");

  earshot::RealFft<kMaxFft> fft;
  if (fft.init(kMaxFft) != earshot::Status::kOk) return 1;
  for (std::size_t i = 0; i < kMaxFft; ++i) fft_buffer[i] = signal[i];
  cost::report("fft.1024", cost::instructions_of([&] { fft.forward(fft_buffer); }));
  sink = fft_buffer[3];
  // What a frame uses instead: the power spectrum of the windowed frame, window and squares fused.
  cost::report("power.1024", cost::instructions_of([&] { fft.power_spectrum(signal, signal + kMaxFft, fft_buffer); }));
  sink = fft_buffer[3];

  // The dB step of 60 mel bands (one fast_ln each).
  for (std::size_t i = 0; i < 60; ++i) features[i] = 1e-3f * static_cast<float>(i + 1);
  cost::report("db.60", cost::instructions_of([&] {
    earshot::power_to_db(features, features, 60, 1.0f, earshot::kPowerAmin);
  }));
  sink = features[7];

  // Per-window z-score: the thesis' window and fsdd-cnn's (the signal stands in for features).
  cost::report("normalize.1860", cost::instructions_of([&] { earshot::normalize_mean_std(signal, 60 * 31); }));
  cost::report("normalize.1280", cost::instructions_of([&] { earshot::normalize_mean_std(signal, 40 * 32); }));
  sink = signal[5];
  return ok ? 0 : 1;
}
