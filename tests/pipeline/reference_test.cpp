// The pipeline against independent references read from disk: windows from a numpy front-end
// (make_reference.py) and, when the example model is built, PyTorch's window probabilities for
// the bundled FSDD test clips (examples/fsdd/train.py).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "earshot/io/npy.hpp"
#include "earshot/io/wav.hpp"
#include "pipeline_test_support.hpp"
#include "test_model.hpp"

#if EARSHOT_TEST_HAS_FSDD_MODEL
#include "earshot/pipeline/streaming_classifier.hpp"
#include "earshot/pipeline/voter.hpp"
#include "fsdd_cnn.hpp"
#endif

namespace {

using Windows = earshot::FeatureWindows<earshot::test::FsddFrontend, 40, 32>;

std::vector<std::int16_t> read_pcm16(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const earshot::WavParseResult parsed = earshot::parse_wav(bytes.data(), bytes.size());
  REQUIRE(parsed.ok());
  REQUIRE(parsed.file.sample_format == earshot::WavSampleFormat::kInt16);
  REQUIRE(parsed.file.channels == 1);
  std::vector<std::int16_t> pcm(parsed.file.frame_count);
  for (std::size_t i = 0; i < pcm.size(); ++i) {
    pcm[i] = static_cast<std::int16_t>(parsed.file.data[2 * i] | (parsed.file.data[2 * i + 1] << 8));
  }
  return pcm;
}

earshot::NpyArray read_npy(const std::string& path) {
  earshot::NpyReadResult result = earshot::load_npy(path);
  INFO(result.error);
  REQUIRE(result.ok());
  return result.array;
}

const std::string kData = std::string(EARSHOT_TEST_DATA_DIR) + "/pipeline/";

}  // namespace

TEST_CASE("clip-mode windows match a numpy front-end within 2e-3 dB") {
  earshot::PipelineConfig config = earshot::test::fsdd_pipeline_config(true);
  config.normalization = earshot::WindowNormalization::kNone;
  auto windows = std::make_unique<Windows>();
  REQUIRE(windows->configure(config) == earshot::PipelineStatus::kOk);
  const auto pcm = read_pcm16(kData + "digits.wav");
  const auto collected = earshot::test::collect_windows(*windows, pcm, 160, true);
  const earshot::NpyArray reference = read_npy(kData + "digits_clip_db.npy");
  REQUIRE(reference.shape == std::vector<std::size_t>{5, 40, 32});
  REQUIRE(collected.inputs.size() == reference.values.size());
  double worst = 0.0;
  for (std::size_t i = 0; i < reference.values.size(); ++i) {
    worst = std::max(worst, std::fabs(static_cast<double>(collected.inputs[i]) - reference.values[i]));
  }
  INFO("worst dB difference " << worst);
  CHECK(worst < 2e-3);
}

TEST_CASE("continuous-mode z-scored windows match numpy within 1e-4") {
  auto windows = std::make_unique<Windows>();
  REQUIRE(windows->configure(earshot::test::fsdd_pipeline_config(false)) == earshot::PipelineStatus::kOk);
  const auto pcm = read_pcm16(kData + "digits.wav");
  const auto collected = earshot::test::collect_windows(*windows, pcm, 7, false);
  const earshot::NpyArray reference = read_npy(kData + "digits_stream_zscore.npy");
  REQUIRE(reference.shape == std::vector<std::size_t>{5, 40, 32});
  REQUIRE(collected.inputs.size() == reference.values.size());
  double worst = 0.0;
  for (std::size_t i = 0; i < reference.values.size(); ++i) {
    worst = std::max(worst, std::fabs(static_cast<double>(collected.inputs[i]) - reference.values[i]));
  }
  INFO("worst z-score difference " << worst);
  CHECK(worst < 1e-4);
}

#if EARSHOT_TEST_HAS_FSDD_MODEL
TEST_CASE("the example model's window probabilities match PyTorch within 1e-4 on the bundled clips") {
  namespace fsdd = earshot::examples::fsdd_cnn;
  using Classifier = earshot::StreamingClassifier<fsdd::Model, earshot::Frontend<256, 40>>;
  const std::string examples = EARSHOT_TEST_FSDD_DIR;
  std::ifstream list(examples + "/reference/test_window_clips.txt");
  REQUIRE(list.good());
  std::vector<std::string> rows;
  for (std::string line; std::getline(list, line);) rows.push_back(line);
  const earshot::NpyArray torch = read_npy(examples + "/reference/test_window_probabilities.npy");
  REQUIRE(torch.shape == std::vector<std::size_t>{rows.size(), 10});

  earshot::PipelineConfig config;
  config.frontend = fsdd::frontend;
  config.normalization = fsdd::normalization;
  config.hop_frames = 16;
  auto classifier = std::make_unique<Classifier>();
  REQUIRE(classifier->configure(config) == earshot::PipelineStatus::kOk);

  std::size_t clips = 0;
  double worst = 0.0;
  for (const char* name : {"0_george_0", "1_nicolas_2", "2_theo_2", "3_jackson_4", "4_lucas_4", "5_theo_0",
                           "6_jackson_2", "7_lucas_2", "8_yweweler_4", "9_jackson_0"}) {
    CAPTURE(name);
    const std::string file = std::string(name) + ".wav";
    const auto first_row = std::find(rows.begin(), rows.end(), file);
    REQUIRE(first_row != rows.end());
    const std::size_t row = static_cast<std::size_t>(first_row - rows.begin());
    const auto pcm = read_pcm16(examples + "/clips/" + file);
    const auto collected = earshot::test::collect_probabilities(*classifier, pcm, 160, true);
    REQUIRE(collected.views.size() == static_cast<std::size_t>(std::count(rows.begin(), rows.end(), file)));
    earshot::Voter<10> voter;
    REQUIRE(voter.configure(earshot::VoteRule::kMean) == earshot::PipelineStatus::kOk);
    for (std::size_t k = 0; k < collected.views.size(); ++k) {
      voter.add(collected.probabilities.data() + 10 * k);
      for (std::size_t c = 0; c < 10; ++c) {
        worst = std::max(worst, std::fabs(static_cast<double>(collected.probabilities[10 * k + c]) -
                                          torch.values[(row + k) * 10 + c]));
      }
    }
    CHECK(voter.vote().index == name[0] - '0');  // every bundled test clip is classified right
    ++clips;
  }
  INFO("worst probability difference " << worst << " over " << clips << " clips");
  CHECK(worst < 1e-4);
}
#endif
