// The thesis models (earshot/model/), with deterministic stand-in weights: their costs are real,
// their answers are not. They expect the thesis' front-end and UrbanSound8K's ten classes.
#include "thesis_models.hpp"

#include "earshot/model/baseline.hpp"
#include "earshot/model/stride_ds.hpp"
#include "model_pipeline.hpp"

namespace earshot::cli {
namespace {

// The thesis' front-end (UrbanSound8K at 22.05 kHz, 60 mels, frames of 1024 every 512 samples,
// dB without a floor) and windows of 31 frames overlapping by half.
ModelDefaults thesis_defaults(XCubeFigures reported) {
  ModelDefaults defaults;
  defaults.xcube_reported = reported;
  defaults.trained = false;
  defaults.labels = {"air_conditioner", "car_horn", "children_playing", "dog_bark", "drilling",
                     "engine_idling",   "gun_shot", "jackhammer",       "siren",    "street_music"};
  defaults.frontend.sample_rate = 22050.0;
  defaults.frontend.n_fft = 1024;
  defaults.frontend.hop_length = 512;
  defaults.frontend.n_mels = 60;
  defaults.frontend.kind = FeatureKind::kDecibel;
  defaults.frontend.top_db = -1.0f;
  defaults.normalization = WindowNormalization::kMeanStd;
  defaults.hop_frames = hop_frames_for_overlap(31, 0.5);
  return defaults;
}

}  // namespace

void register_thesis_models() {
  namespace model = earshot::model;
  using ThesisFrontend = Frontend<1024, 60>;
  register_model(describe<model::Baseline, ThesisFrontend>(
      "baseline", "thesis Baseline (SB-CNN variant), 60x31x1 -> 10", thesis_defaults({10185806, 36290})));
  register_model(describe<model::StrideDs12, ThesisFrontend>(
      "stride-ds-12", "thesis Stride-DS-12, 60x31x1 -> 10", thesis_defaults({208943, 28130})));
  register_model(describe<model::StrideDs16, ThesisFrontend>("stride-ds-16", "thesis Stride-DS-16, 60x31x1 -> 10",
                                                             thesis_defaults({0, 0})));
  register_model(describe<model::StrideDs20, ThesisFrontend>("stride-ds-20", "thesis Stride-DS-20, 60x31x1 -> 10",
                                                             thesis_defaults({0, 0})));
  register_model(describe<model::StrideDs24, ThesisFrontend>(
      "stride-ds-24", "thesis Stride-DS-24, 60x31x1 -> 10", thesis_defaults({477236, 56250})));
}

}  // namespace earshot::cli
