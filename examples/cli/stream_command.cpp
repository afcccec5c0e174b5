// `earshot stream --model NAME FILE.wav`: the continuous mode a device runs, on a recording fed in
// blocks: windows without centring, a vote over a sliding horizon, threshold, hysteresis and the
// level gate, printing each change of the reported state with its time.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "arguments.hpp"
#include "classify_common.hpp"
#include "commands.hpp"
#include "model_registry.hpp"

namespace earshot::cli {
namespace {

constexpr const char* kUsage =
    R"(usage: earshot stream --model NAME [options] FILE.wav

Runs the model over a long recording as a device would: blocks of samples into the front-end
(no centring), an analysis window every hop, a vote over the last windows, and a reported state
that changes only when enough windows agree. Prints one line per change of state: the time (end
of the window that completed the change), the new state and its confidence. States: a label,
"unknown" (confidence below --threshold) or "silence" (below --gate). The recording is read in
blocks as it goes (FILE or - for standard input), so its length does not matter.

An anomaly detector (e.g. machine-monitor) reports the machine's state instead: off (below the
gate), normal, maintenance or failure, from the mean reconstruction error (score) of the last
--horizon windows; each line gives the time, the state, that score and the window's level
(--json: time, state, score, level, sample, previous). Its defaults are the model's own, and
--vote, --threshold do not apply.
  --maintenance S         an anomaly detector's state is maintenance from this score
  --failure S             ... and failure from this one (defaults: the model's own)

options:
  --model NAME            a model of this tool (earshot info --list), e.g. fsdd-cnn
  --overlap F             overlap of the analysis windows in [0, 1) (default: the model's hop)
  --vote RULE             mean, geometric, majority or max, over the horizon (default: the model's)
  --horizon N             windows in the vote (default 3, at most 64; an anomaly detector's own)
  --threshold F           a confidence below F is "unknown" (default: the model's, else 0)
  --min-windows N         consecutive agreeing windows before the state changes (default 2; an
                          anomaly detector's own)
  --gate DBFS             windows quieter than DBFS (RMS, e.g. -50) are "silence", not classified
  --block N               samples per block, as a DMA buffer delivers them (default 512)
  --windows               also print every window (time, level, vote)
  --json                  one JSON object per line: events (and windows with --windows)
  -h, --help              this text
)";

struct StreamOptions {
  PipelineOptions pipeline;
  std::string input;
  std::optional<long> horizon;      // default 3, or an anomaly detector's own
  std::optional<long> min_windows;  // default 2, or an anomaly detector's own
  long block = 512;
  bool windows = false;
  bool json = false;
  bool help = false;
};

bool parse_options(int argc, char** argv, StreamOptions& options, std::string& error) {
  ArgumentCursor cursor(argc, argv);
  while (cursor.next()) {
    const std::string name = cursor.name();
    if (take_recording_or_pipeline_option(cursor, options, error)) {
      if (!error.empty()) return false;
      continue;
    }
    if (name == "--windows" || name == "--json" || name == "-h" || name == "--help") {
      if (cursor.has_inline_value()) {
        error = name + " takes no value";
        return false;
      }
      options.windows |= name == "--windows";
      options.json |= name == "--json";
      options.help |= name == "-h" || name == "--help";
      continue;
    }
    if (name != "--horizon" && name != "--min-windows" && name != "--block") {
      error = "unknown option '" + name + "' (see 'earshot stream --help')";
      return false;
    }
    std::string value;
    if (!cursor.value(value, error)) return false;
    long number = 0;
    const bool ok = name == "--horizon"       ? parse_integer(value, name, 1, static_cast<long>(kMaxStreamHorizon),
                                                              number, error)
                    : name == "--min-windows" ? parse_integer(value, name, 1, 1000000, number, error)
                                              : parse_integer(value, name, 1, 1L << 24, number, error);
    if (!ok) return false;
    if (name == "--horizon") {
      options.horizon = number;
    } else if (name == "--min-windows") {
      options.min_windows = number;
    } else {
      options.block = number;
    }
  }
  if (!options.help && options.input.empty()) {
    error = "no recording (usage: earshot stream --model NAME FILE.wav)";
    return false;
  }
  return true;
}

// Opens the recording for a model at `model_rate`; false after one error line.
bool open_recording(const StreamOptions& options, double model_rate, AudioReader& reader) {
  if (options.pipeline.resample) {
    std::fprintf(stderr, "earshot stream: --resample is for whole clips (classify, windows): stream reads a "
                         "recording at the model's rate in blocks, as a device does\n");
    return false;
  }
  std::string error;
  if (!reader.open(options.input, error) || !check_sample_rate(reader.sample_rate(), model_rate, error)) {
    std::fprintf(stderr, "earshot stream: %s: %s\n", options.input.c_str(), error.c_str());
    return false;
  }
  return true;
}

// Reads the recording block by block as it goes (an hour of audio needs no more memory than a
// second) into push(block, count); false after one error line (events up to a bad block are out:
// as a device, it stops there).
template <class Push>
bool read_blocks(const StreamOptions& options, AudioReader& reader, Push&& push) {
  std::vector<float> block(static_cast<std::size_t>(options.block));
  std::size_t count = 0;
  std::string error;
  while (reader.read(block.data(), block.size(), count, error) && count > 0) push(block.data(), count);
  if (error.empty()) return true;
  std::fprintf(stderr, "earshot stream: %s: %s\n", options.input.c_str(), error.c_str());
  return false;
}

// The end of a stream: one error line if the recording gave no window, else (text) the summary.
int finish_stream(const StreamOptions& options, const AudioReader& reader, std::size_t windows, std::size_t events,
                  double sample_rate) {
  const auto samples = static_cast<unsigned long long>(reader.samples_read());
  if (windows == 0) {
    std::fprintf(stderr, "earshot stream: %s: too short for one analysis window (%llu samples)\n",
                 options.input.c_str(), samples);
    return kExitBadInput;
  }
  if (!options.json) {
    std::printf("%zu windows, %zu changes of state, %.3f s of audio\n", windows, events,
                static_cast<double>(samples) / sample_rate);
  }
  return kExitOk;
}

// An anomaly detector's stream: machine states.
int stream_machine_states(const RegisteredModel& model, const StreamOptions& options, const MonitorConfig& config) {
  if (options.pipeline.rule || options.pipeline.threshold) {
    std::fprintf(stderr, "earshot stream: %s is an anomaly detector: --vote and --threshold do not apply (its states "
                         "come from score thresholds)\n", model.name);
    return kExitBadInput;
  }
  const std::unique_ptr<AnomalyPipeline> pipeline =
      configured_anomaly_pipeline("stream", model, config, options.pipeline, options.horizon, options.min_windows);
  AudioReader reader;
  if (pipeline == nullptr || !open_recording(options, model.frontend.sample_rate, reader)) return kExitBadInput;
  std::size_t windows = 0;
  std::size_t events = 0;
  auto on_event = [&](const MachineEvent& event) {
    ++events;
    if (options.json) {
      std::printf("{\"event\": \"state\", \"time\": %.4f, \"sample\": %llu, \"state\": \"%s\", \"score\": %s, "
                  "\"level\": %s, \"previous\": %s}\n",
                  event.seconds, static_cast<unsigned long long>(event.sample), state_name(event.state),
                  json_number(event.score).c_str(), json_level(event.level_dbfs).c_str(),
                  event.first ? "null" : json_string(state_name(event.previous)).c_str());
    } else {
      std::printf("%9.3f s  %-11s  score %.3f  %6.1f dBFS\n", event.seconds, state_name(event.state),
                  static_cast<double>(event.score), event.level_dbfs);
    }
  };
  auto on_window = [&](const ScoreReport& report) {
    ++windows;
    if (!options.windows) return;
    const char* state = report.has_state ? state_name(report.state) : "none";
    if (options.json) {
      std::printf("{\"event\": \"window\", \"time\": %.4f, \"level\": %s, \"gated\": %s, \"score\": %s, "
                  "\"smoothed_score\": %s, \"state\": \"%s\"}\n",
                  report.window.seconds, json_level(report.window.level_dbfs).c_str(), report.window.gated ? "true" : "false",
                  json_number(report.score).c_str(), json_number(report.smoothed_score).c_str(), state);
    } else {
      std::printf("  window %zu  %.3f s  %6.1f dBFS  score %.3f  mean %.3f  %s\n", report.window.index,
                  report.window.seconds, report.window.level_dbfs, static_cast<double>(report.score),
                  static_cast<double>(report.smoothed_score), state);
    }
  };
  pipeline->begin();
  if (!read_blocks(options, reader, [&](const float* block, std::size_t count) {
        pipeline->push(block, count, on_event, on_window);
      })) {
    return kExitBadInput;
  }
  return finish_stream(options, reader, windows, events, model.frontend.sample_rate);
}

}  // namespace

int run_stream(int argc, char** argv) {
  StreamOptions options;
  MonitorConfig config;
  int exit_code = kExitOk;
  const RegisteredModel* model = start_command("stream", kUsage, argc, argv, parse_options, options, config, exit_code);
  if (model == nullptr) return exit_code;
  if (model->make_anomaly_pipeline) return stream_machine_states(*model, options, config);
  config.horizon = static_cast<std::size_t>(options.horizon.value_or(3));
  config.decision.min_consecutive = static_cast<std::size_t>(options.min_windows.value_or(2));
  const std::unique_ptr<ModelPipeline> pipeline = configured_pipeline("stream", *model, config);
  AudioReader reader;
  if (pipeline == nullptr || !open_recording(options, model->frontend.sample_rate, reader)) return kExitBadInput;

  std::size_t windows = 0;
  std::size_t events = 0;
  auto on_event = [&](const StateEvent& event) {
    ++events;
    if (options.json) {
      std::printf("{\"event\": \"state\", \"seconds\": %.4f, \"sample\": %llu, \"state\": %s, \"index\": %d, "
                  "\"confidence\": %s, \"previous\": %s}\n",
                  event.seconds, static_cast<unsigned long long>(event.sample),
                  json_string(class_name(*model, event.state)).c_str(), event.state,
                  json_number(event.confidence).c_str(), json_string(class_name(*model, event.previous)).c_str());
    } else if (event.state >= 0) {
      std::printf("%9.3f s  %s  %.4f\n", event.seconds, class_name(*model, event.state).c_str(),
                  static_cast<double>(event.confidence));
    } else {
      std::printf("%9.3f s  %s\n", event.seconds, class_name(*model, event.state).c_str());
    }
  };
  auto on_window = [&](const WindowReport& report) {
    ++windows;
    if (!options.windows) return;
    if (options.json) {
      std::printf("{\"event\": \"window\", \"seconds\": %.4f, \"level_dbfs\": %s, \"gated\": %s, \"vote\": %s, "
                  "\"confidence\": %s, \"probabilities\": %s}\n",
                  report.window.seconds, json_level(report.window.level_dbfs).c_str(), report.window.gated ? "true" : "false",
                  json_string(class_name(*model, report.vote_index)).c_str(),
                  json_number(report.vote_confidence).c_str(),
                  json_numbers(report.probabilities, model->labels.size()).c_str());
    } else {
      std::printf("  window %zu  %.3f s  %6.1f dBFS  vote %s %.4f\n", report.window.index, report.window.seconds,
                  report.window.level_dbfs, class_name(*model, report.vote_index).c_str(),
                  static_cast<double>(report.vote_confidence));
    }
  };
  pipeline->begin_stream();
  if (!read_blocks(options, reader, [&](const float* block, std::size_t count) {
        pipeline->push_stream(block, count, on_event, on_window);
      })) {
    return kExitBadInput;
  }
  return finish_stream(options, reader, windows, events, model->frontend.sample_rate);
}

}  // namespace earshot::cli
