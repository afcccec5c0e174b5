// The per-clip half of `earshot classify --windows --json` for firmware that runs on WAV clips
// embedded in flash (embedded_clips.hpp): the whole pipeline through the clip mode of
// StreamingClassifier, fed in blocks as a microphone's DMA would hand them over, and one JSON
// line per clip as the host tool prints it, floats with %.9g (float32 read back exactly), so
// that compare_decisions.py can hold the two against one reference.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "earshot/io/wav.hpp"
#include "earshot/pipeline/streaming_classifier.hpp"
#include "earshot/pipeline/voter.hpp"
#include "embedded_clips.hpp"

namespace earshot::firmware {

inline void print_json_numbers(const float* values, std::size_t count) {
  std::printf("[");
  for (std::size_t c = 0; c < count; ++c) {
    std::printf("%s%.9g", c == 0 ? "" : ", ", static_cast<double>(values[c]));
  }
  std::printf("]");
}

// Classifies one clip with a configured classifier whose model reads `sample_rate` and has
// `labels`: 16-bit mono PCM, blocks of BlockSamples int16 samples copied out of the WAV data,
// the mean vote (earshot classify's default) over at most MaxWindows windows. Prints the JSON
// line, or an error line and returns false.
template <std::size_t BlockSamples, std::size_t MaxWindows, class Classifier, class Labels>
bool print_clip_decision(Classifier& classifier, const EmbeddedClip& clip, double sample_rate,
                         const Labels& labels) {
  constexpr std::size_t kClasses = Classifier::class_count;
  // Static: one set per classifier type, too big for the caller's stack frame.
  static earshot::Voter<kClasses> voter;
  static float window_probabilities[MaxWindows][kClasses];
  static std::int16_t block[BlockSamples];  // what one DMA half-buffer would hold

  const earshot::WavParseResult parsed = earshot::parse_wav(clip.bytes, clip.size);
  if (!parsed.ok()) {
    std::printf("error: %s: %s\n", clip.name, parsed.message());
    return false;
  }
  const earshot::WavFile& wav = parsed.file;
  if (wav.sample_format != earshot::WavSampleFormat::kInt16 || wav.channels != 1 ||
      static_cast<double>(wav.sample_rate) != sample_rate) {
    std::printf("error: %s: not 16-bit mono PCM at the model's %g Hz\n", clip.name, sample_rate);
    return false;
  }

  std::size_t windows = 0;
  bool too_many_windows = false;
  voter.configure(earshot::VoteRule::kMean);
  auto on_window = [&](const typename Classifier::Result& result) {
    voter.add(result.probabilities);
    if (windows == MaxWindows) {
      too_many_windows = true;
      return;
    }
    std::memcpy(window_probabilities[windows++], result.probabilities, sizeof window_probabilities[0]);
  };
  classifier.begin();
  for (std::size_t first = 0; first < wav.frame_count; first += BlockSamples) {
    const std::size_t count = wav.frame_count - first < BlockSamples ? wav.frame_count - first : BlockSamples;
    std::memcpy(block, wav.data + first * sizeof(std::int16_t), count * sizeof(std::int16_t));
    classifier.push(block, count, on_window);
  }
  const earshot::PipelineStatus status = classifier.finish(on_window);
  if (status != earshot::PipelineStatus::kOk || too_many_windows) {
    std::printf("error: %s: %s\n", clip.name,
                too_many_windows ? "more windows than MaxWindows" : earshot::describe(status));
    return false;
  }

  const earshot::Vote<kClasses> vote = voter.vote();
  std::printf("{\"file\": \"%s\", \"label\": \"%s\", \"index\": %d, \"confidence\": %.9g, \"probabilities\": ",
              clip.name, labels[static_cast<std::size_t>(vote.index)], vote.index,
              static_cast<double>(vote.confidence));
  print_json_numbers(vote.scores.data(), kClasses);
  std::printf(", \"windows\": [");
  for (std::size_t w = 0; w < windows; ++w) {
    if (w > 0) std::printf(", ");
    print_json_numbers(window_probabilities[w], kClasses);
  }
  std::printf("]}\n");
  return true;
}

// What the reference holds for one model: a section per window overlap, headed by the host
// tool's options (`# --model fsdd-cnn --overlap 0.5`), then every embedded clip's line.
// `tool_model` is the model's name in the host tool; the other arguments come from the model's
// generated header. False after an error line.
template <std::size_t BlockSamples, std::size_t MaxWindows, class Classifier, class Labels,
          std::size_t Overlaps>
bool print_decision_sections(Classifier& classifier, const char* tool_model,
                             const earshot::FrontendConfig& frontend,
                             earshot::WindowNormalization normalization, const Labels& labels,
                             const double (&overlaps)[Overlaps]) {
  bool all_classified = true;
  for (const double overlap : overlaps) {
    earshot::PipelineConfig config;
    config.frontend = frontend;
    config.normalization = normalization;
    config.hop_frames = earshot::hop_frames_for_overlap(Classifier::window_frames, overlap);
    const earshot::PipelineStatus status = classifier.configure(config);
    if (status != earshot::PipelineStatus::kOk) {
      std::printf("error: %s: %s (front-end: %s)\n", tool_model, earshot::describe(status),
                  earshot::describe(classifier.frontend_status()));
      return false;
    }
    std::printf("# --model %s --overlap %g\n", tool_model, overlap);
    for (std::size_t c = 0; c < embedded_clip_count; ++c) {
      all_classified &= print_clip_decision<BlockSamples, MaxWindows>(
          classifier, embedded_clips[c], frontend.sample_rate, labels);
    }
  }
  return all_classified;
}

}  // namespace earshot::firmware
