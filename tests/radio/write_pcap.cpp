// Writes earshot decision advertisements to a pcap file with link type
// LINKTYPE_BLUETOOTH_LE_LL (251; tcpdump.org/linktypes.html: access address, PDU and CRC as
// on air, de-whitened), for Wireshark to decode in check_tshark.cmake.
//   earshot-radio-write-pcap <file.pcap> [--corrupt-crc]
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "earshot/radio/decision_advertisement.hpp"
#include "pcap_file.hpp"

namespace radio = earshot::radio;

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3 || (argc == 3 && std::strcmp(argv[2], "--corrupt-crc") != 0)) {
    std::fprintf(stderr, "usage: earshot-radio-write-pcap <file.pcap> [--corrupt-crc]\n");
    return 2;
  }
  const bool corrupt_crc = argc == 3;
  earshot::gateway::PcapWriter pcap;
  std::string error;
  if (!pcap.open(argv[1], error)) {
    std::fprintf(stderr, "error: %s\n", error.c_str());
    return 2;
  }

  // The cases check_tshark.cmake expects, in this order.
  const radio::DeviceAddress address = radio::random_static_address(0xC01122334455ull);
  std::array<std::uint8_t, 4> other_hash{};
  radio::parse_model_hash("0123456789abcdef", other_hash);
  const std::array<radio::DecisionReport, 3> reports = {{
      {7, 200, 0x1234, {0xDE, 0xAD, 0xBE, 0xEF}},
      {0, radio::confidence_byte(1.0f), 0, other_hash},
      {9, radio::confidence_byte(0.004f), 0xFFFF, {0xDE, 0xAD, 0xBE, 0xEF}},
  }};
  double seconds = 0.0;
  for (const radio::DecisionReport& report : reports) {
    radio::AdvertisingPacket packet = radio::make_decision_packet(address, report);
    if (corrupt_crc) packet.bytes[packet.size - 1] ^= 0x01;
    pcap.write(seconds, packet.link_layer(), packet.link_layer_size());
    seconds += 0.1;  // one decision every 100 ms
  }
  return pcap.close() ? 0 : 1;
}
