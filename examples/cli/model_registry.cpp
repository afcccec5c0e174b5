// The built-in models: the example model trained on FSDD (examples/fsdd, converted from ONNX at
// build time) and the thesis models with deterministic stand-in weights, each with the
// front-end and windows it expects.
#include "model_registry.hpp"

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "earshot/model/baseline.hpp"
#include "earshot/model/stride_ds.hpp"
#include "earshot/pipeline/streaming_classifier.hpp"
#include "fsdd_cnn.hpp"
#include "fsdd_cnn_int8.hpp"
#include "stride_ds_24_int8.hpp"

namespace earshot::cli {
namespace {

template <class Model, class FrontendType>
class PipelineOf final : public ModelPipeline {
 public:
  using Classifier = StreamingClassifier<Model, FrontendType>;
  using StreamMonitor = Monitor<Model, FrontendType, kMaxStreamHorizon>;
  static constexpr std::size_t class_count = Classifier::class_count;

  PipelineStatus configure(const MonitorConfig& config) override {
    PipelineStatus status = clip_voter_.configure(config.rule);
    if (status == PipelineStatus::kOk) status = classifier_->configure(config.pipeline);
    if (status != PipelineStatus::kOk) return status;
    MonitorConfig stream_config = config;
    stream_config.pipeline.frontend.center = false;  // a stream has no edges to pad
    return monitor_->configure(stream_config);
  }

  Status frontend_status() const override { return classifier_->frontend_status(); }

  std::size_t minimum_clip_samples() const override {
    return classifier_->windows().minimum_clip_samples();
  }

  ClipResult classify_clip(const float* samples, std::size_t count, bool keep_inputs) override {
    ClipResult result;
    result.input_rows = static_cast<std::size_t>(Model::InputShape::height);
    result.input_columns = static_cast<std::size_t>(Model::InputShape::width);
    clip_voter_.reset();
    std::size_t voted = 0;
    auto on_window = [&](const typename Classifier::Result& window) {
      result.windows.emplace_back(window.probabilities, window.probabilities + class_count);
      if (keep_inputs) {  // the window's ring is still current during this call
        const std::size_t first = result.inputs.size();
        result.inputs.resize(first + Classifier::feature_count * Classifier::window_frames);
        classifier_->windows().copy_window(result.inputs.data() + first);
      }
      if (window.window.gated) return;  // silence (below the gate): not a vote for any class
      clip_voter_.add(window.probabilities);
      ++voted;
    };
    classifier_->begin();
    classifier_->push(samples, count, on_window);
    result.status = classifier_->finish(on_window);
    const Vote<class_count> vote = clip_voter_.vote();
    result.index = voted == 0 && !result.windows.empty() ? kSilentClass : vote.index;
    result.confidence = voted == 0 ? 0.0f : vote.confidence;
    result.scores.assign(vote.scores.begin(), vote.scores.end());
    return result;
  }

  void stream(const float* samples, std::size_t count, std::size_t block, const EventCallback& on_event,
              const WindowCallback& on_window) override {
    monitor_->begin();
    for (std::size_t first = 0; first < count; first += block) {
      monitor_->push(samples + first, std::min(block, count - first), on_event,
                     [&](const typename StreamMonitor::Result& window, const Vote<class_count>& vote) {
                       on_window(WindowReport{window.window, window.probabilities, vote.index, vote.confidence});
                     });
    }
  }

