#include "audio_file.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdint>
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
// A RIFF WAVE or RF64 file reduced to what decoding needs (the ds64, fmt, fact and data chunks)
// before libsndfile sees it: libsndfile 1.2 loops forever on some malformed INFO lists inside a
// LIST chunk (libsndfile/libsndfile#1118, open; the audio_file fuzzer found one in each kind of
// file), and metadata chunks carry nothing earshot uses. Other containers (FLAC, Ogg) are passed
// unchanged. A chunk that runs past the end is cut there, as a truncated data chunk is read as
// far as it goes. RF64 keeps its 0xFFFFFFFF size fields; its ds64 chunk's 64-bit RIFF size is
// set to the shorter file.
std::vector<std::uint8_t> without_metadata_chunks(const std::vector<std::uint8_t>& bytes) {
  if (bytes.size() < 12) return bytes;
  const bool rf64 = std::memcmp(bytes.data(), "RF64", 4) == 0;
  if (!rf64 && std::memcmp(bytes.data(), "RIFF", 4) != 0) return bytes;
  std::vector<std::uint8_t> kept(bytes.begin(), bytes.begin() + 12);
  std::size_t ds64_at = 0;
  for (std::size_t at = 12; at + 8 <= bytes.size();) {
    const std::uint8_t* chunk = bytes.data() + at;
    const std::size_t declared = static_cast<std::size_t>(chunk[4]) | static_cast<std::size_t>(chunk[5]) << 8 |
                                 static_cast<std::size_t>(chunk[6]) << 16 | static_cast<std::size_t>(chunk[7]) << 24;
    const std::size_t size = std::min(declared, bytes.size() - at - 8);
    const bool ds64 = rf64 && std::memcmp(chunk, "ds64", 4) == 0;
    if (ds64 || std::memcmp(chunk, "fmt ", 4) == 0 || std::memcmp(chunk, "fact", 4) == 0 ||
        std::memcmp(chunk, "data", 4) == 0) {
      if (ds64 && ds64_at == 0) ds64_at = kept.size();
      kept.insert(kept.end(), chunk, chunk + 8 + size);
      if (size % 2 == 1) kept.push_back(0);  // RIFF pads an odd chunk to an even size
    }
    at += 8 + size + (size % 2);
  }
  const std::size_t riff_size = kept.size() - 8;
  if (!rf64) {
    for (std::size_t b = 0; b < 4; ++b) kept[4 + b] = static_cast<std::uint8_t>(riff_size >> (8 * b));
  } else if (ds64_at != 0 && kept.size() >= ds64_at + 16) {
    for (std::size_t b = 0; b < 8; ++b) {
      kept[ds64_at + 8 + b] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(riff_size) >> (8 * b));
    }
  }
  return kept;
}

