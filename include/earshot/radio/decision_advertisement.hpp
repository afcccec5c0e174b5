// earshot's decision broadcast: one Manufacturer Specific Data AD structure (AD type 0xFF, Core
// Specification Supplement v11, Part A, 1.4) carrying class id, confidence, sequence number and
// the model's hash, inside an ADV_NONCONN_IND. The company identifier defaults to 0xFFFF, which
// the Bluetooth SIG's Assigned Numbers reserve for internal use and testing: a product needs its own.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "earshot/radio/ble_advertising.hpp"

namespace earshot::radio {

inline constexpr std::uint16_t kCompanyIdReservedForTesting = 0xFFFF;

// First byte after the company identifier: tells this layout (version 1) from other users of
// the same company identifier.
inline constexpr std::uint8_t kDecisionFormat = 0xE1;

// AD type of Manufacturer Specific Data (Assigned Numbers, Common Data Types).
inline constexpr std::uint8_t kAdTypeManufacturerSpecificData = 0xFF;

// class_id of a report without a class: silence below the level gate, or no window yet.
inline constexpr std::uint8_t kNoClass = 0xFF;

struct DecisionReport {
  std::uint8_t class_id = 0;    // 0..254, or kNoClass
  std::uint8_t confidence = 0;  // probability x 255, rounded (confidence_byte)
  std::uint16_t sequence = 0;   // +1 per report, wraps at 65536: a scanner drops repeats
  std::array<std::uint8_t, 4> model_hash{};  // first 4 bytes of the model file's SHA-256
};

// Manufacturer data after the company identifier: format, class, confidence, sequence (LE), hash.
inline constexpr std::size_t kDecisionPayloadSize = 1 + 1 + 1 + 2 + 4;
// The whole AD structure: length byte, AD type, company identifier (LE), payload.
inline constexpr std::size_t kDecisionAdvertisingDataSize = 1 + 1 + 2 + kDecisionPayloadSize;

// Probability 0..1 to 0..255, rounded; out-of-range values are clamped and NaN gives 0.
constexpr std::uint8_t confidence_byte(float probability) noexcept {
  if (!(probability > 0.0f)) return 0;  // also NaN
  if (probability >= 1.0f) return 255;
  return static_cast<std::uint8_t>(probability * 255.0f + 0.5f);
}

// The first 4 bytes of a SHA-256 given as hex text (earshot_convert.py writes `source_sha256`
// into the generated model header). False if the text does not start with 8 hex digits.
constexpr bool parse_model_hash(const char* sha256_hex, std::array<std::uint8_t, 4>& out) noexcept {
  std::array<std::uint8_t, 4> hash{};
  for (std::size_t i = 0; i < 8; ++i) {
    const char c = sha256_hex[i];
    int nibble = -1;
    if (c >= '0' && c <= '9') nibble = c - '0';
    if (c >= 'a' && c <= 'f') nibble = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') nibble = c - 'A' + 10;
    if (nibble < 0) return false;  // also the terminating '\0' of a short string
    hash[i / 2] = static_cast<std::uint8_t>(hash[i / 2] | (nibble << (i % 2 == 0 ? 4 : 0)));
  }
  out = hash;
  return true;
}

constexpr std::array<std::uint8_t, kDecisionAdvertisingDataSize> decision_advertising_data(
    const DecisionReport& report, std::uint16_t company_id = kCompanyIdReservedForTesting) noexcept {
  return {
      static_cast<std::uint8_t>(kDecisionAdvertisingDataSize - 1),  // bytes after the length
      kAdTypeManufacturerSpecificData,
      static_cast<std::uint8_t>(company_id),
      static_cast<std::uint8_t>(company_id >> 8),
      kDecisionFormat,
      report.class_id,
      report.confidence,
      static_cast<std::uint8_t>(report.sequence),
      static_cast<std::uint8_t>(report.sequence >> 8),
      report.model_hash[0],
      report.model_hash[1],
      report.model_hash[2],
      report.model_hash[3],
  };
}

// The complete ADV_NONCONN_IND (not whitened). No Flags AD structure: a non-connectable
// broadcaster may omit it (Supplement, Part A, 1.3), which leaves 18 of the 31 bytes free.
constexpr AdvertisingPacket make_decision_packet(
    const DeviceAddress& address, const DecisionReport& report,
    std::uint16_t company_id = kCompanyIdReservedForTesting) noexcept {
  return make_adv_nonconn_ind(address, decision_advertising_data(report, company_id));
}

// Finds earshot's manufacturer data among the AD structures of an advertisement (what a scanner
// such as BlueZ or Android reports) and decodes it. False if there is none or it is malformed.
constexpr bool parse_decision_advertising_data(
    const std::uint8_t* advertising_data, std::size_t size, DecisionReport& out,
    std::uint16_t company_id = kCompanyIdReservedForTesting) noexcept {
  std::size_t at = 0;
  while (at < size) {
    const std::size_t length = advertising_data[at];
    if (length == 0) return false;  // early end of significant part
    if (at + 1 + length > size) return false;
    const std::uint8_t* field = advertising_data + at + 1;  // AD type, then data
    const bool ours = length == kDecisionAdvertisingDataSize - 1 &&
                      field[0] == kAdTypeManufacturerSpecificData &&
                      (field[1] | (field[2] << 8)) == company_id && field[3] == kDecisionFormat;
    if (ours) {
      out.class_id = field[4];
      out.confidence = field[5];
      out.sequence = static_cast<std::uint16_t>(field[6] | (field[7] << 8));
      for (std::size_t i = 0; i < 4; ++i) out.model_hash[i] = field[8 + i];
      return true;
    }
    at += 1 + length;
  }
  return false;
}

}  // namespace earshot::radio
