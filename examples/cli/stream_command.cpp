// `earshot stream --model NAME FILE.wav`: the continuous mode a device runs, on a recording fed in
// blocks: windows without centring, a vote over a sliding horizon, threshold, hysteresis and the
// level gate, printing each change of the reported state with its time.
#include <cstdio>
#include <memory>
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

options:
  --model NAME            a model of this tool (earshot info --list), e.g. fsdd-cnn
  --overlap F             overlap of the analysis windows in [0, 1) (default: the model's hop)
  --vote RULE             mean, geometric, majority or max, over the horizon (default: the model's)
  --horizon N             windows in the vote (default 3, at most 64)
  --threshold F           a confidence below F is "unknown" (default: the model's, else 0)
  --min-windows N         consecutive agreeing windows before the state changes (default 2)
  --gate DBFS             windows quieter than DBFS (RMS, e.g. -50) are "silence", not classified
  --block N               samples per block, as a DMA buffer delivers them (default 512)
  --windows               also print every window (time, level, vote)
  --json                  one JSON object per line: events (and windows with --windows)
  -h, --help              this text
)";

struct StreamOptions {
  PipelineOptions pipeline;
  std::string input;
  long horizon = 3;
  long min_windows = 2;
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
    const bool ok = name == "--horizon"       ? parse_integer(value, name, 1, static_cast<long>(kMaxStreamHorizon),
                                                              options.horizon, error)
                    : name == "--min-windows" ? parse_integer(value, name, 1, 1000000, options.min_windows, error)
                                              : parse_integer(value, name, 1, 1L << 24, options.block, error);
    if (!ok) return false;
  }
  if (!options.help && options.input.empty()) {
    error = "no recording (usage: earshot stream --model NAME FILE.wav)";
    return false;
  }
  return true;
}

}  // namespace

int run_stream(int argc, char** argv) {
  StreamOptions options;
  MonitorConfig config;
  int exit_code = kExitOk;
  const RegisteredModel* model = start_command("stream", kUsage, argc, argv, parse_options, options, config, exit_code);
  if (model == nullptr) return exit_code;
  config.horizon = static_cast<std::size_t>(options.horizon);
  config.decision.min_consecutive = static_cast<std::size_t>(options.min_windows);
  const std::unique_ptr<ModelPipeline> pipeline = configured_pipeline("stream", *model, config);
  if (pipeline == nullptr) return kExitBadInput;
  if (options.pipeline.resample) {
    std::fprintf(stderr, "earshot stream: --resample is for whole clips (classify, windows): stream reads a "
                         "recording at the model's rate in blocks, as a device does\n");
    return kExitBadInput;
  }
  // Read block by block as it goes: an hour of audio needs no more memory than a second.
  AudioReader reader;
  std::string error;
  if (!reader.open(options.input, error) || !check_sample_rate(reader.sample_rate(), model->frontend.sample_rate, error)) {
    std::fprintf(stderr, "earshot stream: %s: %s\n", options.input.c_str(), error.c_str());
    return kExitBadInput;
  }

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
      std::printf("{\"event\": \"window\", \"seconds\": %.4f, \"level_dbfs\": %.2f, \"gated\": %s, \"vote\": %s, "
                  "\"confidence\": %s, \"probabilities\": %s}\n",
                  report.window.seconds, report.window.level_dbfs, report.window.gated ? "true" : "false",
                  json_string(class_name(*model, report.vote_index)).c_str(),
                  json_number(report.vote_confidence).c_str(),
                  json_numbers(report.probabilities, model->labels.size()).c_str());
    } else {
      std::printf("  window %zu  %.3f s  %6.1f dBFS  vote %s %.4f\n", report.window.index, report.window.seconds,
                  report.window.level_dbfs, class_name(*model, report.vote_index).c_str(),
                  static_cast<double>(report.vote_confidence));
    }
  };
  std::vector<float> block(static_cast<std::size_t>(options.block));
  pipeline->begin_stream();
  std::size_t count = 0;
  while (reader.read(block.data(), block.size(), count, error) && count > 0) {
    pipeline->push_stream(block.data(), count, on_event, on_window);
  }
  if (!error.empty()) {  // events up to the bad block are printed: as a device, it stops there
    std::fprintf(stderr, "earshot stream: %s: %s\n", options.input.c_str(), error.c_str());
    return kExitBadInput;
  }
  const auto samples = static_cast<unsigned long long>(reader.samples_read());
  if (windows == 0) {
    std::fprintf(stderr, "earshot stream: %s: too short for one analysis window (%llu samples)\n",
                 options.input.c_str(), samples);
    return kExitBadInput;
  }
  if (!options.json) {
    std::printf("%zu windows, %zu changes of state, %.3f s of audio\n", windows, events,
                static_cast<double>(samples) / model->frontend.sample_rate);
  }
  return kExitOk;
}

}  // namespace earshot::cli
