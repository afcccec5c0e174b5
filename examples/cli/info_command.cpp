// `earshot info`: the layers, MACC, weights and arena of the models built into the tool
// (model_registry.hpp), as a table or one JSON object. X-CUBE-AI 3.4's figures for the thesis
// models (from the thesis) are printed beside earshot's for reference.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

#include "classify_common.hpp"
#include "commands.hpp"
#include "earshot/nn/layer_info.hpp"
#include "model_registry.hpp"

namespace {

using earshot::cli::RegisteredModel;
using earshot::nn::LayerInfo;

void print_usage(std::FILE* out) {
  std::fprintf(out,
               "usage: earshot info --model NAME [--json]\n"
               "       earshot info --list [--json]\n\n"
               "Shows each layer of a model (type, output shape, parameters, MACC, activation\n"
               "bytes) and the totals: MACC, weight bytes and the arena (peak RAM of activations).\n");
}

void print_table(const RegisteredModel& model) {
  std::printf("%s: %s\n\n", model.name, model.description);
  std::printf("%-3s %-26s %-12s %10s %12s %12s %12s\n", "#", "layer", "output", "params", "MACC", "MACC(X-CUBE)",
              "act. bytes");
  for (std::size_t index = 0; index < model.layer_count; ++index) {
    const LayerInfo& layer = model.layers[index];
    char type[40];
    std::snprintf(type, sizeof(type), "%*s%s", 2 * layer.depth, "", layer.type);
    char shape[32];
    std::snprintf(shape, sizeof(shape), "%dx%dx%d", layer.height, layer.width, layer.channels);
    std::printf("%-3zu %-26s %-12s %10ld %12ld %12ld %12ld\n", index, type, shape, layer.params, layer.macc,
                layer.xcube_macc, layer.activation_bytes);
  }
  std::printf("\ntotal MACC        %12ld  (X-CUBE-AI style estimate %ld)\n", model.macc, model.xcube_style_macc);
  std::printf("total params      %12ld\n", model.params);
  std::printf("weight bytes      %12ld  (%s)\n", model.weight_bytes, model.element);
  std::printf("arena bytes       %12zu  (activations, input included)\n", model.arena_bytes);
  if (model.xcube_reported.macc != 0) {
    std::printf("X-CUBE-AI 3.4     %12ld MACC, %ld B RAM (reported in the thesis)\n", model.xcube_reported.macc,
                model.xcube_reported.ram_bytes);
  }
  if (model.make_anomaly_pipeline) {
    const earshot::MachineStateConfig& states = model.machine_states;
    std::printf("anomaly detector  maintenance from %g, failure from %g (mean score of %zu windows), release %g, "
                "%zu windows for a change\n",
                static_cast<double>(states.maintenance_score), static_cast<double>(states.failure_score),
                model.score_horizon, static_cast<double>(states.release), states.min_windows);
  }
}

// An anomaly detector's score horizon and machine-state thresholds (null for a classifier).
std::string anomaly_json(const RegisteredModel& model) {
  if (!model.make_anomaly_pipeline) return "null";
  using earshot::cli::json_number;
  const earshot::MachineStateConfig& states = model.machine_states;
  return "{\"maintenance_score\": " + json_number(states.maintenance_score) +
         ", \"failure_score\": " + json_number(states.failure_score) + ", \"horizon\": " +
         std::to_string(model.score_horizon) + ", \"release\": " + json_number(states.release) +
         ", \"min_windows\": " + std::to_string(states.min_windows) + "}";
}

// The pipeline the model runs in (the defaults of classify, stream and windows), with the
// front-end file's names and values.
std::string pipeline_json(const RegisteredModel& model) {
  using earshot::cli::json_number;
  const earshot::FrontendConfig& frontend = model.frontend;
  const char* scales[] = {"linear", "db", "ln", "mfcc"};
  const char* normalizations[] = {"none", "mean_std", "max"};
  const char* votes[] = {"mean", "geometric", "majority", "max"};
  char text[896];
  std::snprintf(text, sizeof text,
                "{\"sample_rate\": %.9g, \"n_fft\": %zu, \"hop_length\": %zu, \"n_mels\": %zu, \"scale\": \"%s\", "
                "\"top_db\": %s, \"normalization\": \"%s\", \"window_frames\": %zu, \"hop_frames\": %zu, "
                "\"gate_dbfs\": %s, \"threshold\": %s, \"vote\": \"%s\", \"anomaly\": %s}",
                frontend.sample_rate, frontend.n_fft, frontend.hop_length, frontend.n_mels,
                scales[static_cast<int>(frontend.kind)],
                frontend.top_db < 0.0f ? "null" : json_number(frontend.top_db).c_str(),
                normalizations[static_cast<int>(model.normalization)], model.window_frames, model.hop_frames,
                std::isinf(model.gate_dbfs) ? "null" : json_number(static_cast<float>(model.gate_dbfs)).c_str(),
                json_number(model.decision_threshold).c_str(), votes[static_cast<int>(model.vote_rule)],
                anomaly_json(model).c_str());
  return text;
}

void print_json(const RegisteredModel& model) {
  std::printf("{\"model\": \"%s\", \"layers\": [", model.name);
  for (std::size_t index = 0; index < model.layer_count; ++index) {
    const LayerInfo& layer = model.layers[index];
    std::printf("%s{\"type\": \"%s\", \"output_shape\": [%d, %d, %d], \"params\": %ld, \"macc\": %ld, "
                "\"xcube_macc\": %ld, \"activation_bytes\": %ld, \"depth\": %d}",
                index == 0 ? "" : ", ", layer.type, layer.height, layer.width, layer.channels, layer.params, layer.macc,
                layer.xcube_macc, layer.activation_bytes, layer.depth);
  }
  std::printf("], \"total_macc\": %ld, \"total_params\": %ld, \"weight_bytes\": %ld, \"arena_bytes\": %zu, "
              "\"total_xcube_macc\": %ld, \"element\": \"%s\"",
              model.macc, model.params, model.weight_bytes, model.arena_bytes, model.xcube_style_macc, model.element);
  if (model.xcube_reported.macc != 0) {
    std::printf(", \"xcube_ai_reported\": {\"macc\": %ld, \"ram_bytes\": %ld}", model.xcube_reported.macc,
                model.xcube_reported.ram_bytes);
  }
  std::printf(", \"labels\": [");
  for (std::size_t index = 0; index < model.labels.size(); ++index) {
    std::printf("%s%s", index == 0 ? "" : ", ", earshot::cli::json_string(model.labels[index]).c_str());
  }
  std::printf("], \"pipeline\": %s}\n", pipeline_json(model).c_str());
}

}  // namespace

