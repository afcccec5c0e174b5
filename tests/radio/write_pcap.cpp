// Writes earshot decision advertisements to a pcap file with link type
// LINKTYPE_BLUETOOTH_LE_LL (251; tcpdump.org/linktypes.html: access address, PDU and CRC as
// on air, de-whitened), for Wireshark to decode in check_tshark.cmake.
//   earshot-radio-write-pcap <file.pcap> [--corrupt-crc]
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "earshot/radio/decision_advertisement.hpp"

namespace radio = earshot::radio;

namespace {

constexpr std::uint32_t kLinktypeBluetoothLeLl = 251;

// pcap's classic format, little-endian (magic 0xa1b2c3d4 written as d4 c3 b2 a1).
void put_u32(std::FILE* file, std::uint32_t value) {
  const std::uint8_t bytes[4] = {static_cast<std::uint8_t>(value), static_cast<std::uint8_t>(value >> 8),
                                 static_cast<std::uint8_t>(value >> 16),
                                 static_cast<std::uint8_t>(value >> 24)};
  std::fwrite(bytes, 1, 4, file);
}

void put_u16(std::FILE* file, std::uint16_t value) {
  const std::uint8_t bytes[2] = {static_cast<std::uint8_t>(value), static_cast<std::uint8_t>(value >> 8)};
  std::fwrite(bytes, 1, 2, file);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3 || (argc == 3 && std::strcmp(argv[2], "--corrupt-crc") != 0)) {
    std::fprintf(stderr, "usage: earshot-radio-write-pcap <file.pcap> [--corrupt-crc]\n");
    return 2;
  }
  const bool corrupt_crc = argc == 3;
  std::FILE* file = std::fopen(argv[1], "wb");
  if (file == nullptr) {
    std::fprintf(stderr, "error: cannot write %s\n", argv[1]);
    return 2;
  }
  put_u32(file, 0xa1b2c3d4);  // magic: microsecond timestamps
  put_u16(file, 2);           // version 2.4
  put_u16(file, 4);
  put_u32(file, 0);           // GMT offset
  put_u32(file, 0);           // timestamp accuracy
  put_u32(file, 65535);       // snapshot length
  put_u32(file, kLinktypeBluetoothLeLl);

  // The cases check_tshark.cmake expects, in this order.
  const radio::DeviceAddress address = radio::random_static_address(0xC01122334455ull);
  std::array<std::uint8_t, 4> other_hash{};
  radio::parse_model_hash("0123456789abcdef", other_hash);
  const std::array<radio::DecisionReport, 3> reports = {{
      {7, 200, 0x1234, {0xDE, 0xAD, 0xBE, 0xEF}},
      {0, radio::confidence_byte(1.0f), 0, other_hash},
      {9, radio::confidence_byte(0.004f), 0xFFFF, {0xDE, 0xAD, 0xBE, 0xEF}},
  }};
  std::uint32_t time_us = 0;
  for (const radio::DecisionReport& report : reports) {
    radio::AdvertisingPacket packet = radio::make_decision_packet(address, report);
    if (corrupt_crc) packet.bytes[packet.size - 1] ^= 0x01;
    put_u32(file, 0);  // seconds
    put_u32(file, time_us);
    put_u32(file, static_cast<std::uint32_t>(packet.link_layer_size()));
    put_u32(file, static_cast<std::uint32_t>(packet.link_layer_size()));
    std::fwrite(packet.link_layer(), 1, packet.link_layer_size(), file);
    time_us += 100000;  // one decision every 100 ms
  }
  return std::fclose(file) == 0 ? 0 : 1;
}
