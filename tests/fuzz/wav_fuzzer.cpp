// parse_wav and read_mono (earshot/io/wav.hpp) on any bytes: a WAV file is read or refused with
// a message, the samples it claims lie inside the bytes, and reading the header first (a stream,
// as `earshot stream` reads) gives what parsing the whole file gives.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "earshot/io/wav.hpp"
#include "fuzz_check.hpp"

using earshot::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const earshot::WavParseResult whole = earshot::parse_wav(data, size);
  const earshot::WavParseResult header = earshot::parse_wav_header(data, size, size);
  if (!whole.ok()) {
    require(whole.message() != nullptr && std::strchr(whole.message(), '\n') == nullptr, "a WAV error is one line");
    return 0;
  }
  const earshot::WavFile& file = whole.file;
  require(file.channels > 0 && file.sample_rate > 0, "an accepted WAV has channels and a rate");
  const std::size_t frame_bytes = std::size_t{file.channels} * file.bytes_per_sample;
  require(file.data_offset <= size && file.frame_count <= (size - file.data_offset) / frame_bytes,
          "the samples lie inside the bytes");
  require(header.ok() && header.file.data_offset == file.data_offset && header.file.frame_count == file.frame_count,
          "the header alone gives the whole file's layout");
  // In blocks of an odd size, as a stream reads them: every frame once.
  std::vector<float> block(97);
  std::size_t read = 0;
  while (read < file.frame_count) {
    const std::size_t got = file.read_mono(read, block.data(), block.size());
    require(got > 0 && got <= block.size(), "read_mono makes progress within its buffer");
    read += got;
  }
  require(read == file.frame_count && file.read_mono(read, block.data(), block.size()) == 0,
          "read_mono stops at the last frame");
  return 0;
}
