// AES-128 encryption of one 16-byte block (FIPS-197), what CCM (aes_ccm.hpp) is built on: CCM
// uses the forward cipher only, so there is no decryption here. Table-free apart from the S-box,
// which is computed at compile time from its definition (multiplicative inverse in GF(2^8), then
// the affine map), not typed in. Not hardened against timing or power analysis: the S-box
// look-ups depend on the data (as in most microcontroller AES without a hardware engine).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace earshot::radio {

using AesKey = std::array<std::uint8_t, 16>;
using AesBlock = std::array<std::uint8_t, 16>;

namespace detail {

// Multiplication by x in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1.
constexpr std::uint8_t xtime(std::uint8_t value) noexcept {
  return static_cast<std::uint8_t>((value << 1) ^ ((value & 0x80) != 0 ? 0x1B : 0x00));
}

constexpr std::uint8_t gf_multiply(std::uint8_t a, std::uint8_t b) noexcept {
  std::uint8_t product = 0;
  for (; b != 0; b = static_cast<std::uint8_t>(b >> 1), a = xtime(a)) {
    if ((b & 1) != 0) product = static_cast<std::uint8_t>(product ^ a);
  }
  return product;
}

constexpr std::uint8_t rotate_left(std::uint8_t value, int bits) noexcept {
  return static_cast<std::uint8_t>((value << bits) | (value >> (8 - bits)));
}

constexpr std::array<std::uint8_t, 256> make_sbox() noexcept {
  std::array<std::uint8_t, 256> box{};
  for (int x = 0; x < 256; ++x) {
    // x^254 is the inverse of x (and 0 for 0): square-and-multiply over 254 = 0b11111110.
    std::uint8_t inverse = 1;
    std::uint8_t power = static_cast<std::uint8_t>(x);
    for (int exponent = 254; exponent != 0; exponent >>= 1, power = gf_multiply(power, power)) {
      if ((exponent & 1) != 0) inverse = gf_multiply(inverse, power);
    }
    if (x == 0) inverse = 0;
    box[static_cast<std::size_t>(x)] =
        static_cast<std::uint8_t>(inverse ^ rotate_left(inverse, 1) ^ rotate_left(inverse, 2) ^
                                  rotate_left(inverse, 3) ^ rotate_left(inverse, 4) ^ 0x63);
  }
  return box;
}

inline constexpr std::array<std::uint8_t, 256> kSbox = make_sbox();

}  // namespace detail

class Aes128 {
 public:
  // The key schedule (FIPS-197, 5.2): 11 round keys of 16 bytes.
  explicit constexpr Aes128(const AesKey& key) noexcept {
    for (std::size_t i = 0; i < 16; ++i) round_keys_[i] = key[i];
    std::uint8_t round_constant = 1;
    for (std::size_t i = 16; i < round_keys_.size(); i += 4) {
      std::uint8_t word[4] = {round_keys_[i - 4], round_keys_[i - 3], round_keys_[i - 2], round_keys_[i - 1]};
      if (i % 16 == 0) {  // RotWord, SubWord, Rcon
        const std::uint8_t first = word[0];
        word[0] = static_cast<std::uint8_t>(detail::kSbox[word[1]] ^ round_constant);
        word[1] = detail::kSbox[word[2]];
        word[2] = detail::kSbox[word[3]];
        word[3] = detail::kSbox[first];
        round_constant = detail::xtime(round_constant);
      }
      for (std::size_t b = 0; b < 4; ++b) round_keys_[i + b] = static_cast<std::uint8_t>(round_keys_[i + b - 16] ^ word[b]);
    }
  }

  // The cipher (FIPS-197, 5.1) on a block whose byte 4c + r is row r, column c of the state.
  constexpr AesBlock encrypt(const AesBlock& input) const noexcept {
    AesBlock state{};
    for (std::size_t i = 0; i < 16; ++i) state[i] = static_cast<std::uint8_t>(input[i] ^ round_keys_[i]);
    for (std::size_t round = 1; round <= 10; ++round) {
      AesBlock shifted{};
      for (std::size_t column = 0; column < 4; ++column) {  // SubBytes and ShiftRows
        for (std::size_t row = 0; row < 4; ++row) {
          shifted[4 * column + row] = detail::kSbox[state[4 * ((column + row) % 4) + row]];
        }
      }
      for (std::size_t column = 0; column < 4; ++column) {
        std::uint8_t* c = &shifted[4 * column];
        if (round != 10) {  // MixColumns, but not in the last round
          const std::uint8_t a0 = c[0], a1 = c[1], a2 = c[2], a3 = c[3];
          const std::uint8_t all = static_cast<std::uint8_t>(a0 ^ a1 ^ a2 ^ a3);
          c[0] = static_cast<std::uint8_t>(a0 ^ all ^ detail::xtime(static_cast<std::uint8_t>(a0 ^ a1)));
          c[1] = static_cast<std::uint8_t>(a1 ^ all ^ detail::xtime(static_cast<std::uint8_t>(a1 ^ a2)));
          c[2] = static_cast<std::uint8_t>(a2 ^ all ^ detail::xtime(static_cast<std::uint8_t>(a2 ^ a3)));
          c[3] = static_cast<std::uint8_t>(a3 ^ all ^ detail::xtime(static_cast<std::uint8_t>(a3 ^ a0)));
        }
        for (std::size_t row = 0; row < 4; ++row) {
          state[4 * column + row] = static_cast<std::uint8_t>(c[row] ^ round_keys_[16 * round + 4 * column + row]);
        }
      }
    }
    return state;
  }

 private:
  std::array<std::uint8_t, 176> round_keys_{};
};

}  // namespace earshot::radio
