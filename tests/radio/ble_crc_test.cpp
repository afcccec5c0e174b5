// CRC-24 of Bluetooth LE packets against a packet captured over the air and hand calculation.
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>

#include "earshot/radio/ble_crc.hpp"

namespace radio = earshot::radio;

namespace {

// An ADV_NONCONN_IND (a Microsoft CDP beacon) captured by a sniffer that checked its CRC and
// marked it valid (LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR flags 0x0c0b), published as the example
// frame of github.com/potto216/wireless-games (README). PDU: header, AdvA, 31 bytes AdvData.
constexpr std::array<std::uint8_t, 39> kCapturedPdu = {
    0x42, 0x25, 0x60, 0x9b, 0x10, 0xc6, 0xbb, 0x29, 0x1e, 0xff, 0x06, 0x00, 0x01,
    0x09, 0x20, 0x22, 0xa6, 0x5a, 0x9e, 0x31, 0x39, 0x8b, 0xe6, 0x99, 0x35, 0x32,
    0x91, 0x4f, 0x28, 0xc5, 0x28, 0x7c, 0x8e, 0x9e, 0x5f, 0x9c, 0x0b, 0x40, 0x59};
constexpr std::array<std::uint8_t, 3> kCapturedCrc = {0x94, 0x4f, 0x93};

}  // namespace

TEST_CASE("CRC-24 of a captured advertising packet matches the bytes sent on air") {
  const std::uint32_t crc = radio::ble_crc24(kCapturedPdu.data(), kCapturedPdu.size());
  std::array<std::uint8_t, 3> bytes{};
  radio::write_ble_crc24(crc, bytes.data());
  CHECK(bytes == kCapturedCrc);
  // Wireshark shows the register value: 0x29f2c9 for this frame (each byte above reversed).
  CHECK(crc == 0x29f2c9u);
}

TEST_CASE("CRC-24 detects a single flipped bit anywhere in the PDU") {
  const std::uint32_t good = radio::ble_crc24(kCapturedPdu.data(), kCapturedPdu.size());
  for (std::size_t byte = 0; byte < kCapturedPdu.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      auto corrupted = kCapturedPdu;
      corrupted[byte] = static_cast<std::uint8_t>(corrupted[byte] ^ (1u << bit));
      REQUIRE(radio::ble_crc24(corrupted.data(), corrupted.size()) != good);
    }
  }
}

TEST_CASE("CRC-24 of an empty PDU is the preset, sent from position 23 down") {
  // Nothing shifted: the register still holds 0x555555 = 0101...01 (position 0 = 1). Sent from
  // position 23 (0) down to position 0 (1), least significant bit of each byte first:
  // 0,1,0,1,0,1,0,1 -> 0xAA, three times.
  CHECK(radio::ble_crc24(nullptr, 0) == 0x555555u);
  std::array<std::uint8_t, 3> bytes{};
  radio::write_ble_crc24(0x555555u, bytes.data());
  CHECK(bytes == std::array<std::uint8_t, 3>{0xAA, 0xAA, 0xAA});
  // One register bit at a time: position 23 becomes bit 0 of the first byte, position 0 bit 7
  // of the last.
  radio::write_ble_crc24(1u << 23, bytes.data());
  CHECK(bytes == std::array<std::uint8_t, 3>{0x01, 0x00, 0x00});
  radio::write_ble_crc24(1u, bytes.data());
  CHECK(bytes == std::array<std::uint8_t, 3>{0x00, 0x00, 0x80});
}

TEST_CASE("CRC-24 of a single 1 bit follows the polynomial by hand") {
  // PDU = one byte 0x01 with the register preset to 0: the first bit (1) XOR position 23 (0)
  // feeds back the taps 0x00065B; the seven zero bits that follow only shift it (no position
  // reaches 23): 0x65B << 7 = 0x032D80.
  const std::uint8_t pdu[] = {0x01};
  CHECK(radio::ble_crc24(pdu, 1, 0) == 0x032D80u);
}
