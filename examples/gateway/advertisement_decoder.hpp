// What a gateway believes of a received advertisement, a sniffer's link-layer packet (access
// address, PDU, CRC) or a controller's advertising report: the CRC must hold (a controller
// drops bad ones itself), the sender must be a known device, its BTHome data must verify under that device's
// key and decode as a machine report, and its counter must be new. The same advertisement on
// channels 37, 38 and 39 has one counter: the first copy is new, the others are repeats; an
// older counter is a replay. Allocation-free apart from the device list; no exceptions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "earshot/radio/ble_advertising.hpp"
#include "earshot/radio/ble_crc.hpp"
#include "earshot/radio/bthome.hpp"
#include "earshot/radio/machine_advertisement.hpp"

namespace earshot::gateway {

struct Device {
  radio::DeviceAddress address;
  radio::Aes128 key;
  std::string name;
  radio::BthomeCounterGuard counters;
};

enum class Verdict : std::uint8_t {
  kNew,            // a report to publish
  kRepeat,         // the counter just accepted: the same advertisement heard again
  kReplay,         // an older counter: recorded and sent again, or a device that lost its counter
  kBadCrc,         // corrupted on air
  kBadMic,         // forged, corrupted past the CRC, or sent with another key
  kUnknownDevice,  // an address the gateway has no key for
  kOther,          // not an advertisement with a machine report (another PDU, other AD data)
};

constexpr const char* describe(Verdict verdict) noexcept {
  switch (verdict) {
    case Verdict::kNew:
      return "new";
    case Verdict::kRepeat:
      return "repeat";
    case Verdict::kReplay:
      return "replay";
    case Verdict::kBadCrc:
      return "bad CRC";
    case Verdict::kBadMic:
      return "bad MIC";
    case Verdict::kUnknownDevice:
      return "unknown device";
    case Verdict::kOther:
      return "other";
  }
  return "unknown verdict";
}

struct Decoded {
  Verdict verdict = Verdict::kOther;
  std::size_t device = 0;  // index into the device list (kNew, kRepeat, kReplay, kBadMic)
  std::uint32_t counter = 0;
  radio::MachineReport report;
};

// An advertising report as a controller delivers it (BlueZ, hci_reports.hpp): the sender's
// address and its AD structures, the CRC already checked by the radio. A new counter is
// remembered in the device's guard.
inline Decoded decode_report(std::vector<Device>& devices, const radio::DeviceAddress& address,
                             const std::uint8_t* advertising_data, std::size_t size) {
  Decoded decoded;
  std::size_t index = 0;
  while (index < devices.size() && devices[index].address.bytes != address.bytes) ++index;
  if (index == devices.size()) {
    decoded.verdict = Verdict::kUnknownDevice;
    return decoded;
  }
  Device& device = devices[index];
  decoded.device = index;
  radio::BthomeReading reading;
  const radio::BthomeStatus status = radio::parse_bthome_advertising_data(device.key, address, advertising_data, size, reading);
  if (status == radio::BthomeStatus::kBadMic) decoded.verdict = Verdict::kBadMic;
  if (status != radio::BthomeStatus::kOk || !radio::parse_machine_objects(reading, decoded.report)) return decoded;
  decoded.counter = reading.counter;
  if (device.counters.seen() && reading.counter == device.counters.last()) {
    decoded.verdict = Verdict::kRepeat;
  } else {
    decoded.verdict = device.counters.accept(reading.counter) ? Verdict::kNew : Verdict::kReplay;
  }
  return decoded;
}

// A link-layer packet (a sniffer's capture): access address (4, little-endian), PDU header (2),
// payload, CRC (3). The CRC is checked here, then the report as above.
inline Decoded decode_advertisement(std::vector<Device>& devices, const std::uint8_t* link_layer, std::size_t size) {
  Decoded decoded;
  if (size < 4 + 2 + 6 + radio::kCrcSize) return decoded;
  const std::uint32_t access_address = static_cast<std::uint32_t>(link_layer[0] | (link_layer[1] << 8) |
                                                                  (link_layer[2] << 16)) |
                                       static_cast<std::uint32_t>(link_layer[3]) << 24;
  const std::uint8_t* pdu = link_layer + 4;
  const std::size_t payload = pdu[1];
  if (access_address != radio::kAdvertisingAccessAddress || 4 + 2 + payload + radio::kCrcSize != size ||
      payload < 6) {
    return decoded;
  }
  std::uint8_t crc[radio::kCrcSize];
  radio::write_ble_crc24(radio::ble_crc24(pdu, 2 + payload), crc);
  for (std::size_t i = 0; i < radio::kCrcSize; ++i) {
    if (crc[i] != pdu[2 + payload + i]) {
      decoded.verdict = Verdict::kBadCrc;
      return decoded;
    }
  }
  const std::uint8_t type = pdu[0] & 0x0F;
  if (type != 0b0000 && type != 0b0010 && type != 0b0110) return decoded;  // ADV_IND, ADV_NONCONN_IND, ADV_SCAN_IND
  radio::DeviceAddress address;
  for (std::size_t i = 0; i < 6; ++i) address.bytes[i] = pdu[2 + i];
  return decode_report(devices, address, pdu + 2 + 6, payload - 6);
}

}  // namespace earshot::gateway
