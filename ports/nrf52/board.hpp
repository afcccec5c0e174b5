// Board layer of the nRF52832 and nRF52840 (EARSHOT_NRF52840 = 1 selects the latter): the
// 64 MHz crystal clock, the DWT cycle counter, the PDM microphone with EasyDMA double buffering,
// and the RADIO sending Bluetooth LE advertising packets on channels 37, 38 and 39.
#pragma once

#include <cstddef>
#include <cstdint>

#include "earshot/radio/ble_advertising.hpp"

#ifndef EARSHOT_NRF52840
#error "define EARSHOT_NRF52840 to 1 (nRF52840) or 0 (nRF52832)"
#endif

namespace earshot::port::nrf52 {

inline constexpr std::uint32_t kCpuClockHz = 64'000'000;

// The external 32 MHz crystal (HFXO): the radio needs it, and it makes the PDM clock accurate.
void hfclk_start() noexcept;

// PDM microphone, mono, 16-bit PCM (the PDM peripheral decimates itself), gain 0 dB. nRF52840:
// PDM clock 1.280 MHz with ratio 80 = 16000 samples/s exactly; nRF52832 (ratio 64 only): the
// default 1.032 MHz / 64 = 16125 samples/s (32 MHz / 31 / 64 = 16129.03, which Nordic rounds).
#if EARSHOT_NRF52840
inline constexpr double kMicrophoneSampleRate = 16000.0;
#else
inline constexpr double kMicrophoneSampleRate = 32'000'000.0 / 31.0 / 64.0;
#endif

// Called in the PDM interrupt with the buffer EasyDMA has just filled; the other one is being
// filled meanwhile, so it must be done with it within `count` samples' time.
using MicrophoneHandler = void (*)(const std::int16_t* samples, std::size_t count);

// buffers: two of `count` samples each, in RAM. clock_pin / data_pin: GPIO numbers (port 1 pins
// of the nRF52840 are 32..47).
void microphone_start(std::int16_t* buffers, std::size_t count, std::uint32_t clock_pin,
                      std::uint32_t data_pin, MicrophoneHandler handler) noexcept;

// RADIO in Bluetooth LE 1 Mbit/s mode with the advertising access address, CRC-24 (preset
// 0x555555) and whitening done by the radio, 0 dBm.
void radio_init() noexcept;

// One advertising event: the packet's PDU on channels 37, 38 and 39, one after the other
// (TXEN -> READY -> START -> END -> DISABLE on each, about 0.4 ms per channel). Blocks until
// the last one has been sent.
void advertise(const earshot::radio::AdvertisingPacket& packet) noexcept;

// The chip's random static address from FICR DEVICEADDR (what Nordic's own stacks use).
earshot::radio::DeviceAddress device_address() noexcept;

// A number that grows with every call, across resets and power cycles: the words of the last
// flash page (left out of the image by the linker scripts) are programmed one by one, each with
// the previous number + 1; a full page (1024 words) is erased and starts again at the last + 1.
// Encrypted advertisements need it: their counter must never repeat (board README). About
// 10,000 erase cycles per page: 10 million calls.
std::uint32_t next_boot_number() noexcept;

// advDelay (Core specification Vol 6, Part B, 4.4.2.2.1): waits 0-10 ms, pseudo-random, before
// an advertising event, so that two advertisers that collide once do not collide forever.
// xorshift32 seeded per chip (FICR DEVICEID) is random enough for that. Needs the cycle counter
// (cortex_m::cycle_counter_start()).
void wait_advertising_delay() noexcept;

}  // namespace earshot::port::nrf52
