// The machine monitor's state and score as BTHome v2 objects (bthome.hpp), encrypted, in an
// ADV_NONCONN_IND, so that Home Assistant shows them as ordinary BTHome entities:
//   0x09 count (uint8)    the state: 0 off, 1 normal, 2 maintenance, 3 failure
//   0x26 problem (binary) 1 for maintenance and failure: HA's "problem" device class
//   0x27 running (binary) 1 unless off: HA's "running" device class
//   0x3D count (uint16)   the smoothed score x 100, rounded, at most 65535 (0 when off)
// 9 bytes of objects, 22 of advertising data: the 31 of a legacy advertisement leave room.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "earshot/pipeline/machine_state.hpp"
#include "earshot/radio/ble_advertising.hpp"
#include "earshot/radio/bthome.hpp"

namespace earshot::radio {

inline constexpr std::uint8_t kBthomeCount8 = 0x09;
inline constexpr std::uint8_t kBthomeProblem = 0x26;
inline constexpr std::uint8_t kBthomeRunning = 0x27;
inline constexpr std::uint8_t kBthomeCount16 = 0x3D;
inline constexpr std::size_t kMachineObjectsSize = 9;

struct MachineReport {
  MachineState state = MachineState::kOff;
  std::uint16_t score_hundredths = 0;  // the smoothed score x 100 (score_hundredths())
};

// A score as the advertisement carries it: x 100 rounded, clamped to 0..65535; NaN gives 0.
constexpr std::uint16_t score_hundredths(float score) noexcept {
  if (!(score > 0.0f)) return 0;
  if (score >= 655.35f) return 65535;
  return static_cast<std::uint16_t>(score * 100.0f + 0.5f);
}

constexpr std::array<std::uint8_t, kMachineObjectsSize> machine_objects(const MachineReport& report) noexcept {
  const bool problem = report.state == MachineState::kMaintenance || report.state == MachineState::kFailure;
  const std::uint16_t score = report.state == MachineState::kOff ? 0 : report.score_hundredths;
  return {kBthomeCount8,   static_cast<std::uint8_t>(report.state),
          kBthomeProblem,  static_cast<std::uint8_t>(problem ? 1 : 0),
          kBthomeRunning,  static_cast<std::uint8_t>(report.state == MachineState::kOff ? 0 : 1),
          kBthomeCount16,  static_cast<std::uint8_t>(score),
          static_cast<std::uint8_t>(score >> 8)};
}

// The objects back into a report; false unless they are exactly machine_objects' layout with a
// known state and problem / running flags that agree with it.
constexpr bool parse_machine_objects(const BthomeReading& reading, MachineReport& out) noexcept {
  const std::uint8_t* o = reading.objects.data();
  if (reading.size != kMachineObjectsSize || o[0] != kBthomeCount8 || o[2] != kBthomeProblem ||
      o[4] != kBthomeRunning || o[6] != kBthomeCount16 || o[1] > static_cast<std::uint8_t>(MachineState::kFailure)) {
    return false;
  }
  MachineReport report;
  report.state = static_cast<MachineState>(o[1]);
  report.score_hundredths = static_cast<std::uint16_t>(o[7] | (o[8] << 8));
  if (machine_objects(report) != std::array<std::uint8_t, kMachineObjectsSize>{o[0], o[1], o[2], o[3], o[4], o[5],
                                                                              o[6], o[7], o[8]}) {
    return false;
  }
  out = report;
  return true;
}

// The encrypted advertisement, counter `counter` (it must increase with every new report).
constexpr AdvertisingPacket make_machine_packet(const Aes128& key, const DeviceAddress& address,
                                                std::uint32_t counter, const MachineReport& report) noexcept {
  return make_adv_nonconn_ind(address, bthome_encrypted_advertising_data(key, address, counter, machine_objects(report)));
}

}  // namespace earshot::radio
