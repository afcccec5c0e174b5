// Data whitening against the whitening sequence of Ubertooth, a Bluetooth LE sniffer that has
// decoded real traffic on every channel since 2012 (greatscottgadgets/ubertooth,
// firmware/bluetooth_rxtx/bluetooth_le.h: one 127-bit period of the x^7 + x^4 + 1 sequence and
// each channel index's starting offset in it).
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>

#include "earshot/radio/ble_whitening.hpp"

namespace radio = earshot::radio;

namespace {

constexpr std::array<std::uint8_t, 127> kUbertoothSequence = {
    1, 1, 1, 1, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 1, 1, 0, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 0,
    1, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 1, 1, 0,
    0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 1, 0, 1, 1, 1,
    0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 1, 1, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 1};
constexpr std::array<std::uint8_t, 40> kUbertoothOffset = {
    70, 62, 120, 111, 77, 46,  15, 101, 66, 39, 31, 26, 80, 83, 125, 89, 10, 35, 8,   54,
    122, 17, 33,  0,   58, 115, 6,  94,  86, 49, 52, 20, 40, 27, 84,  90, 63, 112, 47, 102};

// The whitening bits of a channel: whitening zeros leaves the sequence itself.
template <std::size_t kBytes>
std::array<std::uint8_t, kBytes> keystream(std::uint8_t channel_index) {
  std::array<std::uint8_t, kBytes> bytes{};
  radio::ble_whiten(bytes.data(), bytes.size(), channel_index);
  return bytes;
}

}  // namespace

TEST_CASE("whitening sequence matches Ubertooth's on every channel for a maximal PDU and CRC") {
  // 2 + 37 + 3 bytes = 336 bits: more than two periods, so the wrap-around is checked too.
  for (std::uint8_t channel = 0; channel < 40; ++channel) {
    const auto bytes = keystream<42>(channel);
    for (std::size_t bit = 0; bit < bytes.size() * 8; ++bit) {
      const int ours = (bytes[bit / 8] >> (bit % 8)) & 1;
      const int reference = kUbertoothSequence[(kUbertoothOffset[channel] + bit) % 127];
      INFO("channel " << int{channel} << ", bit " << bit);
      REQUIRE(ours == reference);
    }
  }
}

TEST_CASE("whitening on the advertising channels: first bytes from the table and by hand") {
  // Channel 37 starts at offset 112 of Ubertooth's sequence: 1,0,1,1,0,0,0,1 (LSB first) = 0x8D.
  // By hand from the specification: 37 = 100101b puts 1,0,0,1,0,1 in positions 1..6. The first
  // outputs are positions 6, 5 and 4 (1, 0, 1); the fourth is old position 3 (0), flipped to 1
  // when the first output fed back into position 4 (the x^4 term).
  CHECK(keystream<1>(37)[0] == 0x8D);
  // Channel 38 at offset 47: 0,1,1,0,1,0,1,1 = 0xD6; channel 39 at 102: 1,1,1,1,1,0,0,0 = 0x1F.
  CHECK(keystream<1>(38)[0] == 0xD6);
  CHECK(keystream<1>(39)[0] == 0x1F);
}

TEST_CASE("whitening twice gives the data back") {
  std::array<std::uint8_t, 39> data{};
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 37 + 5);
  const auto original = data;
  radio::ble_whiten(data.data(), data.size(), 38);
  CHECK(data != original);
  radio::ble_whiten(data.data(), data.size(), 38);
  CHECK(data == original);
}
