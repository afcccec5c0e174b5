// `earshot features IN.wav -o OUT.npy [options]`: the features librosa computes
// (melspectrogram, power_to_db / amplitude_to_db, log, mfcc), with librosa's option names and
// defaults, written as float32 .npy of shape (n_mels, n_frames) -- librosa's orientation -- or CSV.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "arguments.hpp"
#include "audio_file.hpp"
#include "commands.hpp"
#include "earshot/dsp/frontend.hpp"
#include "earshot/io/csv.hpp"
#include "earshot/io/npy.hpp"
#include "feature_extraction.hpp"
#include "feature_summary.hpp"

namespace earshot::cli {
namespace {

enum class Scale { kLinear, kDecibel, kNaturalLog };

struct FeatureOptions {
  std::string input;
  std::string output;
  long sample_rate = 0;  // 0: the file's
  long n_fft = 2048;
  long hop_length = 512;
  long win_length = 0;  // 0: n_fft
  WindowType window = WindowType::kHann;
  bool center = true;
  Spectrum spectrum = Spectrum::kPower;
  long n_mels = 128;
  double fmin = 0.0;
  double fmax = -1.0;  // negative: sr / 2
  bool htk = false;
  MelNorm norm = MelNorm::kSlaney;
  Scale scale = Scale::kDecibel;
  bool scale_given = false;
  double top_db = 80.0;  // negative: none
  double ln_offset = 1e-6;
  long n_mfcc = 0;  // 0: no MFCC
  bool summary = false;
  bool help = false;
};

constexpr const char* kUsage =
    R"(usage: earshot features IN.wav [-o OUT.npy|OUT.csv] [--summary] [options]

Mel spectrogram features of a WAV file (PCM 16/24/32-bit or 32-bit float, channels averaged),
computed as librosa 0.11 computes them. The output is float32 of shape (n_mels, n_frames), or
(n_mfcc, n_frames) with --mfcc: .npy, or CSV with one line per band when OUT ends in .csv.

options (librosa's names and defaults):
  -o, --output PATH       where to write the features (.npy or .csv)
  --summary               print the shape, range and an ASCII picture of the features
  --sr N                  expected sample rate; must match the file (default: the file's)
  --n-fft N               FFT size (default 2048); built-in FFT for powers of two 32..4096,
                          KissFFT for any other size up to 32768
  --hop-length N          samples between frames (default 512, as librosa.feature.melspectrogram)
  --win-length N          window length, zero-padded to n_fft (default n_fft)
  --window hann|hamming   periodic window (default hann)
  --center | --no-center  pad n_fft/2 zeros at both ends (default --center)
  --power 1|2             1 magnitude, 2 power spectrum (default 2)
  --n-mels N              mel bands (default 128, at most 512)
  --fmin F, --fmax F      mel band range in Hz (default 0 and sr/2)
  --htk                   HTK mel scale instead of Slaney's
  --norm slaney|none      mel filter normalisation (default slaney)
  --scale db|linear|ln    db (default; what models are trained on): power_to_db (power 2,
                          amin 1e-10) or amplitude_to_db (power 1, amin 1e-5) with ref 1;
                          linear: the mel spectrogram; ln: log(mel + ln_offset)
  --top-db F|none         dB floor below the output's maximum (default 80)
  --ln-offset F           offset of --scale ln (default 1e-6)
  --mfcc N                N MFCCs (DCT-II, ortho) of the dB mel spectrogram instead
  -h, --help              this text
)";

bool parse_choice(const std::string& option, const std::string& value,
                  const std::vector<std::string>& choices, std::size_t& index, std::string& error) {
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (value == choices[i]) {
      index = i;
      return true;
    }
  }
  error = option + " must be one of";
  for (const std::string& choice : choices) error += " " + choice;
  error += ", got '" + value + "'";
  return false;
}

// Reads argv into options; checks each value on its own (relations between values and the
// file's sample rate are checked in resolve_config).
bool parse_options(int argc, char** argv, FeatureOptions& options, std::string& error) {
  ArgumentCursor cursor(argc, argv);
  constexpr long kLargest = 1L << 30;
  while (cursor.next()) {
    const std::string name = cursor.name();
    if (!cursor.is_option()) {
      if (!options.input.empty()) {
        error = "unexpected argument '" + name + "' (one input file only)";
        return false;
      }
      options.input = name;
      continue;
    }
    const bool is_flag = name == "-h" || name == "--help" || name == "--center" ||
                         name == "--no-center" || name == "--htk" || name == "--summary";
    if (is_flag) {
      if (cursor.has_inline_value()) {
        error = name + " takes no value";
        return false;
      }
      if (name == "--center" || name == "--no-center") options.center = name == "--center";
      if (name == "--htk") options.htk = true;
      if (name == "--summary") options.summary = true;
      if (name == "-h" || name == "--help") options.help = true;
      continue;
    }
    const bool known = name == "-o" || name == "--output" || name == "--sr" || name == "--n-fft" ||
                       name == "--hop-length" || name == "--win-length" || name == "--window" ||
                       name == "--power" || name == "--n-mels" || name == "--fmin" ||
                       name == "--fmax" || name == "--norm" || name == "--scale" ||
                       name == "--top-db" || name == "--ln-offset" || name == "--mfcc";
    if (!known) {
      error = "unknown option '" + name + "' (see 'earshot features --help')";
      return false;
    }
    std::string value;
    if (!cursor.value(value, error)) return false;
    std::size_t choice = 0;
    bool ok = true;
    if (name == "-o" || name == "--output") {
      options.output = value;
    } else if (name == "--sr") {
      ok = parse_integer(value, name, 1, kLargest, options.sample_rate, error);
    } else if (name == "--n-fft") {
      ok = parse_integer(value, name, 2, static_cast<long>(kMaxFft), options.n_fft, error);
    } else if (name == "--hop-length") {
      ok = parse_integer(value, name, 1, kLargest, options.hop_length, error);
    } else if (name == "--win-length") {
      ok = parse_integer(value, name, 1, kLargest, options.win_length, error);
    } else if (name == "--window") {
      ok = parse_choice(name, value, {"hann", "hamming"}, choice, error);
      options.window = choice == 0 ? WindowType::kHann : WindowType::kHamming;
    } else if (name == "--power") {
      double power = 0.0;
      ok = parse_number(value, name, power, error);
      if (ok && power != 1.0 && power != 2.0) {
        error = "--power must be 1 (magnitude) or 2 (power), got " + value;
        ok = false;
      }
      options.spectrum = power == 1.0 ? Spectrum::kMagnitude : Spectrum::kPower;
    } else if (name == "--n-mels") {
      ok = parse_integer(value, name, 1, static_cast<long>(kMaxMels), options.n_mels, error);
    } else if (name == "--fmin" || name == "--fmax") {
      double& frequency = name == "--fmin" ? options.fmin : options.fmax;
      ok = parse_number(value, name, frequency, error);
      if (ok && frequency < 0.0) {
        error = name + " must not be negative, got " + value;
        ok = false;
      }
    } else if (name == "--norm") {
      ok = parse_choice(name, value, {"slaney", "none"}, choice, error);
      options.norm = choice == 0 ? MelNorm::kSlaney : MelNorm::kNone;
    } else if (name == "--scale") {
      ok = parse_choice(name, value, {"linear", "db", "ln"}, choice, error);
      options.scale = choice == 0   ? Scale::kLinear
                      : choice == 1 ? Scale::kDecibel
                                    : Scale::kNaturalLog;
      options.scale_given = true;
    } else if (name == "--top-db") {
      if (value == "none") {
        options.top_db = -1.0;
      } else {
        ok = parse_number(value, name, options.top_db, error);
        if (ok && options.top_db < 0.0) {
          error = "--top-db must not be negative (or 'none'), got " + value;
          ok = false;
        }
      }
    } else if (name == "--ln-offset") {
      ok = parse_number(value, name, options.ln_offset, error);
      if (ok && !(options.ln_offset > 0.0)) {
        error = "--ln-offset must be positive (log of a silent band would be -inf), got " + value;
        ok = false;
      }
    } else if (name == "--mfcc") {
      ok = parse_integer(value, name, 1, static_cast<long>(kMaxMels), options.n_mfcc, error);
    }
    if (!ok) return false;
  }
  if (options.help) return true;
  if (options.input.empty()) {
    error = "no input file (usage: earshot features IN.wav -o OUT.npy [options])";
    return false;
  }
  if (options.output.empty() && !options.summary) {
    error = "no output file: give -o OUT.npy or -o OUT.csv (or --summary)";
    return false;
  }
  return true;
}

std::string format_number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

bool ends_with(const std::string& text, const char* suffix) {
  const std::size_t length = std::strlen(suffix);
  return text.size() >= length && text.compare(text.size() - length, length, suffix) == 0;
}

bool load_audio(const std::string& path, AudioFile& audio, std::string& error) {
  if (read_audio_file(path, audio, error)) return true;
  error = path + ": " + error;
  return false;
}

// Checks what needs the file (sample rate, length) and builds the front-end configuration.
bool resolve_config(const FeatureOptions& options, const AudioFile& audio, FrontendConfig& config,
                    std::string& error) {
  if (options.sample_rate != 0 && options.sample_rate != static_cast<long>(audio.sample_rate)) {
    error = "--sr " + std::to_string(options.sample_rate) +
            " does not match the file's sample rate " + std::to_string(audio.sample_rate) +
            " (earshot does not resample)";
    return false;
  }
  const double nyquist = audio.sample_rate / 2.0;
  const double fmax = options.fmax < 0.0 ? nyquist : options.fmax;
  if (fmax > nyquist) {
    error = "--fmax " + format_number(fmax) + " is above sr/2 = " + format_number(nyquist);
    return false;
  }
  if (!(options.fmin < fmax)) {
    error = "--fmin " + format_number(options.fmin) + " must be below fmax " + format_number(fmax);
    return false;
  }
  if (options.win_length > options.n_fft) {
    error = "--win-length " + std::to_string(options.win_length) + " is larger than n_fft " +
            std::to_string(options.n_fft);
    return false;
  }
  if (options.n_mfcc > options.n_mels) {
    error = "--mfcc " + std::to_string(options.n_mfcc) + " is larger than n_mels " +
            std::to_string(options.n_mels);
    return false;
  }
  if (options.n_mfcc > 0 && options.scale_given && options.scale != Scale::kDecibel) {
    error = "--mfcc is computed from the dB mel spectrogram: drop --scale or use --scale db";
    return false;
  }
  if (!options.center && audio.samples.size() < static_cast<std::size_t>(options.n_fft)) {
    error = "the file has " + std::to_string(audio.samples.size()) +
            " samples, fewer than n_fft = " + std::to_string(options.n_fft) +
            ": with --no-center there is no complete frame";
    return false;
  }
  config.sample_rate = audio.sample_rate;
  config.n_fft = static_cast<std::size_t>(options.n_fft);
  config.hop_length = static_cast<std::size_t>(options.hop_length);
  config.win_length = static_cast<std::size_t>(options.win_length);
  config.window = options.window;
  config.center = options.center;
  config.spectrum = options.spectrum;
  config.n_mels = static_cast<std::size_t>(options.n_mels);
  config.fmin = options.fmin;
  config.fmax = fmax;
  config.mel_scale = options.htk ? MelScale::kHtk : MelScale::kSlaney;
  config.mel_norm = options.norm;
  config.top_db = static_cast<float>(options.top_db);
  config.ln_offset = static_cast<float>(options.ln_offset);
  if (options.n_mfcc > 0) {
    config.kind = FeatureKind::kMfcc;
    config.n_mfcc = static_cast<std::size_t>(options.n_mfcc);
  } else {
    config.kind = options.scale == Scale::kLinear    ? FeatureKind::kMel
                  : options.scale == Scale::kDecibel ? FeatureKind::kDecibel
                                                     : FeatureKind::kNaturalLog;
  }
  return true;
}

bool write_features(const std::string& path, const Features& features, std::string& error) {
  std::ofstream out(path, std::ios::binary);
  if (!out) {
    error = "cannot write '" + path + "': " + std::strerror(errno);
    return false;
  }
  const bool written =
      ends_with(path, ".csv")
          ? write_csv(out, features.values.data(), features.rows, features.frames)
          : write_npy(out, features.values.data(), {features.rows, features.frames});
  if (!written || !out.flush()) {
    error = "error while writing '" + path + "'";
    return false;
  }
  return true;
}

void print_summary(const FeatureOptions& options, const AudioFile& audio, const FrontendConfig& config,
                   const Features& features) {
  const char* kind = "";
  switch (config.kind) {
    case FeatureKind::kMel:
      kind = "mel spectrogram (linear)";
      break;
    case FeatureKind::kDecibel:
      kind = "log-mel spectrogram (dB)";
      break;
    case FeatureKind::kNaturalLog:
      kind = "log-mel spectrogram (ln)";
      break;
    case FeatureKind::kMfcc:
      kind = "MFCC";
      break;
  }
  std::printf("%s: %u Hz, %u channel%s, %zu samples (%.2f s)\n", options.input.c_str(),
              audio.sample_rate, audio.channels, audio.channels == 1 ? "" : "s (averaged)",
              audio.samples.size(), static_cast<double>(audio.samples.size()) / audio.sample_rate);
  std::printf("%s: %zu x %zu (n_fft %zu, hop %zu, %s)\n", kind, features.rows, features.frames,
              config.n_fft, config.hop_length, features.fft_name);
  const auto range = std::minmax_element(features.values.begin(), features.values.end());
  std::printf("values from %.2f to %.2f%s\n", static_cast<double>(*range.first),
              static_cast<double>(*range.second),
              config.kind == FeatureKind::kDecibel ? " dB" : "");
  if (config.kind == FeatureKind::kDecibel) {
    std::printf("time ->, mel bands from low (bottom) to high (top):\n");
    // Shades span the output's own range (at most top_db), so quiet clips keep their contrast.
    const float span = *range.second - *range.first;
    print_feature_picture(stdout, features.values, features.rows, features.frames,
                          span > 0.0f ? span : 1.0f);
  }
}

int fail(const std::string& message) {
  std::fprintf(stderr, "earshot features: %s\n", message.c_str());
  return kExitBadInput;
}

}  // namespace

int run_features(int argc, char** argv) {
  FeatureOptions options;
  std::string error;
  if (!parse_options(argc, argv, options, error)) return fail(error);
  if (options.help) {
    std::fputs(kUsage, stdout);
    return kExitOk;
  }
  if (!options.output.empty() && !ends_with(options.output, ".npy") &&
      !ends_with(options.output, ".csv")) {
    return fail("the output name must end in .npy or .csv, got '" + options.output + "'");
  }
  AudioFile audio;
  FrontendConfig config;
  Features features;
  // The features are held whole, up to three times (time-major, librosa's orientation, the
  // .npy bytes): hop 1 on a long file can ask for more than the memory left.
  try {
    if (!load_audio(options.input, audio, error) ||
        !resolve_config(options, audio, config, error) ||
        !compute_features(config, audio.samples, features, error) ||
        (!options.output.empty() && !write_features(options.output, features, error))) {
      return fail(error);
    }
  } catch (const std::bad_alloc&) {
    return fail("not enough memory for the features of " + options.input +
                " (a larger --hop-length or fewer --n-mels needs less)");
  }
  if (features.empty_bands > 0) {
    std::fprintf(stderr,
                 "earshot features: warning: %zu of %zu mel bands are empty (no FFT bin falls in them; their "
                 "output is 0): a larger n_fft or fmax, or fewer n_mels, avoids it\n",
                 features.empty_bands, config.n_mels);
  }
  if (options.summary) print_summary(options, audio, config, features);
  return kExitOk;
}

}  // namespace earshot::cli
