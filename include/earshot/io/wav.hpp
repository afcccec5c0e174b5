// Reads RIFF/WAVE audio held in memory (a file loaded on the host, or a clip embedded in flash)
// without allocating. Layout from Microsoft's RIFF/WAVE specification (fmt chunk, WAVE_FORMAT_*
// tags, WAVE_FORMAT_EXTENSIBLE SubFormat GUIDs); sample scaling as libsndfile/soundfile read
// float32 (int16 / 32768, int24 / 8388608, int32 / 2147483648).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace earshot {

enum class WavError : std::uint8_t {
  kNone,
  kNotRiff,
  kNotWave,
  kNoFmt,
  kNoData,
  kTruncated,
  kPartialFrame,
  kZeroChannels,
  kZeroSampleRate,
  kBlockAlignMismatch,
  kUnsupported8BitPcm,
  kUnsupportedPcmDepth,
  kUnsupported64BitFloat,
  kUnsupportedFloatDepth,
  kUnsupportedALaw,
  kUnsupportedMuLaw,
  kUnsupportedAdpcm,
  kUnsupportedEncoding,
  kUnsupportedSubFormat,
  kHeaderBeyondBytes,
};

// One line, no trailing newline, suitable after a "program: file: " prefix.
constexpr const char* wav_error_message(WavError error) noexcept {
  switch (error) {
    case WavError::kNone:
      return "no error";
    case WavError::kNotRiff:
      return "not a WAV file (no RIFF header)";
    case WavError::kNotWave:
      return "not a WAV file (RIFF form type is not WAVE)";
    case WavError::kHeaderBeyondBytes:
      return "invalid WAV file: the chunks before the audio data are longer than the bytes read";
    case WavError::kNoFmt:
      return "invalid WAV file: no fmt chunk before the end of the file";
    case WavError::kNoData:
      return "invalid WAV file: no data chunk";
    case WavError::kTruncated:
      return "truncated WAV file: a chunk (fmt or data) is shorter than its header declares";
    case WavError::kPartialFrame:
      return "invalid WAV file: data chunk size is not a whole number of frames";
    case WavError::kZeroChannels:
      return "invalid WAV file: zero channels";
    case WavError::kZeroSampleRate:
      return "invalid WAV file: sample rate is zero";
    case WavError::kBlockAlignMismatch:
      return "invalid WAV file: block align does not equal channels x bytes per sample";
    case WavError::kUnsupported8BitPcm:
      return "unsupported WAV format: 8-bit PCM (use 16, 24 or 32-bit PCM or 32-bit float)";
    case WavError::kUnsupportedPcmDepth:
      return "unsupported WAV format: PCM bit depth other than 16, 24 or 32";
    case WavError::kUnsupported64BitFloat:
      return "unsupported WAV format: 64-bit float (use 32-bit float)";
    case WavError::kUnsupportedFloatDepth:
      return "unsupported WAV format: float bit depth other than 32";
    case WavError::kUnsupportedALaw:
      return "unsupported WAV format: A-law";
    case WavError::kUnsupportedMuLaw:
      return "unsupported WAV format: mu-law";
    case WavError::kUnsupportedAdpcm:
      return "unsupported WAV format: ADPCM";
    case WavError::kUnsupportedEncoding:
      return "unsupported WAV format: compressed or unknown encoding (not PCM or IEEE float)";
    case WavError::kUnsupportedSubFormat:
      return "unsupported WAV format: WAVE_FORMAT_EXTENSIBLE subformat is not PCM or IEEE float";
  }
  return "unknown WAV error";
}

enum class WavSampleFormat : std::uint8_t { kInt16, kInt24, kInt32, kFloat32 };

// A parsed file: a view into the caller's bytes (which must outlive it), never a copy.
struct WavFile {
  std::uint32_t sample_rate = 0;
  std::uint16_t channels = 0;
  WavSampleFormat sample_format = WavSampleFormat::kInt16;
  std::uint16_t bytes_per_sample = 0;
  std::size_t frame_count = 0;  // samples per channel
  const std::uint8_t* data = nullptr;
  std::size_t data_offset = 0;  // of the first sample in the file

  // Converts frames [first_frame, first_frame + max_frames) to float32, averaging the channels,
  // into out[0 .. returned). Returns how many frames were written (fewer at the end of the file).
  std::size_t read_mono(std::size_t first_frame, float* out, std::size_t max_frames) const noexcept;
};

struct WavParseResult {
  WavError error = WavError::kNone;
  WavFile file;  // valid only when error == kNone
  bool ok() const noexcept { return error == WavError::kNone; }
  const char* message() const noexcept { return wav_error_message(error); }
};

// Parses bytes[0, size): on success result.file views the samples inside bytes.
inline WavParseResult parse_wav(const void* bytes, std::size_t size) noexcept;

