// AES-128 against FIPS-197's examples, AES-CCM against NIST SP 800-38C's, BTHome v2 encryption
// against the example on bthome.io/encryption and the one of the bthome-ble library's
// bthome_v2_encryption.py, then what a receiver must refuse: forged or corrupted MICs, other
// keys, unencrypted BTHome, truncated data, replays. The machine objects by hand.
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "earshot/radio/aes128.hpp"
#include "earshot/radio/aes_ccm.hpp"
#include "earshot/radio/bthome.hpp"
#include "earshot/radio/machine_advertisement.hpp"

namespace {

using earshot::radio::Aes128;
using earshot::radio::BthomeStatus;

int nibble(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

// Lower-case hex text as bytes.
std::vector<std::uint8_t> hex(const std::string& text) {
  std::vector<std::uint8_t> bytes;
  for (std::size_t i = 0; i + 1 < text.size(); i += 2) {
    bytes.push_back(static_cast<std::uint8_t>(nibble(text[i]) * 16 + nibble(text[i + 1])));
  }
  return bytes;
}

// The same as an array of kSize bytes (zeros past the text: the comparisons then fail).
template <std::size_t kSize>
std::array<std::uint8_t, kSize> array_of(const std::string& text) {
  const std::vector<std::uint8_t> bytes = hex(text);
  std::array<std::uint8_t, kSize> out{};
  for (std::size_t i = 0; i < kSize && i < bytes.size(); ++i) out[i] = bytes[i];
  return out;
}

// bthome.io's example device: key and MAC 54:48:E6:8F:80:A5 (bytes on air LSB first).
const Aes128 kExampleKey(array_of<16>("231d39c1d7cc1ab1aee224cd096db932"));
constexpr earshot::radio::DeviceAddress kExampleAddress{{0xA5, 0x80, 0x8F, 0xE6, 0x48, 0x54}};

std::vector<std::uint8_t> bthome_ad(std::uint32_t counter, const std::array<std::uint8_t, 6>& objects) {
  const auto data = earshot::radio::bthome_encrypted_advertising_data(kExampleKey, kExampleAddress, counter, objects);
  return {data.begin(), data.end()};
}

}  // namespace

TEST_CASE("AES-128 encrypts FIPS-197's examples") {
  CHECK(Aes128(array_of<16>("000102030405060708090a0b0c0d0e0f")).encrypt(array_of<16>("00112233445566778899aabbccddeeff")) ==
        array_of<16>("69c4e0d86a7b0430d8cdb78070b4c55a"));  // Appendix C.1
  CHECK(Aes128(array_of<16>("2b7e151628aed2a6abf7158809cf4f3c")).encrypt(array_of<16>("3243f6a8885a308d313198a2e0370734")) ==
        array_of<16>("3925841d02dc09fbdc118597196a0b32"));  // Appendix B
  CHECK(earshot::radio::detail::kSbox[0x00] == 0x63);  // Figure 7
  CHECK(earshot::radio::detail::kSbox[0x53] == 0xed);
}

TEST_CASE("AES-CCM gives NIST SP 800-38C's examples 1 and 2, and decrypts them") {
  const Aes128 aes(array_of<16>("404142434445464748494a4b4c4d4e4f"));
  struct Example {
    std::string nonce, associated, plaintext, ciphertext_and_tag;
    std::size_t tag;
  };
  for (const Example& e : {Example{"10111213141516", "0001020304050607", "20212223", "7162015b4dac255d", 4},
                           Example{"1011121314151617", "000102030405060708090a0b0c0d0e0f",
                                   "202122232425262728292a2b2c2d2e2f", "d2a1f0e051ea5f62081a7792073d593d1fc64fbfaccd", 6}}) {
    const auto nonce = hex(e.nonce), associated = hex(e.associated), plaintext = hex(e.plaintext);
    const auto expected = hex(e.ciphertext_and_tag);
    earshot::radio::CcmParameters p;
    p.nonce = nonce.data();
    p.nonce_size = nonce.size();
    p.associated_data = associated.data();
    p.associated_size = associated.size();
    p.tag_size = e.tag;
    std::vector<std::uint8_t> out(plaintext.size() + e.tag);
    REQUIRE(earshot::radio::ccm_encrypt(aes, p, plaintext.data(), plaintext.size(), out.data(), out.data() + plaintext.size()));
    CHECK(out == expected);
    std::vector<std::uint8_t> back(plaintext.size());
    CHECK(earshot::radio::ccm_decrypt(aes, p, expected.data(), plaintext.size(), expected.data() + plaintext.size(), back.data()));
    CHECK(back == plaintext);
    auto forged = expected;
    forged[0] ^= 1;  // one ciphertext bit
    CHECK_FALSE(earshot::radio::ccm_decrypt(aes, p, forged.data(), plaintext.size(), forged.data() + plaintext.size(), back.data()));
    CHECK(back == std::vector<std::uint8_t>(plaintext.size(), 0));  // nothing of a forgery is readable
  }
  earshot::radio::CcmParameters odd;
  const std::uint8_t nonce[13] = {};
  odd.nonce = nonce;
  odd.tag_size = 5;
  std::uint8_t tag[5] = {};
  CHECK_FALSE(earshot::radio::ccm_encrypt(aes, odd, nonce, 0, nullptr, tag));
}

TEST_CASE("BTHome v2 encryption gives the published examples") {
  // Temperature 25.06 C (02 CA 09) and humidity 50.55 % (03 BF 13).
  const std::array<std::uint8_t, 6> objects = array_of<6>("02ca0903bf13");
  CHECK(earshot::radio::bthome_nonce(kExampleAddress, 0x41, 0x00112233) == array_of<13>("5448e68f80a5d2fc4133221100"));
  // bthome.io/encryption: counter 0x00112233 -> ciphertext e445f3c9962b, MIC 6c7c4519.
  CHECK(bthome_ad(0x00112233, objects) == hex("1216d2fc41e445f3c9962b332211006c7c4519"));
  // bthome-ble's example (count_id bytes 00 11 22 33) -> a47266c95f73, MIC 78237214.
  CHECK(bthome_ad(0x33221100, objects) == hex("1216d2fc41a47266c95f730011223378237214"));

  earshot::radio::BthomeReading reading;
  const auto data = bthome_ad(0x00112233, objects);
  REQUIRE(earshot::radio::parse_bthome_advertising_data(kExampleKey, kExampleAddress, data.data(), data.size(), reading) ==
          BthomeStatus::kOk);
  CHECK(reading.counter == 0x00112233);
  REQUIRE(reading.size == 6);
  CHECK(std::vector<std::uint8_t>(reading.objects.begin(), reading.objects.begin() + 6) == hex("02ca0903bf13"));
}

TEST_CASE("a receiver refuses forged, corrupted, foreign, unencrypted and truncated BTHome data") {
  const std::array<std::uint8_t, 6> objects = array_of<6>("02ca0903bf13");
  const auto good = bthome_ad(7, objects);
  earshot::radio::BthomeReading reading;
  const auto parse = [&](const std::vector<std::uint8_t>& data, const Aes128& key = kExampleKey,
                         const earshot::radio::DeviceAddress& address = kExampleAddress) {
    return earshot::radio::parse_bthome_advertising_data(key, address, data.data(), data.size(), reading);
  };
  for (std::size_t byte = 5; byte < good.size(); ++byte) {  // ciphertext, counter and MIC
    auto corrupted = good;
    corrupted[byte] ^= 0x10;
    CAPTURE(byte);
    CHECK(parse(corrupted) == BthomeStatus::kBadMic);
  }
  CHECK(parse(good, Aes128(array_of<16>("00112233445566778899aabbccddeeff"))) == BthomeStatus::kBadMic);
  CHECK(parse(good, kExampleKey, earshot::radio::DeviceAddress{{0xA6, 0x80, 0x8F, 0xE6, 0x48, 0x54}}) ==
        BthomeStatus::kBadMic);  // the same bytes replayed by another address
  CHECK(parse(hex("0916d2fc4002ca0903bf13")) == BthomeStatus::kNotEncrypted);  // plain v2: anyone could send it
  CHECK(parse(std::vector<std::uint8_t>(good.begin(), good.end() - 1)) == BthomeStatus::kMalformed);
  CHECK(parse(hex("0916d2fc41010203040506")) == BthomeStatus::kMalformed);  // shorter than counter + MIC
  CHECK(parse(hex("0303d2fc")) == BthomeStatus::kNotBthome);  // a UUID list, not service data
  // Behind another AD structure (Flags) it is still found.
  std::vector<std::uint8_t> with_flags = hex("020106");
  with_flags.insert(with_flags.end(), good.begin(), good.end());
  CHECK(parse(with_flags) == BthomeStatus::kOk);
  CHECK(reading.counter == 7);
}

TEST_CASE("the counter guard accepts only increasing counters") {
  earshot::radio::BthomeCounterGuard guard;
  CHECK(guard.accept(5));
  CHECK_FALSE(guard.accept(5));  // the same advertisement on another channel
  CHECK_FALSE(guard.accept(4));  // a replay of an older one
  CHECK(guard.accept(6));
  guard.restore(100);
  CHECK_FALSE(guard.accept(100));
  CHECK(guard.accept(101));
  CHECK(guard.last() == 101);
}

TEST_CASE("machine objects: state, problem, running and score, by hand") {
  using earshot::MachineState;
  using earshot::radio::MachineReport;
  // maintenance, score 16.8169: count 2, problem 1, running 1, 1682 = 0x0692.
  CHECK(earshot::radio::score_hundredths(16.8169f) == 1682);
  CHECK(earshot::radio::machine_objects(MachineReport{MachineState::kMaintenance, 1682}) == array_of<9>("0902260127013d9206"));
  CHECK(earshot::radio::machine_objects(MachineReport{MachineState::kOff, 1682}) == array_of<9>("0900260027003d0000"));
  CHECK(earshot::radio::machine_objects(MachineReport{MachineState::kNormal, 512}) == array_of<9>("0901260027013d0002"));
  CHECK(earshot::radio::machine_objects(MachineReport{MachineState::kFailure, 65535}) == array_of<9>("0903260127013dffff"));
  CHECK(earshot::radio::score_hundredths(1e9f) == 65535);
  CHECK(earshot::radio::score_hundredths(-1.0f) == 0);

  const Aes128 key(array_of<16>("000102030405060708090a0b0c0d0e0f"));
  const earshot::radio::AdvertisingPacket packet =
      earshot::radio::make_machine_packet(key, kExampleAddress, 42, MachineReport{MachineState::kFailure, 3000});
  CHECK(packet.pdu_size() == 2 + 6 + 22);
  earshot::radio::BthomeReading reading;
  REQUIRE(earshot::radio::parse_bthome_advertising_data(key, kExampleAddress, packet.pdu() + 8, packet.pdu_size() - 8,
                                                        reading) == BthomeStatus::kOk);
  MachineReport report;
  REQUIRE(earshot::radio::parse_machine_objects(reading, report));
  CHECK(report.state == MachineState::kFailure);
  CHECK(report.score_hundredths == 3000);
  CHECK(reading.counter == 42);
  reading.objects[3] = 0;  // "failure" without "problem": not our layout
  CHECK_FALSE(earshot::radio::parse_machine_objects(reading, report));
}