 private:
  // Both hold a front-end, a window ring and a model arena: too big for the stack.
  std::unique_ptr<Classifier> classifier_ = std::make_unique<Classifier>();
  std::unique_ptr<StreamMonitor> monitor_ = std::make_unique<StreamMonitor>();
  Voter<class_count> clip_voter_;
};

// The thesis' front-end (UrbanSound8K at 22.05 kHz, 60 mels, frames of 1024 every 512 samples).
FrontendConfig thesis_frontend() {
  FrontendConfig config;
  config.sample_rate = 22050.0;
  config.n_fft = 1024;
  config.hop_length = 512;
  config.n_mels = 60;
  config.kind = FeatureKind::kDecibel;
  config.top_db = -1.0f;
  return config;
}

const std::vector<std::string> kUrbanSoundLabels = {
    "air_conditioner", "car_horn", "children_playing", "dog_bark", "drilling",
    "engine_idling",   "gun_shot", "jackhammer",       "siren",    "street_music"};

template <class Model, class FrontendType>
RegisteredModel describe(const char* name, const char* description, XCubeFigures reported, bool trained,
                         std::vector<std::string> labels, const FrontendConfig& frontend,
                         WindowNormalization normalization, double overlap, double gate_dbfs = kLevelGateOff) {
  static constexpr auto rows = Model::layer_info();
  return {name,
          description,
          rows.data(),
          rows.size(),
          Model::macc,
          Model::xcube_macc,
          Model::params,
          Model::weight_bytes,
          Model::arena_bytes,
          std::is_same_v<typename Model::InputElement, std::int8_t> ? "int8" : "float32",
          reported,
          trained,
          std::move(labels),
          frontend,
          normalization,
          static_cast<std::size_t>(Model::InputShape::width),
          overlap,
          gate_dbfs,
          [] { return std::unique_ptr<ModelPipeline>(new PipelineOf<Model, FrontendType>()); }};
}

std::vector<RegisteredModel> make_registry() {
  namespace model = earshot::model;
  namespace fsdd = earshot::examples::fsdd_cnn;
  using ThesisFrontend = Frontend<1024, 60>;
  static_assert(fsdd::has_frontend, "the example model carries its front-end (frontend.json)");
  const std::vector<std::string> digits(fsdd::labels.begin(), fsdd::labels.end());
  std::vector<RegisteredModel> models;
  // The thesis models first: `earshot info --list` has always listed them in this order.
  models.push_back(describe<model::Baseline, ThesisFrontend>(
      "baseline", "thesis Baseline (SB-CNN variant), 60x31x1 -> 10", {10185806, 36290}, false, kUrbanSoundLabels,
      thesis_frontend(), WindowNormalization::kMeanStd, 0.5));
  models.push_back(describe<model::StrideDs12, ThesisFrontend>(
      "stride-ds-12", "thesis Stride-DS-12, 60x31x1 -> 10", {208943, 28130}, false, kUrbanSoundLabels,
      thesis_frontend(), WindowNormalization::kMeanStd, 0.5));
  models.push_back(describe<model::StrideDs16, ThesisFrontend>(
      "stride-ds-16", "thesis Stride-DS-16, 60x31x1 -> 10", {0, 0}, false, kUrbanSoundLabels, thesis_frontend(),
      WindowNormalization::kMeanStd, 0.5));
  models.push_back(describe<model::StrideDs20, ThesisFrontend>(
      "stride-ds-20", "thesis Stride-DS-20, 60x31x1 -> 10", {0, 0}, false, kUrbanSoundLabels, thesis_frontend(),
      WindowNormalization::kMeanStd, 0.5));
  models.push_back(describe<model::StrideDs24, ThesisFrontend>(
      "stride-ds-24", "thesis Stride-DS-24, 60x31x1 -> 10", {477236, 56250}, false, kUrbanSoundLabels,
      thesis_frontend(), WindowNormalization::kMeanStd, 0.5));
  models.push_back(describe<fsdd::Model, Frontend<256, 40>>(
      "fsdd-cnn", "spoken digits 0-9 (FSDD, examples/fsdd), 40x32x1 -> 10", {0, 0}, true, digits,
      fsdd::frontend, fsdd::normalization, 0.5, fsdd::level_gate_dbfs));
  namespace fsdd_int8 = earshot::examples::fsdd_cnn_int8;
  models.push_back(describe<fsdd_int8::Model, Frontend<256, 40>>(
      "fsdd-cnn-int8", "fsdd-cnn in int8 (TFLite's scheme; calibrated on 100 training windows)", {0, 0}, true,
      digits, fsdd_int8::frontend, fsdd_int8::normalization, 0.5, fsdd_int8::level_gate_dbfs));
  models.push_back(describe<earshot::examples::stride_ds_24_int8::Model, ThesisFrontend>(
      "stride-ds-24-int8", "Stride-DS-24 in int8 (PyTorch padding, stand-in weights), 60x31x1 -> 10", {477236, 56250},
      false, kUrbanSoundLabels, thesis_frontend(), WindowNormalization::kMeanStd, 0.5));
  return models;
}

}  // namespace

const std::vector<RegisteredModel>& registered_models() {
  static const std::vector<RegisteredModel> models = make_registry();
  return models;
}

const RegisteredModel* find_model(const std::string& name) {
  for (const RegisteredModel& model : registered_models()) {
    if (name == model.name) return &model;
  }
  return nullptr;
}

std::string model_names() {
  std::string names;
  for (const RegisteredModel& model : registered_models()) {
    names += (names.empty() ? "" : ", ") + std::string(model.name);
  }
  return names;
}

}  // namespace earshot::cli
