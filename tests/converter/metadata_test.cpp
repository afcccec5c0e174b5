// The metadata earshot_convert.py writes beside a model: the labels file line by line (with
// quotes, a backslash and UTF-8), the front-end configuration of frontend.json, and the
// framework's tensor shapes. Model: conv_bn_relu_maxpool.onnx converted as earshot_test::tiny.
#include <catch2/catch.hpp>

#include <limits>

#include "earshot/pipeline/feature_windows.hpp"

#include <fstream>
#include <string>
#include <vector>

#include "tiny.hpp"

namespace tiny = earshot_test::tiny;

TEST_CASE("the generated header holds the labels file line by line") {
  std::ifstream file(EARSHOT_TEST_DATA_DIR "/converter/labels5.txt");
  std::vector<std::string> lines;
  for (std::string line; std::getline(file, line);) lines.push_back(line);
  REQUIRE(lines.size() == tiny::labels.size());
  for (std::size_t index = 0; index < lines.size(); ++index) CHECK(std::string(tiny::labels[index]) == lines[index]);
}

TEST_CASE("the generated header holds frontend.json as an earshot::FrontendConfig") {
  STATIC_REQUIRE(tiny::has_frontend);
  constexpr earshot::FrontendConfig config = tiny::frontend;
  CHECK(config.sample_rate == 16000.0);
  CHECK(config.n_fft == 1024);
  CHECK(config.hop_length == 512);
  CHECK(config.win_length == 800);
  CHECK(config.window == earshot::WindowType::kHamming);
  CHECK_FALSE(config.center);
  CHECK(config.spectrum == earshot::Spectrum::kPower);
  CHECK(config.n_mels == 16);  // the tiny model's input has 16 rows
  CHECK(config.fmin == 50.0);
  CHECK(config.fmax == 7600.0);
  CHECK(config.mel_scale == earshot::MelScale::kHtk);
  CHECK(config.mel_norm == earshot::MelNorm::kNone);
  CHECK(config.kind == earshot::FeatureKind::kDecibel);
  CHECK(config.top_db < 0.0f);  // "top_db": null -> no floor
  CHECK(tiny::normalization == earshot::WindowNormalization::kMeanStd);
}

TEST_CASE("the generated header records the framework's shapes and earshot's NHWC input") {
  CHECK(tiny::source_input_shape == std::array<int, 4>{1, 1, 16, 9});
  CHECK(tiny::source_input_channels_first);
  CHECK(tiny::source_output_shape == std::array<int, 2>{1, 5});
  using Input = tiny::Model::InputShape;
  CHECK(Input::height == 16);
  CHECK(Input::width == 9);
  CHECK(Input::channels == 1);
  CHECK(tiny::Model::output_size == 5);
  CHECK(std::string(tiny::source_file) == "conv_bn_relu_maxpool.onnx");
}

TEST_CASE("the generated header holds the pipeline of frontend.json, absent keys as PipelineConfig's defaults") {
  // frontend.json gives no pipeline keys: the model's 9 input frames, 50% overlap (hop 5, the
  // nearest frame to 4.5, as hop_frames_for_overlap), no gate, threshold 0, the mean vote.
  STATIC_REQUIRE(tiny::window_frames == 9);
  STATIC_REQUIRE(tiny::hop_frames == earshot::hop_frames_for_overlap(9, 0.5));
  STATIC_REQUIRE(tiny::hop_frames == 5);
  CHECK(tiny::level_gate_dbfs == -std::numeric_limits<double>::infinity());
  CHECK(tiny::decision_threshold == 0.0f);
  CHECK(tiny::vote_rule == earshot::VoteRule::kMean);
}
