// Desktop-only resampling through libsoxr (Debian libsoxr-dev), the resampler librosa.load uses
// (its default res_type "soxr_hq", SOXR_HQ): for training on, and evaluating a model with,
// recordings made at another rate. A device samples at its model's rate; the library does not
// resample, and the tool does so only when asked (--resample).
#pragma once

#include <string>
#include <vector>

namespace earshot::cli {

// Whether the tool was built with libsoxr.
bool resampling_available();

// `samples` at `from` Hz replaced by the same signal at `to` Hz (the whole signal at once, as
// librosa.load resamples). false with `error` set when libsoxr is missing or refuses.
bool resample(std::vector<float>& samples, double from, double to, std::string& error);

}  // namespace earshot::cli
