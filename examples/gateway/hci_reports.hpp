// Advertising reports in HCI events, as a Bluetooth controller hands them to BlueZ (Core
// specification v5.4, Vol 4, Part E, 7.7.65.2 LE Advertising Report and 7.7.65.13 LE Extended
// Advertising Report), and the files and socket that carry those events on a Linux gateway:
// btsnoop captures as `btmon -w` writes them (datalink 2001, the Linux monitor; 1002, H4) and
// BlueZ's monitor channel, which reads every event without disturbing bluetoothd's own scanning.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "earshot/radio/ble_advertising.hpp"
#include "pcap_file.hpp"  // read_file_bytes

namespace earshot::gateway {

struct AdvertisingReport {
  double seconds = 0.0;
  radio::DeviceAddress address;  // bytes on air order (least significant first), as HCI gives it
  std::vector<std::uint8_t> data;  // the AD structures
};

// The reports of one HCI event (event code, parameter length, parameters). Other events, and
// reports that run past the event's end, give none.
inline void reports_of_event(const std::uint8_t* event, std::size_t size, double seconds,
                             std::vector<AdvertisingReport>& out) {
  constexpr std::uint8_t kLeMetaEvent = 0x3E;
  constexpr std::uint8_t kLeAdvertisingReport = 0x02;
  constexpr std::uint8_t kLeExtendedAdvertisingReport = 0x0D;
  if (size < 4 || event[0] != kLeMetaEvent || event[1] + 2u != size) return;
  const std::uint8_t subevent = event[2];
  const bool extended = subevent == kLeExtendedAdvertisingReport;
  if (subevent != kLeAdvertisingReport && !extended) return;
  const std::size_t count = event[3];
  // Per report: legacy: type 1, address type 1, address 6, length 1, data, RSSI 1; extended:
  // type 2, address type 1, address 6, PHYs 2, SID 1, TX power 1, RSSI 1, interval 2, direct
  // address type 1 and address 6, length 1, data.
  const std::size_t address_at = extended ? 3 : 2;
  const std::size_t length_at = extended ? 23 : 8;
  std::size_t at = 4;
  for (std::size_t r = 0; r < count; ++r) {
    if (at + length_at + 1 > size) return;
    const std::uint8_t* report = event + at;
    const std::size_t length = report[length_at];
    if (at + length_at + 1 + length + (extended ? 0 : 1) > size) return;
    AdvertisingReport parsed;
    parsed.seconds = seconds;
    for (std::size_t i = 0; i < 6; ++i) parsed.address.bytes[i] = report[address_at + i];
    parsed.data.assign(report + length_at + 1, report + length_at + 1 + length);
    out.push_back(std::move(parsed));
    at += length_at + 1 + length + (extended ? 0 : 1);
  }
}

// Every advertising report in a btsnoop file's bytes (`path` names it in errors); false with
// `error` naming the problem.
inline bool parse_btsnoop(const std::vector<std::uint8_t>& bytes, const std::string& path,
                          std::vector<AdvertisingReport>& reports, std::string& error) {
  const auto u32 = [&](std::size_t at) {  // btsnoop is big-endian
    return static_cast<std::uint32_t>(bytes[at]) << 24 | static_cast<std::uint32_t>(bytes[at + 1]) << 16 |
           static_cast<std::uint32_t>(bytes[at + 2]) << 8 | bytes[at + 3];
  };
  constexpr std::uint32_t kMonitor = 2001;  // Linux monitor: opcode and controller in the flags
  constexpr std::uint32_t kH4 = 1002;       // H4: a packet type byte before each packet
  if (bytes.size() < 16 || std::string(bytes.begin(), bytes.begin() + 8) != std::string("btsnoop\0", 8) ||
      u32(8) != 1 || (u32(12) != kMonitor && u32(12) != kH4)) {
    error = path + ": not a btsnoop version 1 file of the Linux monitor (2001) or H4 (1002), as btmon -w writes";
    return false;
  }
  const bool monitor = u32(12) == kMonitor;
  reports.clear();
  for (std::size_t at = 16; at < bytes.size();) {
    if (at + 24 > bytes.size()) {
      error = path + ": truncated record header at byte " + std::to_string(at);
      return false;
    }
    const std::uint32_t included = u32(at + 4);
    const std::uint32_t flags = u32(at + 8);
    if (at + 24 + included > bytes.size()) {
      error = path + ": truncated record at byte " + std::to_string(at);
      return false;
    }
    // Microseconds since 0000-01-01; what matters here is their order.
    const std::uint64_t microseconds = static_cast<std::uint64_t>(u32(at + 16)) << 32 | u32(at + 20);
    const double seconds = static_cast<double>(microseconds) * 1e-6;
    const std::uint8_t* data = bytes.data() + at + 24;
    constexpr std::uint32_t kMonitorEvent = 3;  // BTSNOOP_OPCODE_EVENT_PKT
    constexpr std::uint8_t kH4Event = 0x04;
    if (monitor && (flags & 0xFFFF) == kMonitorEvent) reports_of_event(data, included, seconds, reports);
    if (!monitor && included > 0 && data[0] == kH4Event) reports_of_event(data + 1, included - 1, seconds, reports);
    at += 24 + included;
  }
  return true;
}

inline bool read_btsnoop(const std::string& path, std::vector<AdvertisingReport>& reports, std::string& error) {
  std::vector<std::uint8_t> bytes;
  return read_file_bytes(path, bytes, error) && parse_btsnoop(bytes, path, reports, error);
}

}  // namespace earshot::gateway
