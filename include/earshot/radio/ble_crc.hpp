// The CRC-24 that ends every Bluetooth LE link-layer packet (Core Specification v5.4, Vol 6,
// Part B, 3.1.1): polynomial x^24 + x^10 + x^9 + x^6 + x^4 + x^3 + x + 1 over the PDU, bits in
// transmission order (least significant bit of each byte first), register preset 0x555555 on
// the primary advertising channels, sent from register position 23 down to position 0.
#pragma once

#include <cstddef>
#include <cstdint>

namespace earshot::radio {

// Preset of the CRC register for every legacy advertising channel PDU (position 0 = bit 0).
inline constexpr std::uint32_t kAdvertisingCrcInit = 0x555555;

// Bytes of CRC after the PDU.
inline constexpr std::size_t kCrcSize = 3;

// The register after the PDU has been shifted through it, position 23 as bit 23: the number
// the specification and Wireshark's `btle.crc` field show.
constexpr std::uint32_t ble_crc24(const std::uint8_t* pdu, std::size_t size,
                                  std::uint32_t init = kAdvertisingCrcInit) noexcept {
  // Taps of x^10, x^9, x^6, x^4, x^3, x and 1 (Figure 3.4): positions 10, 9, 6, 4, 3, 1, 0.
  constexpr std::uint32_t kTaps = 0x00065B;
  std::uint32_t state = init & 0xFFFFFFu;
  for (std::size_t i = 0; i < size; ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      const std::uint32_t feedback = ((state >> 23) ^ (static_cast<std::uint32_t>(pdu[i]) >> bit)) & 1u;
      state = (state << 1) & 0xFFFFFFu;
      if (feedback != 0) state ^= kTaps;
    }
  }
  return state;
}

namespace detail {

constexpr std::uint8_t reverse_bits(std::uint8_t value) noexcept {
  std::uint8_t reversed = 0;
  for (int bit = 0; bit < 8; ++bit) {
    reversed = static_cast<std::uint8_t>(reversed | (((value >> bit) & 1u) << (7 - bit)));
  }
  return reversed;
}

}  // namespace detail

// Writes the CRC as the three bytes that follow the PDU in a packet buffer. The radio sends
// every byte least significant bit first while the CRC goes out from position 23 down, so each
// byte holds eight register positions in reverse: out[0] bit 0 = position 23.
constexpr void write_ble_crc24(std::uint32_t crc, std::uint8_t* out) noexcept {
  out[0] = detail::reverse_bits(static_cast<std::uint8_t>(crc >> 16));
  out[1] = detail::reverse_bits(static_cast<std::uint8_t>(crc >> 8));
  out[2] = detail::reverse_bits(static_cast<std::uint8_t>(crc));
}

}  // namespace earshot::radio
