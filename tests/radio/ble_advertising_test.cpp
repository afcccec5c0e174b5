// ADV_NONCONN_IND layout and the decision payload, checked byte by byte against the layout the
// Core Specification (Vol 6, Part B, 2.1 and 2.3) and its Supplement (Part A, 1.4) give.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "earshot/radio/ble_advertising.hpp"
#include "earshot/radio/decision_advertisement.hpp"
#include "support/allocation_guard.hpp"

namespace radio = earshot::radio;

namespace {

// "C0:11:22:33:44:55" in text form: most significant byte first, so on air 55 44 33 22 11 C0.
constexpr radio::DeviceAddress kAddress = radio::random_static_address(0xC01122334455ull);
constexpr radio::DecisionReport kReport = {7, 200, 0x1234, {0xDE, 0xAD, 0xBE, 0xEF}};

// Built at compile time: the builder is constexpr.
constexpr radio::AdvertisingPacket kPacket = radio::make_decision_packet(kAddress, kReport);
static_assert(kPacket.size == 1 + 4 + 2 + 6 + 13 + 3);

}  // namespace

TEST_CASE("decision packet: preamble, access address, header, AdvA, manufacturer data, CRC") {
  const std::vector<std::uint8_t> expected_head = {
      0xAA,                    // preamble: the access address' first bit (0xD6 & 1) is 0
      0xD6, 0xBE, 0x89, 0x8E,  // 0x8E89BED6, least significant byte first
      0x42,                    // PDU type 0010b, RFU 0, ChSel 0, TxAdd 1 (random), RxAdd 0
      19,                      // payload: AdvA 6 + AD structure 13
      0x55, 0x44, 0x33, 0x22, 0x11, 0xC0,  // AdvA
      12, 0xFF,                // AD length (type + 11 bytes), Manufacturer Specific Data
      0xFF, 0xFF,              // company identifier 0xFFFF (reserved for testing)
      0xE1,                    // earshot decision format 1
      7, 200,                  // class id, confidence
      0x34, 0x12,              // sequence 0x1234, little-endian
      0xDE, 0xAD, 0xBE, 0xEF,  // model hash
  };
  const std::vector<std::uint8_t> head(kPacket.bytes.begin(), kPacket.bytes.begin() + kPacket.size - 3);
  CHECK(head == expected_head);
  CHECK(kPacket.pdu_size() == 2u + 19u);
  CHECK(kPacket.link_layer()[0] == 0xD6);
  CHECK(kPacket.link_layer_size() == kPacket.size - 1);
  // The CRC bytes are checked by tshark (radio-tshark-* tests) and by ble_crc_test.cpp.
  std::array<std::uint8_t, 3> crc{};
  radio::write_ble_crc24(radio::ble_crc24(kPacket.pdu(), kPacket.pdu_size()), crc.data());
  CHECK(std::equal(crc.begin(), crc.end(), kPacket.bytes.begin() + kPacket.size - 3));
}

TEST_CASE("whitened packet keeps preamble and access address and whitens PDU and CRC") {
  const radio::AdvertisingPacket on_air = radio::whitened(kPacket, radio::AdvertisingChannel::k37);
  CHECK(std::equal(on_air.bytes.begin(), on_air.bytes.begin() + 5, kPacket.bytes.begin()));
  // First PDU byte XOR the first whitening byte of channel 37 (0x8D, ble_whitening_test.cpp).
  CHECK(on_air.bytes[5] == (0x42 ^ 0x8D));
  auto restored = on_air.bytes;
  radio::ble_whiten(restored.data() + 5, on_air.size - 5, 37);
  CHECK(restored == kPacket.bytes);
}

TEST_CASE("advertising channel frequencies are RF channels 0, 12 and 39") {
  CHECK(radio::frequency_mhz(radio::AdvertisingChannel::k37) == 2402);
  CHECK(radio::frequency_mhz(radio::AdvertisingChannel::k38) == 2426);
  CHECK(radio::frequency_mhz(radio::AdvertisingChannel::k39) == 2480);
}

