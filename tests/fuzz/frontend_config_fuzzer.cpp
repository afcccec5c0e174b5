// Frontend::configure() (earshot/dsp/frontend.hpp) with any configuration: every field taken
// from the input (numbers of any value, NaN and infinities included; enums among their values),
// then a block of samples in [-1, 1] streamed through it. A configuration is refused with a
// status, or it runs without reading or writing outside the object (the sanitizers watch) and
// gives no NaN feature: every frame from bounded samples is a number or, for a log of 0, -inf.
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "earshot/dsp/frontend.hpp"
#include "fuzz_check.hpp"

using earshot::fuzz::require;

namespace {

using Frontend = earshot::Frontend<4096, 256>;
Frontend frontend;  // 4096-point tables: too large for the stack

std::size_t small_size(earshot::fuzz::ByteReader& input) { return input.take<std::uint16_t>(); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  earshot::fuzz::ByteReader input(data, size);
  earshot::FrontendConfig config;
  config.sample_rate = input.take<double>();
  config.n_fft = small_size(input);
  config.hop_length = small_size(input);
  config.win_length = small_size(input);
  config.window = static_cast<earshot::WindowType>(input.choice(2));
  config.center = input.choice(2) == 1;
  config.spectrum = static_cast<earshot::Spectrum>(input.choice(2));
  config.n_mels = small_size(input);
  config.fmin = input.take<double>();
  config.fmax = input.take<double>();
  config.mel_scale = static_cast<earshot::MelScale>(input.choice(2));
  config.mel_norm = static_cast<earshot::MelNorm>(input.choice(2));
  config.kind = static_cast<earshot::FeatureKind>(input.choice(4));
  config.ref = input.take<float>();
  config.amin = input.take<float>();
  config.top_db = input.take<float>();
  config.ln_offset = input.take<float>();
  config.n_mfcc = small_size(input);
  const earshot::Status status = frontend.configure(config);
  require(status != earshot::Status::kOk || Frontend::validate(config) == earshot::Status::kOk,
          "configure() accepts only what validate() accepts");
  if (status != earshot::Status::kOk) {
    require(!frontend.configured(), "a refused configuration leaves the front-end unconfigured");
    return 0;
  }
  // The rest of the input as samples in [-1, 1], pushed in two blocks.
  float samples[2048];
  std::size_t count = 0;
  while (count < 2048 && input.rest_size() >= 2) {
    samples[count++] = static_cast<float>(input.take<std::int16_t>()) / 32768.0f;
  }
  std::size_t frames = 0;
  const std::size_t features = frontend.feature_size();
  const auto check = [&](const float* frame) {
    ++frames;
    for (std::size_t i = 0; i < features; ++i) require(!std::isnan(frame[i]), "no NaN feature from bounded samples");
  };
  frontend.push(samples, count / 2, check);
  frontend.push(samples + count / 2, count - count / 2, check);
  frontend.finish(check);
  return 0;
}
