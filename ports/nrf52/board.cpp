// The nRF52 board layer (board.hpp) at register level.
#include "board.hpp"

#include <cstring>

#include "cortex_m.hpp"
#include "registers.hpp"

namespace earshot::port::nrf52 {

namespace {

MicrophoneHandler microphone_handler = nullptr;
std::int16_t* microphone_buffers = nullptr;
std::size_t microphone_count = 0;
// EasyDMA latches SAMPLE.PTR when it starts a buffer (EVENTS_STARTED): the next one can be
// queued at once. `filling` is the buffer being written, `queued` the one latched next.
std::size_t filling = 1;
std::size_t queued = 0;

// The PDU (S0 = header byte 0, LENGTH = header byte 1, then the payload) as EasyDMA reads it:
// from RAM, never from flash.
std::uint8_t radio_pdu[earshot::radio::AdvertisingPacket::kMaxPduSize];

void trigger_and_wait(std::uint32_t task, std::uint32_t event) noexcept {
  reg(event) = 0;
  reg(task) = 1;
  while (reg(event) == 0) {
  }
}

}  // namespace

void hfclk_start() noexcept { trigger_and_wait(clock::kTasksHfclkStart, clock::kEventsHfclkStarted); }

void microphone_start(std::int16_t* buffers, std::size_t count, std::uint32_t clock_pin,
                      std::uint32_t data_pin, MicrophoneHandler handler) noexcept {
  microphone_handler = handler;
  microphone_buffers = buffers;
  microphone_count = count;
  filling = 1;
  queued = 0;
  reg(gpio::pin_cnf(clock_pin)) = gpio::kOutputInputDisconnected;
  reg(gpio::pin_cnf(data_pin)) = gpio::kInputConnected;
  reg(pdm::kPselClk) = clock_pin;  // PIN and PORT bits; CONNECT (bit 31) = 0: connected
  reg(pdm::kPselDin) = data_pin;
#if EARSHOT_NRF52840
  reg(pdm::kPdmClkCtrl) = pdm::kClock1280K;
  reg(pdm::kRatio) = pdm::kRatio80;
#else
  reg(pdm::kPdmClkCtrl) = pdm::kClock1032K;
#endif
  reg(pdm::kMode) = pdm::kModeMonoLeftFalling;
  reg(pdm::kGainL) = pdm::kGain0dB;
  reg(pdm::kGainR) = pdm::kGain0dB;
  reg(pdm::kSamplePtr) = static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(buffers));
  reg(pdm::kSampleMaxCnt) = static_cast<std::uint32_t>(count);
  reg(pdm::kEventsStarted) = 0;
  reg(pdm::kEventsEnd) = 0;
  reg(pdm::kIntEnSet) = pdm::kIntStarted | pdm::kIntEnd;
  cortex_m::enable_interrupt(pdm::kIrq);
  reg(pdm::kEnable) = 1;
  reg(pdm::kTasksStart) = 1;
}

void radio_init() noexcept {
  reg(radio::kMode) = radio::kModeBle1Mbit;
  // Header byte 0 as S0 (1 byte), byte 1 as the 8-bit LENGTH field, no S1: the advertising
  // PDU header of the Core specification (Vol 6, Part B, 2.3).
  reg(radio::kPcnf0) = radio::pcnf0(8, 1, 0);
  reg(radio::kPcnf1) = radio::pcnf1(earshot::radio::AdvertisingPacket::kMaxPduSize - 2, 0, 3, true);
  // The access address as a 3-byte base and a 1-byte prefix: on air the base goes first,
  // least significant bit first, then the prefix: 0x8E89BED6 = prefix 0x8E, base 0x89BED6
  // (BASE0 holds it in its upper three bytes when BALEN = 3).
  constexpr std::uint32_t kAccess = earshot::radio::kAdvertisingAccessAddress;
  reg(radio::kBase0) = (kAccess << 8) & 0xFFFFFF00u;
  reg(radio::kPrefix0) = (kAccess >> 24) & 0xFFu;
  reg(radio::kTxAddress) = 0;  // logical address 0 = BASE0 + PREFIX0.AP0
  // CRC-24 over the PDU (address skipped), x^24 + x^10 + x^9 + x^6 + x^4 + x^3 + x + 1: the
  // register holds the terms below x^24 (bit 0, the "+1", is implied).
  reg(radio::kCrcCnf) = radio::kCrcCnfThreeBytesSkipAddress;
  reg(radio::kCrcPoly) = 0x00065B;
  reg(radio::kCrcInit) = earshot::radio::kAdvertisingCrcInit;
  reg(radio::kTxPower) = 0;  // 0 dBm
  reg(radio::kPacketPtr) = static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(radio_pdu));
}

