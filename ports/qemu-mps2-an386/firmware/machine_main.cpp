// Firmware for QEMU's mps2-an386 (Cortex-M4F): the machine monitor (examples/machine) on its
// bundled clips embedded in flash, float32 and int8, as a device runs it: int16 blocks of 512
// samples (a DMA half-buffer, 32 ms at 16 kHz) into an AnomalyMonitor, with the horizon, states
// and gate of the model's front-end file. Each change of state is printed as `earshot stream
// --model MODEL --json FILE` prints it, under a `# MODEL FILE` line, so that compare_states.py
// can hold it against reference/machine_states.jsonl (made by the host tool). A line after each
// clip gives the instructions its push() calls took (QEMU's -icount: instructions, not cycles),
// which the comparison skips.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "earshot/dsp/frontend.hpp"
#include "earshot/io/wav.hpp"
#include "earshot/pipeline/anomaly_monitor.hpp"
#include "embedded_clips.hpp"
#include "instruction_counter.hpp"
#include "machine_monitor.hpp"
#include "machine_monitor_int8.hpp"

namespace {

constexpr std::size_t kBlockSamples = 512;
namespace float_model = earshot::examples::machine_monitor;
namespace int8_model = earshot::examples::machine_monitor_int8;
using Frontend = earshot::Frontend<float_model::frontend.n_fft, float_model::frontend.n_mels>;

// Static: front-end, window ring and model arena are too big for a function's frame.
earshot::AnomalyMonitor<float_model::Model, Frontend, float_model::score_horizon> float_monitor;
earshot::AnomalyMonitor<int8_model::Model, Frontend, float_model::score_horizon> int8_monitor;

void print_event(const earshot::MachineEvent& event) {
  std::printf("{\"event\": \"state\", \"time\": %.4f, \"sample\": %lu, \"state\": \"%s\", \"score\": %.9g, "
              "\"level\": ",
              event.seconds, static_cast<unsigned long>(event.sample), earshot::state_name(event.state),
              static_cast<double>(event.score));
  if (std::isfinite(event.level_dbfs)) {
    std::printf("%.2f, \"previous\": ", event.level_dbfs);
  } else {
    std::printf("null, \"previous\": ");  // digital silence: JSON has no -inf
  }
  if (event.first) {
    std::printf("null}\n");
  } else {
    std::printf("\"%s\"}\n", earshot::state_name(event.previous));
  }
}

// The pipeline of examples/machine/frontend.json, which both headers were converted with.
earshot::AnomalyMonitorConfig monitor_config() {
  earshot::AnomalyMonitorConfig config;
  config.pipeline.frontend = float_model::frontend;
  config.pipeline.frontend.center = false;  // a stream
  config.pipeline.normalization = float_model::normalization;
  config.pipeline.hop_frames = float_model::hop_frames;
  config.pipeline.level_gate_dbfs = float_model::level_gate_dbfs;
  config.horizon = float_model::score_horizon;
  config.states = float_model::machine_states;
  return config;
}

// Runs `monitor` over every clip.
template <class Monitor>
bool monitor_clips(Monitor& monitor, const char* name) {
  const earshot::PipelineStatus status = monitor.configure(monitor_config());
  if (status != earshot::PipelineStatus::kOk) {
    std::printf("error: %s: %s\n", name, earshot::describe(status));
    return false;
  }
  bool ok = true;
  for (std::size_t c = 0; c < earshot::firmware::embedded_clip_count; ++c) {
    const earshot::firmware::EmbeddedClip& clip = earshot::firmware::embedded_clips[c];
    const earshot::WavParseResult parsed = earshot::parse_wav(clip.bytes, clip.size);
    const earshot::WavFile& wav = parsed.file;
    if (!parsed.ok() || wav.sample_format != earshot::WavSampleFormat::kInt16 || wav.channels != 1 ||
        static_cast<double>(wav.sample_rate) != float_model::frontend.sample_rate) {
      std::printf("error: %s: not 16-bit mono PCM at the model's rate\n", clip.name);
      ok = false;
      continue;
    }
    std::printf("# %s %s\n", name, clip.name);
    monitor.begin();
    std::int16_t block[kBlockSamples];  // what one DMA half-buffer would hold
    std::uint64_t instructions = 0;
    for (std::size_t first = 0; first < wav.frame_count; first += kBlockSamples) {
      const std::size_t count = wav.frame_count - first < kBlockSamples ? wav.frame_count - first : kBlockSamples;
      std::memcpy(block, wav.data + first * sizeof(std::int16_t), count * sizeof(std::int16_t));
      const std::uint64_t before = earshot::port::instruction_count();
      monitor.push(block, count, print_event);
      instructions += earshot::port::instruction_count() - before;
    }
    const double seconds = static_cast<double>(wav.frame_count) / float_model::frontend.sample_rate;
    std::printf("instructions: %lu for %.3f s of audio, %.0f per second\n", static_cast<unsigned long>(instructions),
                seconds, static_cast<double>(instructions) / seconds);
  }
  return ok;
}

}  // namespace

int main() {
  if (!earshot::port::start_instruction_counter()) {
    std::printf("error: the instruction counter does not run (QEMU needs -icount shift=0)\n");
    return 1;
  }
  bool ok = monitor_clips(float_monitor, "machine-monitor");
  ok &= monitor_clips(int8_monitor, "machine-monitor-int8");
  return ok ? 0 : 1;
}
