// How a model's stages are computed. LoopBackend is plain C++ loops: the default, and the one
// for microcontrollers. EigenBackend (eigen_backend.hpp, host only) replaces the hot stages
// with GEMMs; a backend that needs scratch memory says how much, and the arena includes it.
#pragma once

#include <cstddef>

namespace earshot::nn {

struct LoopBackend {
  template <class Stage>
  static constexpr std::size_t scratch_bytes() noexcept {
    return 0;
  }
  template <class Stage, bool kForward, class InElement, class OutElement>
  static void run(const InElement* input, OutElement* output, unsigned char*) noexcept {
    Stage::template run<kForward>(input, output);
  }
};

}  // namespace earshot::nn
