// Writes a monitoring session as the air would carry it, for the gateway's test: each line of
// standard input ("SECONDS STATE SCORE", a change of state as `earshot stream --json` reports
// it) becomes one encrypted machine report (counters 1000, 1001, ...) sent on channels 37, 38
// and 39, 0.4 ms apart. Three packets no gateway may believe are mixed in: after the first
// report a copy of it with a corrupted CRC, after the second a forged "normal" report with the
// next counter under another key (a wrong MIC), and at the end the first report again (a replay).
//   earshot-gateway-write-session --address ADDRESS --key KEY --other-key KEY --output FILE.pcap
#include <cstdio>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

#include "device_list.hpp"
#include "earshot/radio/machine_advertisement.hpp"
#include "pcap_file.hpp"

namespace radio = earshot::radio;

namespace {

bool parse_state(const std::string& name, earshot::MachineState& state) {
  for (const earshot::MachineState s : {earshot::MachineState::kOff, earshot::MachineState::kNormal,
                                        earshot::MachineState::kMaintenance, earshot::MachineState::kFailure}) {
    if (name == earshot::state_name(s)) {
      state = s;
      return true;
    }
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> options;
  for (int i = 1; i + 1 < argc; i += 2) options[argv[i]] = argv[i + 1];
  radio::DeviceAddress address;
  radio::AesKey key{}, other_key{};
  earshot::gateway::PcapWriter pcap;
  std::string error;
  if (argc != 9 || !earshot::gateway::parse_address(options["--address"], address) ||
      !earshot::gateway::parse_hex(options["--key"], key.data(), key.size()) ||
      !earshot::gateway::parse_hex(options["--other-key"], other_key.data(), other_key.size())) {
    std::fprintf(stderr, "usage: earshot-gateway-write-session --address ADDRESS --key KEY --other-key KEY --output FILE\n");
    return 2;
  }
  if (!pcap.open(options["--output"], error)) {
    std::fprintf(stderr, "earshot-gateway-write-session: %s\n", error.c_str());
    return 2;
  }
  const radio::Aes128 cipher(key);
  const auto send = [&](double seconds, const radio::AdvertisingPacket& packet, int copies) {
    for (int copy = 0; copy < copies; ++copy) pcap.write(seconds + 0.0004 * copy, packet.link_layer(), packet.link_layer_size());
  };
  std::uint32_t counter = 1000;
  radio::AdvertisingPacket first{};
  double seconds = 0.0;
  std::string line;
  for (int report = 0; std::getline(std::cin, line); ++report) {
    std::istringstream fields(line);
    std::string state_text;
    float score = 0.0f;
    earshot::MachineState state{};
    if (!(fields >> seconds >> state_text >> score) || !parse_state(state_text, state)) {
      std::fprintf(stderr, "earshot-gateway-write-session: line %d: expected SECONDS STATE SCORE\n", report + 1);
      return 2;
    }
    const radio::AdvertisingPacket packet =
        radio::make_machine_packet(cipher, address, counter++, {state, radio::score_hundredths(score)});
    send(seconds, packet, 3);
    if (report == 0) {
      first = packet;
      radio::AdvertisingPacket corrupted = packet;
      corrupted.bytes[corrupted.size - 1] ^= 0x01;
      send(seconds + 0.01, corrupted, 1);
    }
    if (report == 1) {
      const radio::AdvertisingPacket forged = radio::make_machine_packet(
          radio::Aes128(other_key), address, counter, {earshot::MachineState::kNormal, radio::score_hundredths(1.0f)});
      send(seconds + 0.01, forged, 1);
    }
  }
  send(seconds + 1.0, first, 1);
  return pcap.close() ? 0 : 1;
}
