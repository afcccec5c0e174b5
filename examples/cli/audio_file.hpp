// Reading an audio file for the `earshot` commands: the whole file (read_audio_file) or in blocks
// (AudioReader), channels averaged to float32, refused with a one-line reason (unreadable, not
// audio, unsupported, empty, non-finite samples).
// WAV in the encodings the library's device-safe parser reads (earshot/io/wav.hpp) goes through
// it; with libsndfile (Debian libsndfile1-dev; EARSHOT_CLI_HAS_SNDFILE) the rest comes through
// libsndfile: the WAV encodings the parser refuses (8-bit, float64, A-law, mu-law, ...), RF64,
// FLAC and Ogg Vorbis. Channels are averaged the same way on both paths.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "earshot/io/wav.hpp"

namespace earshot::cli {

struct AudioFile {
  std::vector<float> samples;  // channels averaged
  std::uint32_t sample_rate = 0;
  std::uint16_t channels = 0;
};

// The file names a folder contributes to `classify`: .wav, and with libsndfile .flac, .ogg, .oga.
bool is_audio_file_name(std::string extension);

// The file at `path` (`-`: standard input, read whole, for a pipe: `sox ... -t wav - | earshot
// ...`). On failure `error` says what is wrong, without the path (the caller names the file).
bool read_audio_file(const std::string& path, AudioFile& audio, std::string& error);

// WAV through the library's parser, or (with libsndfile) what it refuses; channels averaged; the
// samples checked: finite, and within +-1e6.
bool decode_audio_bytes(const std::vector<std::uint8_t>& bytes, AudioFile& audio, std::string& error);

// A recording read in blocks as it goes, for `stream`: memory stays bounded by the block and
// a 1 MiB header buffer, whatever the length, from a file or standard input. WAV comes through
// the library's parser (the same samples as read_audio_file); what it refuses comes through
// libsndfile, in blocks from a FLAC or Ogg file, whole from standard input (libsndfile's formats need
// seeking) and from a RIFF WAVE or RF64 file (its metadata chunks are left out first: libsndfile can hang
// on them).
class AudioReader {
 public:
  AudioReader() = default;
  AudioReader(const AudioReader&) = delete;
  AudioReader& operator=(const AudioReader&) = delete;
  ~AudioReader();

  // Opens `path` ("-": standard input) and reads its header; false with `error` set (no path).
  bool open(const std::string& path, std::string& error);
  std::uint32_t sample_rate() const noexcept { return sample_rate_; }
  // Up to `max` samples (channels averaged) into out; count 0 at the end. false with `error` set
  // on a read error or a sample that is not finite or beyond +-1e6 (its index in the recording).
  bool read(float* out, std::size_t max, std::size_t& count, std::string& error);
  std::uint64_t samples_read() const noexcept { return samples_read_; }

 private:
  enum class Source { kWav, kSndfile, kMemory };
  bool read_wav(float* out, std::size_t max, std::size_t& count, std::string& error);

  Source source_ = Source::kWav;
  std::FILE* file_ = nullptr;  // kWav; stdin is not closed
  bool is_stdin_ = false;
  WavFile wav_;                      // the header; data and frame_count set per block
  std::vector<std::uint8_t> bytes_;  // read from the file, not yet decoded
  std::uint64_t frames_left_ = 0;    // declared by the data chunk (a pipe's: an upper bound)
  void* sndfile_ = nullptr;          // kSndfile: SNDFILE*
  std::vector<float> interleaved_;
  std::size_t channels_ = 1;
  AudioFile whole_;  // kMemory
  std::uint32_t sample_rate_ = 0;
  std::uint64_t samples_read_ = 0;
};

}  // namespace earshot::cli