// Interleaved frames to mono, as the WAV parser averages (the float sum divided by the count).
void average_channels(const float* interleaved, std::size_t frames, std::size_t channels, float* out) {
  for (std::size_t frame = 0; frame < frames; ++frame) {
    const float* values = interleaved + frame * channels;
    if (channels == 1) {
      out[frame] = values[0];
      continue;
    }
    float sum = 0.0f;
    for (std::size_t c = 0; c < channels; ++c) sum += values[c];
    out[frame] = sum / static_cast<float>(channels);
  }
}

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
bool read_with_sndfile(const std::vector<std::uint8_t>& file_bytes, AudioFile& audio, std::string& error) {
  const std::vector<std::uint8_t> bytes = without_metadata_chunks(file_bytes);
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
      const std::size_t first = audio.samples.size();
      audio.samples.resize(first + static_cast<std::size_t>(got));
      average_channels(block.data(), static_cast<std::size_t>(got), channels, audio.samples.data() + first);
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

// The rest of `file` (standard input, or a file whose start is already read), appended.
bool read_to_end(std::FILE* file, std::vector<std::uint8_t>& bytes, std::string& error) {
  const char* what = file == stdin ? "standard input" : "the file";
  try {
    std::uint8_t chunk[65536];
    std::size_t got = 0;
    while ((got = std::fread(chunk, 1, sizeof chunk, file)) > 0) bytes.insert(bytes.end(), chunk, chunk + got);
    if (std::ferror(file)) {
      error = std::string("cannot read ") + what + ": " + std::strerror(errno);
      return false;
    }
  } catch (const std::bad_alloc&) {
    error = std::string(what) + " is too large to read into memory";
    return false;
  }
  return true;
}

// Only regular files are read: a directory opens as a stream on Linux and reading it throws
// from inside libstdc++, a FIFO blocks its reader until a writer comes, and a device such as
// /dev/zero never ends (std::bad_alloc once memory runs out). A path that does not exist passes:
// opening it then names the problem.
bool is_readable_file(const std::string& path, std::string& error) {
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
      return read_to_end(stdin, bytes, error) && decode_audio_bytes(bytes, audio, error);
    } catch (const std::bad_alloc&) {
      error = "standard input is too large to read into memory";
      return false;
    }
  }
  if (!is_readable_file(path, error)) return false;
  std::error_code code;
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


AudioReader::~AudioReader() {
  if (file_ != nullptr && !is_stdin_) std::fclose(file_);
#if EARSHOT_CLI_HAS_SNDFILE
  if (sndfile_ != nullptr) sf_close(static_cast<SNDFILE*>(sndfile_));
#endif
}

bool AudioReader::open(const std::string& path, std::string& error) {
  is_stdin_ = path == "-";
  std::size_t file_size = SIZE_MAX;  // a pipe's is unknown
  if (is_stdin_) {
    file_ = stdin;
  } else {
    if (!is_readable_file(path, error)) return false;
    file_ = std::fopen(path.c_str(), "rb");
    if (file_ == nullptr) {
      error = "cannot open: " + std::string(std::strerror(errno));
      return false;
    }
    std::error_code code;
    const std::uintmax_t size = std::filesystem::file_size(path, code);
    if (code) {
      error = "cannot read: " + code.message();
      return false;
    }
    file_size = size < SIZE_MAX ? static_cast<std::size_t>(size) : SIZE_MAX - 1;
  }
  // The header: the chunks before the samples fit in the first MiB of any real file.
  constexpr std::size_t kHeaderBytes = std::size_t{1} << 20;
  bytes_.resize(std::min(kHeaderBytes, file_size));
  const std::size_t got = std::fread(bytes_.data(), 1, bytes_.size(), file_);
  if (std::ferror(file_)) {
    error = "cannot read: " + std::string(std::strerror(errno));
    return false;
  }
  bytes_.resize(got);
  const WavParseResult header = parse_wav_header(bytes_.data(), bytes_.size(), is_stdin_ ? SIZE_MAX : file_size);
  if (header.ok()) {
    source_ = Source::kWav;
    wav_ = header.file;
    sample_rate_ = wav_.sample_rate;
    frames_left_ = wav_.frame_count;
    bytes_.erase(bytes_.begin(), bytes_.begin() + static_cast<std::ptrdiff_t>(std::min(wav_.data_offset, got)));
    if (frames_left_ == 0) {
      error = "the file holds no samples";
      return false;
    }
    return true;
  }
  if (!for_sndfile(bytes_, header.error)) {
    error = header.message();
    return false;
  }
#if EARSHOT_CLI_HAS_SNDFILE
  // libsndfile seeks in what it decodes: standard input is read whole first. So are a RIFF WAVE
  // file of an encoding only libsndfile reads (8-bit, A-law, ...) and an RF64 file: their
  // metadata chunks are left out first (without_metadata_chunks), which costs RF64 its bounded
  // memory but not a hang.
  if (is_stdin_ || (bytes_.size() >= 4 && (std::memcmp(bytes_.data(), "RIFF", 4) == 0 ||
                                           std::memcmp(bytes_.data(), "RF64", 4) == 0))) {
    source_ = Source::kMemory;
    if (!read_to_end(file_, bytes_, error) || !decode_audio_bytes(bytes_, whole_, error)) return false;
    bytes_.clear();
    bytes_.shrink_to_fit();
    sample_rate_ = whole_.sample_rate;
    return true;
  }
  std::fclose(file_);
  file_ = nullptr;
  SF_INFO info{};
  SNDFILE* file = sf_open(path.c_str(), SFM_READ, &info);
  if (file == nullptr) {
    error = std::string("cannot decode: ") + sf_strerror(nullptr);
    return false;
  }
  sndfile_ = file;
  if (!(info.channels > 0 && info.samplerate > 0)) {
    error = "cannot decode: no channels or no sample rate";
    return false;
  }
  source_ = Source::kSndfile;
  channels_ = static_cast<std::size_t>(info.channels);
  sample_rate_ = static_cast<std::uint32_t>(info.samplerate);
  return true;
#else
  return false;  // for_sndfile is false without libsndfile
#endif
}

