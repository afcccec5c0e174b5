// BTHome v2 (bthome.io): sensor readings as Service Data for the 16-bit UUID 0xFCD2, the format
// Home Assistant's BTHome integration and other BTHome receivers decode without custom code,
// here always encrypted: AES-CCM with the device's 16-byte key, a 13-byte nonce of the device
// address (as written, most significant byte first), the UUID (D2 FC), the device information
// byte and a 4-byte counter (little-endian), and a 4-byte MIC. The AD structure is
//   length, 0x16, D2 FC, 0x41 (v2, encrypted), ciphertext of the objects, counter, MIC.
// Anyone can transmit an advertisement: a receiver believes one only if its MIC verifies under
// the device's key, and refuses one whose counter is not above the last it accepted (a replay).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "earshot/radio/aes_ccm.hpp"
#include "earshot/radio/ble_advertising.hpp"

namespace earshot::radio {

inline constexpr std::uint8_t kAdTypeServiceData16 = 0x16;
inline constexpr std::uint16_t kBthomeUuid = 0xFCD2;
// Device information: bit 0 encryption, bits 5-7 the version (2).
inline constexpr std::uint8_t kBthomeV2Encrypted = 0x41;
inline constexpr std::size_t kBthomeMicSize = 4;
// Bytes around the objects: length, AD type, UUID, device information, counter, MIC.
inline constexpr std::size_t kBthomeOverhead = 1 + 1 + 2 + 1 + 4 + kBthomeMicSize;
inline constexpr std::size_t kBthomeMaxObjects = kMaxAdvertisingDataSize - kBthomeOverhead;

constexpr std::array<std::uint8_t, 13> bthome_nonce(const DeviceAddress& address, std::uint8_t device_information,
                                                    std::uint32_t counter) noexcept {
  std::array<std::uint8_t, 13> nonce{};
  for (std::size_t i = 0; i < 6; ++i) nonce[i] = address.bytes[5 - i];
  nonce[6] = static_cast<std::uint8_t>(kBthomeUuid);
  nonce[7] = static_cast<std::uint8_t>(kBthomeUuid >> 8);
  nonce[8] = device_information;
  for (std::size_t i = 0; i < 4; ++i) nonce[9 + i] = static_cast<std::uint8_t>(counter >> (8 * i));
  return nonce;
}

// The encrypted BTHome AD structure of `objects` (BTHome objects, ids in ascending order).
template <std::size_t kObjects>
constexpr std::array<std::uint8_t, kBthomeOverhead + kObjects> bthome_encrypted_advertising_data(
    const Aes128& key, const DeviceAddress& address, std::uint32_t counter,
    const std::array<std::uint8_t, kObjects>& objects) noexcept {
  static_assert(kObjects > 0 && kObjects <= kBthomeMaxObjects, "BTHome: the objects must fit a legacy advertisement");
  std::array<std::uint8_t, kBthomeOverhead + kObjects> data{};
  data[0] = static_cast<std::uint8_t>(data.size() - 1);
  data[1] = kAdTypeServiceData16;
  data[2] = static_cast<std::uint8_t>(kBthomeUuid);
  data[3] = static_cast<std::uint8_t>(kBthomeUuid >> 8);
  data[4] = kBthomeV2Encrypted;
  const std::array<std::uint8_t, 13> nonce = bthome_nonce(address, kBthomeV2Encrypted, counter);
  CcmParameters parameters;
  parameters.nonce = nonce.data();
  parameters.tag_size = kBthomeMicSize;
  std::uint8_t* counter_bytes = data.data() + 5 + kObjects;
  ccm_encrypt(key, parameters, objects.data(), kObjects, data.data() + 5, counter_bytes + 4);
  for (std::size_t i = 0; i < 4; ++i) counter_bytes[i] = static_cast<std::uint8_t>(counter >> (8 * i));
  return data;
}

enum class BthomeStatus : std::uint8_t {
  kOk,
  kNotBthome,     // no BTHome service data among the AD structures
  kMalformed,     // an AD structure runs past the end, or the BTHome one is too short
  kNotEncrypted,  // BTHome, but not v2 with the encryption flag: refused, anyone could have sent it
  kBadMic,        // the MIC does not verify under this key: forged, corrupted or another device's
};

constexpr const char* describe(BthomeStatus status) noexcept {
  switch (status) {
    case BthomeStatus::kOk:
      return "ok";
    case BthomeStatus::kNotBthome:
      return "no BTHome service data";
    case BthomeStatus::kMalformed:
      return "malformed advertising data";
    case BthomeStatus::kNotEncrypted:
      return "BTHome data that is not encrypted v2";
    case BthomeStatus::kBadMic:
      return "the MIC does not verify (forged, corrupted, or another key)";
  }
  return "unknown BTHome status";
}

struct BthomeReading {
  std::uint32_t counter = 0;
  std::array<std::uint8_t, kBthomeMaxObjects> objects{};
  std::size_t size = 0;  // bytes of objects
};

// Finds BTHome service data among AD structures (what a scanner such as BlueZ reports, or a
// PDU's payload after the address), verifies its MIC with the device's key and decrypts it.
constexpr BthomeStatus parse_bthome_advertising_data(const Aes128& key, const DeviceAddress& address,
                                                     const std::uint8_t* data, std::size_t size,
                                                     BthomeReading& out) noexcept {
  for (std::size_t at = 0; at < size;) {
    const std::size_t length = data[at];
    if (length == 0) return BthomeStatus::kNotBthome;  // early end of the significant part
    if (at + 1 + length > size) return BthomeStatus::kMalformed;
    const std::uint8_t* field = data + at + 1;
    if (length >= 3 && field[0] == kAdTypeServiceData16 && (field[1] | (field[2] << 8)) == kBthomeUuid) {
      if (length < 4 || field[3] != kBthomeV2Encrypted) return BthomeStatus::kNotEncrypted;
      if (length < 4 + 1 + 4 + kBthomeMicSize || length - 4 - 4 - kBthomeMicSize > kBthomeMaxObjects) {
        return BthomeStatus::kMalformed;
      }
      const std::size_t objects = length - 4 - 4 - kBthomeMicSize;
      const std::uint8_t* counter_bytes = field + 4 + objects;
      std::uint32_t counter = 0;
      for (std::size_t i = 0; i < 4; ++i) counter |= static_cast<std::uint32_t>(counter_bytes[i]) << (8 * i);
      const std::array<std::uint8_t, 13> nonce = bthome_nonce(address, field[3], counter);
      CcmParameters parameters;
      parameters.nonce = nonce.data();
      parameters.tag_size = kBthomeMicSize;
      BthomeReading reading;
      if (!ccm_decrypt(key, parameters, field + 4, objects, counter_bytes + 4, reading.objects.data())) {
        return BthomeStatus::kBadMic;
      }
      reading.counter = counter;
      reading.size = objects;
      out = reading;
      return BthomeStatus::kOk;
    }
    at += 1 + length;
  }
  return BthomeStatus::kNotBthome;
}

// A receiver's replay protection for one device: an advertisement is new only if its counter is
// above the last accepted one. The same advertisement heard again (another channel, another
// scan) has the same counter: not new, so it is counted once.
class BthomeCounterGuard {
 public:
  // True (and remembered) if `counter` is above every counter accepted before.
  constexpr bool accept(std::uint32_t counter) noexcept {
    if (seen_ && counter <= last_) return false;
    seen_ = true;
    last_ = counter;
    return true;
  }
  constexpr bool seen() const noexcept { return seen_; }
  constexpr std::uint32_t last() const noexcept { return last_; }
  // Restores the last accepted counter (a gateway restarting from its saved state).
  constexpr void restore(std::uint32_t last) noexcept {
    seen_ = true;
    last_ = last;
  }

 private:
  std::uint32_t last_ = 0;
  bool seen_ = false;
};

}  // namespace earshot::radio
