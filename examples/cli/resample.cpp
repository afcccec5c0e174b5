#include "resample.hpp"

#include <cmath>

#if EARSHOT_CLI_HAS_SOXR
#include <soxr.h>
#endif

namespace earshot::cli {

bool resampling_available() { return EARSHOT_CLI_HAS_SOXR != 0; }

bool resample(std::vector<float>& samples, double from, double to, std::string& error) {
  if (!(from > 0.0 && to > 0.0 && std::isfinite(from) && std::isfinite(to))) {
    error = "cannot resample between " + std::to_string(from) + " and " + std::to_string(to) + " Hz";
    return false;
  }
  if (from == to) return true;
#if EARSHOT_CLI_HAS_SOXR
  // As python-soxr's resample(): the output length rounds n * to / from to the nearest sample.
  const auto length = static_cast<std::size_t>(static_cast<double>(samples.size()) * to / from + 0.5);
  std::vector<float> out(length);
  const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
  std::size_t done = 0;
  const soxr_error_t failed = soxr_oneshot(from, to, 1, samples.data(), samples.size(), nullptr, out.data(),
                                           out.size(), &done, &io, &quality, nullptr);
  if (failed != nullptr) {
    error = std::string("libsoxr: ") + failed;
    return false;
  }
  out.resize(done);
  samples = std::move(out);
  return true;
#else
  error = "this tool was built without libsoxr (Debian: libsoxr-dev), so it cannot resample";
  return false;
#endif
}

}  // namespace earshot::cli
