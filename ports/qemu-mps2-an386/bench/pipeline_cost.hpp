// The whole pipeline as a device runs it, measured on the Cortex-M4F: continuous mode (no centre
// padding), int16 blocks of 20 ms as a DMA half-buffer delivers them, front-end, windows at 50%
// overlap, per-window z-score, the model, a vote over the last 3 windows and decisions
// (Monitor). The instructions of the push() calls alone (not the test signal's) give the cost
// per 0.72 s of audio (the thesis' window) and the most expensive block; the stack's high-water
// mark covers the whole program.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "cost_report.hpp"
#include "earshot/pipeline/monitor.hpp"
#include "stack_usage.hpp"

namespace earshot::port::cost {

// The thesis' front-end (22.05 kHz, n_fft 1024, hop 512, 60 mels, dB), as `earshot classify
// --model stride-ds-24`: no top_db floor.
inline earshot::FrontendConfig thesis_frontend() {
  earshot::FrontendConfig config;
  config.sample_rate = 22050.0;
  config.n_fft = 1024;
  config.hop_length = 512;
  config.n_mels = 60;
  config.kind = earshot::FeatureKind::kDecibel;
  config.top_db = -1.0f;
  return config;
}

// 10 x 0.72 s of audio.
inline constexpr double kMeasuredSeconds = 7.2;

// Monitor: a static earshot::Monitor (its front-end, window ring and arena are tens of kB).
// `name` keys the report: pipeline.<name>.*.
template <class MonitorType>
int measure_pipeline(MonitorType& monitor, const FrontendConfig& frontend, WindowNormalization normalization,
                     std::size_t window_frames, const char* name) {
  cortex_m::paint_stack();
  if (!start()) return 1;
  MonitorConfig config;
  config.pipeline.frontend = frontend;
  config.pipeline.frontend.center = false;  // a stream has no edges to pad
  config.pipeline.normalization = normalization;
  config.pipeline.hop_frames = hop_frames_for_overlap(window_frames, 0.5);
  config.horizon = 3;
  config.decision = {0.5f, 2};
  const PipelineStatus status = monitor.configure(config);
  if (status != PipelineStatus::kOk) {
    std::printf("error: %s: %s\n", name, describe(status));
    return 1;
  }

  // 20 ms blocks: 160 samples at 8 kHz, 441 at 22.05 kHz.
  constexpr std::size_t kMaxBlock = 1024;
  static std::int16_t block[kMaxBlock];  // a DMA half-buffer: static, as on a device
  const auto block_samples = static_cast<std::size_t>(frontend.sample_rate / 50.0);
  const auto total_samples = static_cast<std::size_t>(frontend.sample_rate * kMeasuredSeconds);
  if (block_samples > kMaxBlock) return 1;
  TestSignal signal(static_cast<float>(frontend.sample_rate));
  std::uint64_t total = 0;
  std::uint64_t worst_block = 0;
  std::size_t windows = 0;
  std::size_t events = 0;
  monitor.begin();
  for (std::size_t done = 0; done < total_samples; done += block_samples) {
    for (std::size_t i = 0; i < block_samples; ++i) {
      block[i] = static_cast<std::int16_t>(signal.next() * 32768.0f);
    }
    const std::uint64_t instructions = instructions_of([&] {
      monitor.push(block, block_samples, [&](const StateEvent&) { ++events; },
                   [&](const typename MonitorType::Result&, const auto&) { ++windows; });
    });
    total += instructions;
    worst_block = instructions > worst_block ? instructions : worst_block;
  }
  char key[80];
  auto report_as = [&](const char* what, std::uint64_t value) {
    std::snprintf(key, sizeof key, "pipeline.%s.%s", name, what);
    report(key, value);
  };
  // The instructions first: cycle_estimate.py gives the work measured since the last report to
  // the next one.
  report_as("instructions", total);
  report_as("samples", total_samples);
  report_as("sample_rate", static_cast<std::uint64_t>(frontend.sample_rate));
  report_as("block_samples", block_samples);
  report_as("worst_block", worst_block);
  report_as("windows", windows);
  report_as("stack", cortex_m::stack_high_water_bytes());
  std::printf("%s: %u windows, %u decision events\n", name, static_cast<unsigned>(windows),
              static_cast<unsigned>(events));
  return windows > 0 ? 0 : 1;
}

}  // namespace earshot::port::cost