void advertise(const earshot::radio::AdvertisingPacket& packet) noexcept {
  std::memcpy(radio_pdu, packet.pdu(), packet.pdu_size());
  for (const auto channel : {earshot::radio::AdvertisingChannel::k37,
                             earshot::radio::AdvertisingChannel::k38,
                             earshot::radio::AdvertisingChannel::k39}) {
    reg(radio::kFrequency) = earshot::radio::frequency_mhz(channel) - 2400u;
    // Bit 6 reads as 1 whatever is written: position 0 of the whitening register; bits 5..0
    // are the channel index, bit 0 = position 6 (the Core specification's initial state).
    reg(radio::kDataWhiteIv) = static_cast<std::uint32_t>(channel);
    trigger_and_wait(radio::kTasksTxEn, radio::kEventsReady);
    trigger_and_wait(radio::kTasksStart, radio::kEventsEnd);
    trigger_and_wait(radio::kTasksDisable, radio::kEventsDisabled);
  }
}

earshot::radio::DeviceAddress device_address() noexcept {
  const std::uint64_t low = reg(ficr::kDeviceAddr0);
  const std::uint64_t high = reg(ficr::kDeviceAddr1) & 0xFFFFu;
  return earshot::radio::random_static_address((high << 32) | low);
}

namespace {

// The last 4 kB page of flash: 1 MB on the nRF52840, 512 kB on the nRF52832.
constexpr std::uint32_t kCounterPage = (EARSHOT_NRF52840 ? 0x100000u : 0x80000u) - nvmc::kPageSize;
constexpr std::uint32_t kErased = 0xFFFFFFFFu;

void nvmc_wait() noexcept {
  while (reg(nvmc::kReady) == 0) {
  }
}

void program_word(std::uint32_t address, std::uint32_t value) noexcept {
  reg(nvmc::kConfig) = nvmc::kConfigWrite;
  nvmc_wait();
  reg(address) = value;
  nvmc_wait();
  reg(nvmc::kConfig) = nvmc::kConfigRead;
  nvmc_wait();
}

}  // namespace

std::uint32_t next_boot_number() noexcept {
  constexpr std::uint32_t kWords = nvmc::kPageSize / 4;
  std::uint32_t last = 0;  // no number yet: the first is 1
  std::uint32_t free_word = 0;
  while (free_word < kWords && reg(kCounterPage + 4 * free_word) != kErased) {
    last = reg(kCounterPage + 4 * free_word);
    ++free_word;
  }
  if (free_word == kWords) {  // full: erase, then the page holds only the next number
    reg(nvmc::kConfig) = nvmc::kConfigErase;
    nvmc_wait();
    reg(nvmc::kErasePage) = kCounterPage;
    nvmc_wait();
    reg(nvmc::kConfig) = nvmc::kConfigRead;
    nvmc_wait();
    free_word = 0;
  }
  const std::uint32_t next = last + 1;
  program_word(kCounterPage + 4 * free_word, next);
  return next;
}

namespace {
std::uint32_t advertising_state = 0;  // 0: not seeded yet (xorshift never returns to 0)
}  // namespace

void wait_advertising_delay() noexcept {
  std::uint32_t& state = advertising_state;
  if (state == 0) state = reg(ficr::kDeviceId0) | 1u;
  state ^= state << 13;
  state ^= state >> 17;
  state ^= state << 5;
  const std::uint32_t delay = state % (10 * (kCpuClockHz / 1000));
  const std::uint32_t start = cortex_m::cycles();
  while (cortex_m::cycles() - start < delay) {
  }
}

}  // namespace earshot::port::nrf52

// END: the buffer that was being filled is complete; STARTED: the queued one is now being
// filled, queue the other. When both are pending, END belongs to the earlier buffer.
extern "C" void PDM_IRQHandler() {
  using namespace earshot::port::nrf52;
  if (reg(pdm::kEventsEnd) != 0) {
    reg(pdm::kEventsEnd) = 0;
    microphone_handler(microphone_buffers + filling * microphone_count, microphone_count);
  }
  if (reg(pdm::kEventsStarted) != 0) {
    reg(pdm::kEventsStarted) = 0;
    filling = queued;
    queued = 1 - filling;
    reg(pdm::kSamplePtr) = static_cast<std::uint32_t>(
        reinterpret_cast<std::uintptr_t>(microphone_buffers + queued * microphone_count));
  }
}