// Parses the header of a file of file_size bytes from its first `available` bytes, for reading
// the samples in blocks (a long recording, a pipe): the chunks up to the data chunk's header must
// lie within them (kHeaderBeyondBytes otherwise). result.file.data_offset says where the samples
// start and frame_count how many the data chunk declares (checked against file_size, which is
// SIZE_MAX when unknown, as for a pipe: its writer cannot go back to fix the size). data points at
// the first sample if it is within the bytes, else nullptr. For a block of whole frames read
// from the file, a copy of result.file with `data` and `frame_count` set to the block's decodes it
// with read_mono exactly as parse_wav of the whole file would.
inline WavParseResult parse_wav_header(const void* bytes, std::size_t available, std::size_t file_size) noexcept;

// ---------------------------------------------------------------------------------------------

namespace detail {

inline std::uint16_t read_le16(const std::uint8_t* p) noexcept {
  return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}

inline std::uint32_t read_le32(const std::uint8_t* p) noexcept {
  return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
         (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}

inline bool has_tag(const std::uint8_t* p, const char* tag) noexcept {
  return std::memcmp(p, tag, 4) == 0;
}

constexpr std::uint16_t kWaveFormatPcm = 0x0001;
constexpr std::uint16_t kWaveFormatAdpcm = 0x0002;
constexpr std::uint16_t kWaveFormatIeeeFloat = 0x0003;
constexpr std::uint16_t kWaveFormatALaw = 0x0006;
constexpr std::uint16_t kWaveFormatMuLaw = 0x0007;
constexpr std::uint16_t kWaveFormatImaAdpcm = 0x0011;
constexpr std::uint16_t kWaveFormatExtensible = 0xFFFE;

// KSDATAFORMAT_SUBTYPE_* GUIDs are {tag}-0000-0010-8000-00AA00389B71: the bytes after the tag.
constexpr std::uint8_t kSubFormatGuidTail[14] = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80,
                                                 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};

// Maps a (format tag, bits) pair to a sample format, or to the reason it is not supported.
inline WavError classify_encoding(std::uint16_t tag, std::uint16_t bits,
                                  WavSampleFormat& format) noexcept {
  switch (tag) {
    case kWaveFormatPcm:
      if (bits == 16)
        format = WavSampleFormat::kInt16;
      else if (bits == 24)
        format = WavSampleFormat::kInt24;
      else if (bits == 32)
        format = WavSampleFormat::kInt32;
      else
        return bits == 8 ? WavError::kUnsupported8BitPcm : WavError::kUnsupportedPcmDepth;
      return WavError::kNone;
    case kWaveFormatIeeeFloat:
      if (bits == 32) {
        format = WavSampleFormat::kFloat32;
        return WavError::kNone;
      }
      return bits == 64 ? WavError::kUnsupported64BitFloat : WavError::kUnsupportedFloatDepth;
    case kWaveFormatALaw:
      return WavError::kUnsupportedALaw;
    case kWaveFormatMuLaw:
      return WavError::kUnsupportedMuLaw;
    case kWaveFormatAdpcm:
    case kWaveFormatImaAdpcm:
      return WavError::kUnsupportedAdpcm;
    default:
      return WavError::kUnsupportedEncoding;
  }
}

// Parses the body of a fmt chunk into `file` (all but data and frame_count).
inline WavError parse_fmt(const std::uint8_t* body, std::uint32_t size, WavFile& file) noexcept {
  if (size < 16) return WavError::kTruncated;
  std::uint16_t tag = read_le16(body);
  const std::uint16_t channels = read_le16(body + 2);
  const std::uint32_t sample_rate = read_le32(body + 4);
  const std::uint16_t block_align = read_le16(body + 12);
  const std::uint16_t bits = read_le16(body + 14);
  if (tag == kWaveFormatExtensible) {
    // cbSize(2) validBits(2) channelMask(4) SubFormat(16) follow the 16-byte WAVEFORMAT.
    if (size < 40) return WavError::kTruncated;
    const std::uint8_t* guid = body + 24;
    if (std::memcmp(guid + 2, kSubFormatGuidTail, sizeof kSubFormatGuidTail) != 0) {
      return WavError::kUnsupportedSubFormat;
    }
    tag = read_le16(guid);
    if (tag != kWaveFormatPcm && tag != kWaveFormatIeeeFloat) {
      return WavError::kUnsupportedSubFormat;
    }
  }
  WavSampleFormat format = WavSampleFormat::kInt16;
  const WavError encoding = classify_encoding(tag, bits, format);
  if (encoding != WavError::kNone) return encoding;
  if (channels == 0) return WavError::kZeroChannels;
  if (sample_rate == 0) return WavError::kZeroSampleRate;
  const std::uint16_t bytes_per_sample = static_cast<std::uint16_t>(bits / 8);
  if (block_align != static_cast<std::uint32_t>(channels) * bytes_per_sample) {
    return WavError::kBlockAlignMismatch;
  }
  file.sample_rate = sample_rate;
  file.channels = channels;
  file.sample_format = format;
  file.bytes_per_sample = bytes_per_sample;
  return WavError::kNone;
}

inline float decode_sample(const std::uint8_t* p, WavSampleFormat format) noexcept {
  switch (format) {
    case WavSampleFormat::kInt16:
      return static_cast<float>(static_cast<std::int16_t>(read_le16(p))) * (1.0f / 32768.0f);
    case WavSampleFormat::kInt24: {
      // Place the 24 bits at the top of a 32-bit word so the sign extends for free.
      const std::uint32_t word = (static_cast<std::uint32_t>(p[0]) << 8) |
                                 (static_cast<std::uint32_t>(p[1]) << 16) |
                                 (static_cast<std::uint32_t>(p[2]) << 24);
      return static_cast<float>(static_cast<std::int32_t>(word) >> 8) * (1.0f / 8388608.0f);
    }
    case WavSampleFormat::kInt32:
      return static_cast<float>(static_cast<std::int32_t>(read_le32(p))) * (1.0f / 2147483648.0f);
    case WavSampleFormat::kFloat32: {
      const std::uint32_t bits = read_le32(p);
      float value;
      std::memcpy(&value, &bits, sizeof value);
      return value;
    }
  }
  return 0.0f;
}

}  // namespace detail

