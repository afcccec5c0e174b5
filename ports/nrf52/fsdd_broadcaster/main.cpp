// Firmware for an nRF52832 or nRF52840 with a PDM microphone: listens for spoken digits with the
// example model (examples/fsdd) and broadcasts every analysis window's decision as a Bluetooth
// LE ADV_NONCONN_IND (include/earshot/radio/): class, confidence, sequence number and the
// model's hash in manufacturer-specific data. Runs on hardware only; ports/nrf52/README.md
// shows how a phone or a Linux gateway reads it.
//
// PDM buffer (1024 samples = 64 ms at 16 kHz) -> interrupt posts it -> main loop:
// StreamingClassifier::push (front-end every 16 ms, a window of 32 frames every 16 = 256 ms:
// model + softmax), mean vote over the last 2 windows -> advertisement on channels 37/38/39
// after a pseudo-random 0-10 ms delay; WFI until the next buffer.
#include <array>
#include <cstdint>

#include "board.hpp"
#include "cortex_m.hpp"
#include "earshot/dsp/frontend.hpp"
#include "earshot/pipeline/streaming_classifier.hpp"
#include "earshot/pipeline/voter.hpp"
#include "earshot/radio/decision_advertisement.hpp"
#include "fsdd_cnn.hpp"

namespace board = earshot::port::nrf52;
namespace cortex_m = earshot::port::cortex_m;
namespace fsdd = earshot::examples::fsdd_cnn;
namespace radio = earshot::radio;

namespace {

// The model was trained at 8 kHz with n_fft 256 and hop 128; the PDM peripheral delivers about
// 16 kHz. Doubling n_fft, win_length and hop keeps the same 32 ms frames, 16 ms hops and
// 31.25 Hz bins, and the mel bands (defined in Hz, fmax 4 kHz) see the same spectrum: the
// periodic Hann of 512 taken at even samples is the Hann of 256, so a band-limited signal's
// DFT at 16 kHz is twice the one at 8 kHz, +6.02 dB on every mel value, which the per-window
// mean/std normalisation removes. No software resampling, no anti-alias filter to run.
constexpr earshot::FrontendConfig frontend_at_microphone_rate() {
  earshot::FrontendConfig config = fsdd::frontend;
  config.sample_rate = board::kMicrophoneSampleRate;
  config.n_fft = 2 * fsdd::frontend.n_fft;
  config.win_length = 2 * fsdd::frontend.win_length;
  config.hop_length = 2 * fsdd::frontend.hop_length;
  return config;
}

using Classifier = earshot::StreamingClassifier<fsdd::Model, earshot::Frontend<512, 40>>;
constexpr std::size_t kBufferSamples = 1024;
constexpr std::size_t kWindowHopFrames = 16;
constexpr double kLevelGateDbfs = -60.0;
// PDM pins (GPIO numbers; 32..47 are the nRF52840's port 1), set by CMake for the wiring.
constexpr std::uint32_t kPdmClockPin = EARSHOT_NRF52_PDM_CLK_PIN;
constexpr std::uint32_t kPdmDataPin = EARSHOT_NRF52_PDM_DIN_PIN;

std::int16_t pdm_buffers[2 * kBufferSamples];
Classifier classifier;
earshot::Voter<Classifier::class_count, 2> voter;

const std::int16_t* volatile ready_buffer = nullptr;
volatile std::uint32_t overruns = 0;

void on_microphone_buffer(const std::int16_t* samples, std::size_t /*count*/) {
  if (ready_buffer != nullptr) overruns = overruns + 1;
  ready_buffer = samples;
}

}  // namespace

int main() {
  board::hfclk_start();
  cortex_m::cycle_counter_start();
  board::radio_init();
  const radio::DeviceAddress address = board::device_address();

  radio::DecisionReport report;
  report.class_id = radio::kNoClass;
  // The converter writes the ONNX file's SHA-256 into the model header: scanners can tell which
  // model a device runs. A malformed hash is a build problem, so it is checked at compile time.
  static_assert([] {
    std::array<std::uint8_t, 4> hash{};
    return radio::parse_model_hash(fsdd::source_sha256, hash);
  }());
  radio::parse_model_hash(fsdd::source_sha256, report.model_hash);

  earshot::PipelineConfig config;
  config.frontend = frontend_at_microphone_rate();
  config.hop_frames = kWindowHopFrames;
  config.normalization = fsdd::normalization;
  config.level_gate_dbfs = kLevelGateDbfs;
  if (classifier.configure(config) != earshot::PipelineStatus::kOk) {
    // No console: advertise class 0xFF with sequence 0xFFFF forever, which a listener can report.
    report.sequence = 0xFFFF;
    for (;;) {
      board::advertise(radio::make_decision_packet(address, report));
      board::wait_advertising_delay();
    }
  }
  voter.configure(earshot::VoteRule::kMean, 2);
  board::microphone_start(pdm_buffers, kBufferSamples, kPdmClockPin, kPdmDataPin,
                          on_microphone_buffer);

  for (;;) {
    cortex_m::disable_interrupts();
    const std::int16_t* samples = ready_buffer;
    ready_buffer = nullptr;
    if (samples == nullptr) cortex_m::sleep_until_interrupt();
    cortex_m::enable_interrupts();
    if (samples == nullptr) continue;

    bool window_done = false;
    classifier.push(samples, kBufferSamples, [&](const Classifier::Result& result) {
      window_done = true;
      if (result.window.gated) {
        report.class_id = radio::kNoClass;
        report.confidence = 0;
        return;
      }
      voter.add(result.probabilities);
      const auto vote = voter.vote();
      report.class_id = static_cast<std::uint8_t>(vote.index);
      report.confidence = radio::confidence_byte(vote.confidence);
    });
    if (!window_done) continue;
    ++report.sequence;
    board::wait_advertising_delay();
    board::advertise(radio::make_decision_packet(address, report));
  }
}
