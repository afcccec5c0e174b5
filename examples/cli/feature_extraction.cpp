#include "feature_extraction.hpp"

#include <cmath>
#include <cstdio>
#include <memory>

#include "earshot/dsp/kiss_fft_backend.hpp"
#include "odd_kiss_fft_backend.hpp"

namespace earshot::cli {
namespace {

using BuiltInFrontend = Frontend<kMaxBuiltInFft, kMaxMels>;
using KissFrontend = Frontend<kMaxFft, kMaxMels, KissFftBackend<kMaxFft>>;
using OddFrontend = Frontend<kMaxFft, kMaxMels, OddKissFftBackend<kMaxFft>>;

template <class FrontendType>
bool compute(const FrontendConfig& config, const std::vector<float>& samples, Features& features,
             std::string& error, FrameMode mode) {
  // The front-end keeps every table inside the object: hundreds of kB at these capacities.
  const auto frontend = std::make_unique<FrontendType>();
  Status status = frontend->configure(config);
  std::vector<float> time_major;
  std::size_t frames = 0;
  if (status == Status::kOk && mode == FrameMode::kWholeRecording) {
    time_major.resize(frontend->output_buffer_size(samples.size()));
    status = frontend->process(samples.data(), samples.size(), time_major.data(), time_major.size(),
                               &frames);
  } else if (status == Status::kOk) {
    time_major.reserve(frontend->output_buffer_size(samples.size()));
    const std::size_t size = frontend->feature_size();
    const auto on_frame = [&](const float* frame) {
      time_major.insert(time_major.end(), frame, frame + size);
      ++frames;
    };
    frontend->begin();
    frontend->push(samples.data(), samples.size(), on_frame);
    frontend->finish(on_frame);
  }
  if (status != Status::kOk) {
    error = describe(status);
    return false;
  }
  // As librosa warns ("Empty filters detected in mel frequency basis"): a band with no positive
  // weight gives 0 (its dB the floor) for any signal.
  const auto& bank = frontend->filterbank();
  for (std::size_t band = 0; band < bank.n_mels(); ++band) {
    bool empty = true;
    for (std::size_t bin = bank.first_bin(band); bin < bank.first_bin(band) + bank.bin_count(band); ++bin) {
      empty = empty && !(bank.weight(band, bin) > 0.0f);
    }
    features.empty_bands += empty ? 1 : 0;
  }
  const std::size_t rows = frontend->feature_size();
  features.rows = rows;
  features.frames = frames;
  features.values.resize(rows * frames);
  for (std::size_t t = 0; t < frames; ++t) {
    for (std::size_t r = 0; r < rows; ++r)
      features.values[r * frames + t] = time_major[t * rows + r];
  }
  return true;
}

}  // namespace

bool check_samples(const float* samples, std::size_t count, std::string& error, std::uint64_t first_index) {
  constexpr float kLargestSample = 1e6f;
  for (std::size_t i = 0; i < count; ++i) {
    const float sample = samples[i];
    if (!std::isfinite(sample)) {
      error = "sample " + std::to_string(first_index + i) + " is " + (std::isnan(sample) ? "NaN" : "infinite") +
              " (the input must be finite audio)";
      return false;
    }
    if (std::fabs(sample) > kLargestSample) {
      char text[96];
      std::snprintf(text, sizeof text, "sample %llu is %g, beyond the +-%g earshot reads (full scale is +-1)",
                    static_cast<unsigned long long>(first_index + i), static_cast<double>(sample),
                    static_cast<double>(kLargestSample));
      error = text;
      return false;
    }
  }
  return true;
}

bool compute_features(const FrontendConfig& config, const std::vector<float>& samples,
                      Features& features, std::string& error, FrameMode mode) {
  const std::size_t n = config.n_fft;
  const bool power_of_two = (n & (n - 1)) == 0;
  if (power_of_two && n >= kMinBuiltInFft && n <= kMaxBuiltInFft) {
    features.fft_name = "built-in FFT";
    return compute<BuiltInFrontend>(config, samples, features, error, mode);
  }
  if (n % 2 == 0) {
    features.fft_name = "KissFFT real";
    return compute<KissFrontend>(config, samples, features, error, mode);
  }
  features.fft_name = "KissFFT complex (odd n_fft)";
  return compute<OddFrontend>(config, samples, features, error, mode);
}

}  // namespace earshot::cli
