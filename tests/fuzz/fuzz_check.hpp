// What the harnesses share: a property that must hold for every input, checked in every build
// (the fuzz preset and the plain replay of the corpus alike), and the input as a byte reader.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace earshot::fuzz {

// A broken property is a finding: libFuzzer saves the input that broke it.
inline void require(bool holds, const char* property) {
  if (holds) return;
  std::fprintf(stderr, "fuzz property broken: %s\n", property);
  std::abort();
}

// An error meant for a person is one line: not empty, no line break.
inline void require_one_line(const std::string& message, const char* what) {
  require(!message.empty() && message.find('\n') == std::string::npos, what);
}

// Takes fields from the front of the input; past its end every field reads as zero.
class ByteReader {
 public:
  ByteReader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  template <class T>
  T take() {
    T value{};
    const std::size_t count = size_ - used_ < sizeof value ? size_ - used_ : sizeof value;
    if (count > 0) std::memcpy(&value, data_ + used_, count);
    used_ += count;
    return value;
  }

  // One of `count` choices.
  std::size_t choice(std::size_t count) { return take<std::uint8_t>() % count; }

  const std::uint8_t* rest() const { return data_ + used_; }
  std::size_t rest_size() const { return size_ - used_; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t used_ = 0;
};

}  // namespace earshot::fuzz
