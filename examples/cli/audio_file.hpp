// Reading an audio file for the `earshot` commands: the whole file, channels averaged to float32,
// refused with a one-line reason (unreadable, not audio, unsupported, empty, non-finite samples).
// WAV in the encodings the library's device-safe parser reads (earshot/io/wav.hpp) goes through
// it; with libsndfile (Debian libsndfile1-dev; EARSHOT_CLI_HAS_SNDFILE) the rest comes through
// libsndfile: the WAV encodings the parser refuses (8-bit, float64, A-law, mu-law, ...), RF64,
// FLAC and Ogg Vorbis. Channels are averaged the same way on both paths.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

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

}  // namespace earshot::cli
