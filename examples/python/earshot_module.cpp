// earshot._earshot: the host front-end for Python (pybind11). load() reads audio as the tool
// does (audio_file.hpp) and features() is the function `earshot features` calls
// (feature_extraction.hpp), so the two agree bit for bit; windows() cuts and normalises the
// model inputs as the pipeline's FeatureWindows does, and gives their levels for the gate as it
// does. Both release the GIL while they compute, so threads (a DataLoader's workers, a thread
// pool) run in parallel.
// The Python side (earshot/__init__.py) reads front-end files and documents the parameters.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "audio_file.hpp"
#include "earshot/dsp/normalize.hpp"
#include "earshot/pipeline/level_meter.hpp"
#include "feature_extraction.hpp"
#include "resample.hpp"

namespace py = pybind11;

namespace {

using earshot::FrontendConfig;

// librosa's parameter names and defaults (librosa.feature.melspectrogram, power_to_db, mfcc).
struct FeatureArguments {
  double sr = 22050.0;
  long n_fft = 2048;
  long hop_length = 512;
  std::optional<long> win_length;
  std::string window = "hann";
  bool center = true;
  double power = 2.0;
  long n_mels = 128;
  double fmin = 0.0;
  std::optional<double> fmax;
  bool htk = false;
  std::optional<std::string> norm = std::string("slaney");
  std::string scale = "db";
  long n_mfcc = 20;
  double ref = 1.0;
  std::optional<double> amin;
  std::optional<double> top_db = 80.0;
  double ln_offset = 1e-6;
};

[[noreturn]] void bad_value(const std::string& message) { throw py::value_error(message); }

long positive(const char* name, long value) {
  if (value <= 0) bad_value(std::string(name) + " must be positive, got " + std::to_string(value));
  return value;
}

// What the front-end is told; the library's configure() checks the relations between values.
FrontendConfig frontend_config(const FeatureArguments& a) {
  FrontendConfig config;
  if (!(a.sr > 0.0 && std::isfinite(a.sr))) bad_value("sr must be positive and finite, got " + std::to_string(a.sr));
  config.sample_rate = a.sr;
  config.n_fft = static_cast<std::size_t>(positive("n_fft", a.n_fft));
  if (config.n_fft > earshot::cli::kMaxFft) bad_value("n_fft must be at most 32768, got " + std::to_string(a.n_fft));
  config.hop_length = static_cast<std::size_t>(positive("hop_length", a.hop_length));
  config.win_length = a.win_length ? static_cast<std::size_t>(positive("win_length", *a.win_length)) : 0;
  if (a.window == "hann") {
    config.window = earshot::WindowType::kHann;
  } else if (a.window == "hamming") {
    config.window = earshot::WindowType::kHamming;
  } else {
    bad_value("window must be 'hann' or 'hamming', got '" + a.window + "'");
  }
  config.center = a.center;
  if (a.power == 2.0) {
    config.spectrum = earshot::Spectrum::kPower;
  } else if (a.power == 1.0) {
    config.spectrum = earshot::Spectrum::kMagnitude;
  } else {
    bad_value("power must be 1 or 2, got " + std::to_string(a.power));
  }
  config.n_mels = static_cast<std::size_t>(positive("n_mels", a.n_mels));
  if (config.n_mels > earshot::cli::kMaxMels) bad_value("n_mels must be at most 512, got " + std::to_string(a.n_mels));
  config.fmin = a.fmin;
  config.fmax = a.fmax.value_or(a.sr / 2.0);
  config.mel_scale = a.htk ? earshot::MelScale::kHtk : earshot::MelScale::kSlaney;
  if (!a.norm) {
    config.mel_norm = earshot::MelNorm::kNone;
  } else if (*a.norm == "slaney") {
    config.mel_norm = earshot::MelNorm::kSlaney;
  } else {
    bad_value("norm must be 'slaney' or None, got '" + *a.norm + "'");
  }
  if (a.scale == "linear") {
    config.kind = earshot::FeatureKind::kMel;
  } else if (a.scale == "db") {
    config.kind = earshot::FeatureKind::kDecibel;
  } else if (a.scale == "ln") {
    config.kind = earshot::FeatureKind::kNaturalLog;
  } else if (a.scale == "mfcc") {
    config.kind = earshot::FeatureKind::kMfcc;
  } else {
    bad_value("scale must be 'linear', 'db', 'ln' or 'mfcc', got '" + a.scale + "'");
  }
  config.n_mfcc = static_cast<std::size_t>(positive("n_mfcc", a.n_mfcc));
  config.ref = static_cast<float>(a.ref);
  config.amin = a.amin ? static_cast<float>(*a.amin) : 0.0f;  // 0: 1e-10 for power, 1e-5 for magnitude
  if (a.top_db && !(*a.top_db >= 0.0)) bad_value("top_db must be 0 or more, or None, got " + std::to_string(*a.top_db));
  config.top_db = a.top_db ? static_cast<float>(*a.top_db) : -1.0f;
  config.ln_offset = static_cast<float>(a.ln_offset);
  return config;
}

// A 1-D float32 copy of y (float64 and other real arrays are converted), checked as the tool
// checks audio files.
std::vector<float> samples_of(const py::array& y) {
  if (y.ndim() != 1) bad_value("y must be one-dimensional (mono samples), got " + std::to_string(y.ndim()) + " dimensions");
  const auto values = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(y);
  if (!values) bad_value("y must be an array of real numbers");
  std::vector<float> samples(values.data(), values.data() + values.size());
  if (samples.empty()) bad_value("y holds no samples");
  std::string error;
  if (!earshot::cli::check_samples(samples.data(), samples.size(), error)) bad_value(error);
  return samples;
}

earshot::cli::Features compute(const FrontendConfig& config, const std::vector<float>& samples,
                               earshot::cli::FrameMode mode) {
  earshot::cli::Features features;
  std::string error;
  bool ok = false;
  {
    py::gil_scoped_release unlocked;
    try {
      ok = earshot::cli::compute_features(config, samples, features, error, mode);
    } catch (const std::bad_alloc&) {
      error = "not enough memory for the features (a larger hop_length or fewer n_mels needs less)";
    }
  }
  if (!ok) bad_value(error);
  return features;
}

py::array_t<float> features(const py::array& y, const FeatureArguments& arguments) {
  const FrontendConfig config = frontend_config(arguments);
  const std::vector<float> samples = samples_of(y);
  if (!config.center && samples.size() < config.n_fft) {
    bad_value("y has " + std::to_string(samples.size()) + " samples, fewer than n_fft = " +
              std::to_string(config.n_fft) + ": with center=False there is no complete frame");
  }
  earshot::cli::Features result = compute(config, samples, earshot::cli::FrameMode::kWholeRecording);
  py::array_t<float> out({result.rows, result.frames});
  std::copy(result.values.begin(), result.values.end(), out.mutable_data());
  return out;
}

earshot::WindowNormalization normalization_of(const std::string& name) {
  if (name == "none") return earshot::WindowNormalization::kNone;
  if (name == "mean_std") return earshot::WindowNormalization::kMeanStd;
  if (name == "max") return earshot::WindowNormalization::kMax;
  bad_value("normalization must be 'none', 'mean_std' or 'max', got '" + name + "'");
}

// Each window's level as FeatureWindows reports it (WindowView::level_dbfs), with LevelMeter's
// arithmetic: a frame's segment is the samples since the previous frame ended (n_fft for the
// first, centre padding included; hop_length after), summed by add_squares; a window's level is
// segments_level_dbfs of its frames' segments in the meter's ring order (frame f in slot
// f mod window_frames). The meter's length is a compile-time size, a window's here a runtime one.
void window_levels(const std::vector<float>& samples, std::size_t n_fft, std::size_t hop_length, std::size_t edge,
                   std::size_t frames, std::size_t frames_per_window, std::size_t hop, std::size_t count,
                   double* level) {
  std::vector<float> energy(frames);
  for (std::size_t f = 0; f < frames; ++f) {
    // The segment in the padded stream (edge zeros first, which add nothing), in samples' indices.
    const std::size_t end = std::min(f * hop_length + n_fft, edge + samples.size());
    const std::size_t begin = std::max(f == 0 ? 0 : f * hop_length + n_fft - hop_length, edge);
    const std::size_t length = end > begin ? end - begin : 0;
    const float* first = samples.data() + (length > 0 ? begin - edge : 0);
    energy[f] = earshot::add_squares(0.0f, length, [first](std::size_t i) { return first[i]; });
  }
  std::vector<float> ring(frames_per_window);
  std::vector<std::uint32_t> ring_length(frames_per_window);
  for (std::size_t w = 0; w < count; ++w) {
    for (std::size_t f = w * hop; f < w * hop + frames_per_window; ++f) {
      ring[f % frames_per_window] = energy[f];
      ring_length[f % frames_per_window] = static_cast<std::uint32_t>(f == 0 ? n_fft : hop_length);
    }
    level[w] = earshot::segments_level_dbfs(ring.data(), ring_length.data(), frames_per_window);
  }
}

// The clip-mode windows: a clip shorter than one window padded with zeros at its end (pad), a
// window of window_frames frames every hop_frames, each normalised over its values in the
// model's order (feature-major), as FeatureWindows::copy_window normalises them.
// levels: also each window's level (window_levels).
py::object windows(const py::array& y, const FeatureArguments& arguments, const std::string& normalization,
                   long window_frames, long hop_frames, bool pad, bool levels) {
  const FrontendConfig config = frontend_config(arguments);
  const earshot::WindowNormalization mode = normalization_of(normalization);
  const std::size_t frames_per_window = static_cast<std::size_t>(positive("window_frames", window_frames));
  const std::size_t hop = static_cast<std::size_t>(positive("hop_frames", hop_frames));
  std::vector<float> samples = samples_of(y);
  const std::size_t n_fft = config.n_fft;
  const std::size_t edge = config.center ? n_fft / 2 : 0;
  // FeatureWindows::minimum_clip_samples(): the samples of one window.
  const std::size_t needed = (frames_per_window - 1) * config.hop_length + n_fft - 2 * edge;
  if (pad && samples.size() < needed) samples.resize(needed, 0.0f);
  // The device's front-end: top_db against the loudest frame so far, as FeatureWindows gets them.
  const earshot::cli::Features features = compute(config, samples, earshot::cli::FrameMode::kStreaming);
  if (features.frames < frames_per_window) {
    bad_value("too short for one analysis window (" + std::to_string(samples.size()) + " samples, a window needs " +
              std::to_string(needed) + "; pad=True pads short clips)");
  }
  const std::size_t count = 1 + (features.frames - frames_per_window) / hop;
  const std::size_t rows = features.rows;
  py::array_t<float> out({count, std::size_t{1}, rows, frames_per_window});
  py::array_t<double> level_dbfs(levels ? count : 0);
  float* target = out.mutable_data();
  double* level = level_dbfs.mutable_data();
  {
    py::gil_scoped_release unlocked;
    if (levels) {
      window_levels(samples, n_fft, config.hop_length, edge, features.frames, frames_per_window, hop, count, level);
    }
    for (std::size_t w = 0; w < count; ++w) {
      float* window = target + w * rows * frames_per_window;
      for (std::size_t m = 0; m < rows; ++m) {
        const float* row = features.values.data() + m * features.frames + w * hop;
        std::copy(row, row + frames_per_window, window + m * frames_per_window);
      }
      earshot::normalize_window(mode, window, rows * frames_per_window);
    }
  }
  if (!levels) return std::move(out);
  return py::make_tuple(out, level_dbfs);
}

py::array_t<float> as_array(const std::vector<float>& values) {
  py::array_t<float> out(values.size());
  std::copy(values.begin(), values.end(), out.mutable_data());
  return out;
}

// A recording as the tool reads it (the same samples `earshot features FILE` computes from), at
// its own rate or resampled to `sr` as `classify --resample` resamples.
py::tuple load(const std::string& path, std::optional<double> sr) {
  earshot::cli::AudioFile audio;
  std::string error;
  bool ok = false;
  {
    py::gil_scoped_release unlocked;
    ok = earshot::cli::read_audio_file(path, audio, error) &&
         (!sr || earshot::cli::resample(audio.samples, audio.sample_rate, *sr, error));
  }
  if (!ok) bad_value(path + ": " + error);
  if (sr) return py::make_tuple(as_array(audio.samples), *sr);
  return py::make_tuple(as_array(audio.samples), audio.sample_rate);
}

py::array_t<float> resample(const py::array& y, double orig_sr, double target_sr) {
  std::vector<float> samples = samples_of(y);
  std::string error;
  bool ok = false;
  {
    py::gil_scoped_release unlocked;
    ok = earshot::cli::resample(samples, orig_sr, target_sr, error);
  }
  if (!ok) bad_value(error);
  return as_array(samples);
}

}  // namespace

