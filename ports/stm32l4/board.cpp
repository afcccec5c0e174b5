// The STM32L476 board layer (board.hpp): register-level clock, UART, cycle counter and the
// DFSDM + DMA microphone, in the order RM0351 prescribes.
#include "board.hpp"

#include "cortex_m.hpp"
#include "registers.hpp"

namespace earshot::port::stm32l4 {

namespace {

constexpr int kDmaChannel = 4;    // DMA1 channel 4, request 0: DFSDM1_FLT0 (RM0351 table 41)
constexpr int kDmaIrq = 14;       // DMA1_Channel4 in the vector table
constexpr int kDfsdmChannel = 0;  // DATIN0
constexpr int kDfsdmFilter = 0;

MicrophoneHandler microphone_handler = nullptr;
const std::int32_t* microphone_buffer = nullptr;
std::size_t microphone_half = 0;

// Until the masked register reads `value`; false after kPollLimit reads.
bool wait_until(std::uint32_t address, std::uint32_t mask, std::uint32_t value) noexcept {
  for (std::uint32_t reads = 0; reads < kPollLimit; ++reads) {
    if ((reg(address) & mask) == value) return true;
  }
  return false;
}

// The UART's own waits stay unbounded: a transmitter that never empties has nowhere to report.
void wait_until_set(std::uint32_t address, std::uint32_t mask, std::uint32_t value) noexcept {
  while ((reg(address) & mask) != value) {
  }
}

// Alternate function `af` on pin `pin` of a GPIO port, high speed.
void set_alternate_function(std::uint32_t port, int pin, std::uint32_t af) noexcept {
  const auto shift2 = static_cast<std::uint32_t>(2 * pin);
  reg(port + gpio::kModer) = (reg(port + gpio::kModer) & ~(3u << shift2)) | (2u << shift2);
  reg(port + gpio::kOspeedr) = reg(port + gpio::kOspeedr) | (2u << shift2);
  const std::uint32_t afr = port + (pin < 8 ? gpio::kAfrl : gpio::kAfrh);
  const auto shift4 = static_cast<std::uint32_t>(4 * (pin % 8));
  reg(afr) = (reg(afr) & ~(0xFu << shift4)) | (af << shift4);
}

}  // namespace

const char* describe(ClockStatus status) noexcept {
  switch (status) {
    case ClockStatus::kOk:
      return "80 MHz, 4 flash wait states confirmed";
    case ClockStatus::kFlashInterfaceAbsent:
      return "80 MHz; FLASH_ACR reads 0 after a write (no flash interface: an emulator), "
             "so the 4 wait states are not confirmed";
    case ClockStatus::kVoltageRangeNotReady:
      return "still at 4 MHz: the regulator did not reach range 1 (PWR_SR2.VOSF)";
    case ClockStatus::kFlashLatencyNotConfirmed:
      return "still at 4 MHz: FLASH_ACR did not take 4 wait states";
    case ClockStatus::kPllNotLocked:
      return "still at 4 MHz: the PLL did not lock";
    case ClockStatus::kSwitchNotConfirmed:
      return "still at 4 MHz: RCC_CFGR.SWS did not report the PLL (switched back to MSI)";
  }
  return "unknown clock status";
}

ClockStatus clock_init_80mhz() noexcept {
  // Range 1 (the reset value, made sure of) before more than 26 MHz.
  reg(rcc::kApb1Enr1) = reg(rcc::kApb1Enr1) | rcc::kApb1Pwr;
  reg(pwr::kCr1) = (reg(pwr::kCr1) & ~pwr::kVosMask) | pwr::kVosRange1;
  if (!wait_until(pwr::kSr2, pwr::kVosChanging, 0)) return ClockStatus::kVoltageRangeNotReady;
  // 4 wait states for 64 < HCLK <= 80 MHz in range 1 (RM0351 table 12), set and read back
  // before the clock goes up.
  reg(flash::kAcr) = (reg(flash::kAcr) & ~flash::kLatencyMask) | 4u | flash::kPrefetch |
                     flash::kInstructionCache | flash::kDataCache;
  const bool flash_interface_present = reg(flash::kAcr) != 0;
  if (flash_interface_present && !wait_until(flash::kAcr, flash::kLatencyMask, 4u)) {
    return ClockStatus::kFlashLatencyNotConfirmed;
  }
  // PLLSRC = MSI (01), PLLM = 1 (0), PLLN = 40, PLLR = 2 (00), PLLREN.
  reg(rcc::kPllCfgr) = (1u << 0) | (0u << 4) | (40u << 8) | (0u << 25) | (1u << 24);
  reg(rcc::kCr) = reg(rcc::kCr) | rcc::kCrPllOn;
  if (!wait_until(rcc::kCr, rcc::kCrPllReady, rcc::kCrPllReady)) return ClockStatus::kPllNotLocked;
  reg(rcc::kCfgr) = (reg(rcc::kCfgr) & ~3u) | rcc::kCfgrSwPll;
  if (!wait_until(rcc::kCfgr, rcc::kCfgrSwsMask, rcc::kCfgrSwsPll)) {
    reg(rcc::kCfgr) = reg(rcc::kCfgr) & ~3u;  // SW = MSI
    return ClockStatus::kSwitchNotConfirmed;
  }
  return flash_interface_present ? ClockStatus::kOk : ClockStatus::kFlashInterfaceAbsent;
}

void uart_init(std::uint32_t clock_hz) noexcept {
  reg(rcc::kAhb2Enr) = reg(rcc::kAhb2Enr) | rcc::kAhb2GpioA;
  reg(rcc::kApb1Enr1) = reg(rcc::kApb1Enr1) | rcc::kApb1Usart2;
  set_alternate_function(gpio::kPortA, 2, 7);  // PA2 = USART2_TX
  // USART2 is clocked by PCLK1 (CCIPR.USART2SEL reset value): 80 MHz / 115200 = 694.4.
  reg(usart2::kBrr) = (clock_hz + 115200 / 2) / 115200;
  reg(usart2::kCr1) = usart2::kCr1TransmitterEnable | usart2::kCr1Enable;
}

ClockStatus bring_up() noexcept {
  const ClockStatus clock = clock_init_80mhz();
  cortex_m::cycle_counter_start();
  uart_init(system_clock_hz(clock));
  return clock;
}

void uart_write(const char* data, std::size_t size) noexcept {
  for (std::size_t i = 0; i < size; ++i) {
    wait_until_set(usart2::kIsr, usart2::kIsrTransmitEmpty, usart2::kIsrTransmitEmpty);
    reg(usart2::kTdr) = static_cast<std::uint8_t>(data[i]);
  }
}

void uart_flush() noexcept {
  wait_until_set(usart2::kIsr, usart2::kIsrTransmitComplete, usart2::kIsrTransmitComplete);
}

void microphone_start(std::int32_t* buffer, std::size_t half, MicrophoneHandler handler) noexcept {
  microphone_handler = handler;
  microphone_buffer = buffer;
  microphone_half = half;
  reg(rcc::kAhb1Enr) = reg(rcc::kAhb1Enr) | rcc::kAhb1Dma1;
  reg(rcc::kAhb2Enr) = reg(rcc::kAhb2Enr) | rcc::kAhb2GpioB | rcc::kAhb2GpioC;
  reg(rcc::kApb2Enr) = reg(rcc::kApb2Enr) | rcc::kApb2Dfsdm1;
  set_alternate_function(gpio::kPortC, 2, 6);  // PC2 = DFSDM1_CKOUT
  set_alternate_function(gpio::kPortB, 1, 6);  // PB1 = DFSDM1_DATIN0

  // DMA first, so that no conversion is missed: RDATAR -> buffer, 32-bit words, circular,
  // interrupts at half and at the end.
  const std::uint32_t select_shift = 4u * (kDmaChannel - 1);
  reg(dma1::kCselr) = reg(dma1::kCselr) & ~(0xFu << select_shift);  // request 0
  reg(dma1::cpar(kDmaChannel)) = dfsdm1::filter_rdatar(kDfsdmFilter);
  reg(dma1::cmar(kDmaChannel)) = static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(buffer));
  reg(dma1::cndtr(kDmaChannel)) = static_cast<std::uint32_t>(2 * half);
  reg(dma1::ccr(kDmaChannel)) = dma1::kCcrMemoryIncrement | dma1::kCcrCircular |
                                dma1::kCcrPeripheral32Bit | dma1::kCcrMemory32Bit |
                                dma1::kCcrPriorityHigh | dma1::kCcrHalfInterrupt |
                                dma1::kCcrCompleteInterrupt | dma1::kCcrErrorInterrupt;
  reg(dma1::ccr(kDmaChannel)) = reg(dma1::ccr(kDmaChannel)) | dma1::kCcrEnable;  // configured first
  cortex_m::enable_interrupt(kDmaIrq);

