// A converted model (a header from earshot_add_model) as the tool registers it: everything comes
// from the header, so the pipeline the tool runs is the one the model's front-end file records.
// earshot_add_tool() generates one call of register_converted_model per model.
#pragma once

#include <string>
#include <vector>

#include "model_pipeline.hpp"

namespace earshot::cli {

// `Converted` is a converted header's namespace seen through a struct (the generated code makes
// one): Model, labels, has_frontend, frontend, normalization, hop_frames, level_gate_dbfs,
// decision_threshold, vote_rule and anomaly_detector (then also score_horizon and machine_states).
template <class Converted>
void register_converted_model(const char* name, const char* description, bool trained) {
  static_assert(Converted::has_frontend,
                "the tool runs a model on audio: convert it with FRONTEND (the features it was trained on)");
  constexpr FrontendConfig frontend = Converted::frontend;
  ModelDefaults defaults;
  defaults.trained = trained;
  if constexpr (Converted::labels.empty()) {  // converted without LABELS: classes named by their index
    for (std::size_t index = 0; index < Converted::Model::output_size; ++index) {
      defaults.labels.push_back(std::to_string(index));
    }
  } else {
    defaults.labels.assign(Converted::labels.begin(), Converted::labels.end());
  }
  defaults.frontend = frontend;
  defaults.normalization = Converted::normalization;
  defaults.hop_frames = Converted::hop_frames;
  defaults.gate_dbfs = Converted::level_gate_dbfs;
  defaults.decision_threshold = Converted::decision_threshold;
  defaults.vote_rule = Converted::vote_rule;
  using FrontendType = Frontend<frontend.n_fft, frontend.n_mels>;
  if constexpr (Converted::anomaly_detector) {
    register_model(describe_anomaly_detector<typename Converted::Model, FrontendType>(
        name, description, std::move(defaults), Converted::score_horizon, Converted::machine_states));
  } else {
    register_model(describe<typename Converted::Model, FrontendType>(name, description, std::move(defaults)));
  }
}

}  // namespace earshot::cli