PYBIND11_MODULE(_earshot, module) {
  module.doc() = "earshot's front-end: the features and model inputs the device computes (see earshot.__doc__)";
  const auto feature_arguments = [](py::kwargs kwargs) {
    FeatureArguments a;
    for (const auto& item : kwargs) {
      const std::string key = py::str(item.first);
      const py::handle value = item.second;
      // A value of the wrong type is a TypeError naming the argument, not pybind11's "Unable to cast".
      const auto take = [&](auto& field) {
        try {
          field = value.cast<std::decay_t<decltype(field)>>();
        } catch (const py::cast_error&) {
          throw py::type_error(key + " has the wrong type: " + std::string(py::repr(value)));
        }
      };
      if (key == "sr") take(a.sr);
      else if (key == "n_fft") take(a.n_fft);
      else if (key == "hop_length") take(a.hop_length);
      else if (key == "win_length") take(a.win_length);
      else if (key == "window") take(a.window);
      else if (key == "center") take(a.center);
      else if (key == "power") take(a.power);
      else if (key == "n_mels") take(a.n_mels);
      else if (key == "fmin") take(a.fmin);
      else if (key == "fmax") take(a.fmax);
      else if (key == "htk") take(a.htk);
      else if (key == "norm") take(a.norm);
      else if (key == "scale") take(a.scale);
      else if (key == "n_mfcc") take(a.n_mfcc);
      else if (key == "ref") take(a.ref);
      else if (key == "amin") take(a.amin);
      else if (key == "top_db") take(a.top_db);
      else if (key == "ln_offset") take(a.ln_offset);
      else throw py::type_error("unexpected keyword argument '" + key + "'");
    }
    return a;
  };
  module.def(
      "features", [feature_arguments](const py::array& y, py::kwargs kwargs) {
        return features(y, feature_arguments(std::move(kwargs)));
      },
      py::arg("y"));
  module.def(
      "windows",
      [feature_arguments](const py::array& y, const std::string& normalization, long window_frames, long hop_frames,
                          bool pad, bool levels, py::kwargs kwargs) {
        return windows(y, feature_arguments(std::move(kwargs)), normalization, window_frames, hop_frames, pad, levels);
      },
      py::arg("y"), py::arg("normalization"), py::arg("window_frames"), py::arg("hop_frames"), py::arg("pad"),
      py::arg("levels"));
  module.def("load", &load, py::arg("path"), py::arg("sr"));
  module.def("resample", &resample, py::arg("y"), py::arg("orig_sr"), py::arg("target_sr"));
}
