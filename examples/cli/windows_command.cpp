// `earshot windows`: writes exactly the tensors a model receives for a recording — its front-end,
// the clip-mode padding of short clips, the analysis windows and their normalisation — as
// float32 .npy in the framework's layout (windows, 1, features, frames): the training side's
// source of truth, so that a model is trained on what the device computes.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "arguments.hpp"
#include "classify_common.hpp"
#include "commands.hpp"
#include "earshot/io/npy.hpp"
#include "model_registry.hpp"

namespace earshot::cli {
namespace {

constexpr const char* kUsage =
    R"(usage: earshot windows --model NAME [options] IN -o OUT.npy

Writes the model's input tensors for one recording, as `earshot classify` computes them (centred
frames, windows of the model's width every hop, a clip shorter than one window zero-padded at
its end, per-window normalisation): float32 .npy of shape (windows, 1, features, frames), the
layout a PyTorch model takes. An int8 model receives these values quantized.

options:
  --model NAME            a model of this tool (earshot info --list)
  -o, --output OUT.npy    where to write
  --overlap F             overlap of the analysis windows in [0, 1) (default: the model's hop)
  --no-pad                a clip shorter than one window is an error instead of being padded
  --resample              a recording at another sample rate is resampled to the model's
                          (libsoxr, as librosa.load; desktop only: a device samples at its rate)
  -h, --help              this text
)";

struct WindowsOptions {
  PipelineOptions pipeline;
  std::string input;
  std::string output;
  bool pad = true;
  bool help = false;
};

bool parse_options(int argc, char** argv, WindowsOptions& options, std::string& error) {
  ArgumentCursor cursor(argc, argv);
  while (cursor.next()) {
    const std::string name = cursor.name();
    if (take_recording_or_pipeline_option(cursor, options, error)) {
      if (!error.empty()) return false;
      continue;
    }
    if (name == "-o" || name == "--output") {
      if (!cursor.value(options.output, error)) return false;
      continue;
    }
    if (name != "--no-pad" && name != "-h" && name != "--help") {
      error = "unknown option '" + name + "' (see 'earshot windows --help')";
      return false;
    }
    if (cursor.has_inline_value()) {
      error = name + " takes no value";
      return false;
    }
    options.pad &= name != "--no-pad";
    options.help |= name == "-h" || name == "--help";
  }
  if (options.help) return true;
  if (options.input.empty()) {
    error = "no recording (usage: earshot windows --model NAME IN -o OUT.npy)";
    return false;
  }
  if (options.output.size() < 4 || options.output.compare(options.output.size() - 4, 4, ".npy") != 0) {
    error = "give the output as -o OUT.npy";
    return false;
  }
  return true;
}

}  // namespace

int run_windows(int argc, char** argv) {
  WindowsOptions options;
  MonitorConfig config;
  int exit_code = kExitOk;
  const RegisteredModel* model = start_command("windows", kUsage, argc, argv, parse_options, options, config, exit_code);
  if (model == nullptr) return exit_code;
  config.pipeline.pad_short_clips = options.pad;
  const std::unique_ptr<ModelPipeline> pipeline = configured_pipeline("windows", *model, config);
  if (pipeline == nullptr) return kExitBadInput;
  std::vector<float> samples;
  std::string error;
  if (!load_clip(options.input, model->frontend.sample_rate, options.pipeline.resample, samples, error)) {
    std::fprintf(stderr, "earshot windows: %s: %s\n", options.input.c_str(), error.c_str());
    return kExitBadInput;
  }
  const ClipResult result = pipeline->classify_clip(samples.data(), samples.size(), true);
  if (result.status != PipelineStatus::kOk) {
    std::fprintf(stderr, "earshot windows: %s: %s (%zu samples, a window needs %zu)\n", options.input.c_str(),
                 describe(result.status), samples.size(), pipeline->minimum_clip_samples());
    return kExitBadInput;
  }
  const std::vector<std::size_t> shape = {result.windows.size(), 1, result.input_rows, result.input_columns};
  if (!save_npy(options.output, result.inputs.data(), shape)) {
    std::fprintf(stderr, "earshot windows: %s: cannot write\n", options.output.c_str());
    return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace earshot::cli
