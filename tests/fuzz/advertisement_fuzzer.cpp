// The gateway's advertisement decoder (examples/gateway/advertisement_decoder.hpp), twice:
// - the input as a link-layer packet and as a report's AD structures: any bytes are decoded to
//   a verdict, reading nothing outside them;
// - a genuine machine report (state, score and counter from the input) with bytes of the input
//   XORed into it: untouched it is new and decodes to what was sent; touched it is never taken
//   for a new report of other content (the CRC, then the MIC, refuse it).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "advertisement_decoder.hpp"
#include "fuzz_check.hpp"

using earshot::fuzz::require;

namespace {

earshot::gateway::Device example_device() {
  earshot::radio::DeviceAddress address;
  for (std::size_t i = 0; i < 6; ++i) address.bytes[i] = static_cast<std::uint8_t>(0xA0 + i);
  earshot::radio::AesKey key{};
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(17 * i + 3);
  return earshot::gateway::Device{address, earshot::radio::Aes128(key), "fuzz", {}};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<earshot::gateway::Device> devices{example_device()};
  const std::vector<std::uint8_t> copy(data, data + size);  // exactly `size` bytes for ASan to watch
  (void)earshot::gateway::decode_advertisement(devices, copy.data(), copy.size());
  (void)earshot::gateway::decode_report(devices, devices[0].address, copy.data(), copy.size());

  earshot::fuzz::ByteReader input(data, size);
  earshot::radio::MachineReport sent;
  sent.state = static_cast<earshot::MachineState>(input.choice(4));
  sent.score_hundredths = sent.state == earshot::MachineState::kOff ? 0 : input.take<std::uint16_t>();
  const std::uint32_t counter = input.take<std::uint32_t>();
  earshot::radio::AdvertisingPacket packet =
      earshot::radio::make_machine_packet(devices[0].key, devices[0].address, counter, sent);
  bool touched = false;
  for (std::size_t i = 0; i < packet.link_layer_size() && input.rest_size() > 0; ++i) {
    const std::uint8_t flip = input.take<std::uint8_t>();
    packet.bytes[1 + i] ^= flip;  // link_layer() starts after the preamble byte
    touched = touched || flip != 0;
  }
  std::vector<earshot::gateway::Device> fresh{example_device()};
  const earshot::gateway::Decoded decoded =
      earshot::gateway::decode_advertisement(fresh, packet.link_layer(), packet.link_layer_size());
  if (!touched) {
    require(decoded.verdict == earshot::gateway::Verdict::kNew && decoded.counter == counter &&
                decoded.report.state == sent.state && decoded.report.score_hundredths == sent.score_hundredths,
            "a genuine report decodes to what was sent");
  } else if (decoded.verdict == earshot::gateway::Verdict::kNew) {
    require(decoded.counter == counter && decoded.report.state == sent.state &&
                decoded.report.score_hundredths == sent.score_hundredths,
            "a changed packet is never a new report of other content");
  }
  return 0;
}
