// Self-test image of the STM32L4 port (earshot-stm32l4-self-test): the microphone firmware's
// startup, linker script, clock, USART2 and cycle counter (board.cpp, startup.cpp), with the
// bundled FSDD clips embedded in flash in place of the DFSDM microphone. It runs the whole
// pipeline — front-end, analysis windows, z-score, fsdd-cnn in float32 and in int8, mean vote —
// fed in blocks of the microphone firmware's DMA half (512 samples), and prints over USART2 the
// decisions `earshot classify --windows --json` prints on the host, one section per model and
// window overlap (ports/cortex-m/clip_decisions.hpp), the stack's high-water mark, then an end
// marker:
//
//   # end: exit code 0
//
// and sleeps. ports/stm32l4/qemu_run.py stops QEMU's b-l475e-iot01a at the marker; on a board,
// the marker is the last line on the ST-LINK's virtual COM port. Flash it before the microphone
// firmware: it proves the image, the clock and the UART without a microphone.
#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "board.hpp"
#include "clip_decisions.hpp"
#include "cortex_m.hpp"
#include "earshot/dsp/frontend.hpp"
#include "earshot/pipeline/streaming_classifier.hpp"
#include "fsdd_cnn.hpp"
#include "fsdd_cnn_int8.hpp"
#include "stack_usage.hpp"

namespace board = earshot::port::stm32l4;
namespace cortex_m = earshot::port::cortex_m;
namespace fsdd = earshot::examples::fsdd_cnn;
namespace fsdd_int8 = earshot::examples::fsdd_cnn_int8;

namespace {

using Classifier = earshot::StreamingClassifier<fsdd::Model, earshot::Frontend<256, 40>>;
using ClassifierInt8 = earshot::StreamingClassifier<fsdd_int8::Model, earshot::Frontend<256, 40>>;
constexpr std::size_t kBlockSamples = 512;  // the microphone firmware's DMA half
// The model's own overlap (one window a clip) and a denser one (up to five), as on mps2-an386.
constexpr double kOverlaps[] = {0.5, 0.9375};
constexpr std::size_t kMaxWindows = 16;

Classifier classifier;
ClassifierInt8 classifier_int8;

// The cycles a model's sections took (DWT), or why there is no figure.
void print_cycles(const char* model, std::uint32_t cycles) {
  if (cycles == 0) {
    std::printf("# %s: the DWT cycle counter reads 0 (not modelled: an emulator)\n", model);
  } else {
    std::printf("# %s: %lu cycles (DWT) for every clip at both overlaps\n", model,
                static_cast<unsigned long>(cycles));
  }
}

}  // namespace

int main() {
  cortex_m::paint_stack();
  const board::ClockStatus clock = board::bring_up();
  std::printf("earshot self-test on STM32L476 at %u MHz: %s (sha256 %.8s) in float32 and int8, "
              "%u bundled clips, %u-sample blocks\n",
              static_cast<unsigned>(board::system_clock_hz(clock) / 1'000'000), fsdd::name,
              fsdd::source_sha256, static_cast<unsigned>(earshot::firmware::embedded_clip_count),
              static_cast<unsigned>(kBlockSamples));
  if (clock != board::ClockStatus::kOk) std::printf("clock: %s\n", board::describe(clock));

  std::uint32_t start = cortex_m::cycles();
  const bool float_ok = earshot::firmware::print_decision_sections<kBlockSamples, kMaxWindows>(
      classifier, "fsdd-cnn", fsdd::frontend, fsdd::normalization, fsdd::labels, kOverlaps);
  print_cycles("fsdd-cnn", cortex_m::cycles() - start);
  start = cortex_m::cycles();
  const bool int8_ok = earshot::firmware::print_decision_sections<kBlockSamples, kMaxWindows>(
      classifier_int8, "fsdd-cnn-int8", fsdd_int8::frontend, fsdd_int8::normalization,
      fsdd_int8::labels, kOverlaps);
  print_cycles("fsdd-cnn-int8", cortex_m::cycles() - start);

  // Everything on the main stack (SRAM2) since reset: the pipeline, printf, the callbacks.
  std::printf("# stack: %u of %u bytes used (SRAM2)\n",
              static_cast<unsigned>(cortex_m::stack_high_water_bytes()),
              static_cast<unsigned>(cortex_m::stack_size_bytes()));
  std::printf("# end: exit code %d\n", float_ok && int8_ok ? 0 : 1);
  board::uart_flush();
  for (;;) cortex_m::sleep_until_interrupt();
}
