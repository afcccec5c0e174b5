// What `earshot classify` and `earshot stream` share: reading a WAV file for a model (one-line
// errors naming the file and the problem), the options that shape the pipeline (--model,
// --overlap, --vote, --threshold), class names and JSON strings.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "arguments.hpp"
#include "audio_file.hpp"
#include "model_registry.hpp"
#include "resample.hpp"

namespace earshot::cli {

// False, with `error` saying which rate the model needs, unless the recording has it.
inline bool check_sample_rate(std::uint32_t rate, double model_rate, std::string& error) {
  if (static_cast<double>(rate) == model_rate) return true;
  char text[160];
  std::snprintf(text, sizeof text, "sample rate %u Hz, but the model expects %g Hz (earshot does not resample)",
                static_cast<unsigned>(rate), model_rate);
  error = text;
  return false;
}

// Reads a recording whole (channels averaged) at the model's sample rate; at another rate it is
// an error, or with `resample` (--resample, desktop only) resampled by libsoxr.
inline bool load_clip(const std::string& path, double sample_rate, bool resample_to_model, std::vector<float>& samples,
                      std::string& error) {
  AudioFile audio;
  if (!read_audio_file(path, audio, error)) return false;
  if (resample_to_model) {
    if (!resample(audio.samples, audio.sample_rate, sample_rate, error)) return false;
  } else if (!check_sample_rate(audio.sample_rate, sample_rate, error)) {
    if (resampling_available()) error += "; --resample converts it on the desktop";
    return false;
  }
  samples = std::move(audio.samples);
  return true;
}

// The options both commands take.
// Each pipeline option not given takes the model's own value (a converted model's front-end file).
struct PipelineOptions {
  std::string model;
  std::optional<double> overlap;
  std::optional<VoteRule> rule;
  std::optional<double> threshold;
  std::optional<double> gate;  // dBFS: quieter windows are silence, not classified
  bool resample = false;       // a recording at another rate is resampled (desktop only)
  // Anomaly detectors: the machine-state thresholds instead of the model's.
  std::optional<double> maintenance;
  std::optional<double> failure;
};

// Consumes --model, --overlap, --vote, --threshold, --gate, --maintenance, --failure and --resample; false if the cursor holds another option
// (handled is then false) or a bad value (error set).
inline bool parse_pipeline_option(ArgumentCursor& cursor, PipelineOptions& options, bool& handled,
                                  std::string& error) {
  const std::string name = cursor.name();
  if (name == "--resample") {
    handled = true;
    options.resample = true;
    if (cursor.has_inline_value()) error = "--resample takes no value";
    return error.empty();
  }
  handled = name == "--model" || name == "--overlap" || name == "--vote" || name == "--threshold" || name == "--gate" ||
            name == "--maintenance" || name == "--failure";
  if (!handled) return false;
  std::string value;
  if (!cursor.value(value, error)) return false;
  if (name == "--maintenance" || name == "--failure") {
    double score = 0.0;
    if (!parse_number(value, name, score, error)) return false;
    if (!(score >= 0.0 && score < 1e30)) {
      error = name + " is a score threshold, 0 or more, got " + value;
      return false;
    }
    (name == "--maintenance" ? options.maintenance : options.failure) = score;
  } else if (name == "--model") {
    options.model = value;
  } else if (name == "--overlap") {
    double overlap = 0.0;
    if (!parse_number(value, name, overlap, error)) return false;
    options.overlap = overlap;
    if (!(overlap >= 0.0 && overlap < 1.0)) {
      error = "--overlap must be in [0, 1) (0.5: windows overlap by half), got " + value;
      return false;
    }
  } else if (name == "--vote") {
    const char* rules[] = {"mean", "geometric", "majority", "max"};
    const VoteRule values[] = {VoteRule::kMean, VoteRule::kGeometricMean, VoteRule::kMajority, VoteRule::kMax};
    for (std::size_t i = 0; i < 4; ++i) {
      if (value == rules[i]) {
        options.rule = values[i];
        return true;
      }
    }
    error = "--vote must be one of mean, geometric, majority, max, got '" + value + "'";
    return false;
  } else if (name == "--gate") {
    double gate = 0.0;
    if (!parse_number(value, name, gate, error)) return false;
    options.gate = gate;
    if (!(gate <= 0.0)) {
      error = "--gate is a level in dBFS, 0 or below (e.g. -50), got " + value;
      return false;
    }
  } else {
    double threshold = 0.0;
    if (!parse_number(value, name, threshold, error)) return false;
    options.threshold = threshold;
    if (!(threshold >= 0.0 && threshold <= 1.0)) {
      error = "--threshold must be in [0, 1], got " + value;
      return false;
    }
  }
  return true;
}

// The start of a one-recording command's option loop (stream, windows): a plain argument is the
// recording (a second one is an error), then the options both commands share. Returns true when
// the argument was taken (`error` set if it was bad); false leaves it to the command.
template <class Options>
bool take_recording_or_pipeline_option(ArgumentCursor& cursor, Options& options, std::string& error) {
  const std::string name = cursor.name();
  if (!cursor.is_option()) {
    if (!options.input.empty()) error = "unexpected argument '" + name + "' (one recording only)";
    options.input = options.input.empty() ? name : options.input;
    return true;
  }
  bool handled = false;
  if (parse_pipeline_option(cursor, options.pipeline, handled, error)) return true;
  return handled;  // a bad value of a shared option: error is set
}

// The model and the pipeline configuration the options ask for.
inline const RegisteredModel* resolve_model(const PipelineOptions& options, MonitorConfig& config,
                                            std::string& error) {
  if (options.model.empty()) {
    error = "no model: give --model NAME (one of " + model_names() + ")";
    return nullptr;
  }
  const RegisteredModel* model = find_model(options.model);
  if (model == nullptr) {
    error = "unknown model '" + options.model + "' (one of " + model_names() + ")";
    return nullptr;
  }
  if ((options.maintenance || options.failure) && !model->make_anomaly_pipeline) {
    error = "--maintenance and --failure are thresholds of an anomaly detector's states; '" + options.model +
            "' is a classifier";
    return nullptr;
  }
  config.pipeline.frontend = model->frontend;
  config.pipeline.normalization = model->normalization;
  config.pipeline.hop_frames =
      options.overlap ? hop_frames_for_overlap(model->window_frames, *options.overlap) : model->hop_frames;
  config.rule = options.rule.value_or(model->vote_rule);
  config.decision.threshold = options.threshold ? static_cast<float>(*options.threshold) : model->decision_threshold;
  config.pipeline.level_gate_dbfs = options.gate.value_or(model->gate_dbfs);
  return model;
}

// The start both commands share: parse(argc, argv, options, error) reads the options (which have
// `help` and `pipeline` members), --help prints the usage, and the model is resolved. Returns
// nullptr with exit_code set when the command is done: 0 after --help, 2 after one error line.
template <class Options, class Parse>
const RegisteredModel* start_command(const char* command, const char* usage, int argc, char** argv, Parse parse,
                                     Options& options, MonitorConfig& config, int& exit_code) {
  std::string error;
  const RegisteredModel* model = nullptr;
  if (parse(argc, argv, options, error) && !options.help) {
    model = resolve_model(options.pipeline, config, error);
  }
  exit_code = options.help && error.empty() ? 0 : 2;
  if (options.help && error.empty()) std::fputs(usage, stdout);
  if (model == nullptr && !error.empty()) std::fprintf(stderr, "earshot %s: %s\n", command, error.c_str());
  return model;
}

// The one line a refused configuration gets (the front-end's own reason when it refused).
inline void print_configure_error(const char* command, PipelineStatus status, Status frontend) {
  std::fprintf(stderr, "earshot %s: %s%s%s\n", command, describe(status),
               status == PipelineStatus::kFrontendRejected ? ": " : "",
               status == PipelineStatus::kFrontendRejected ? describe(frontend) : "");
}

// The model's pipeline configured as `config` asks, or nullptr after one error line.
inline std::unique_ptr<ModelPipeline> configured_pipeline(const char* command, const RegisteredModel& model,
                                                          const MonitorConfig& config) {
  std::unique_ptr<ModelPipeline> pipeline = model.make_pipeline();
  const PipelineStatus status = pipeline->configure(config);
  if (status == PipelineStatus::kOk) return pipeline;
  print_configure_error(command, status, pipeline->frontend_status());
  return nullptr;
}

// An anomaly detector's AnomalyMonitor configured from `config` (resolve_model's: front-end, hop,
// gate) as a stream, with the model's score horizon and states unless the options override them
// (--horizon, --min-windows, --maintenance, --failure); nullptr after one error line.
inline std::unique_ptr<AnomalyPipeline> configured_anomaly_pipeline(const char* command, const RegisteredModel& model,
                                                                    const MonitorConfig& config,
                                                                    const PipelineOptions& options,
                                                                    std::optional<long> horizon,
                                                                    std::optional<long> min_windows) {
  AnomalyMonitorConfig monitor;
  monitor.pipeline = config.pipeline;
  monitor.pipeline.frontend.center = false;  // a machine is monitored as a stream
  monitor.horizon = horizon ? static_cast<std::size_t>(*horizon) : model.score_horizon;
  monitor.states = model.machine_states;
  if (min_windows) monitor.states.min_windows = static_cast<std::size_t>(*min_windows);
  if (options.maintenance) monitor.states.maintenance_score = static_cast<float>(*options.maintenance);
  if (options.failure) monitor.states.failure_score = static_cast<float>(*options.failure);
  std::unique_ptr<AnomalyPipeline> pipeline = model.make_anomaly_pipeline();
  const PipelineStatus status = pipeline->configure(monitor);
  if (status == PipelineStatus::kOk) return pipeline;
  print_configure_error(command, status, pipeline->frontend_status());
  return nullptr;
}

// A class index as the commands print it.
inline std::string class_name(const RegisteredModel& model, int index) {
  if (index == kUnknownClass) return "unknown";
  if (index == kSilentClass) return "silence";
  return model.labels[static_cast<std::size_t>(index)];
}

// A JSON string literal (quotes included).
inline std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\u%04x", static_cast<unsigned>(c));
      out += escape;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// Nine significant digits: every float reads back as exactly the same float, so JSON output
// can be compared with a framework's outputs at full precision. NaN and infinities are null.
inline std::string json_number(float value) {
  if (!std::isfinite(value)) return "null";  // JSON has no NaN or infinity
  char number[32];
  std::snprintf(number, sizeof number, "%.9g", static_cast<double>(value));
  return number;
}

// A level in dBFS with two decimals, or null for digital silence (-inf) and NaN: JSON has no
// infinities.
inline std::string json_level(double dbfs) {
  if (!std::isfinite(dbfs)) return "null";
  char number[32];
  std::snprintf(number, sizeof number, "%.2f", dbfs);
  return number;
}

inline std::string json_numbers(const float* values, std::size_t count) {
  std::string out = "[";
  for (std::size_t i = 0; i < count; ++i) out += (i == 0 ? "" : ", ") + json_number(values[i]);
  return out + "]";
}

}  // namespace earshot::cli
