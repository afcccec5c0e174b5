// Writes and reads float32 arrays in NumPy's .npy format (version 1.0, '<f4', any shape), the
// exchange format between earshot's tools and Python. Layout from numpy's format spec
// (numpy/lib/format.py): magic, version, header length, a Python dict literal padded to 64 bytes.
// Host-only (std::vector, std::string, iostreams): never include it in firmware.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <istream>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

namespace earshot {

struct NpyArray {
  std::vector<std::size_t> shape;  // empty for a 0-d array
  std::vector<float> values;       // C order (row-major), product(shape) values
};

struct NpyReadResult {
  NpyArray array;
  std::string error;  // empty on success, else one line
  bool ok() const noexcept { return error.empty(); }
};

namespace detail {

constexpr char kNpyMagic[] = "\x93NUMPY";
constexpr std::size_t kNpyMagicSize = 6;
constexpr std::size_t kNpyAlignment = 64;  // numpy >= 1.14 pads the header to 64 bytes

inline std::size_t npy_element_count(const std::vector<std::size_t>& shape) {
  std::size_t count = 1;
  for (const std::size_t dimension : shape) count *= dimension;
  return count;
}

// False when the shape's float32 bytes do not fit in a size_t (a corrupt header).
inline bool npy_byte_count(const std::vector<std::size_t>& shape, std::size_t& bytes) {
  constexpr std::size_t kLimit = std::numeric_limits<std::size_t>::max();
  bytes = 4;
  for (const std::size_t dimension : shape) {
    if (dimension != 0 && bytes > kLimit / dimension) return false;
    bytes *= dimension;
  }
  return true;
}

// Reads `size` bytes, growing the buffer at most 1 MiB ahead of what the stream delivered, so
// that a corrupt length field costs an error, not an allocation of the size it claims.
template <class Byte>
bool npy_read_exactly(std::istream& in, std::size_t size, std::vector<Byte>& bytes) {
  constexpr std::size_t kStep = std::size_t{1} << 20;
  bytes.clear();
  while (bytes.size() < size) {
    const std::size_t done = bytes.size();
    const std::size_t step = size - done < kStep ? size - done : kStep;
    bytes.resize(done + step);
    in.read(reinterpret_cast<char*>(bytes.data() + done), static_cast<std::streamsize>(step));
    if (static_cast<std::size_t>(in.gcount()) != step) return false;
  }
  return true;
}

inline std::string npy_shape_literal(const std::vector<std::size_t>& shape) {
  std::string text = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(shape[i]);
  }
  // A one-element Python tuple needs its trailing comma.
  if (shape.size() == 1) text += ",";
  return text + ")";
}

inline void skip_spaces(const std::string& text, std::size_t& position) {
  while (position < text.size() && (text[position] == ' ' || text[position] == '\t')) {
    ++position;
  }
}

// Position just after `'key':` (or `"key":`) and the spaces that follow, or npos.
inline std::size_t npy_find_value(const std::string& header, const char* key) {
  for (const char quote : {'\'', '"'}) {
    const std::string pattern = std::string(1, quote) + key + quote;
    std::size_t position = header.find(pattern);
    if (position == std::string::npos) continue;
    position += pattern.size();
    skip_spaces(header, position);
    if (position >= header.size() || header[position] != ':') return std::string::npos;
    ++position;
    skip_spaces(header, position);
    return position;
  }
  return std::string::npos;
}

// True when the quoted string `literal` ('<f4' or "<f4") starts at `position`; never reads past
// the header's end (a value may be cut off there).
inline bool npy_quoted_value_is(const std::string& header, std::size_t position, const char* literal) {
  const std::size_t length = std::strlen(literal);
  if (position >= header.size() || (header[position] != '\'' && header[position] != '"')) return false;
  if (header.size() - position < length + 2) return false;
  return header.compare(position + 1, length, literal) == 0 && header[position + 1 + length] == header[position];
}

inline bool npy_parse_shape(const std::string& header, std::size_t position,
                            std::vector<std::size_t>& shape) {
  if (position >= header.size() || header[position] != '(') return false;
  ++position;
  while (true) {
    skip_spaces(header, position);
    if (position >= header.size()) return false;
    if (header[position] == ')') return true;
    if (header[position] < '0' || header[position] > '9') return false;
    std::size_t dimension = 0;
    while (position < header.size() && header[position] >= '0' && header[position] <= '9') {
      const auto digit = static_cast<std::size_t>(header[position] - '0');
      if (dimension > (std::numeric_limits<std::size_t>::max() - digit) / 10) return false;
      dimension = dimension * 10 + digit;
      ++position;
    }
    shape.push_back(dimension);
    skip_spaces(header, position);
    if (position < header.size() && header[position] == ',') ++position;
  }
}

inline float npy_decode_f4(const unsigned char* p) {
  const std::uint32_t bits =
      static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
      (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

}  // namespace detail

// The complete header (magic to the final '\n') that write_npy emits for `shape`.
inline std::string npy_header(const std::vector<std::size_t>& shape) {
  std::string dict =
      "{'descr': '<f4', 'fortran_order': False, 'shape': " + detail::npy_shape_literal(shape) +
      ", }";
  const std::size_t fixed = detail::kNpyMagicSize + 2 + 2;  // magic, version, header length
  const std::size_t unpadded = fixed + dict.size() + 1;     // + '\n'
  const std::size_t padding =
      (detail::kNpyAlignment - unpadded % detail::kNpyAlignment) % detail::kNpyAlignment;
  dict.append(padding, ' ');
  dict += '\n';
  const std::size_t header_length = dict.size();
  std::string header(detail::kNpyMagic, detail::kNpyMagicSize);
  header += '\x01';
  header += '\x00';
  header += static_cast<char>(header_length & 0xFF);
  header += static_cast<char>((header_length >> 8) & 0xFF);
  return header + dict;
}

// Writes values (C order, product(shape) of them) as little-endian float32. Returns the
// stream's state after writing.
inline bool write_npy(std::ostream& out, const float* values,
                      const std::vector<std::size_t>& shape) {
  out << npy_header(shape);
  const std::size_t count = detail::npy_element_count(shape);
  std::vector<char> bytes(count * 4);
  for (std::size_t i = 0; i < count; ++i) {
    std::uint32_t bits;
    std::memcpy(&bits, &values[i], sizeof bits);
    for (std::size_t b = 0; b < 4; ++b) {
      bytes[i * 4 + b] = static_cast<char>((bits >> (8 * b)) & 0xFF);
    }
  }
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out);
}

// False if the file cannot be opened or any byte of it cannot be written. The flush matters: a
// small array stays in the stream's buffer, and a failure there (a full disk) was never seen.
inline bool save_npy(const std::string& path, const float* values,
                     const std::vector<std::size_t>& shape) {
  std::ofstream out(path, std::ios::binary);
  return out && write_npy(out, values, shape) && out.flush();
}

// Reads a version 1.0 or 2.0 .npy holding '<f4' values; Fortran-ordered arrays are returned
// in C order.
inline NpyReadResult read_npy(std::istream& in) {
  NpyReadResult result;
  unsigned char preamble[12] = {};
  in.read(reinterpret_cast<char*>(preamble), 8);
  if (!in || std::memcmp(preamble, detail::kNpyMagic, detail::kNpyMagicSize) != 0) {
    result.error = "not a .npy file (bad magic)";
    return result;
  }
  std::size_t header_length = 0;
  if (preamble[6] == 1) {
    in.read(reinterpret_cast<char*>(preamble + 8), 2);
    header_length = static_cast<std::size_t>(preamble[8] | (preamble[9] << 8));
  } else if (preamble[6] == 2 || preamble[6] == 3) {
    in.read(reinterpret_cast<char*>(preamble + 8), 4);
    header_length = static_cast<std::size_t>(preamble[8]) |
                    (static_cast<std::size_t>(preamble[9]) << 8) |
                    (static_cast<std::size_t>(preamble[10]) << 16) |
                    (static_cast<std::size_t>(preamble[11]) << 24);
  } else {
    result.error = "unsupported .npy version " + std::to_string(preamble[6]);
    return result;
  }
  std::vector<char> header_bytes;
  if (!detail::npy_read_exactly(in, header_length, header_bytes)) {
    result.error = "truncated .npy header";
    return result;
  }
  const std::string header(header_bytes.begin(), header_bytes.end());
  std::size_t position = detail::npy_find_value(header, "descr");
  if (position == std::string::npos) {
    result.error = "invalid .npy header (no descr)";
    return result;
  }
  if (!detail::npy_quoted_value_is(header, position, "<f4")) {
    // The value, without what follows, at most 16 characters, each unprintable one as '?': a
    // corrupt header must not break the message's single line.
    const std::size_t end = header.find_first_of(",}", position);
    std::string value = header.substr(position, std::min<std::size_t>(end == std::string::npos ? 6 : end - position, 16));
    for (char& c : value) {
      if (c < ' ' || c > '~') c = '?';
    }
    result.error = "unsupported .npy dtype " + (value.empty() ? std::string("(none)") : value) +
                   " (only little-endian float32 '<f4')";
    return result;
  }
  position = detail::npy_find_value(header, "fortran_order");
  if (position == std::string::npos) {
    result.error = "invalid .npy header (no fortran_order)";
    return result;
  }
  const bool fortran_order = header.compare(position, 4, "True") == 0;
  position = detail::npy_find_value(header, "shape");
  if (position == std::string::npos ||
      !detail::npy_parse_shape(header, position, result.array.shape)) {
    result.error = "invalid .npy header (no shape tuple)";
    return result;
  }
  std::size_t byte_count = 0;
  if (!detail::npy_byte_count(result.array.shape, byte_count)) {
    result.error = "invalid .npy header (shape " + detail::npy_shape_literal(result.array.shape) +
                   " is too large)";
    return result;
  }
  const std::size_t count = byte_count / 4;
  std::vector<unsigned char> bytes;
  if (!detail::npy_read_exactly(in, byte_count, bytes)) {
    result.error = "truncated .npy data: expected " + std::to_string(count) + " float32 values";
    return result;
  }
  std::vector<float>& values = result.array.values;
  values.resize(count);
  if (!fortran_order) {
    for (std::size_t i = 0; i < count; ++i) values[i] = detail::npy_decode_f4(&bytes[i * 4]);
    return result;
  }
  // Fortran order: the first index varies fastest. Walk the C-order index like an odometer
  // whose last digit is the fastest and read each element from its Fortran position.
  const std::vector<std::size_t>& shape = result.array.shape;
  std::vector<std::size_t> index(shape.size(), 0);
  for (std::size_t i = 0; i < count; ++i) {
    std::size_t source = 0;
    for (std::size_t d = shape.size(); d-- > 0;) source = source * shape[d] + index[d];
    values[i] = detail::npy_decode_f4(&bytes[source * 4]);
    for (std::size_t d = shape.size(); d-- > 0;) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
  return result;
}

inline NpyReadResult load_npy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    NpyReadResult result;
    result.error = "cannot open " + path;
    return result;
  }
  NpyReadResult result = read_npy(in);
  if (!result.ok()) result.error = path + ": " + result.error;
  return result;
}

}  // namespace earshot
