// Firmware for QEMU's mps2-an386 (Cortex-M4F): the whole pipeline on the FSDD clips embedded
// in flash (embed_clips.cmake) — front-end, analysis windows, the example model fsdd-cnn, mean
// vote — with its decisions printed as `earshot classify --model fsdd-cnn --windows --json`
// prints them on the host, floats with %.9g, so that compare_decisions.py can hold the two
// against reference/fsdd_clips.jsonl (made by the host tool).
//
// The audio goes in as a microphone's DMA would hand it over: blocks of 160 int16 samples
// (20 ms at 8 kHz), copied out of the WAV data, through the clip mode of StreamingClassifier.
// One section per window overlap, headed by the host tool's option (`# --overlap 0.5`).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "earshot/dsp/frontend.hpp"
#include "earshot/io/wav.hpp"
#include "earshot/pipeline/streaming_classifier.hpp"
#include "earshot/pipeline/voter.hpp"
#include "embedded_clips.hpp"
#include "fsdd_cnn.hpp"

namespace fsdd = earshot::examples::fsdd_cnn;

namespace {

using Classifier = earshot::StreamingClassifier<fsdd::Model, earshot::Frontend<256, 40>>;
constexpr std::size_t kClasses = Classifier::class_count;
constexpr std::size_t kBlockSamples = 160;
// The model's own overlap (0.5: the clips give one window each) and a denser one that gives
// up to five windows a clip, so that the vote has something to do.
constexpr double kOverlaps[] = {0.5, 0.9375};
// The longest bundled clip (5,064 samples = 40 frames) gives 5 windows at overlap 0.9375.
constexpr std::size_t kMaxWindows = 16;

// Static: front-end, window ring and model arena are too big for a function's frame.
Classifier classifier;
earshot::Voter<kClasses> voter;
float window_probabilities[kMaxWindows][kClasses];

void print_numbers(const float* values, std::size_t count) {
  std::printf("[");
  for (std::size_t c = 0; c < count; ++c) {
    std::printf("%s%.9g", c == 0 ? "" : ", ", static_cast<double>(values[c]));
  }
  std::printf("]");
}

// Classifies one embedded WAV file; false (after an error line) if it cannot.
bool classify(const earshot::firmware::EmbeddedClip& clip) {
  const earshot::WavParseResult parsed = earshot::parse_wav(clip.bytes, clip.size);
  if (!parsed.ok()) {
    std::printf("error: %s: %s\n", clip.name, parsed.message());
    return false;
  }
  const earshot::WavFile& wav = parsed.file;
  if (wav.sample_format != earshot::WavSampleFormat::kInt16 || wav.channels != 1 ||
      static_cast<double>(wav.sample_rate) != fsdd::frontend.sample_rate) {
    std::printf("error: %s: not 16-bit mono PCM at the model's %g Hz\n", clip.name,
                fsdd::frontend.sample_rate);
    return false;
  }

  std::size_t windows = 0;
  bool too_many_windows = false;
  voter.reset();
  auto on_window = [&](const Classifier::Result& result) {
    voter.add(result.probabilities);
    if (windows == kMaxWindows) {
      too_many_windows = true;
      return;
    }
    std::memcpy(window_probabilities[windows++], result.probabilities, sizeof window_probabilities[0]);
  };
  classifier.begin();
  std::int16_t block[kBlockSamples];  // what one DMA half-buffer would hold
  for (std::size_t first = 0; first < wav.frame_count; first += kBlockSamples) {
    const std::size_t count = wav.frame_count - first < kBlockSamples ? wav.frame_count - first : kBlockSamples;
    std::memcpy(block, wav.data + first * sizeof(std::int16_t), count * sizeof(std::int16_t));
    classifier.push(block, count, on_window);
  }
  const earshot::PipelineStatus status = classifier.finish(on_window);
  if (status != earshot::PipelineStatus::kOk || too_many_windows) {
    std::printf("error: %s: %s\n", clip.name,
                too_many_windows ? "more windows than kMaxWindows" : earshot::describe(status));
    return false;
  }

  const earshot::Vote<kClasses> vote = voter.vote();
  std::printf("{\"file\": \"%s\", \"label\": \"%s\", \"index\": %d, \"confidence\": %.9g, \"probabilities\": ",
              clip.name, fsdd::labels[static_cast<std::size_t>(vote.index)], vote.index,
              static_cast<double>(vote.confidence));
  print_numbers(vote.scores.data(), kClasses);
  std::printf(", \"windows\": [");
  for (std::size_t w = 0; w < windows; ++w) {
    if (w > 0) std::printf(", ");
    print_numbers(window_probabilities[w], kClasses);
  }
  std::printf("]}\n");
  return true;
}

}  // namespace

int main() {
  voter.configure(earshot::VoteRule::kMean);  // earshot classify's default
  bool all_classified = true;
  for (const double overlap : kOverlaps) {
    earshot::PipelineConfig config;
    config.frontend = fsdd::frontend;
    config.normalization = fsdd::normalization;
    config.hop_frames = earshot::hop_frames_for_overlap(Classifier::window_frames, overlap);
    const earshot::PipelineStatus status = classifier.configure(config);
    if (status != earshot::PipelineStatus::kOk) {
      std::printf("error: %s (front-end: %s)\n", earshot::describe(status),
                  earshot::describe(classifier.frontend_status()));
      return 1;
    }
    std::printf("# --overlap %g\n", overlap);
    for (std::size_t c = 0; c < earshot::firmware::embedded_clip_count; ++c) {
      all_classified &= classify(earshot::firmware::embedded_clips[c]);
    }
  }
  return all_classified ? 0 : 1;
}
