// Writes the inputs of the `earshot` robustness tests into the folder given as argv[1]: files
// the tests/data WAVs do not cover because they are special (a FIFO) or built from values
// (a float WAV whose samples are finite but far beyond full scale).
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "wav_builder.hpp"

namespace {

bool write_file(const std::string& path, const earshot::test::Bytes& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out.flush());
}

// A 16-bit mono 8 kHz WAV holding data_bytes of silence, written sparse: the header, then one
// byte at the end.
bool write_sparse_silence(const std::string& path, std::uint32_t data_bytes) {
  using namespace earshot::test;
  Bytes header;
  put_tag(header, "RIFF");
  put_le(header, 4 + 8 + 16 + 8 + std::uint64_t{data_bytes}, 4);
  put_tag(header, "WAVE");
  put_chunk(header, "fmt ", fmt_body(1, 1, 8000, 16));
  put_tag(header, "data");
  put_le(header, data_bytes, 4);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(header.data()), static_cast<std::streamsize>(header.size()));
  out.seekp(static_cast<std::streamoff>(header.size() + data_bytes - 1));
  out.put('\0');
  return static_cast<bool>(out.flush());
}

// A float32 mono 8 kHz WAV of the given sample bit patterns.
bool write_float_wav(const std::string& path, const std::vector<std::uint32_t>& bits) {
  using namespace earshot::test;
  Bytes data;
  for (const std::uint32_t sample : bits) put_le(data, sample, 4);
  Bytes chunks;
  put_chunk(chunks, "fmt ", fmt_body(3, 1, 8000, 32));
  put_chunk(chunks, "data", data);
  return write_file(path, riff_wave(chunks));
}

}  // namespace

int main(int argc, char** argv) {
  using namespace earshot::test;
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIRECTORY\n", argv[0]);
    return 2;
  }
  const std::string directory = argv[1];
  // 8000 float32 samples of 3e38 at 8 kHz: finite, so no NaN check sees them, but a frame's
  // power (n_fft x 3e38, squared) overflows float32 to inf and inf - inf gives NaN features.
  std::vector<std::uint32_t> beyond(8000, 0x7F61B1E6u);  // 3.0e38f, bit pattern
  // The limit itself: 1e6 is read, 2e6 (sample 1) is not.
  std::vector<std::uint32_t> limit(8002, 0);
  limit[0] = 0x49742400u;  // 1.0e6f
  limit[1] = 0x49F42400u;  // 2.0e6f
  for (const auto& [name, bits] : {std::pair{"beyond_full_scale.wav", beyond}, std::pair{"beyond_the_limit.wav", limit}}) {
    if (!write_float_wav(directory + "/" + name, bits)) {
      std::fprintf(stderr, "%s: cannot write %s\n", argv[0], name);
      return 1;
    }
  }
  // One minute of 16-bit silence at 8 kHz: small, but hop 1 with 512 mels makes 480,001 frames
  // of 512 floats (983 MB) of features.
  Bytes minute;
  put_chunk(minute, "fmt ", fmt_body(1, 1, 8000, 16));
  put_chunk(minute, "data", Bytes(2 * 8000 * 60, 0));
  if (!write_file(directory + "/minute.wav", riff_wave(minute))) {
    std::fprintf(stderr, "%s: cannot write minute.wav\n", argv[0]);
    return 1;
  }
  // A 16-bit mono WAV declaring (and holding) 3,000,000,000 bytes of data, and one hour of
  // silence at 8 kHz (57.6 MB of data: `stream` must read it in blocks, as a device would, not
  // whole, which took 173 MB as bytes and float samples).
  for (const auto& [name, data_bytes] : {std::pair<const char*, std::uint32_t>{"huge.wav", 3000000000u},
                                         std::pair<const char*, std::uint32_t>{"hour.wav", 2u * 8000u * 3600u}}) {
    if (!write_sparse_silence(directory + "/" + name, data_bytes)) {
      std::fprintf(stderr, "%s: cannot write %s\n", argv[0], name);
      return 1;
    }
  }
  // A FIFO with no writer: opening it for reading blocks until someone writes.
  const std::string fifo = directory + "/fifo.wav";
  std::remove(fifo.c_str());
  if (mkfifo(fifo.c_str(), 0600) != 0) {
    std::fprintf(stderr, "%s: mkfifo %s: %s\n", argv[0], fifo.c_str(), std::strerror(errno));
    return 1;
  }
  return 0;
}