int earshot::cli::run_info(int argc, char** argv) {
  const char* name = nullptr;
  bool json = false;
  bool list = false;
  for (int index = 1; index < argc; ++index) {
    const char* argument = argv[index];
    if (std::strcmp(argument, "--help") == 0 || std::strcmp(argument, "-h") == 0) {
      print_usage(stdout);
      return kExitOk;
    } else if (std::strcmp(argument, "--json") == 0) {
      json = true;
    } else if (std::strcmp(argument, "--list") == 0) {
      list = true;
    } else if (std::strcmp(argument, "--model") == 0) {
      if (index + 1 >= argc) {
        std::fprintf(stderr, "earshot info: --model needs a model name (see 'earshot info --list')\n");
        return kExitBadInput;
      }
      name = argv[++index];
    } else {
      std::fprintf(stderr, "earshot info: unknown option '%s' (try 'earshot info --help')\n", argument);
      return kExitBadInput;
    }
  }
  const auto& models = registered_models();
  if (list && json) {
    // One object per model: what a script needs to choose one.
    std::printf("[");
    for (std::size_t index = 0; index < models.size(); ++index) {
      const RegisteredModel& model = models[index];
      std::printf("%s{\"name\": %s, \"description\": %s, \"element\": \"%s\", \"trained\": %s, \"classes\": %zu, "
                  "\"sample_rate\": %.9g, \"macc\": %ld, \"weight_bytes\": %ld, \"arena_bytes\": %zu}",
                  index == 0 ? "" : ", ", earshot::cli::json_string(model.name).c_str(),
                  earshot::cli::json_string(model.description).c_str(), model.element, model.trained ? "true" : "false",
                  model.labels.size(), model.frontend.sample_rate, model.macc, model.weight_bytes, model.arena_bytes);
    }
    std::printf("]\n");
    return kExitOk;
  }
  if (list) {
    for (const RegisteredModel& model : models) std::printf("%s\n", model.name);
    return kExitOk;
  }
  if (name == nullptr) {
    std::fprintf(stderr, "earshot info: give --model NAME or --list (try 'earshot info --help')\n");
    return kExitBadInput;
  }
  if (const RegisteredModel* model = find_model(name)) {
    if (json) {
      print_json(*model);
    } else {
      print_table(*model);
    }
    return kExitOk;
  }
  std::fprintf(stderr, "earshot info: unknown model '%s' (see 'earshot info --list')\n", name);
  return kExitBadInput;
}
