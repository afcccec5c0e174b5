// Reading a WAV file for the `earshot` commands: the whole file, channels averaged to float32,
// refused with a one-line reason (unreadable, not a WAV, unsupported, empty, non-finite samples).
#pragma once

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <new>
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
    const WavParseResult parsed = parse_wav(bytes.data(), bytes.size());
    if (!parsed.ok()) {
      error = parsed.message();
      return false;
    }
    audio.sample_rate = parsed.file.sample_rate;
    audio.channels = parsed.file.channels;
    audio.samples.resize(parsed.file.frame_count);
    parsed.file.read_mono(0, audio.samples.data(), audio.samples.size());
  } catch (const std::ios_base::failure&) {  // an I/O error while reading (EIO)
    error = "cannot read: " + std::string(std::strerror(errno));
    return false;
  } catch (const std::bad_alloc&) {
    error = "too large to read into memory (" + std::to_string(size) + " bytes)";
    return false;
  }
  if (audio.samples.empty()) {
    error = "the data chunk holds no samples";
    return false;
  }
  // Integer PCM is within +-1; float WAV may exceed it, but not by 120 dB: beyond 1e6 a frame's
  // float32 power can overflow to inf (3e38 gave NaN or flat -100 dB features and a confident
  // class), and such values come from corrupt or mislabelled data, not from a microphone.
  constexpr float kLargestSample = 1e6f;
  for (std::size_t i = 0; i < audio.samples.size(); ++i) {
    const float sample = audio.samples[i];
    if (!std::isfinite(sample)) {
      error = "sample " + std::to_string(i) + " is " + (std::isnan(sample) ? "NaN" : "infinite") +
              " (the input must be finite audio)";
      return false;
    }
    if (std::fabs(sample) > kLargestSample) {
      char text[96];
      std::snprintf(text, sizeof text,
                    "sample %zu is %g, beyond the +-1e6 earshot reads (full scale is +-1)", i,
                    static_cast<double>(sample));
      error = text;
      return false;
    }
  }
  return true;
}

}  // namespace earshot::cli
