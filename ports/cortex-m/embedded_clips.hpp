// WAV files embedded in flash by embed_clips.cmake at build time (the firmware's test audio):
// each entry is a whole file, RIFF header included, to be read with earshot/io/wav.hpp.
#pragma once

#include <cstddef>

namespace earshot::firmware {

struct EmbeddedClip {
  const char* name;             // file name, e.g. "0_george_0.wav"
  const unsigned char* bytes;   // 4-byte aligned, so 16-bit samples are aligned too
  std::size_t size;
};

extern const EmbeddedClip embedded_clips[];
extern const std::size_t embedded_clip_count;

}  // namespace earshot::firmware
