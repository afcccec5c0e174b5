// The STM32L476's registers that this port uses, as addresses and bit positions from the
// reference manual RM0351 (rev 9): RCC 6.4, FLASH 3.7, PWR 5.4, GPIO 8.5, USART 40.8,
// DMA 11.6, DFSDM 24.8 (the core's own registers: ports/cortex-m/cortex_m.hpp). Nothing
// vendor-made is needed to build.
#pragma once

#include <cstdint>

#include "cortex_m.hpp"

namespace earshot::port::stm32l4 {

using cortex_m::reg;

namespace rcc {
constexpr std::uint32_t kBase = 0x40021000;
constexpr std::uint32_t kCr = kBase + 0x00;
constexpr std::uint32_t kCfgr = kBase + 0x08;
constexpr std::uint32_t kPllCfgr = kBase + 0x0C;
constexpr std::uint32_t kAhb1Enr = kBase + 0x48;
constexpr std::uint32_t kAhb2Enr = kBase + 0x4C;
constexpr std::uint32_t kApb1Enr1 = kBase + 0x58;
constexpr std::uint32_t kApb2Enr = kBase + 0x60;
constexpr std::uint32_t kCrPllOn = 1u << 24;
constexpr std::uint32_t kCrPllReady = 1u << 25;
constexpr std::uint32_t kCfgrSwPll = 3u << 0;
constexpr std::uint32_t kCfgrSwsMask = 3u << 2;
constexpr std::uint32_t kCfgrSwsPll = 3u << 2;
constexpr std::uint32_t kAhb1Dma1 = 1u << 0;
constexpr std::uint32_t kAhb2GpioA = 1u << 0;
constexpr std::uint32_t kAhb2GpioB = 1u << 1;
constexpr std::uint32_t kAhb2GpioC = 1u << 2;
constexpr std::uint32_t kApb1Usart2 = 1u << 17;
constexpr std::uint32_t kApb1Pwr = 1u << 28;
constexpr std::uint32_t kApb2Dfsdm1 = 1u << 24;
}  // namespace rcc

namespace flash {
constexpr std::uint32_t kAcr = 0x40022000;
constexpr std::uint32_t kLatencyMask = 7u << 0;
constexpr std::uint32_t kPrefetch = 1u << 8;
constexpr std::uint32_t kInstructionCache = 1u << 9;
constexpr std::uint32_t kDataCache = 1u << 10;
}  // namespace flash

namespace pwr {
constexpr std::uint32_t kCr1 = 0x40007000;
constexpr std::uint32_t kSr2 = 0x40007014;
constexpr std::uint32_t kVosMask = 3u << 9;
constexpr std::uint32_t kVosRange1 = 1u << 9;
constexpr std::uint32_t kVosChanging = 1u << 10;  // SR2.VOSF
}  // namespace pwr

namespace gpio {
constexpr std::uint32_t kPortA = 0x48000000;
constexpr std::uint32_t kPortB = 0x48000400;
constexpr std::uint32_t kPortC = 0x48000800;
constexpr std::uint32_t kModer = 0x00;
constexpr std::uint32_t kOspeedr = 0x08;
constexpr std::uint32_t kAfrl = 0x20;
constexpr std::uint32_t kAfrh = 0x24;
}  // namespace gpio

namespace usart2 {
constexpr std::uint32_t kBase = 0x40004400;
constexpr std::uint32_t kCr1 = kBase + 0x00;
constexpr std::uint32_t kBrr = kBase + 0x0C;
constexpr std::uint32_t kIsr = kBase + 0x1C;
constexpr std::uint32_t kTdr = kBase + 0x28;
constexpr std::uint32_t kCr1Enable = 1u << 0;
constexpr std::uint32_t kCr1TransmitterEnable = 1u << 3;
constexpr std::uint32_t kIsrTransmitEmpty = 1u << 7;
constexpr std::uint32_t kIsrTransmitComplete = 1u << 6;
}  // namespace usart2

namespace dma1 {
constexpr std::uint32_t kBase = 0x40020000;
constexpr std::uint32_t kIsr = kBase + 0x00;
constexpr std::uint32_t kIfcr = kBase + 0x04;
constexpr std::uint32_t kCselr = kBase + 0xA8;
// Channel n (1..7): CCR, CNDTR, CPAR, CMAR at 0x08 + 0x14 (n - 1).
constexpr std::uint32_t ccr(int channel) { return kBase + 0x08 + 0x14u * static_cast<std::uint32_t>(channel - 1); }
constexpr std::uint32_t cndtr(int channel) { return ccr(channel) + 0x04; }
constexpr std::uint32_t cpar(int channel) { return ccr(channel) + 0x08; }
constexpr std::uint32_t cmar(int channel) { return ccr(channel) + 0x0C; }
// ISR/IFCR flags of channel n: global, transfer complete, half transfer, error.
constexpr std::uint32_t global_flag(int channel) { return 1u << (4 * (channel - 1)); }
constexpr std::uint32_t complete_flag(int channel) { return 2u << (4 * (channel - 1)); }
constexpr std::uint32_t half_flag(int channel) { return 4u << (4 * (channel - 1)); }
constexpr std::uint32_t error_flag(int channel) { return 8u << (4 * (channel - 1)); }
constexpr std::uint32_t kCcrEnable = 1u << 0;
constexpr std::uint32_t kCcrCompleteInterrupt = 1u << 1;
constexpr std::uint32_t kCcrHalfInterrupt = 1u << 2;
constexpr std::uint32_t kCcrErrorInterrupt = 1u << 3;
constexpr std::uint32_t kCcrCircular = 1u << 5;
constexpr std::uint32_t kCcrMemoryIncrement = 1u << 7;
constexpr std::uint32_t kCcrPeripheral32Bit = 2u << 8;
constexpr std::uint32_t kCcrMemory32Bit = 2u << 10;
constexpr std::uint32_t kCcrPriorityHigh = 2u << 12;
}  // namespace dma1

namespace dfsdm1 {
constexpr std::uint32_t kBase = 0x40016000;
// Channel y at 0x20 y; CH0CFGR1 also holds the interface-wide DFSDMEN, CKOUTSRC and CKOUTDIV.
constexpr std::uint32_t channel_cfgr1(int channel) { return kBase + 0x20u * static_cast<std::uint32_t>(channel); }
constexpr std::uint32_t channel_cfgr2(int channel) { return channel_cfgr1(channel) + 0x04; }
// Filter x at 0x100 + 0x80 x.
constexpr std::uint32_t filter_cr1(int filter) { return kBase + 0x100 + 0x80u * static_cast<std::uint32_t>(filter); }
constexpr std::uint32_t filter_fcr(int filter) { return filter_cr1(filter) + 0x14; }
constexpr std::uint32_t filter_rdatar(int filter) { return filter_cr1(filter) + 0x1C; }
constexpr std::uint32_t kCfgr1SpiRisingEdge = 0u << 0;              // SITP
constexpr std::uint32_t kCfgr1InternalClock = 1u << 2;              // SPICKSEL: CKOUT
constexpr std::uint32_t kCfgr1ChannelEnable = 1u << 7;              // CHEN
constexpr std::uint32_t cfgr1_clock_divider(std::uint32_t divider) { return (divider - 1) << 16; }  // CKOUTDIV
constexpr std::uint32_t kCfgr1InterfaceEnable = 1u << 31;           // DFSDMEN
constexpr std::uint32_t cfgr2_right_shift(std::uint32_t bits) { return bits << 3; }  // DTRBS
constexpr std::uint32_t kCr1FilterEnable = 1u << 0;                 // DFEN
constexpr std::uint32_t kCr1RegularStart = 1u << 17;                // RSWSTART
constexpr std::uint32_t kCr1RegularContinuous = 1u << 18;           // RCONT
constexpr std::uint32_t kCr1RegularDma = 1u << 21;                  // RDMAEN
constexpr std::uint32_t cr1_regular_channel(std::uint32_t channel) { return channel << 24; }  // RCH
constexpr std::uint32_t kCr1Fast = 1u << 29;                        // FAST
constexpr std::uint32_t fcr(std::uint32_t sinc_order, std::uint32_t oversampling,
                            std::uint32_t integrator_oversampling) {
  return (sinc_order << 29) | ((oversampling - 1) << 16) | (integrator_oversampling - 1);
}
}  // namespace dfsdm1

}  // namespace earshot::port::stm32l4
