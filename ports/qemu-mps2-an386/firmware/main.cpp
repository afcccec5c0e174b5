// Firmware for QEMU's mps2-an386 (Cortex-M4F): the whole pipeline on the FSDD clips embedded
// in flash (embed_clips.cmake) — front-end, analysis windows, the example model fsdd-cnn in
// float32 and in int8, mean vote — with its decisions printed as `earshot classify --model
// fsdd-cnn[-int8] --windows --json` prints them on the host, floats with %.9g, so that
// compare_decisions.py can hold the two against ports/cortex-m/reference/fsdd_clips.jsonl
// (made by the host tool).
//
// The audio goes in as a microphone's DMA would hand it over: blocks of 160 int16 samples
// (20 ms at 8 kHz), copied out of the WAV data, through the clip mode of StreamingClassifier.
// One section per model and window overlap (clip_decisions.hpp).
#include <cstddef>
#include <cstdio>

#include "clip_decisions.hpp"
#include "earshot/dsp/frontend.hpp"
#include "earshot/pipeline/streaming_classifier.hpp"
#include "fsdd_cnn.hpp"
#include "fsdd_cnn_int8.hpp"

namespace fsdd = earshot::examples::fsdd_cnn;
namespace fsdd_int8 = earshot::examples::fsdd_cnn_int8;

namespace {

using Classifier = earshot::StreamingClassifier<fsdd::Model, earshot::Frontend<256, 40>>;
using ClassifierInt8 = earshot::StreamingClassifier<fsdd_int8::Model, earshot::Frontend<256, 40>>;
constexpr std::size_t kBlockSamples = 160;
// The model's own overlap (0.5: the clips give one window each) and a denser one that gives
// up to five windows a clip, so that the vote has something to do.
constexpr double kOverlaps[] = {0.5, 0.9375};
// The longest bundled clip (5,064 samples = 40 frames) gives 5 windows at overlap 0.9375.
constexpr std::size_t kMaxWindows = 16;

// Static: front-end, window ring and model arena are too big for a function's frame.
Classifier classifier;
ClassifierInt8 classifier_int8;

}  // namespace

int main() {
  const bool float_ok = earshot::firmware::print_decision_sections<kBlockSamples, kMaxWindows>(
      classifier, "fsdd-cnn", fsdd::frontend, fsdd::normalization, fsdd::labels, kOverlaps);
  const bool int8_ok = earshot::firmware::print_decision_sections<kBlockSamples, kMaxWindows>(
      classifier_int8, "fsdd-cnn-int8", fsdd_int8::frontend, fsdd_int8::normalization,
      fsdd_int8::labels, kOverlaps);
  return float_ok && int8_ok ? 0 : 1;
}
