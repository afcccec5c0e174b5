// The gateway's capture readers (examples/gateway): the same bytes as a pcap of link-layer
// packets and as a btsnoop file of HCI events, each packet and report then decoded for a known
// device. A file is read or refused with one line; packets lie inside it; a verdict is one of
// the gateway's.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "advertisement_decoder.hpp"
#include "fuzz_check.hpp"
#include "hci_reports.hpp"
#include "pcap_file.hpp"

using earshot::fuzz::require;

namespace {

// bthome.io's example device: the pair the gateway's tests use too.
std::vector<earshot::gateway::Device> example_devices() {
  earshot::radio::DeviceAddress address;
  const std::uint8_t bytes[6] = {0x2b, 0x96, 0xc9, 0xf3, 0x45, 0xe4};  // E4:45:F3:C9:96:2B, on air order
  for (std::size_t i = 0; i < 6; ++i) address.bytes[i] = bytes[i];
  const earshot::radio::AesKey key = {0x23, 0x1d, 0x39, 0xc1, 0xd7, 0xcc, 0x1a, 0xb1,
                                      0xae, 0xe2, 0x24, 0xcd, 0x09, 0x6d, 0xb9, 0x32};
  return {earshot::gateway::Device{address, earshot::radio::Aes128(key), "example", {}}};
}

void require_verdict(const earshot::gateway::Decoded& decoded, std::size_t devices) {
  require(std::string(earshot::gateway::describe(decoded.verdict)) != "unknown verdict", "a verdict of the list");
  require(decoded.device < devices, "a device index inside the list");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::uint8_t> bytes(data, data + size);
  std::vector<earshot::gateway::Device> devices = example_devices();
  std::string error;
  std::vector<earshot::gateway::CapturedPacket> packets;
  if (earshot::gateway::parse_pcap(bytes, "capture", packets, error)) {
    for (const auto& packet : packets) {
      require(packet.link_layer.size() <= size, "a packet lies inside the file");
      require_verdict(earshot::gateway::decode_advertisement(devices, packet.link_layer.data(), packet.link_layer.size()),
                      devices.size());
    }
  } else {
    earshot::fuzz::require_one_line(error, "a pcap error is one line");
  }
  error.clear();
  std::vector<earshot::gateway::AdvertisingReport> reports;
  if (earshot::gateway::parse_btsnoop(bytes, "capture", reports, error)) {
    for (const auto& report : reports) {
      require(report.data.size() <= 255, "a report's data is at most one length byte long");
      require_verdict(earshot::gateway::decode_report(devices, report.address, report.data.data(), report.data.size()),
                      devices.size());
    }
  } else {
    earshot::fuzz::require_one_line(error, "a btsnoop error is one line");
  }
  return 0;
}
