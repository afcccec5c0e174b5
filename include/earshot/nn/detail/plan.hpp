// The arena plan: every activation lives at one end of the arena (bottom or top), so a layer
// reads from one end and writes to the other, streaming rows so its output may overwrite
// input rows it no longer needs (detail::streaming_bytes). Per-cell layers work in place, a
// Residual block keeps its input at one end while the block runs in the rest, and a
// Concatenate keeps its input at one end and its output at the other while each branch runs in
// the middle, one after the other.
#pragma once

#include <cstddef>
#include <type_traits>

#include "earshot/nn/detail/stages.hpp"
#include "earshot/nn/detail/type_list.hpp"
#include "earshot/nn/layer_info.hpp"

namespace earshot::nn::detail {

enum class Anchor { kBottom, kTop };

constexpr Anchor flip(Anchor anchor) noexcept { return anchor == Anchor::kBottom ? Anchor::kTop : Anchor::kBottom; }

template <class Stage>
constexpr Anchor output_anchor(Anchor input) noexcept {
  return Stage::in_place ? input : flip(input);
}

// Plan<Stages, In anchor, external input>::bytes: the region the stages need. With an
// external input (a Residual block reads its input from outside its region) the first stage
// only needs room for its output.
template <class Stages, Anchor kIn, bool kExternalInput>
struct Plan {
  static constexpr std::size_t bytes = 0;
};
template <class Stage, class... Rest, Anchor kIn, bool kExternalInput>
struct Plan<List<Stage, Rest...>, kIn, kExternalInput> {
  static constexpr std::size_t own =
      kExternalInput ? Stage::Output::bytes : Stage::required_bytes(kIn == Anchor::kTop);
  static constexpr std::size_t bytes =
      max_size(own, Plan<List<Rest...>, output_anchor<Stage>(kIn), false>::bytes);
};

template <class Bound>
struct ResidualStage {
  using Input = typename Bound::Input;
  using Output = Input;
  using Stages = typename Group<typename Bound::Bounds, Input>::type;
  static constexpr bool in_place = true;
  static constexpr bool residual = true;
  static constexpr std::size_t block_bytes = Plan<Stages, Anchor::kTop, true>::bytes;
  static constexpr std::size_t required_bytes(bool) noexcept { return Input::bytes + block_bytes; }
  // output = input (already in `sum`) + the block's output.
  static void add(typename Input::Element* sum, const typename Input::Element* block) noexcept {
    Bound::add(sum, block);
  }
};

template <class Stage, class = void>
struct IsResidual : std::false_type {};
template <class Stage>
struct IsResidual<Stage, std::void_t<decltype(Stage::residual)>> : std::true_type {};

template <class... Values>
constexpr std::size_t largest(Values... values) noexcept {
  std::size_t result = 0;
  ((result = max_size(result, values)), ...);
  return result;
}

// A branch's stages; an empty branch (the input itself) has none.
template <class Branch, class In>
using BranchStages = typename Group<typename Branch::Bounds, In>::type;

template <class Bound, class Branches = typename Bound::Branches>
struct BranchPlans;
template <class Bound, class... Branches>
struct BranchPlans<Bound, List<Branches...>> {
  using Input = typename Bound::Input;
  static constexpr std::size_t bytes = largest(Plan<BranchStages<Branches, Input>, Anchor::kTop, true>::bytes...);
};

template <class Bound>
struct ConcatenateStage {
  using Input = typename Bound::Input;
  using Output = typename Bound::Output;
  using Branches = typename Bound::Branches;
  static constexpr bool in_place = false;
  static constexpr bool branches = true;
  static constexpr std::size_t branch_bytes = BranchPlans<Bound>::bytes;
  static constexpr std::size_t required_bytes(bool) noexcept { return Input::bytes + Output::bytes + branch_bytes; }
};

template <class Stage, class = void>
struct IsConcatenate : std::false_type {};
template <class Stage>
struct IsConcatenate<Stage, std::void_t<decltype(Stage::branches)>> : std::true_type {};

// Scratch bytes a backend asks for, over all stages including nested blocks.
template <class Backend, class Stages>
struct Scratch {
  static constexpr std::size_t bytes = 0;
};
template <class Backend, class Stage, class Branches>
struct BranchScratch;
template <class Backend, class Stage, class... Branches>
struct BranchScratch<Backend, Stage, List<Branches...>> {
  static constexpr std::size_t bytes =
      largest(Scratch<Backend, BranchStages<Branches, typename Stage::Input>>::bytes...);
};
template <class Backend, class Stage, class... Rest>
struct Scratch<Backend, List<Stage, Rest...>> {
  static constexpr std::size_t own() noexcept {
    if constexpr (IsResidual<Stage>::value) {
      return Scratch<Backend, typename Stage::Stages>::bytes;
    } else if constexpr (IsConcatenate<Stage>::value) {
      return BranchScratch<Backend, Stage, typename Stage::Branches>::bytes;
    } else if constexpr (Stage::in_place) {
      return 0;
    } else {
      return Backend::template scratch_bytes<Stage>();
    }
  }
  static constexpr std::size_t bytes = max_size(own(), Scratch<Backend, List<Rest...>>::bytes);
};

// Where a tensor of Shape anchored at `kAnchor` starts in a region of kRegionBytes (a byte
// region: float or int8 tensors). The model's region is 16-byte aligned and a multiple of 16
// bytes, so a float tensor is aligned at either end (asserted for nested regions too).
template <Anchor kAnchor, class Shape, std::size_t kRegionBytes>
typename Shape::Element* slot(unsigned char* region) noexcept {
  using Element = typename Shape::Element;
  static_assert(Shape::bytes <= kRegionBytes, "earshot internal: an activation does not fit its region");
  if constexpr (kAnchor == Anchor::kBottom) {
    return reinterpret_cast<Element*>(region);
  } else {
    static_assert((kRegionBytes - Shape::bytes) % alignof(Element) == 0, "earshot internal: a misaligned activation");
    return reinterpret_cast<Element*>(region + (kRegionBytes - Shape::bytes));
  }
}

// Runs a Concatenate's branches one after the other in the middle region (defined below Runner).
template <class Backend, class Stage, std::size_t kMiddleBytes, class Branches = typename Stage::Branches>
struct BranchRunner;

// Runs the stages in a region of kRegionBytes whose input sits at kIn (or, with an external
// input, outside the region); returns where the last output lies.
template <class Backend, class Stages, class In, Anchor kIn, std::size_t kRegionBytes, bool kExternalInput>
struct Runner {
  static typename In::Element* run(const typename In::Element*, unsigned char* region, unsigned char*) noexcept {
    return slot<kIn, In, kRegionBytes>(region);
  }
};
template <class Backend, class Stage, class... Rest, class In, Anchor kIn, std::size_t kRegionBytes, bool kExternalInput>
struct Runner<Backend, List<Stage, Rest...>, In, kIn, kRegionBytes, kExternalInput> {
  using Out = typename Stage::Output;
  static auto* run(const typename In::Element* input, unsigned char* region, unsigned char* scratch) noexcept {
    constexpr Anchor next = output_anchor<Stage>(kIn);
    typename Out::Element* output = slot<next, Out, kRegionBytes>(region);
    if constexpr (IsResidual<Stage>::value) {
      constexpr std::size_t block_region = kRegionBytes - In::bytes;
      unsigned char* block = kIn == Anchor::kBottom ? region + In::bytes : region;
      const auto* added = Runner<Backend, typename Stage::Stages, In, Anchor::kTop, block_region, true>::run(
          output, block, scratch);
      Stage::add(output, added);
    } else if constexpr (IsConcatenate<Stage>::value) {
      constexpr std::size_t middle_bytes = kRegionBytes - In::bytes - Out::bytes;
      unsigned char* middle = region + (kIn == Anchor::kBottom ? In::bytes : Out::bytes);
      BranchRunner<Backend, Stage, middle_bytes>::run(input, output, middle, scratch);
    } else if constexpr (Stage::in_place) {
      Stage::run_in_place(output);
    } else {
      Backend::template run<Stage, kIn == Anchor::kTop>(input, output, scratch);
    }
    return Runner<Backend, List<Rest...>, Out, next, kRegionBytes, false>::run(output, region, scratch);
  }
};

template <class Backend, class Stage, std::size_t kMiddleBytes, class... Branches>
struct BranchRunner<Backend, Stage, kMiddleBytes, List<Branches...>> {
  using In = typename Stage::Input;
  using Out = typename Stage::Output;
  using Element = typename In::Element;

  // Branch output (cells x kChannels) into channels [offset, offset + kChannels) of each cell.
  template <int kChannels>
  static void place(const Element* branch, Element* output, int offset) noexcept {
    for (int cell = 0; cell < Out::height * Out::width; ++cell) {
      for (int channel = 0; channel < kChannels; ++channel) {
        output[cell * Out::channels + offset + channel] = branch[cell * kChannels + channel];
      }
    }
  }

  template <class Branch>
  static void run_one(const Element* input, Element* output, unsigned char* middle, unsigned char* scratch,
                      int& offset) noexcept {
    using Stages = BranchStages<Branch, In>;
    const Element* result = input;  // an empty branch: the input itself
    if constexpr (!std::is_same_v<Stages, List<>>) {
      result = Runner<Backend, Stages, In, Anchor::kTop, kMiddleBytes, true>::run(input, middle, scratch);
    }
    place<Branch::Output::channels>(result, output, offset);
    offset += Branch::Output::channels;
  }

  static void run(const Element* input, Element* output, unsigned char* middle, unsigned char* scratch) noexcept {
    int offset = 0;
    (run_one<Branches>(input, output, middle, scratch, offset), ...);
  }
};

}  // namespace earshot::nn::detail
