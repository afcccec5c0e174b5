#include "audio_file.hpp"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <new>

#include "earshot/io/wav.hpp"
#include "feature_extraction.hpp"

#if EARSHOT_CLI_HAS_SNDFILE
#include <sndfile.h>
#endif

namespace earshot::cli {

namespace {

// Whether libsndfile may read what the WAV parser refused: an encoding it does not decode, or
// another container (FLAC, Ogg, RF64) by its signature. Broken files (truncated, ...) stay refused
// with the parser's reason.
bool for_sndfile(const std::vector<std::uint8_t>& bytes, WavError error) {
  if (!EARSHOT_CLI_HAS_SNDFILE) return false;
  if (error >= WavError::kUnsupported8BitPcm) return true;
  if (error != WavError::kNotRiff || bytes.size() < 4) return false;
  return std::memcmp(bytes.data(), "fLaC", 4) == 0 || std::memcmp(bytes.data(), "OggS", 4) == 0 ||
         std::memcmp(bytes.data(), "RF64", 4) == 0;
}

#if EARSHOT_CLI_HAS_SNDFILE
// libsndfile reading the bytes already in memory (a file or stdin) through its virtual I/O.
struct MemoryFile {
  const std::vector<std::uint8_t>* bytes;
  sf_count_t position = 0;
  static sf_count_t length(void* self) { return static_cast<sf_count_t>(static_cast<MemoryFile*>(self)->bytes->size()); }
  static sf_count_t seek(sf_count_t offset, int whence, void* self) {
    auto* file = static_cast<MemoryFile*>(self);
    const sf_count_t base = whence == SEEK_SET ? 0 : (whence == SEEK_CUR ? file->position : length(self));
    const sf_count_t target = base + offset;
    if (target < 0 || target > length(self)) return -1;
    file->position = target;
    return target;
  }
  static sf_count_t read(void* out, sf_count_t count, void* self) {
    auto* file = static_cast<MemoryFile*>(self);
    const sf_count_t left = length(self) - file->position;
    const sf_count_t taken = count < left ? count : left;
    if (taken > 0) std::memcpy(out, file->bytes->data() + file->position, static_cast<std::size_t>(taken));
    file->position += taken > 0 ? taken : 0;
    return taken > 0 ? taken : 0;
  }
  static sf_count_t write(const void*, sf_count_t, void*) { return 0; }
  static sf_count_t tell(void* self) { return static_cast<MemoryFile*>(self)->position; }
};

// The bytes through libsndfile, as float (its own scaling: x / 2^(bits-1) for integer PCM).
bool read_with_sndfile(const std::vector<std::uint8_t>& bytes, AudioFile& audio, std::string& error) {
  MemoryFile memory{&bytes};
  SF_VIRTUAL_IO io{MemoryFile::length, MemoryFile::seek, MemoryFile::read, MemoryFile::write, MemoryFile::tell};
  SF_INFO info{};
  SNDFILE* file = sf_open_virtual(&io, SFM_READ, &info, &memory);
  if (file == nullptr) {
    error = std::string("cannot decode: ") + sf_strerror(nullptr);
    return false;
  }
  bool ok = info.channels > 0 && info.samplerate > 0 && info.frames >= 0;
  if (ok) {
    audio.sample_rate = static_cast<std::uint32_t>(info.samplerate);
    audio.channels = static_cast<std::uint16_t>(info.channels);
    const auto channels = static_cast<std::size_t>(info.channels);
    std::vector<float> block(4096 * channels);
    audio.samples.clear();
    sf_count_t got = 0;
    while ((got = sf_readf_float(file, block.data(), 4096)) > 0) {
      for (sf_count_t frame = 0; frame < got; ++frame) {
        const float* values = block.data() + static_cast<std::size_t>(frame) * channels;
        if (channels == 1) {
          audio.samples.push_back(values[0]);
          continue;
        }
        float sum = 0.0f;
        for (std::size_t c = 0; c < channels; ++c) sum += values[c];
        audio.samples.push_back(sum / static_cast<float>(channels));  // as the WAV parser averages
      }
    }
    if (sf_error(file) != SF_ERR_NO_ERROR) {
      error = std::string("cannot decode: ") + sf_strerror(file);
      ok = false;
    }
  } else {
    error = "cannot decode: no channels or no sample rate";
  }
  sf_close(file);
  return ok;
}
#endif

// The whole of standard input (`-` as the file name), for a pipe: `sox ... -t wav - | earshot ...`.
bool read_standard_input(std::vector<std::uint8_t>& bytes, std::string& error) {
  try {
    std::uint8_t chunk[65536];
    std::size_t got = 0;
    while ((got = std::fread(chunk, 1, sizeof chunk, stdin)) > 0) bytes.insert(bytes.end(), chunk, chunk + got);
    if (std::ferror(stdin)) {
      error = "cannot read standard input: " + std::string(std::strerror(errno));
      return false;
    }
  } catch (const std::bad_alloc&) {
    error = "standard input is too large to read into memory";
    return false;
  }
  return true;
}

}  // namespace

bool is_audio_file_name(std::string extension) {
  for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (extension == ".wav") return true;
  return EARSHOT_CLI_HAS_SNDFILE && (extension == ".flac" || extension == ".ogg" || extension == ".oga");
}

bool read_audio_file(const std::string& path, AudioFile& audio, std::string& error) {
  if (path == "-") {
    try {
      std::vector<std::uint8_t> bytes;
      return read_standard_input(bytes, error) && decode_audio_bytes(bytes, audio, error);
    } catch (const std::bad_alloc&) {
      error = "standard input is too large to read into memory";
      return false;
    }
  }
  // Only regular files are read: a directory opens as a stream on Linux and reading it throws
  // from inside libstdc++, a FIFO blocks its reader until a writer comes, and a device such as
  // /dev/zero never ends (std::bad_alloc once memory runs out).
  std::error_code code;
  const std::filesystem::file_status status = std::filesystem::status(path, code);
  if (std::filesystem::is_directory(status)) {
    error = "is a directory, not a WAV file";
    return false;
  }
  if (!code && !std::filesystem::is_regular_file(status)) {
    error = "not a regular file (a FIFO, device or socket)";
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open: " + std::string(std::strerror(errno));
    return false;
  }
  // The file and its float samples are held whole: a file larger than the memory left (a WAV
  // may declare up to 4 GiB of data) is an error line, not an abort from std::bad_alloc.
  const std::uintmax_t size = std::filesystem::file_size(path, code);
  if (code) {
    error = "cannot read: " + code.message();
    return false;
  }
  std::vector<std::uint8_t> bytes;
  try {
    if (size > bytes.max_size()) throw std::bad_alloc();
    bytes.resize(static_cast<std::size_t>(size));
    errno = 0;
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (static_cast<std::size_t>(in.gcount()) != bytes.size()) {
      error = "cannot read: " + std::string(errno != 0 ? std::strerror(errno) : "the file shrank");
      return false;
    }
    if (!decode_audio_bytes(bytes, audio, error)) return false;
  } catch (const std::ios_base::failure&) {  // an I/O error while reading (EIO)
    error = "cannot read: " + std::string(std::strerror(errno));
    return false;
  } catch (const std::bad_alloc&) {
    error = "too large to read into memory (" + std::to_string(size) + " bytes)";
    return false;
  }
  return true;
}

bool decode_audio_bytes(const std::vector<std::uint8_t>& bytes, AudioFile& audio, std::string& error) {
  const WavParseResult parsed = parse_wav(bytes.data(), bytes.size());
  if (!parsed.ok() && for_sndfile(bytes, parsed.error)) {
#if EARSHOT_CLI_HAS_SNDFILE
    if (!read_with_sndfile(bytes, audio, error)) return false;
#endif
  } else if (!parsed.ok()) {
    error = parsed.message();
    return false;
  } else {
    audio.sample_rate = parsed.file.sample_rate;
    audio.channels = parsed.file.channels;
    audio.samples.resize(parsed.file.frame_count);
    parsed.file.read_mono(0, audio.samples.data(), audio.samples.size());
  }
  if (audio.samples.empty()) {
    error = "the file holds no samples";
    return false;
  }
  return check_samples(audio.samples.data(), audio.samples.size(), error);
}

}  // namespace earshot::cli
