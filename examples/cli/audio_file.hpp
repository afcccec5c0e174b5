// Reading a WAV file for the `earshot` commands: the whole file, channels averaged to float32,
// refused with a one-line reason (unreadable, not a WAV, unsupported, empty, non-finite samples).
#pragma once

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "earshot/io/wav.hpp"

namespace earshot::cli {

struct AudioFile {
  std::vector<float> samples;  // channels averaged
  std::uint32_t sample_rate = 0;
  std::uint16_t channels = 0;
};

// On failure `error` says what is wrong, without the path (the caller names the file).
inline bool read_audio_file(const std::string& path, AudioFile& audio, std::string& error) {
  // A directory opens as a stream on Linux, and reading it throws from inside libstdc++.
  std::error_code code;
  if (std::filesystem::is_directory(path, code)) {
    error = "is a directory, not a WAV file";
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open: " + std::string(std::strerror(errno));
    return false;
  }
  std::vector<std::uint8_t> bytes;
  try {
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } catch (const std::ios_base::failure&) {  // an I/O error while reading (EIO, a device)
    error = "cannot read: " + std::string(std::strerror(errno));
    return false;
  }
  const WavParseResult parsed = parse_wav(bytes.data(), bytes.size());
  if (!parsed.ok()) {
    error = parsed.message();
    return false;
  }
  audio.sample_rate = parsed.file.sample_rate;
  audio.channels = parsed.file.channels;
  audio.samples.resize(parsed.file.frame_count);
  parsed.file.read_mono(0, audio.samples.data(), audio.samples.size());
  if (audio.samples.empty()) {
    error = "the data chunk holds no samples";
    return false;
  }
  for (std::size_t i = 0; i < audio.samples.size(); ++i) {
    if (!std::isfinite(audio.samples[i])) {
      error = "sample " + std::to_string(i) + " is " +
              (std::isnan(audio.samples[i]) ? "NaN" : "infinite") +
              " (the input must be finite audio)";
      return false;
    }
  }
  return true;
}

}  // namespace earshot::cli
