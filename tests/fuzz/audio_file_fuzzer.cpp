// The tool's audio reader (examples/cli/audio_file.hpp) on any bytes: the library's WAV parser,
// then libsndfile for what it refuses (FLAC, Ogg Vorbis, 8-bit, float64, A-law/mu-law, RF64).
// A recording is read or refused with one line; what is read has samples, all of them finite
// and within the +-1e6 the reader promises.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "audio_file.hpp"
#include "fuzz_check.hpp"

using earshot::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::uint8_t> bytes(data, data + size);
  earshot::cli::AudioFile audio;
  std::string error;
  if (!earshot::cli::decode_audio_bytes(bytes, audio, error)) {
    earshot::fuzz::require_one_line(error, "an audio error is one line");
    return 0;
  }
  require(!audio.samples.empty() && audio.sample_rate > 0 && audio.channels > 0,
          "a recording read has samples, a rate and channels");
  for (const float sample : audio.samples) {
    require(std::isfinite(sample) && std::fabs(sample) <= 1e6f, "samples are finite and within +-1e6");
  }
  return 0;
}
