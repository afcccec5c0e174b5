// `earshot classify --model NAME FILE.wav|DIR ...`: clip mode of the streaming pipeline on
// recordings, one voted class per file (include/earshot/pipeline/), optionally the windows'
// probabilities, JSON lines, and accuracy with a confusion matrix from labels in file names.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "arguments.hpp"
#include "classify_common.hpp"
#include "commands.hpp"
#include "model_registry.hpp"

namespace earshot::cli {
namespace {

constexpr const char* kUsage =
    R"(usage: earshot classify --model NAME [options] FILE.wav|DIR ...

Classifies each recording (a folder: its .wav files) as a whole clip: the model's front-end with
centred frames, analysis windows of the model's width (a clip shorter than one window is
zero-padded at its end), per-window normalisation, the model, and a vote over the windows.
Prints one line per file: the file, the voted class and its confidence.

options:
  --model NAME            a model of this tool (earshot info --list), e.g. fsdd-cnn
  --overlap F             overlap of the analysis windows in [0, 1) (default: the model's hop)
  --vote RULE             mean (the thesis' choice), geometric, majority or max
  --threshold F           a confidence below F answers "unknown" (index -1)
  --gate DBFS             windows quieter than DBFS (RMS, e.g. -50) are left out of the vote; a
                          clip with no louder window answers "silence" (index -2)
The defaults of these four are the model's own (a converted model's front-end file: hop_frames
or overlap, vote, threshold, gate_dbfs; otherwise 50% overlap, mean, 0, no gate).
  --windows               also print every window's class probabilities
  --json                  one JSON object per line and file: file, label, index, confidence,
                          probabilities (the vote's scores), and windows with --windows
  --labels-from REGEX     take the true label from the file name (the first group, or the
                          whole match), e.g. '^(\d)_'; prints accuracy and a confusion matrix
  --no-pad                a clip shorter than one window is an error instead of being padded
  --resample              a recording at another sample rate is resampled to the model's
                          (libsoxr, as librosa.load; desktop only: a device samples at its rate)
  -h, --help              this text

Files that cannot be read, have another sample rate or are too short are reported on stderr,
one line each; the others are still classified, and the exit code is then 2.

An anomaly detector (e.g. machine-monitor) runs as a device monitors a machine: the recording as
a stream through its AnomalyMonitor, with the model's score horizon, states and gate (--gate and
--overlap apply; --vote, --threshold, --labels-from and --no-pad do not). One line per file: the
worst state reported (off < normal < maintenance < failure) and the largest smoothed score;
--json: file, state, score, windows.
  --maintenance S, --failure S   the state thresholds instead of the model's
  --calibrate             the recordings are normal sound of the machine the sensor is on: also
                          print the thresholds they give by the rule the model's came from
                          (maintenance 1.1 x, failure 2 x the largest smoothed score)
)";

struct ClassifyOptions {
  PipelineOptions pipeline;
  std::vector<std::string> inputs;
  bool windows = false;
  bool json = false;
  bool pad = true;
  bool calibrate = false;
  bool has_labels_regex = false;
  std::string labels_regex;
  bool help = false;
};

bool parse_options(int argc, char** argv, ClassifyOptions& options, std::string& error) {
  ArgumentCursor cursor(argc, argv);
  while (cursor.next()) {
    const std::string name = cursor.name();
    if (!cursor.is_option()) {
      options.inputs.push_back(name);
      continue;
    }
    bool handled = false;
    if (parse_pipeline_option(cursor, options.pipeline, handled, error)) continue;
    if (handled) return false;
    if (name == "--labels-from") {
      if (!cursor.value(options.labels_regex, error)) return false;
      options.has_labels_regex = true;
      continue;
    }
    if (name != "--windows" && name != "--json" && name != "--no-pad" && name != "--calibrate" && name != "-h" &&
        name != "--help") {
      error = "unknown option '" + name + "' (see 'earshot classify --help')";
      return false;
    }
    if (cursor.has_inline_value()) {
      error = name + " takes no value";
      return false;
    }
    options.windows |= name == "--windows";
    options.json |= name == "--json";
    options.pad &= name != "--no-pad";
    options.calibrate |= name == "--calibrate";
    options.help |= name == "-h" || name == "--help";
  }
  if (!options.help && options.inputs.empty()) {
    error = "no input: give WAV files or folders (usage: earshot classify --model NAME FILE.wav|DIR ...)";
    return false;
  }
  return true;
}

// Files in command-line order; a folder contributes its audio files (.wav, and with libsndfile
// .flac, .ogg, .oga) sorted by name. A missing
// path stays in the list so that it is reported like any unreadable file.
std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs) {
  std::vector<std::string> files;
  for (const std::string& input : inputs) {
    std::error_code ec;
    if (!std::filesystem::is_directory(input, ec)) {
      files.push_back(input);
      continue;
    }
    std::vector<std::string> found;
    std::size_t subfolders = 0;
    for (const auto& entry : std::filesystem::directory_iterator(input, ec)) {
      if (entry.is_regular_file(ec) && is_audio_file_name(entry.path().extension().string())) {
        found.push_back(entry.path().string());
      }
      subfolders += entry.is_directory(ec) ? 1 : 0;
    }
    if (subfolders > 0) {  // said, so that nobody takes a folder's total for the whole tree's
      std::fprintf(stderr, "earshot classify: %s: %zu subfolder%s not read (a folder contributes its own audio "
                   "files only)\n", input.c_str(), subfolders, subfolders == 1 ? "" : "s");
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

// A progress bar on stderr, drawn only on a terminal and for many files.
class Progress {
 public:
  Progress(std::size_t total) : total_(total), shown_(total >= 20 && isatty(fileno(stderr)) != 0) {}
  void update(std::size_t done) const {
    if (!shown_) return;
    constexpr std::size_t kWidth = 40;
    const std::size_t filled = done * kWidth / total_;
    std::fprintf(stderr, "\r[%s%s] %zu/%zu", std::string(filled, '#').c_str(),
                 std::string(kWidth - filled, '.').c_str(), done, total_);
    std::fflush(stderr);
  }
  // Before any other stderr line, and at the end.
  void clear() const {
    if (shown_) std::fprintf(stderr, "\r\033[K");
  }

 private:
  std::size_t total_;
  bool shown_;
};

// Reads every file (at the model's rate, or resampled with --resample) and hands it to
// classify(file, samples, progress, fail); a file that cannot be read, and every fail(message),
// is one line on stderr. Returns the exit code: 2 if any file failed or there is none.
template <class Classify>
int for_each_recording(const std::vector<std::string>& files, double sample_rate, bool resample, Classify&& classify) {
  if (files.empty()) {
    std::fprintf(stderr, "earshot classify: no audio files in the given folders\n");
    return kExitBadInput;
  }
  const Progress progress(files.size());
  std::size_t failed = 0;
  std::vector<float> samples;
  std::string error;
  for (std::size_t f = 0; f < files.size(); ++f) {
    const std::string& file = files[f];
    progress.update(f);
    auto fail = [&](const std::string& message) {
      progress.clear();
      std::fprintf(stderr, "earshot classify: %s: %s\n", file.c_str(), message.c_str());
      ++failed;
    };
    if (!load_clip(file, sample_rate, resample, samples, error)) {
      fail(error);
      continue;
    }
    classify(file, samples, progress, fail);
  }
  progress.clear();
  if (failed == 0) return kExitOk;
  std::fprintf(stderr, "earshot classify: %zu of %zu files failed\n", failed, files.size());
  return kExitBadInput;
}

struct Accuracy {
  std::vector<std::vector<long>> confusion;  // [true][predicted], the last column: unknown
  long correct = 0;
  long total = 0;
};

void print_file(const std::string& file, const RegisteredModel& model, const ClipResult& result, int index,
                const ClassifyOptions& options) {
  const std::size_t classes = model.labels.size();
  if (options.json) {
    std::string line = "{\"file\": " + json_string(file) + ", \"label\": " + json_string(class_name(model, index)) +
                       ", \"index\": " + std::to_string(index);
    line += ", \"confidence\": " + json_number(result.confidence) +
            ", \"probabilities\": " + json_numbers(result.scores.data(), classes);
    if (options.windows) {
      line += ", \"windows\": [";
      for (std::size_t k = 0; k < result.windows.size(); ++k) {
        line += (k == 0 ? "" : ", ") + json_numbers(result.windows[k].data(), classes);
      }
      line += "]";
    }
    std::printf("%s}\n", line.c_str());
    return;
  }
  std::printf("%s  %s  %.4f\n", file.c_str(), class_name(model, index).c_str(), static_cast<double>(result.confidence));
  if (!options.windows) return;
  for (std::size_t k = 0; k < result.windows.size(); ++k) {
    std::printf("  window %zu:", k);
    for (const float p : result.windows[k]) std::printf(" %.4f", static_cast<double>(p));
    std::printf("\n");
  }
}

void print_accuracy(const RegisteredModel& model, const Accuracy& accuracy, bool json) {
  const std::size_t classes = model.labels.size();
  const double percent = accuracy.total > 0 ? 100.0 * static_cast<double>(accuracy.correct) /
                                                  static_cast<double>(accuracy.total)
                                            : 0.0;
  if (json) {
    std::string line = "{\"accuracy\": " + std::to_string(percent / 100.0) +
                       ", \"correct\": " + std::to_string(accuracy.correct) +
                       ", \"total\": " + std::to_string(accuracy.total) + ", \"labels\": [";
    for (std::size_t c = 0; c < classes; ++c) line += (c ? ", " : "") + json_string(model.labels[c]);
    line += ", \"unknown\"], \"confusion\": [";
    for (std::size_t t = 0; t < classes; ++t) {
      line += t ? ", [" : "[";
      for (std::size_t p = 0; p <= classes; ++p) line += (p ? ", " : "") + std::to_string(accuracy.confusion[t][p]);
      line += "]";
    }
    std::printf("%s]}\n", line.c_str());
    return;
  }
  std::printf("\naccuracy %.2f%% (%ld/%ld)\n", percent, accuracy.correct, accuracy.total);
  std::size_t width = 5;
  for (const std::string& label : model.labels) width = std::max(width, label.size() + 1);
  std::printf("confusion (rows: true label, columns: predicted)\n%*s", static_cast<int>(width), "");
  for (const std::string& label : model.labels) std::printf(" %*s", static_cast<int>(width), label.c_str());
  std::printf(" %*s\n", static_cast<int>(width), "unknown");
  for (std::size_t t = 0; t < classes; ++t) {
    std::printf("%*s", static_cast<int>(width), model.labels[t].c_str());
    for (std::size_t p = 0; p <= classes; ++p) {
      std::printf(" %*ld", static_cast<int>(width), accuracy.confusion[t][p]);
    }
    std::printf("\n");
  }
}

// An anomaly detector on each file: the worst machine state and the largest smoothed score.
int classify_machine_states(const RegisteredModel& model, const ClassifyOptions& options, const MonitorConfig& config) {
  if (options.pipeline.rule || options.pipeline.threshold || options.has_labels_regex || !options.pad) {
    std::fprintf(stderr, "earshot classify: %s is an anomaly detector: --vote, --threshold, --labels-from and --no-pad "
                         "do not apply\n", model.name);
    return kExitBadInput;
  }
  const std::unique_ptr<AnomalyPipeline> pipeline =
      configured_anomaly_pipeline("classify", model, config, options.pipeline, std::nullopt, std::nullopt);
  if (pipeline == nullptr) return kExitBadInput;
  const std::vector<std::string> files = expand_inputs(options.inputs);
  float largest_of_all = 0.0f;
  double seconds = 0.0;
  const int status = for_each_recording(files, model.frontend.sample_rate, options.pipeline.resample,
                                        [&](const std::string& file, const std::vector<float>& samples,
                                            const Progress& progress, const auto& fail) {
    bool has_state = false;
    MachineState worst = MachineState::kOff;
    float largest = 0.0f;
    std::size_t windows = 0;
    pipeline->begin();
    pipeline->push(
        samples.data(), samples.size(),
        [&](const MachineEvent& event) {
          worst = has_state && worst > event.state ? worst : event.state;
          has_state = true;
        },
        [&](const ScoreReport& report) {
          ++windows;
          largest = report.smoothed_score > largest ? report.smoothed_score : largest;  // NaN: not larger
        });
    if (!has_state) {
      fail("too short for a machine state (" + std::to_string(windows) + " windows; the state needs " +
           std::to_string(model.machine_states.min_windows) + " in a row)");
      return;
    }
    progress.clear();
    largest_of_all = largest > largest_of_all ? largest : largest_of_all;
    seconds += static_cast<double>(samples.size()) / model.frontend.sample_rate;
    if (options.json) {
      std::printf("{\"file\": %s, \"state\": \"%s\", \"score\": %s, \"windows\": %zu}\n", json_string(file).c_str(),
                  state_name(worst), json_number(largest).c_str(), windows);
    } else {
      std::printf("%s  %s  %.4f\n", file.c_str(), state_name(worst), static_cast<double>(largest));
    }
  });
  if (options.calibrate && status == kExitOk) {
    // examples/machine/train.py's rule, on this machine's normal sound.
    const float maintenance = 1.1f * largest_of_all;
    const float failure = 2.0f * largest_of_all;
    if (options.json) {
      std::printf("{\"calibration\": {\"largest_score\": %s, \"seconds\": %.3f, \"maintenance_score\": %s, "
                  "\"failure_score\": %s}}\n",
                  json_number(largest_of_all).c_str(), seconds, json_number(maintenance).c_str(),
                  json_number(failure).c_str());
    } else {
      std::printf("\ncalibration on %.1f s of normal sound: largest smoothed score %.4f; thresholds: --maintenance "
                  "%.4f --failure %.4f (or the front-end file's \"anomaly\" object)\n",
                  seconds, static_cast<double>(largest_of_all), static_cast<double>(maintenance),
                  static_cast<double>(failure));
    }
  }
  return status;
}

}  // namespace

int run_classify(int argc, char** argv) {
  ClassifyOptions options;
  MonitorConfig config;
  int exit_code = kExitOk;
  const RegisteredModel* model =
      start_command("classify", kUsage, argc, argv, parse_options, options, config, exit_code);
  if (model == nullptr) return exit_code;
  if (model->make_anomaly_pipeline) return classify_machine_states(*model, options, config);
  if (options.calibrate) {
    std::fprintf(stderr, "earshot classify: --calibrate sets an anomaly detector's thresholds; '%s' is a classifier\n",
                 model->name);
    return kExitBadInput;
  }
  config.pipeline.pad_short_clips = options.pad;
  std::regex labels_regex;
  if (options.has_labels_regex) {
    try {
      labels_regex = std::regex(options.labels_regex, std::regex::ECMAScript);
    } catch (const std::regex_error& problem) {
      std::fprintf(stderr, "earshot classify: --labels-from: invalid regular expression '%s': %s\n",
                   options.labels_regex.c_str(), problem.what());
      return kExitBadInput;
    }
  }
  const std::unique_ptr<ModelPipeline> pipeline = configured_pipeline("classify", *model, config);
  if (pipeline == nullptr) return kExitBadInput;

  const std::vector<std::string> files = expand_inputs(options.inputs);
  const std::size_t classes = model->labels.size();
  Accuracy accuracy;
  accuracy.confusion.assign(classes, std::vector<long>(classes + 1, 0));
  const int status = for_each_recording(files, model->frontend.sample_rate, options.pipeline.resample,
                                        [&](const std::string& file, const std::vector<float>& samples,
                                            const Progress& progress, const auto& fail) {
    // The file is read before its name meets the regex: libstdc++'s std::regex recurses once
    // per character, so a name of ~20,000 characters overflowed the stack (a crash, not an
    // error line), and only a path that names no file can be that long (NAME_MAX is 255).
    int truth = kUnknownClass;
    if (options.has_labels_regex) {
      const std::string base = std::filesystem::path(file).filename().string();
      std::smatch match;
      bool matched = false;
      try {
        matched = std::regex_search(base, match, labels_regex);
      } catch (const std::regex_error& problem) {  // error_complexity / error_stack, if raised
        fail("--labels-from '" + options.labels_regex + "': " + problem.what());
        return;
      }
      if (!matched) {
        fail("--labels-from '" + options.labels_regex + "' does not match the file name");
        return;
      }
      const std::string label = match.size() > 1 ? match[1].str() : match[0].str();
      const auto found = std::find(model->labels.begin(), model->labels.end(), label);
      if (found == model->labels.end()) {
        fail("label '" + label + "' from the file name is not one of the model's labels");
        return;
      }
      truth = static_cast<int>(found - model->labels.begin());
    }
    const ClipResult result = pipeline->classify_clip(samples.data(), samples.size(), false);
    if (result.status != PipelineStatus::kOk) {
      fail(std::string(describe(result.status)) + " (" + std::to_string(samples.size()) + " samples, a window needs " +
           std::to_string(pipeline->minimum_clip_samples()) + "; without --no-pad short clips are padded)");
      return;
    }
    const int index = result.index == kSilentClass ? kSilentClass
                      : result.confidence >= config.decision.threshold ? result.index
                                                                       : kUnknownClass;
    progress.clear();
    print_file(file, *model, result, index, options);
    if (truth != kUnknownClass) {
      const std::size_t predicted = index < 0 ? classes : static_cast<std::size_t>(index);  // unknown, silence
      ++accuracy.confusion[static_cast<std::size_t>(truth)][predicted];
      accuracy.correct += index == truth;
      ++accuracy.total;
    }
  });
  if (options.has_labels_regex) print_accuracy(*model, accuracy, options.json);
  return status;
}

}  // namespace earshot::cli
