// AES-CCM (NIST SP 800-38C, RFC 3610): authenticated encryption with a counter-mode cipher and
// a CBC-MAC, the scheme of Bluetooth LE link encryption and of BTHome's encrypted
// advertisements (bthome.hpp). Nonces of 7 to 13 bytes, tags (MICs) of 4 to 16 even bytes,
// optional associated data, messages up to 65279 bytes. No allocation; constexpr.
#pragma once

#include <cstddef>
#include <cstdint>

#include "earshot/radio/aes128.hpp"

namespace earshot::radio {

struct CcmParameters {
  const std::uint8_t* nonce = nullptr;
  std::size_t nonce_size = 13;
  const std::uint8_t* associated_data = nullptr;  // authenticated, not encrypted
  std::size_t associated_size = 0;
  std::size_t tag_size = 4;
};

constexpr bool valid(const CcmParameters& p, std::size_t message_size) noexcept {
  return p.nonce != nullptr && p.nonce_size >= 7 && p.nonce_size <= 13 && p.tag_size >= 4 && p.tag_size <= 16 &&
         p.tag_size % 2 == 0 && p.associated_size < 0xFF00 && message_size < 0xFF00 &&
         (p.associated_size == 0 || p.associated_data != nullptr);
}

namespace detail {

// Counter block i (A_i): flags L - 1, the nonce, i big-endian in the last L bytes.
constexpr AesBlock ccm_counter(const CcmParameters& p, std::size_t i) noexcept {
  AesBlock block{};
  block[0] = static_cast<std::uint8_t>(15 - p.nonce_size - 1);
  for (std::size_t k = 0; k < p.nonce_size; ++k) block[1 + k] = p.nonce[k];
  block[14] = static_cast<std::uint8_t>(i >> 8);
  block[15] = static_cast<std::uint8_t>(i);
  return block;
}

// The CBC-MAC of B_0, the encoded associated data and the message, zero-padded blocks.
constexpr AesBlock ccm_mac(const Aes128& aes, const CcmParameters& p, const std::uint8_t* message,
                           std::size_t size) noexcept {
  AesBlock x{};
  x[0] = static_cast<std::uint8_t>((p.associated_size > 0 ? 0x40 : 0) | (((p.tag_size - 2) / 2) << 3) |
                                   (15 - p.nonce_size - 1));
  for (std::size_t k = 0; k < p.nonce_size; ++k) x[1 + k] = p.nonce[k];
  x[14] = static_cast<std::uint8_t>(size >> 8);
  x[15] = static_cast<std::uint8_t>(size);
  x = aes.encrypt(x);
  std::size_t filled = 0;  // bytes xored into the current block
  const auto absorb = [&](std::uint8_t byte) {
    x[filled] = static_cast<std::uint8_t>(x[filled] ^ byte);
    if (++filled == 16) {
      x = aes.encrypt(x);
      filled = 0;
    }
  };
  const auto flush = [&] {
    if (filled != 0) x = aes.encrypt(x);
    filled = 0;
  };
  if (p.associated_size > 0) {  // its length in 2 bytes (below 2^16 - 2^8), then the data
    absorb(static_cast<std::uint8_t>(p.associated_size >> 8));
    absorb(static_cast<std::uint8_t>(p.associated_size));
    for (std::size_t k = 0; k < p.associated_size; ++k) absorb(p.associated_data[k]);
    flush();
  }
  for (std::size_t k = 0; k < size; ++k) absorb(message[k]);
  flush();
  return x;
}

// Counter-mode keystream from A_1 on, xored into `in` (in and out may be the same buffer).
constexpr void ccm_crypt(const Aes128& aes, const CcmParameters& p, const std::uint8_t* in, std::size_t size,
                         std::uint8_t* out) noexcept {
  for (std::size_t first = 0; first < size; first += 16) {
    const AesBlock stream = aes.encrypt(ccm_counter(p, first / 16 + 1));
    for (std::size_t k = first; k < size && k < first + 16; ++k) out[k] = static_cast<std::uint8_t>(in[k] ^ stream[k - first]);
  }
}

}  // namespace detail

// Encrypts `size` bytes into `ciphertext` (may be `plaintext`) and writes p.tag_size bytes of
// tag. False, writing nothing, if the parameters are out of range.
constexpr bool ccm_encrypt(const Aes128& aes, const CcmParameters& p, const std::uint8_t* plaintext,
                           std::size_t size, std::uint8_t* ciphertext, std::uint8_t* tag) noexcept {
  if (!valid(p, size)) return false;
  const AesBlock mac = detail::ccm_mac(aes, p, plaintext, size);
  const AesBlock first = aes.encrypt(detail::ccm_counter(p, 0));
  detail::ccm_crypt(aes, p, plaintext, size, ciphertext);
  for (std::size_t k = 0; k < p.tag_size; ++k) tag[k] = static_cast<std::uint8_t>(mac[k] ^ first[k]);
  return true;
}

// Decrypts into `plaintext` (may be `ciphertext`) and checks the tag in constant time. False if
// the tag does not match (or the parameters are out of range): then `plaintext` is all zeros, so
// a forged message is never half-read.
constexpr bool ccm_decrypt(const Aes128& aes, const CcmParameters& p, const std::uint8_t* ciphertext,
                           std::size_t size, const std::uint8_t* tag, std::uint8_t* plaintext) noexcept {
  if (!valid(p, size)) return false;
  detail::ccm_crypt(aes, p, ciphertext, size, plaintext);
  const AesBlock mac = detail::ccm_mac(aes, p, plaintext, size);
  const AesBlock first = aes.encrypt(detail::ccm_counter(p, 0));
  std::uint8_t difference = 0;
  for (std::size_t k = 0; k < p.tag_size; ++k) difference = static_cast<std::uint8_t>(difference | (mac[k] ^ first[k] ^ tag[k]));
  if (difference == 0) return true;
  for (std::size_t k = 0; k < size; ++k) plaintext[k] = 0;
  return false;
}

}  // namespace earshot::radio
