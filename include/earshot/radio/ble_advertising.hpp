// A Bluetooth LE legacy advertising packet ADV_NONCONN_IND on the LE 1M PHY, built byte for byte
// as it goes on air (Core Specification v5.4, Vol 6, Part B: 2.1 packet format, 2.3 advertising
// physical channel PDU, 1.3.2.1 random static address; Vol 6, Part A, 2 channel frequencies).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "earshot/radio/ble_crc.hpp"
#include "earshot/radio/ble_whitening.hpp"

namespace earshot::radio {

// Access address of every primary advertising channel packet.
inline constexpr std::uint32_t kAdvertisingAccessAddress = 0x8E89BED6;

// Advertising data of a legacy advertising PDU: at most 31 bytes of AD structures.
inline constexpr std::size_t kMaxAdvertisingDataSize = 31;

// PDU types of legacy advertising (Vol 6, Part B, 2.3, table 2.3).
inline constexpr std::uint8_t kPduTypeAdvNonconnInd = 0b0010;

// The three primary advertising channels, by channel index.
enum class AdvertisingChannel : std::uint8_t { k37 = 37, k38 = 38, k39 = 39 };

// Centre frequency in MHz: RF channels 0, 12 and 39 (2402 + 2 k MHz).
constexpr std::uint16_t frequency_mhz(AdvertisingChannel channel) noexcept {
  switch (channel) {
    case AdvertisingChannel::k37: return 2402;
    case AdvertisingChannel::k38: return 2426;
    case AdvertisingChannel::k39: return 2480;
  }
  return 0;
}

// A 48-bit device address, least significant byte first (the order it goes on air; the usual
// text form "C0:11:22:33:44:55" lists bytes[5] first).
struct DeviceAddress {
  std::array<std::uint8_t, 6> bytes{};
};

// A random static address from 46 random bits (e.g. the nRF52's FICR DEVICEADDR): the two most
// significant bits of a static address are 1.
constexpr DeviceAddress random_static_address(std::uint64_t random_bits) noexcept {
  DeviceAddress address;
  for (std::size_t i = 0; i < 6; ++i) {
    address.bytes[i] = static_cast<std::uint8_t>(random_bits >> (8 * i));
  }
  address.bytes[5] = static_cast<std::uint8_t>(address.bytes[5] | 0xC0u);
  return address;
}

// Top two bits 11, and the 46 random bits neither all 0 nor all 1.
constexpr bool is_random_static_address(const DeviceAddress& address) noexcept {
  if ((address.bytes[5] & 0xC0u) != 0xC0u) return false;
  bool all_zero = (address.bytes[5] & 0x3Fu) == 0;
  bool all_one = (address.bytes[5] & 0x3Fu) == 0x3F;
  for (std::size_t i = 0; i < 5; ++i) {
    all_zero = all_zero && address.bytes[i] == 0x00;
    all_one = all_one && address.bytes[i] == 0xFF;
  }
  return !all_zero && !all_one;
}

// A link-layer packet in transmission order: preamble (1), access address (4, little-endian),
// PDU (2-byte header + payload) and CRC (3). Every byte goes on air least significant bit first.
struct AdvertisingPacket {
  static constexpr std::size_t kPduOffset = 5;
  static constexpr std::size_t kMaxPduSize = 2 + 6 + kMaxAdvertisingDataSize;
  static constexpr std::size_t kCapacity = kPduOffset + kMaxPduSize + kCrcSize;

  std::array<std::uint8_t, kCapacity> bytes{};
  std::size_t size = 0;

  // Sizes are taken within [0, kCapacity]: a packet no builder filled (size 0) or a size field
  // set by hand must not become a length near SIZE_MAX for a memcpy into the radio's buffer.
  constexpr std::size_t bounded_size() const noexcept {
    return size < kCapacity ? size : kCapacity;
  }
  constexpr std::size_t pdu_size() const noexcept {
    return bounded_size() > kPduOffset + kCrcSize ? bounded_size() - kPduOffset - kCrcSize : 0;
  }
  constexpr const std::uint8_t* pdu() const noexcept { return bytes.data() + kPduOffset; }
  // Access address, PDU and CRC: what a LINKTYPE_BLUETOOTH_LE_LL capture holds.
  constexpr const std::uint8_t* link_layer() const noexcept { return bytes.data() + 1; }
  constexpr std::size_t link_layer_size() const noexcept {
    return bounded_size() > 0 ? bounded_size() - 1 : 0;
  }
};

// ADV_NONCONN_IND from a random static address (TxAdd = 1) with the given AD structures; CRC
// with the advertising preset, not whitened. An oversized kSize is a compile error.
template <std::size_t kSize>
constexpr AdvertisingPacket make_adv_nonconn_ind(
    const DeviceAddress& address, const std::array<std::uint8_t, kSize>& advertising_data) noexcept {
  static_assert(kSize <= kMaxAdvertisingDataSize,
                "make_adv_nonconn_ind: legacy advertising data holds at most 31 bytes");
  AdvertisingPacket packet;
  // The preamble alternates and starts with the access address' first bit (Vol 6, Part B, 2.1.1).
  packet.bytes[0] = (kAdvertisingAccessAddress & 1u) != 0 ? 0x55 : 0xAA;
  for (std::size_t i = 0; i < 4; ++i) {
    packet.bytes[1 + i] = static_cast<std::uint8_t>(kAdvertisingAccessAddress >> (8 * i));
  }
  std::size_t at = AdvertisingPacket::kPduOffset;
  // Header: PDU type in bits 0-3, bit 4 RFU, bit 5 ChSel (RFU for this type), bit 6 TxAdd,
  // bit 7 RxAdd (RFU); then the payload length.
  constexpr std::uint8_t kTxAddRandom = 1u << 6;
  packet.bytes[at++] = kPduTypeAdvNonconnInd | kTxAddRandom;
  packet.bytes[at++] = static_cast<std::uint8_t>(address.bytes.size() + kSize);
  for (const std::uint8_t byte : address.bytes) packet.bytes[at++] = byte;
  for (const std::uint8_t byte : advertising_data) packet.bytes[at++] = byte;
  const std::size_t pdu_size = at - AdvertisingPacket::kPduOffset;
  write_ble_crc24(ble_crc24(packet.pdu(), pdu_size), packet.bytes.data() + at);
  packet.size = at + kCrcSize;
  return packet;
}

// The packet as it goes on air on `channel`: PDU and CRC whitened, preamble and access address
// not (Vol 6, Part B, 3.2).
constexpr AdvertisingPacket whitened(AdvertisingPacket packet, AdvertisingChannel channel) noexcept {
  const std::size_t end = packet.bounded_size();
  if (end > AdvertisingPacket::kPduOffset) {
    ble_whiten(packet.bytes.data() + AdvertisingPacket::kPduOffset,
               end - AdvertisingPacket::kPduOffset, static_cast<std::uint8_t>(channel));
  }
  return packet;
}

}  // namespace earshot::radio