bool AudioReader::read_wav(float* out, std::size_t max, std::size_t& count, std::string& error) {
  const std::size_t block_align = static_cast<std::size_t>(wav_.channels) * wav_.bytes_per_sample;
  const std::size_t frames = static_cast<std::size_t>(std::min<std::uint64_t>(max, frames_left_));
  const std::size_t wanted = frames * block_align;
  if (bytes_.size() < wanted) {
    const std::size_t had = bytes_.size();
    bytes_.resize(wanted);
    const std::size_t got = std::fread(bytes_.data() + had, 1, wanted - had, file_);
    bytes_.resize(had + got);
    if (std::ferror(file_)) {
      error = "cannot read: " + std::string(std::strerror(errno));
      return false;
    }
    if (bytes_.size() < wanted) {
      if (!is_stdin_) {  // the data chunk's size was checked against the file's
        error = "cannot read: the file shrank";
        return false;
      }
      frames_left_ = bytes_.size() / block_align;  // a pipe ends where its writer stops
    }
  }
  count = std::min(frames, bytes_.size() / block_align);
  WavFile block = wav_;
  block.data = bytes_.data();
  block.frame_count = count;
  block.read_mono(0, out, count);
  bytes_.erase(bytes_.begin(), bytes_.begin() + static_cast<std::ptrdiff_t>(count * block_align));
  frames_left_ -= count;
  return true;
}

bool AudioReader::read(float* out, std::size_t max, std::size_t& count, std::string& error) {
  count = 0;
  switch (source_) {
    case Source::kWav:
      if (!read_wav(out, max, count, error)) return false;
      break;
    case Source::kMemory: {
      const std::size_t first = static_cast<std::size_t>(samples_read_);
      count = std::min(max, whole_.samples.size() - first);
      std::copy(whole_.samples.begin() + static_cast<std::ptrdiff_t>(first),
                whole_.samples.begin() + static_cast<std::ptrdiff_t>(first + count), out);
      break;
    }
    case Source::kSndfile: {
#if EARSHOT_CLI_HAS_SNDFILE
      auto* file = static_cast<SNDFILE*>(sndfile_);
      interleaved_.resize(max * channels_);
      const sf_count_t got = sf_readf_float(file, interleaved_.data(), static_cast<sf_count_t>(max));
      if (sf_error(file) != SF_ERR_NO_ERROR) {
        error = std::string("cannot decode: ") + sf_strerror(file);
        return false;
      }
      count = got > 0 ? static_cast<std::size_t>(got) : 0;
      average_channels(interleaved_.data(), count, channels_, out);
#endif
      break;
    }
  }
  if (!check_samples(out, count, error, samples_read_)) return false;
  samples_read_ += count;
  return true;
}

}  // namespace earshot::cli
