// Builds RIFF/WAVE files byte by byte, following the layout in Microsoft's RIFF specification,
// so that the tests of earshot/io/wav.hpp do not depend on the parser they check.
#pragma once

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace earshot::test {

using Bytes = std::vector<std::uint8_t>;

inline void put_le(Bytes& bytes, std::uint64_t value, int size) {
  for (int i = 0; i < size; ++i) bytes.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

inline void put_tag(Bytes& bytes, const char* tag) {
  // push_back rather than a range insert: GCC 12 reports a false -Wstringop-overflow there.
  for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<std::uint8_t>(tag[i]));
}

// A chunk: tag, little-endian size, body and, for an odd size, the pad byte.
inline void put_chunk(Bytes& bytes, const char* tag, const Bytes& body, std::uint32_t declared_size,
                      bool pad = true) {
  put_tag(bytes, tag);
  put_le(bytes, declared_size, 4);
  bytes.insert(bytes.end(), body.begin(), body.end());
  if (pad && body.size() % 2 == 1) bytes.push_back(0);
}

inline void put_chunk(Bytes& bytes, const char* tag, const Bytes& body) {
  put_chunk(bytes, tag, body, static_cast<std::uint32_t>(body.size()));
}

// The 16-byte WAVEFORMAT body: tag, channels, rate, byte rate, block align, bits.
inline Bytes fmt_body(std::uint16_t format_tag, std::uint16_t channels, std::uint32_t rate,
                      std::uint16_t bits, std::uint16_t block_align) {
  Bytes body;
  put_le(body, format_tag, 2);
  put_le(body, channels, 2);
  put_le(body, rate, 4);
  put_le(body, static_cast<std::uint64_t>(rate) * block_align, 4);
  put_le(body, block_align, 2);
  put_le(body, bits, 2);
  return body;
}

inline Bytes fmt_body(std::uint16_t format_tag, std::uint16_t channels, std::uint32_t rate,
                      std::uint16_t bits) {
  return fmt_body(format_tag, channels, rate, bits,
                  static_cast<std::uint16_t>(channels * (bits / 8)));
}

// WAVE_FORMAT_EXTENSIBLE (tag 0xFFFE): WAVEFORMAT, cbSize = 22, valid bits, channel mask and
// the SubFormat GUID {subformat-0000-0010-8000-00AA00389B71}.
inline Bytes extensible_fmt_body(std::uint16_t subformat, std::uint16_t channels,
                                 std::uint32_t rate, std::uint16_t bits,
                                 std::uint8_t guid_last_byte = 0x71) {
  Bytes body = fmt_body(0xFFFE, channels, rate, bits);
  put_le(body, 22, 2);
  put_le(body, bits, 2);
  put_le(body, channels == 1 ? 0x4 : 0x3, 4);
  put_le(body, subformat, 2);
  const Bytes tail = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80,
                      0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, guid_last_byte};
  body.insert(body.end(), tail.begin(), tail.end());
  return body;
}

// "RIFF" size "WAVE" followed by the given chunks; the RIFF size is computed.
inline Bytes riff_wave(const Bytes& chunks) {
  Bytes bytes;
  put_tag(bytes, "RIFF");
  put_le(bytes, 4 + chunks.size(), 4);
  put_tag(bytes, "WAVE");
  bytes.insert(bytes.end(), chunks.begin(), chunks.end());
  return bytes;
}

inline Bytes wav_file(const Bytes& fmt, const Bytes& data) {
  Bytes chunks;
  put_chunk(chunks, "fmt ", fmt);
  put_chunk(chunks, "data", data);
  return riff_wave(chunks);
}

inline Bytes read_file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace earshot::test
