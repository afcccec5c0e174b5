// Firmware for an nRF52840 with a PDM microphone on a machine: the machine monitor
// (examples/machine, int8) runs on the 16 kHz audio, and its state and score go out as
// encrypted BTHome v2 advertisements (include/earshot/radio/machine_advertisement.hpp), which
// Home Assistant's BTHome integration and examples/gateway read. Hardware only (no emulator
// has the nRF52): ports/nrf52/README.md.
//
// PDM buffer (1024 samples = 64 ms) -> interrupt posts it -> main loop: AnomalyMonitor::push
// (a 5-frame window every 32 ms) -> an advertisement at every change of state, and every 10 s
// with the state and the latest smoothed score, on channels 37/38/39 after a pseudo-random
// 0-10 ms delay; WFI until the next buffer. The BTHome counter is (boot number << 16) + reports
// since: it never repeats, across resets too (board::next_boot_number), as receivers demand.
// The nRF52832 samples at 16,129 Hz, not the 16 kHz the model was trained at: nRF52840 only.
#include <array>
#include <cstdint>

#include "board.hpp"
#include "cortex_m.hpp"
#include "earshot/dsp/frontend.hpp"
#include "earshot/pipeline/anomaly_monitor.hpp"
#include "earshot/radio/machine_advertisement.hpp"
#include "machine_monitor_int8.hpp"

namespace board = earshot::port::nrf52;
namespace cortex_m = earshot::port::cortex_m;
namespace machine = earshot::examples::machine_monitor_int8;
namespace radio = earshot::radio;

static_assert(EARSHOT_NRF52840, "the machine monitor needs the nRF52840's exact 16 kHz PDM rate");
static_assert(board::kMicrophoneSampleRate == machine::frontend.sample_rate, "the model's rate is the microphone's");

namespace {

// The device's 16-byte BTHome key, from EARSHOT_NRF52_BTHOME_KEY (32 hex digits) at build time.
constexpr int hex_digit(char c) {
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}
constexpr bool valid_key(const char* text) {
  for (int i = 0; i < 32; ++i) {
    if (hex_digit(text[i]) < 0) return false;
  }
  return text[32] == '\0';
}
static_assert(valid_key(EARSHOT_NRF52_BTHOME_KEY), "EARSHOT_NRF52_BTHOME_KEY must be 32 hex digits");
constexpr radio::AesKey device_key() {
  radio::AesKey key{};
  for (int i = 0; i < 16; ++i) {
    key[static_cast<std::size_t>(i)] =
        static_cast<std::uint8_t>(hex_digit(EARSHOT_NRF52_BTHOME_KEY[2 * i]) * 16 + hex_digit(EARSHOT_NRF52_BTHOME_KEY[2 * i + 1]));
  }
  return key;
}

using Monitor = earshot::AnomalyMonitor<machine::Model, earshot::Frontend<machine::frontend.n_fft, machine::frontend.n_mels>,
                                        machine::score_horizon>;
constexpr std::size_t kBufferSamples = 1024;
constexpr std::size_t kHeartbeatWindows = 312;  // 10 s of 32 ms windows
constexpr std::uint32_t kPdmClockPin = EARSHOT_NRF52_PDM_CLK_PIN;
constexpr std::uint32_t kPdmDataPin = EARSHOT_NRF52_PDM_DIN_PIN;

std::int16_t pdm_buffers[2 * kBufferSamples];
Monitor monitor;

const std::int16_t* volatile ready_buffer = nullptr;

void on_microphone_buffer(const std::int16_t* samples, std::size_t /*count*/) { ready_buffer = samples; }

}  // namespace

int main() {
  board::hfclk_start();
  cortex_m::cycle_counter_start();
  board::radio_init();
  const radio::DeviceAddress address = board::device_address();
  const radio::Aes128 key(device_key());
  std::uint32_t boot = board::next_boot_number();
  std::uint32_t reports = 0;
  const auto send = [&](const radio::MachineReport& report) {
    if (reports == 0x10000) {  // 65,536 reports this boot: take a new boot number
      boot = board::next_boot_number();
      reports = 0;
    }
    const std::uint32_t counter = (boot << 16) | reports++;
    board::wait_advertising_delay();
    board::advertise(radio::make_machine_packet(key, address, counter, report));
  };

  earshot::AnomalyMonitorConfig config;
  config.pipeline.frontend = machine::frontend;
  config.pipeline.frontend.center = false;
  config.pipeline.normalization = machine::normalization;
  config.pipeline.hop_frames = machine::hop_frames;
  config.pipeline.level_gate_dbfs = machine::level_gate_dbfs;
  config.horizon = machine::score_horizon;
  config.states = machine::machine_states;
  if (monitor.configure(config) != earshot::PipelineStatus::kOk) {
    for (;;) send({earshot::MachineState::kFailure, 65535});  // cannot happen with the converted header's values
  }
  board::microphone_start(pdm_buffers, kBufferSamples, kPdmClockPin, kPdmDataPin, on_microphone_buffer);

  radio::MachineReport report;
  std::size_t windows_since_report = 0;
  for (;;) {
    cortex_m::disable_interrupts();
    const std::int16_t* samples = ready_buffer;
    ready_buffer = nullptr;
    if (samples == nullptr) cortex_m::sleep_until_interrupt();
    cortex_m::enable_interrupts();
    if (samples == nullptr) continue;
    bool changed = false;
    monitor.push(
        samples, kBufferSamples,
        [&](const earshot::MachineEvent& event) {
          report.state = event.state;
          changed = true;
        },
        [&](const earshot::ScoredWindow& window) {
          ++windows_since_report;
          if (window.smoothed_score == window.smoothed_score) {  // not NaN
            report.score_hundredths = radio::score_hundredths(window.smoothed_score);
          }
        });
    if (monitor.has_state() && (changed || windows_since_report >= kHeartbeatWindows)) {
      send(report);
      windows_since_report = 0;
    }
  }
}
