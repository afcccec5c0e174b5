// Data whitening of Bluetooth LE packets (Core Specification v5.4, Vol 6, Part B, 3.2): the PDU
// and CRC are XORed with the output of a 7-bit LFSR, polynomial x^7 + x^4 + 1, whose position 0
// starts at 1 and positions 1..6 at the channel index (most significant bit in position 1).
// The same call whitens and de-whitens.
#pragma once

#include <cstddef>
#include <cstdint>

namespace earshot::radio {

namespace detail {

// Register position k is bit k.
constexpr std::uint8_t whitening_seed(std::uint8_t channel_index) noexcept {
  std::uint8_t seed = 1;
  for (int bit = 0; bit < 6; ++bit) {
    // Channel bit 5 (the most significant of six) goes to position 1, bit 0 to position 6.
    seed = static_cast<std::uint8_t>(seed | (((channel_index >> bit) & 1u) << (6 - bit)));
  }
  return seed;
}

}  // namespace detail

// XORs `size` bytes in place with the whitening sequence of channel_index (0..39), each byte
// least significant bit first, as the bits go on air.
constexpr void ble_whiten(std::uint8_t* data, std::size_t size,
                          std::uint8_t channel_index) noexcept {
  std::uint8_t state = detail::whitening_seed(channel_index);
  for (std::size_t i = 0; i < size; ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      // Position 6 is the output; it feeds back into position 0 and, through the x^4 term,
      // into position 4 (Figure 3.5).
      const std::uint8_t out = static_cast<std::uint8_t>((state >> 6) & 1u);
      data[i] = static_cast<std::uint8_t>(data[i] ^ (out << bit));
      state = static_cast<std::uint8_t>(((state << 1) & 0x7Fu) | out);
      if (out != 0) state = static_cast<std::uint8_t>(state ^ 0x10u);
    }
  }
}

}  // namespace earshot::radio
