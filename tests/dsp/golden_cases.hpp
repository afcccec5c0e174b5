// The librosa 0.11 golden cases copied from ../shared/golden/frontend into tests/data/frontend
// (each folder: case.json, input.wav, mel/db/ln[/mfcc].npy). The parameters below repeat
// case.json's "params" (librosa defaults filled in); the numbers to match are in the .npy files.
#pragma once

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "earshot/dsp/frontend.hpp"
#include "earshot/io/npy.hpp"
#include "earshot/io/wav.hpp"

namespace earshot::test {

struct GoldenCase {
  const char* name;
  FrontendConfig config;  // kind is set by each test
  bool has_mfcc;
};

inline FrontendConfig golden_config(double sample_rate, std::size_t n_fft, std::size_t hop_length,
                                    std::size_t n_mels) {
  FrontendConfig config;
  config.sample_rate = sample_rate;
  config.n_fft = n_fft;
  config.hop_length = hop_length;
  config.n_mels = n_mels;
  config.fmax = sample_rate / 2;
  return config;
}

inline std::vector<GoldenCase> golden_cases() {
  std::vector<GoldenCase> cases = {
      {"fsdd_7_jackson_32", golden_config(8000, 256, 128, 40), false},
      {"fsdd_0_theo_0", golden_config(8000, 256, 128, 40), false},
      {"fsdd_3_nicolas_4", golden_config(8000, 512, 256, 30), false},
      {"machine_normal_00", golden_config(16000, 1024, 512, 30), false},
      {"chirp_thesis22k", golden_config(22050, 1024, 512, 60), false},
      {"noise_demo16k", golden_config(16000, 1024, 512, 30), false},
      {"tones_htk_magnitude", golden_config(16000, 512, 256, 40), false},
      {"silence_impulse_demo16k", golden_config(16000, 1024, 512, 30), false},
      {"square_mfcc16k", golden_config(16000, 512, 160, 40), true},
  };
  FrontendConfig& tones = cases[6].config;  // fmin 20, htk, norm None, power 1, center False
  tones.fmin = 20.0;
  tones.mel_scale = MelScale::kHtk;
  tones.mel_norm = MelNorm::kNone;
  tones.spectrum = Spectrum::kMagnitude;
  tones.center = false;
  FrontendConfig& square = cases[8].config;  // win_length 400, n_mfcc 13
  square.win_length = 400;
  square.n_mfcc = 13;
  return cases;
}

inline std::string golden_path(const std::string& name, const std::string& file) {
  return std::string(EARSHOT_TEST_DATA_DIR) + "/frontend/" + name + "/" + file;
}

// The case's input as float32 mono (int16 / 32768), checked against the case's sample rate.
inline std::vector<float> golden_input(const GoldenCase& golden) {
  const std::string path = golden_path(golden.name, "input.wav");
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const WavParseResult parsed = parse_wav(bytes.data(), bytes.size());
  INFO(path << ": " << parsed.message());
  REQUIRE(parsed.ok());
  REQUIRE(static_cast<double>(parsed.file.sample_rate) == golden.config.sample_rate);
  std::vector<float> samples(parsed.file.frame_count);
  REQUIRE(parsed.file.read_mono(0, samples.data(), samples.size()) == samples.size());
  return samples;
}

// librosa's (rows, frames) array from `file`, transposed to earshot's time-major layout.
inline std::vector<float> golden_output_time_major(const GoldenCase& golden, const std::string& file,
                                                   std::size_t* rows, std::size_t* frames) {
  const NpyReadResult result = load_npy(golden_path(golden.name, file));
  INFO(file << ": " << result.error);
  REQUIRE(result.ok());
  REQUIRE(result.array.shape.size() == 2);
  *rows = result.array.shape[0];
  *frames = result.array.shape[1];
  std::vector<float> out(result.array.values.size());
  for (std::size_t r = 0; r < *rows; ++r) {
    for (std::size_t t = 0; t < *frames; ++t) out[t * *rows + r] = result.array.values[r * *frames + t];
  }
  return out;
}

}  // namespace earshot::test
