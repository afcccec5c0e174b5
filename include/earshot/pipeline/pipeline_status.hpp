// Errors of the streaming pipeline (include/earshot/pipeline/) as values, like earshot::Status:
// a configuration the front-end rejects keeps the front-end's own Status (frontend_status() of
// the object that reported it); the rest only exist once windows and a model are involved.
#pragma once

#include <cstdint>

namespace earshot {

enum class PipelineStatus : std::uint8_t {
  kOk = 0,
  kFrontendRejected,        // the FrontendConfig is invalid: see frontend_status()
  kFeatureCountMismatch,    // n_mels (n_mfcc for MFCC) differs from the window's feature count
  kInvalidWindowHop,        // hop_frames is 0
  kInvalidVoteHorizon,      // a sliding horizon larger than the voter's capacity
  kNotConfigured,           // used before a successful configure()
  kClipTooShort,            // finish(): the clip gave no complete window (padding disabled)
  kInvalidStateThresholds,  // machine states: not 0 <= maintenance <= failure, release in (0, 1], min_windows >= 1
};

// One line, no trailing newline, never nullptr.
constexpr const char* describe(PipelineStatus status) noexcept {
  switch (status) {
    case PipelineStatus::kOk:
      return "ok";
    case PipelineStatus::kFrontendRejected:
      return "the front-end configuration is invalid";
    case PipelineStatus::kFeatureCountMismatch:
      return "the front-end's features per frame (n_mels, or n_mfcc) differ from the model's input "
             "height";
    case PipelineStatus::kInvalidWindowHop:
      return "hop_frames (frames between analysis windows) must be at least 1";
    case PipelineStatus::kInvalidVoteHorizon:
      return "the voting horizon exceeds the capacity the voter was compiled for";
    case PipelineStatus::kNotConfigured:
      return "the pipeline was used before a successful configure()";
    case PipelineStatus::kClipTooShort:
      return "too short for one analysis window";
    case PipelineStatus::kInvalidStateThresholds:
      return "the machine-state thresholds must satisfy 0 <= maintenance <= failure, with release in "
             "(0, 1] and min_windows at least 1";
  }
  return "unknown pipeline status";
}

}  // namespace earshot
