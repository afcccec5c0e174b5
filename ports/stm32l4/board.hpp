// Board layer of the STM32L476 (NUCLEO-L476RG): 80 MHz clock, USART2 for
// printf (the ST-LINK virtual COM port), and a PDM MEMS microphone on DFSDM1 whose samples a
// circular DMA hands over half a buffer at a time.
#pragma once

#include <cstddef>
#include <cstdint>

namespace earshot::port::stm32l4 {

inline constexpr std::uint32_t kSystemClockHz = 80'000'000;
inline constexpr std::uint32_t kResetClockHz = 4'000'000;  // MSI after reset

// How the switch to 80 MHz went. Every wait on a status bit is bounded (kPollLimit reads), so a
// peripheral that never answers gives a status instead of a hang.
enum class ClockStatus {
  kOk,  // 80 MHz, 4 flash wait states read back as RM0351 3.3.3 asks before the clock goes up
  // 80 MHz, but FLASH_ACR read 0 right after it was written: there is no flash interface at its
  // address. Silicon always reads back the cache and prefetch bits just written; QEMU, which does
  // not model the flash interface (nor its wait states), reads 0.
  kFlashInterfaceAbsent,
  // Still at MSI 4 MHz: what the switch needs did not happen within kPollLimit reads.
  kVoltageRangeNotReady,     // PWR_SR2.VOSF stayed set
  kFlashLatencyNotConfirmed, // FLASH_ACR kept another LATENCY: 80 MHz would read flash too fast
  kPllNotLocked,             // RCC_CR.PLLRDY stayed clear
  kSwitchNotConfirmed,       // RCC_CFGR.SWS did not report the PLL
};
inline constexpr std::uint32_t kPollLimit = 100'000;  // reads; PLL lock takes <= 40 us = 160 reads

// What the status means, in a few words.
const char* describe(ClockStatus status) noexcept;

// The core clock the status leaves: 80 MHz (kOk, kFlashInterfaceAbsent) or MSI's 4 MHz.
inline constexpr std::uint32_t system_clock_hz(ClockStatus status) noexcept {
  return status == ClockStatus::kOk || status == ClockStatus::kFlashInterfaceAbsent ? kSystemClockHz
                                                                                    : kResetClockHz;
}

// MSI 4 MHz -> PLL (M 1, N 40, R 2) = 80 MHz, voltage range 1, 4 flash wait states, caches and
// prefetch on; AHB, APB1 and APB2 undivided. Call it first: nothing else depends on the clock
// yet.
ClockStatus clock_init_80mhz() noexcept;

// USART2 on PA2 (AF7), 115200 8N1 from a PCLK1 of clock_hz, polled: newlib's printf reaches the
// ST-LINK's virtual COM port through _write (startup.cpp).
void uart_init(std::uint32_t clock_hz) noexcept;
void uart_write(const char* data, std::size_t size) noexcept;
void uart_flush() noexcept;  // until the last byte has left the shift register

// What every firmware of the port does first: the clock, the DWT cycle counter, then USART2 at
// the clock the switch left (so that a failed switch can still be reported).
ClockStatus bring_up() noexcept;

// PDM microphone: DFSDM1_CKOUT on PC2 and DFSDM1_DATIN0 on PB1 (both AF6), channel 0 sampling
// on the rising clock edge (a microphone with its L/R pin low), 80 MHz / 40 = 2 MHz PDM clock,
// filter 0 Sinc3 with oversampling 250 -> 8000 samples/s, fast continuous regular conversions
// read by DMA1 channel 4 (request 0) into a circular buffer of two halves.
inline constexpr std::uint32_t kMicrophoneSampleRate = 8000;
// A Sinc3 of oversampling 250 spans +-250^3; the channel shifts right by 2 so that it fits the
// 24-bit data register: full scale = 250^3 / 4.
inline constexpr float kMicrophoneFullScale = 250.0f * 250.0f * 250.0f / 4.0f;

// Called in the DMA interrupt with the half that has just been filled (DFSDM's RDATAR words:
// sample in bits 31..8). It must be done with it before the DMA comes back to it.
using MicrophoneHandler = void (*)(const std::int32_t* words, std::size_t count);

// buffer holds 2 x half words; starts the conversions.
void microphone_start(std::int32_t* buffer, std::size_t half, MicrophoneHandler handler) noexcept;

// A DFSDM data register word as a float sample in about [-1, 1].
inline float microphone_sample(std::int32_t word) noexcept {
  return static_cast<float>(word >> 8) / kMicrophoneFullScale;
}

}  // namespace earshot::port::stm32l4