TEST_CASE("random static addresses have the two top bits set and a random part") {
  const radio::DeviceAddress address = radio::random_static_address(0x0000'1234'5678'9ABCull);
  CHECK(address.bytes == std::array<std::uint8_t, 6>{0xBC, 0x9A, 0x78, 0x56, 0x34, 0xD2});
  CHECK(radio::is_random_static_address(address));
  CHECK_FALSE(radio::is_random_static_address(radio::DeviceAddress{{1, 2, 3, 4, 5, 0x40}}));
  CHECK_FALSE(radio::is_random_static_address(radio::random_static_address(0)));
  CHECK_FALSE(radio::is_random_static_address(radio::random_static_address(0xFFFF'FFFF'FFFFull)));
}

TEST_CASE("confidence byte rounds probability x 255 and clamps") {
  CHECK(radio::confidence_byte(0.0f) == 0);
  CHECK(radio::confidence_byte(1.0f) == 255);
  CHECK(radio::confidence_byte(0.5f) == 128);   // 127.5 rounds up
  CHECK(radio::confidence_byte(0.25f) == 64);   // 63.75
  CHECK(radio::confidence_byte(-0.1f) == 0);
  CHECK(radio::confidence_byte(3.0f) == 255);
  CHECK(radio::confidence_byte(std::nanf("")) == 0);
}

TEST_CASE("model hash is the first four bytes of the SHA-256 hex text") {
  std::array<std::uint8_t, 4> hash{};
  REQUIRE(radio::parse_model_hash("deadBEEF0123", hash));
  CHECK(hash == std::array<std::uint8_t, 4>{0xDE, 0xAD, 0xBE, 0xEF});
  CHECK_FALSE(radio::parse_model_hash("dead", hash));
  CHECK_FALSE(radio::parse_model_hash("deadbeeg", hash));
  CHECK(hash == std::array<std::uint8_t, 4>{0xDE, 0xAD, 0xBE, 0xEF});  // untouched on failure
}

TEST_CASE("decision parser finds earshot's data among other AD structures") {
  const auto ours = radio::decision_advertising_data(kReport);
  std::vector<std::uint8_t> data = {2, 0x01, 0x06,              // Flags
                                    5, 0xFF, 0x4C, 0x00, 1, 2,  // another company's data
                                    4, 0x09, 'a', 'b', 'c'};    // Complete Local Name
  data.insert(data.end(), ours.begin(), ours.end());
  radio::DecisionReport parsed;
  REQUIRE(radio::parse_decision_advertising_data(data.data(), data.size(), parsed));
  CHECK(parsed.class_id == 7);
  CHECK(parsed.confidence == 200);
  CHECK(parsed.sequence == 0x1234);
  CHECK(parsed.model_hash == kReport.model_hash);
}

TEST_CASE("decision parser rejects other companies, other formats and truncated data") {
  radio::DecisionReport parsed;
  const auto other_company = radio::decision_advertising_data(kReport, 0x0059);
  CHECK_FALSE(radio::parse_decision_advertising_data(other_company.data(), other_company.size(), parsed));
  CHECK(radio::parse_decision_advertising_data(other_company.data(), other_company.size(), parsed, 0x0059));
  auto other_format = radio::decision_advertising_data(kReport);
  other_format[4] = 0xE2;
  CHECK_FALSE(radio::parse_decision_advertising_data(other_format.data(), other_format.size(), parsed));
  const auto ours = radio::decision_advertising_data(kReport);
  CHECK_FALSE(radio::parse_decision_advertising_data(ours.data(), ours.size() - 1, parsed));
  const std::uint8_t padding[] = {0, 0, 0};
  CHECK_FALSE(radio::parse_decision_advertising_data(padding, sizeof padding, parsed));
}

TEST_CASE("building, whitening and parsing a decision packet allocate nothing") {
  const earshot::test::ForbidAllocations forbid;
  volatile std::uint16_t sequence = 42;
  radio::DecisionReport report = kReport;
  report.sequence = sequence;
  const auto packet = radio::whitened(radio::make_decision_packet(kAddress, report),
                                      radio::AdvertisingChannel::k39);
  const auto data = radio::decision_advertising_data(report);
  radio::DecisionReport parsed;
  CHECK(radio::parse_decision_advertising_data(data.data(), data.size(), parsed));
  CHECK(packet.size == kPacket.size);
  CHECK(earshot::test::forbidden_allocation_count() == 0);
}

// A packet no builder filled (size 0, or a size field set past the array) must not turn into a
// length of SIZE_MAX - 7: board code copies pdu_size() bytes into the radio's buffer.
TEST_CASE("an empty or oversized packet gives bounded sizes and whitening") {
  const radio::AdvertisingPacket empty{};
  CHECK(empty.pdu_size() == 0);
  CHECK(empty.link_layer_size() == 0);
  const radio::AdvertisingPacket whitened_empty = radio::whitened(empty, radio::AdvertisingChannel::k37);
  CHECK(whitened_empty.bytes == empty.bytes);
  CHECK(whitened_empty.size == 0);

  radio::AdvertisingPacket oversized = kPacket;
  oversized.size = radio::AdvertisingPacket::kCapacity + 100;
  CHECK(oversized.pdu_size() == radio::AdvertisingPacket::kMaxPduSize);
  CHECK(oversized.link_layer_size() == radio::AdvertisingPacket::kCapacity - 1);
  // Whitening stops at the array's end: the bytes whitened are those of a full-size packet.
  radio::AdvertisingPacket full = kPacket;
  full.size = radio::AdvertisingPacket::kCapacity;
  CHECK(radio::whitened(oversized, radio::AdvertisingChannel::k38).bytes ==
        radio::whitened(full, radio::AdvertisingChannel::k38).bytes);
}