  // Channel 0: SPI on the rising edge of the internal clock CKOUT = kernel clock (PCLK2,
  // 80 MHz) / 40; right shift 2 (board.hpp). CKOUTDIV and DFSDMEN live in CH0CFGR1.
  reg(dfsdm1::channel_cfgr2(kDfsdmChannel)) = dfsdm1::cfgr2_right_shift(2);
  reg(dfsdm1::channel_cfgr1(kDfsdmChannel)) =
      dfsdm1::kCfgr1SpiRisingEdge | dfsdm1::kCfgr1InternalClock |
      dfsdm1::cfgr1_clock_divider(kSystemClockHz / 2'000'000) | dfsdm1::kCfgr1ChannelEnable;
  // Filter 0: Sinc3, FOSR 250, IOSR 1; continuous fast regular conversions of channel 0 by DMA.
  reg(dfsdm1::filter_fcr(kDfsdmFilter)) = dfsdm1::fcr(3, 250, 1);
  reg(dfsdm1::filter_cr1(kDfsdmFilter)) = dfsdm1::cr1_regular_channel(kDfsdmChannel) |
                                          dfsdm1::kCr1RegularContinuous | dfsdm1::kCr1Fast |
                                          dfsdm1::kCr1RegularDma;
  reg(dfsdm1::channel_cfgr1(0)) = reg(dfsdm1::channel_cfgr1(0)) | dfsdm1::kCfgr1InterfaceEnable;
  reg(dfsdm1::filter_cr1(kDfsdmFilter)) =
      reg(dfsdm1::filter_cr1(kDfsdmFilter)) | dfsdm1::kCr1FilterEnable;
  reg(dfsdm1::filter_cr1(kDfsdmFilter)) =
      reg(dfsdm1::filter_cr1(kDfsdmFilter)) | dfsdm1::kCr1RegularStart;
}

}  // namespace earshot::port::stm32l4

// Half-transfer: the first half is ready; transfer complete: the second (the DMA has wrapped
// round to the first). A transfer error stops the channel: nothing more arrives.
extern "C" void DMA1_Channel4_IRQHandler() {
  using namespace earshot::port::stm32l4;
  const std::uint32_t status = reg(dma1::kIsr);
  reg(dma1::kIfcr) = dma1::global_flag(kDmaChannel);  // clears all four flags of the channel
  if ((status & dma1::half_flag(kDmaChannel)) != 0) {
    microphone_handler(microphone_buffer, microphone_half);
  }
  if ((status & dma1::complete_flag(kDmaChannel)) != 0) {
    microphone_handler(microphone_buffer + microphone_half, microphone_half);
  }
}