inline WavParseResult parse_wav_header(const void* bytes, std::size_t available, std::size_t file_size) noexcept {
  WavParseResult result;
  const auto* base = static_cast<const std::uint8_t*>(bytes);
  if (available > file_size) available = file_size;
  if (available < 8 || !detail::has_tag(base, "RIFF")) {
    result.error = WavError::kNotRiff;
    return result;
  }
  if (available < 12 || !detail::has_tag(base + 8, "WAVE")) {
    result.error = WavError::kNotWave;
    return result;
  }
  // The RIFF size field is ignored: writers that stream often leave it wrong, and the chunks
  // themselves say where everything is. Chunks are walked until both fmt and data are found.
  bool have_fmt = false;
  bool have_data = false;
  std::uint32_t data_size = 0;
  std::size_t position = 12;
  while (file_size - position >= 8 && !(have_fmt && have_data)) {
    if (position > available || available - position < 8) {  // in the file but not in the bytes
      result.error = WavError::kHeaderBeyondBytes;
      return result;
    }
    const std::uint8_t* header = base + position;
    const std::uint32_t chunk_size = detail::read_le32(header + 4);
    const std::size_t in_file = file_size - position - 8;
    if (detail::has_tag(header, "fmt ")) {
      if (chunk_size > in_file) {
        result.error = WavError::kTruncated;
        return result;
      }
      if (chunk_size > available - position - 8) {
        result.error = WavError::kHeaderBeyondBytes;
        return result;
      }
      const WavError fmt_error = detail::parse_fmt(header + 8, chunk_size, result.file);
      if (fmt_error != WavError::kNone) {
        result.error = fmt_error;
        return result;
      }
      have_fmt = true;
    } else if (detail::has_tag(header, "data")) {
      // A declared size past the end of the file is an error rather than silently shorter
      // audio: features of a cut-off recording should not pass for the real thing.
      if (chunk_size > in_file) {
        result.error = WavError::kTruncated;
        return result;
      }
      result.file.data_offset = position + 8;
      data_size = chunk_size;
      have_data = true;
    }
    // Chunks are word aligned: an odd-sized chunk is followed by one pad byte.
    const std::size_t advance = 8 + static_cast<std::size_t>(chunk_size) + (chunk_size & 1u);
    if (advance > file_size - position) break;
    position += advance;
  }
  if (!have_fmt) {
    result.error = WavError::kNoFmt;
    return result;
  }
  if (!have_data) {
    result.error = WavError::kNoData;
    return result;
  }
  const std::size_t block_align =
      static_cast<std::size_t>(result.file.channels) * result.file.bytes_per_sample;
  if (data_size % block_align != 0) {
    result.error = WavError::kPartialFrame;
    return result;
  }
  result.file.data = result.file.data_offset < available ? base + result.file.data_offset : nullptr;
  result.file.frame_count = data_size / block_align;
  return result;
}

inline WavParseResult parse_wav(const void* bytes, std::size_t size) noexcept {
  return parse_wav_header(bytes, size, size);
}

inline std::size_t WavFile::read_mono(std::size_t first_frame, float* out,
                                      std::size_t max_frames) const noexcept {
  if (first_frame >= frame_count) return 0;
  const std::size_t count =
      max_frames < frame_count - first_frame ? max_frames : frame_count - first_frame;
  const std::size_t block_align = static_cast<std::size_t>(channels) * bytes_per_sample;
  const std::uint8_t* frame = data + first_frame * block_align;
  for (std::size_t i = 0; i < count; ++i, frame += block_align) {
    if (channels == 1) {
      out[i] = detail::decode_sample(frame, sample_format);
      continue;
    }
    float sum = 0.0f;
    for (std::size_t c = 0; c < channels; ++c) {
      sum += detail::decode_sample(frame + c * bytes_per_sample, sample_format);
    }
    // Divide the float32 sum, as numpy's mean over the channel axis does.
    out[i] = sum / static_cast<float>(channels);
  }
  return count;
}

}  // namespace earshot
