// Firmware for the NUCLEO-L476RG with a PDM microphone: listens for spoken digits with the
// example model (examples/fsdd) and prints every analysis window's decision and what it cost in
// cycles over USART2 (ST-LINK virtual COM port, 115200 8N1). Runs on hardware only. Built twice:
// earshot-stm32l4-fsdd (float32) and, with EARSHOT_FSDD_INT8, earshot-stm32l4-fsdd-int8.
//
// DMA half (512 samples = 64 ms at 8 kHz) -> interrupt posts it -> main loop: int -> float,
// StreamingClassifier::push (front-end every 16 ms, a window of 32 frames every 16 frames =
// 256 ms: model + softmax), mean vote over the last 2 windows -> printf; WFI until the next half.
#include <cstdint>
#include <cstdio>

#include "board.hpp"
#include "cortex_m.hpp"
#include "earshot/dsp/frontend.hpp"
#include "earshot/pipeline/streaming_classifier.hpp"
#include "earshot/pipeline/voter.hpp"
#if EARSHOT_FSDD_INT8
#include "fsdd_cnn_int8.hpp"
namespace fsdd = earshot::examples::fsdd_cnn_int8;
#else
#include "fsdd_cnn.hpp"
namespace fsdd = earshot::examples::fsdd_cnn;
#endif

namespace board = earshot::port::stm32l4;
namespace cortex_m = earshot::port::cortex_m;

namespace {

static_assert(fsdd::frontend.sample_rate == board::kMicrophoneSampleRate,
              "the microphone must deliver the model's sample rate");

using Classifier = earshot::StreamingClassifier<fsdd::Model, earshot::Frontend<256, 40>>;
constexpr std::size_t kHalf = 512;
constexpr std::size_t kWindowHopFrames = 16;  // as examples/fsdd was evaluated: 50% overlap
constexpr double kLevelGateDbfs = -60.0;      // quieter windows are "silence", not classified

std::int32_t dma_buffer[2 * kHalf];
float block[kHalf];
Classifier classifier;
earshot::Voter<Classifier::class_count, 2> voter;

// Posted by the DMA interrupt, taken by the main loop.
const std::int32_t* volatile ready_half = nullptr;
volatile std::uint32_t overruns = 0;

void on_microphone_half(const std::int32_t* words, std::size_t /*count*/) {
  if (ready_half != nullptr) overruns = overruns + 1;  // the main loop fell a whole half behind
  ready_half = words;
}

struct Timing {
  std::uint32_t last = 0;
  std::uint32_t max = 0;
  void add(std::uint32_t cycles) {
    last = cycles;
    max = cycles > max ? cycles : max;
  }
};

float milliseconds(std::uint32_t cycles) {
  return static_cast<float>(cycles) / static_cast<float>(board::kSystemClockHz / 1000);
}

}  // namespace

int main() {
  const board::ClockStatus clock = board::bring_up();
  std::printf("earshot on STM32L476 at %u MHz: %s (sha256 %.8s), %u Hz, %u-sample blocks\n",
              static_cast<unsigned>(board::system_clock_hz(clock) / 1'000'000), fsdd::name,
              fsdd::source_sha256, static_cast<unsigned>(board::kMicrophoneSampleRate),
              static_cast<unsigned>(kHalf));
  if (clock != board::ClockStatus::kOk) std::printf("clock: %s\n", board::describe(clock));
  if (board::system_clock_hz(clock) != board::kSystemClockHz) {
    // The PDM clock (80 MHz / 40) and with it the 8 kHz sample rate need 80 MHz.
    std::printf("error: the microphone needs the 80 MHz clock; stopped\n");
    for (;;) cortex_m::sleep_until_interrupt();
  }

  earshot::PipelineConfig config;
  config.frontend = fsdd::frontend;
  config.hop_frames = kWindowHopFrames;
  config.normalization = fsdd::normalization;
  config.level_gate_dbfs = kLevelGateDbfs;
  const earshot::PipelineStatus status = classifier.configure(config);
  if (status != earshot::PipelineStatus::kOk) {
    std::printf("error: %s (front-end: %s)\n", earshot::describe(status),
                earshot::describe(classifier.frontend_status()));
    for (;;) cortex_m::sleep_until_interrupt();
  }
  voter.configure(earshot::VoteRule::kMean, 2);
  board::microphone_start(dma_buffer, kHalf, on_microphone_half);
  std::printf("listening: DFSDM1 filter 0 by DMA1 channel 4 (PDM clock PC2, data PB1)\n");

  Timing frontend_only;   // blocks that completed no window: 4 front-end frames
  Timing with_inference;  // blocks that completed a window: frames + normalisation + model
  for (;;) {
    cortex_m::disable_interrupts();
    const std::int32_t* words = ready_half;
    ready_half = nullptr;
    if (words == nullptr) cortex_m::sleep_until_interrupt();
    cortex_m::enable_interrupts();
    if (words == nullptr) continue;

    const std::uint32_t start = cortex_m::cycles();
    for (std::size_t i = 0; i < kHalf; ++i) block[i] = board::microphone_sample(words[i]);
    bool window_done = false;
    bool silent = false;
    double seconds = 0.0;
    double level = 0.0;
    classifier.push(block, kHalf, [&](const Classifier::Result& result) {
      window_done = true;
      silent = result.window.gated;
      seconds = result.window.seconds;
      level = result.window.level_dbfs;
      if (!silent) voter.add(result.probabilities);
    });
    const std::uint32_t elapsed = cortex_m::cycles() - start;
    (window_done ? with_inference : frontend_only).add(elapsed);
    if (!window_done) continue;

    const auto vote = voter.vote();
    if (silent || vote.index < 0) {
      std::printf("%7.2f s %6.1f dBFS  silence", seconds, level);
    } else {
      std::printf("%7.2f s %6.1f dBFS  digit %s  p %.2f", seconds, level,
                  fsdd::labels[static_cast<std::size_t>(vote.index)],
                  static_cast<double>(vote.confidence));
    }
    std::printf("  | block %lu cycles %.2f ms (max %lu), front-end only max %lu, overruns %lu\n",
                static_cast<unsigned long>(with_inference.last),
                static_cast<double>(milliseconds(with_inference.last)),
                static_cast<unsigned long>(with_inference.max),
                static_cast<unsigned long>(frontend_only.max),
                static_cast<unsigned long>(overruns));
  }
}
