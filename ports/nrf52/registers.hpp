// The nRF52832/nRF52840 registers this port uses, as addresses and bit positions from the
// Product Specifications (nRF52832 v1.4: CLOCK 18.9, RADIO 23.14, PDM 35.9, FICR 14.1, GPIO
// 20.8, NVMC 11.8; the nRF52840's v1.7 has the same layout, plus PDM RATIO and GPIO port 1). Nothing from
// the nRF SDK is needed to build.
#pragma once

#include <cstdint>

#include "cortex_m.hpp"

namespace earshot::port::nrf52 {

using cortex_m::reg;

namespace clock {
constexpr std::uint32_t kBase = 0x40000000;
constexpr std::uint32_t kTasksHfclkStart = kBase + 0x000;
constexpr std::uint32_t kEventsHfclkStarted = kBase + 0x100;
}  // namespace clock

namespace radio {
constexpr std::uint32_t kBase = 0x40001000;
constexpr std::uint32_t kTasksTxEn = kBase + 0x000;
constexpr std::uint32_t kTasksStart = kBase + 0x008;
constexpr std::uint32_t kTasksDisable = kBase + 0x010;
constexpr std::uint32_t kEventsReady = kBase + 0x100;
constexpr std::uint32_t kEventsEnd = kBase + 0x10C;
constexpr std::uint32_t kEventsDisabled = kBase + 0x110;
constexpr std::uint32_t kPacketPtr = kBase + 0x504;
constexpr std::uint32_t kFrequency = kBase + 0x508;  // 2400 + FREQUENCY MHz
constexpr std::uint32_t kTxPower = kBase + 0x50C;    // signed dBm in the low byte
constexpr std::uint32_t kMode = kBase + 0x510;
constexpr std::uint32_t kPcnf0 = kBase + 0x514;
constexpr std::uint32_t kPcnf1 = kBase + 0x518;
constexpr std::uint32_t kBase0 = kBase + 0x51C;
constexpr std::uint32_t kPrefix0 = kBase + 0x524;
constexpr std::uint32_t kTxAddress = kBase + 0x52C;
constexpr std::uint32_t kCrcCnf = kBase + 0x534;
constexpr std::uint32_t kCrcPoly = kBase + 0x538;
constexpr std::uint32_t kCrcInit = kBase + 0x53C;
constexpr std::uint32_t kDataWhiteIv = kBase + 0x554;
constexpr std::uint32_t kModeBle1Mbit = 3;
constexpr std::uint32_t pcnf0(std::uint32_t length_bits, std::uint32_t s0_bytes, std::uint32_t s1_bits) {
  return length_bits | (s0_bytes << 8) | (s1_bits << 16);  // LFLEN, S0LEN, S1LEN
}
constexpr std::uint32_t pcnf1(std::uint32_t max_length, std::uint32_t static_length,
                              std::uint32_t base_address_bytes, bool whitening) {
  // MAXLEN, STATLEN, BALEN, ENDIAN = 0 (little: least significant bit first), WHITEEN
  return max_length | (static_length << 8) | (base_address_bytes << 16) | (whitening ? 1u << 25 : 0u);
}
constexpr std::uint32_t kCrcCnfThreeBytesSkipAddress = 3u | (1u << 8);  // LEN 3, SKIPADDR
}  // namespace radio

namespace pdm {
constexpr std::uint32_t kBase = 0x4001D000;
constexpr std::uint32_t kTasksStart = kBase + 0x000;
constexpr std::uint32_t kEventsStarted = kBase + 0x100;
constexpr std::uint32_t kEventsEnd = kBase + 0x108;
constexpr std::uint32_t kIntEnSet = kBase + 0x304;
constexpr std::uint32_t kEnable = kBase + 0x500;
constexpr std::uint32_t kPdmClkCtrl = kBase + 0x504;
constexpr std::uint32_t kMode = kBase + 0x508;
constexpr std::uint32_t kGainL = kBase + 0x518;
constexpr std::uint32_t kGainR = kBase + 0x51C;
constexpr std::uint32_t kRatio = kBase + 0x520;  // nRF52840 only
constexpr std::uint32_t kPselClk = kBase + 0x540;
constexpr std::uint32_t kPselDin = kBase + 0x544;
constexpr std::uint32_t kSamplePtr = kBase + 0x560;
constexpr std::uint32_t kSampleMaxCnt = kBase + 0x564;
constexpr std::uint32_t kIntStarted = 1u << 0;
constexpr std::uint32_t kIntEnd = 1u << 2;
constexpr std::uint32_t kModeMonoLeftFalling = 1u;  // OPERATION = Mono, EDGE = LeftFalling
constexpr std::uint32_t kClock1032K = 0x08400000;    // 32 MHz / 31 (the reset value)
constexpr std::uint32_t kClock1280K = 0x0A000000;    // 32 MHz / 25, nRF52840 only
constexpr std::uint32_t kRatio80 = 1;
constexpr std::uint32_t kGain0dB = 0x28;
constexpr int kIrq = 29;
}  // namespace pdm

namespace gpio {
// Port 0 at 0x50000000, port 1 (nRF52840) at 0x50000300; PIN_CNF[n] at 0x700 + 4 n.
constexpr std::uint32_t pin_cnf(std::uint32_t pin) {
  return 0x50000000 + (pin / 32) * 0x300 + 0x700 + 4 * (pin % 32);
}
constexpr std::uint32_t kOutputInputDisconnected = (1u << 0) | (1u << 1);  // DIR out, INPUT off
constexpr std::uint32_t kInputConnected = 0;
}  // namespace gpio

namespace nvmc {
constexpr std::uint32_t kBase = 0x4001E000;
constexpr std::uint32_t kReady = kBase + 0x400;
constexpr std::uint32_t kConfig = kBase + 0x504;  // WEN: 0 read only, 1 write, 2 erase
constexpr std::uint32_t kErasePage = kBase + 0x508;
constexpr std::uint32_t kConfigRead = 0;
constexpr std::uint32_t kConfigWrite = 1;
constexpr std::uint32_t kConfigErase = 2;
constexpr std::uint32_t kPageSize = 4096;
}  // namespace nvmc

namespace ficr {
constexpr std::uint32_t kDeviceId0 = 0x10000060;
constexpr std::uint32_t kDeviceAddr0 = 0x100000A4;
constexpr std::uint32_t kDeviceAddr1 = 0x100000A8;
}  // namespace ficr

}  // namespace earshot::port::nrf52
