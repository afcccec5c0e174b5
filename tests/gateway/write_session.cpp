// Writes a monitoring session as the air would carry it, for the gateway's test: each line of
// standard input ("SECONDS STATE SCORE", a change of state as `earshot stream --json` reports
// it) becomes one encrypted machine report (counters 1000, 1001, ...) sent on channels 37, 38
// and 39, 0.4 ms apart. Three packets no gateway may believe are mixed in: after the first
// report a copy of it with a corrupted CRC, after the second a forged "normal" report with the
// next counter under another key (a wrong MIC), and at the end the first report again (a replay).
// The same session goes to FILE.btsnoop as a controller would report it to BlueZ (btmon -w's
// format: LE Advertising Report events), without the corrupted copy, which a controller drops.
//   earshot-gateway-write-session --address ADDRESS --key KEY --other-key KEY --output FILE.pcap
//                                 --btsnoop FILE.btsnoop
#include <cstdio>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "device_list.hpp"
#include "earshot/radio/machine_advertisement.hpp"
#include "pcap_file.hpp"

namespace radio = earshot::radio;

namespace {

// btsnoop version 1, datalink 2001 (the Linux monitor), big-endian: what btmon -w writes.
class BtsnoopWriter {
 public:
  bool open(const std::string& path) {
    file_ = std::fopen(path.c_str(), "wb");
    if (file_ == nullptr) return false;
    std::fwrite("btsnoop\0", 1, 8, file_);
    put_u32(1);
    put_u32(2001);
    return true;
  }

  // An LE Advertising Report event (Core v5.4, Vol 4, Part E, 7.7.65.2): one report of an
  // ADV_NONCONN_IND from a random address, RSSI -60 dBm, carried in the packet's PDU.
  void write_report(double seconds, const radio::AdvertisingPacket& packet) {
    const std::uint8_t* pdu = packet.pdu();
    const std::size_t data_size = pdu[1] - 6;
    std::vector<std::uint8_t> event = {0x3E, 0, 0x02, 1, 0x03, 0x01};
    event.insert(event.end(), pdu + 2, pdu + 8);  // AdvA, least significant byte first
    event.push_back(static_cast<std::uint8_t>(data_size));
    event.insert(event.end(), pdu + 8, pdu + 8 + data_size);
    event.push_back(static_cast<std::uint8_t>(-60));
    event[1] = static_cast<std::uint8_t>(event.size() - 2);
    put_u32(static_cast<std::uint32_t>(event.size()));
    put_u32(static_cast<std::uint32_t>(event.size()));
    put_u32(3);  // controller 0, opcode 3: an event
    put_u32(0);  // drops
    const auto microseconds = static_cast<std::uint64_t>(seconds * 1e6 + 0.5) + 0x00E03AB44A676000ull;  // from 0 AD
    put_u32(static_cast<std::uint32_t>(microseconds >> 32));
    put_u32(static_cast<std::uint32_t>(microseconds));
    std::fwrite(event.data(), 1, event.size(), file_);
  }

  bool close() { return file_ != nullptr && std::fclose(file_) == 0; }

 private:
  void put_u32(std::uint32_t value) {
    const std::uint8_t bytes[4] = {static_cast<std::uint8_t>(value >> 24), static_cast<std::uint8_t>(value >> 16),
                                   static_cast<std::uint8_t>(value >> 8), static_cast<std::uint8_t>(value)};
    std::fwrite(bytes, 1, 4, file_);
  }

  std::FILE* file_ = nullptr;
};

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
  BtsnoopWriter btsnoop;
  if (argc != 11 || !earshot::gateway::parse_address(options["--address"], address) ||
      !earshot::gateway::parse_hex(options["--key"], key.data(), key.size()) ||
      !earshot::gateway::parse_hex(options["--other-key"], other_key.data(), other_key.size())) {
    std::fprintf(stderr, "usage: earshot-gateway-write-session --address ADDRESS --key KEY --other-key KEY --output FILE "
                         "--btsnoop FILE\n");
    return 2;
  }
  if (!pcap.open(options["--output"], error) || !btsnoop.open(options["--btsnoop"])) {
    std::fprintf(stderr, "earshot-gateway-write-session: cannot write %s or %s\n", options["--output"].c_str(),
                 options["--btsnoop"].c_str());
    return 2;
  }
  const radio::Aes128 cipher(key);
  const auto send = [&](double seconds, const radio::AdvertisingPacket& packet, int copies) {
    for (int copy = 0; copy < copies; ++copy) {
      pcap.write(seconds + 0.0004 * copy, packet.link_layer(), packet.link_layer_size());
      btsnoop.write_report(seconds + 0.0004 * copy, packet);
    }
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
      pcap.write(seconds + 0.01, corrupted.link_layer(), corrupted.link_layer_size());  // only on air
    }
    if (report == 1) {
      const radio::AdvertisingPacket forged = radio::make_machine_packet(
          radio::Aes128(other_key), address, counter, {earshot::MachineState::kNormal, radio::score_hundredths(1.0f)});
      send(seconds + 0.01, forged, 1);
    }
  }
  send(seconds + 1.0, first, 1);
  const bool written = pcap.close();
  return written && btsnoop.close() ? 0 : 1;
}
