// A model is a type: Model<Input<H, W, C>, Layer...>, or for int8 Model<QuantizedInput<H, W, C,
// q>, int8 layers..., Dequantize<q>[, Softmax]>. Shapes are inferred layer by layer at compile
// time, the figures (parameters, MACC, weight and arena bytes) are constexpr, and invoke() runs
// the layers, fused into stages, inside one arena without allocating, for either element type.
#pragma once

#include <array>
#include <cstddef>
#include <type_traits>

#include "earshot/nn/backend.hpp"
#include "earshot/nn/detail/block_sums.hpp"
#include "earshot/nn/detail/plan.hpp"
#include "earshot/nn/detail/stages.hpp"
#include "earshot/nn/detail/type_list.hpp"
#include "earshot/nn/layer_info.hpp"
#include "earshot/nn/quantized_tensors.hpp"
#include "earshot/nn/residual.hpp"
#include "earshot/nn/shape.hpp"

namespace earshot::nn {

namespace detail {

template <class Bound>
constexpr std::size_t info_rows() noexcept;

template <class Bounds>
struct InfoRows;
template <class... Bounds>
struct InfoRows<List<Bounds...>> {
  static constexpr std::size_t value = (std::size_t{0} + ... + info_rows<Bounds>());
};

template <class Bound>
constexpr std::size_t info_rows() noexcept {
  if constexpr (Bound::role == Role::kResidual) {
    return 1 + InfoRows<typename Bound::Bounds>::value;
  } else if constexpr (Bound::role == Role::kBranches) {
    return 1 + InfoRows<typename Bound::AllBounds>::value;
  } else {
    return 1;
  }
}

template <class Bound, std::size_t kRows>
constexpr void fill_info(std::array<LayerInfo, kRows>& rows, std::size_t& index, int depth) noexcept;

template <class... Bounds, std::size_t kRows>
constexpr void fill_infos(List<Bounds...>, std::array<LayerInfo, kRows>& rows, std::size_t& index, int depth) noexcept {
  (fill_info<Bounds>(rows, index, depth), ...);
}

template <class Bound, std::size_t kRows>
constexpr void fill_info(std::array<LayerInfo, kRows>& rows, std::size_t& index, int depth) noexcept {
  using Out = typename Bound::Output;
  const long bytes = static_cast<long>(Out::bytes);
  if constexpr (Bound::role == Role::kResidual) {
    // The block's layers, then the Add row with the Add's own cost.
    fill_infos(typename Bound::Bounds{}, rows, index, depth + 1);
    rows[index++] = LayerInfo{Bound::type, Out::height, Out::width, Out::channels, 0, 0, Out::size, bytes, depth};
  } else if constexpr (Bound::role == Role::kBranches) {
    // Every branch's layers in order, then the Concatenate row (a copy: no cost of its own).
    fill_infos(typename Bound::AllBounds{}, rows, index, depth + 1);
    rows[index++] = LayerInfo{Bound::type, Out::height, Out::width, Out::channels, 0, 0, 0, bytes, depth};
  } else {
    rows[index++] = LayerInfo{Bound::type,   Out::height, Out::width,        Out::channels, Bound::params,
                              Bound::macc, Bound::xcube_macc, bytes, depth};
  }
}

constexpr std::size_t round_up_16(std::size_t bytes) noexcept { return (bytes + 15) / 16 * 16; }

}  // namespace detail

template <class Backend, class Source, class... Layers>
class BasicModel {
  static_assert(sizeof...(Layers) > 0, "Model: a model needs at least one layer");
  // The layers see a plain Shape; a QuantizedInput's scale and zero point stay with Source.
  using In = Shape<Source::height, Source::width, Source::channels, typename Source::Element>;
  using Bound = detail::Bind<In, Layers...>;
  using Bounds = typename Bound::type;
  using Stages = typename detail::Group<Bounds, In>::type;
  // The input goes to whichever end of the arena gives the smaller plan.
  template <detail::Anchor kAnchor>
  static constexpr std::size_t plan_from = detail::max_size(In::bytes, detail::Plan<Stages, kAnchor, false>::bytes);
  static constexpr detail::Anchor input_anchor =
      plan_from<detail::Anchor::kTop> <= plan_from<detail::Anchor::kBottom> ? detail::Anchor::kTop : detail::Anchor::kBottom;
  static constexpr std::size_t plan_bytes = detail::round_up_16(plan_from<input_anchor>);
  static constexpr std::size_t scratch_bytes = detail::round_up_16(detail::Scratch<Backend, Stages>::bytes);
  using Sums = detail::BoundSums<Bounds>;

 public:
  using InputShape = In;
  using OutputShape = typename Bound::Output;
  using InputElement = typename In::Element;    // float, or std::int8_t for QuantizedInput
  using OutputElement = typename OutputShape::Element;
  template <class OtherBackend>
  using WithBackend = BasicModel<OtherBackend, Source, Layers...>;

  static constexpr int input_size = In::size;
  static constexpr int output_size = OutputShape::size;
  // Bytes of the arena: the peak of the activation plan (input included) plus any scratch
  // the backend asks for. Align it to 16 bytes.
  static constexpr std::size_t arena_bytes = plan_bytes + scratch_bytes;
  static constexpr long params = Sums::params;
  // Bytes of the weight, bias and requantization arrays the layers read (in flash).
  static constexpr long weight_bytes = Sums::weight_bytes;
  static constexpr long macc = Sums::macc;
  static constexpr long xcube_macc = Sums::xcube_macc;
  static constexpr std::size_t layer_count = detail::InfoRows<Bounds>::value;

  // One row per layer in declaration order (a Residual block: its layers, then its Add).
  static constexpr std::array<LayerInfo, layer_count> layer_info() noexcept {
    std::array<LayerInfo, layer_count> rows{};
    std::size_t index = 0;
    detail::fill_infos(Bounds{}, rows, index, 0);
    return rows;
  }

  // A float input value as the input tensor holds it: itself, or quantized with the
  // QuantizedInput's scale and zero point (PyTorch's rounding, quantization.hpp).
  static InputElement store_input(float value) noexcept { return detail::InputStore<Source>::store(value); }

  // Where the input lives in `arena`: write it there (through store_input) and call
  // run_in_arena() to avoid a copy.
  static InputElement* input_slot(void* arena) noexcept {
    return detail::slot<input_anchor, In, plan_bytes>(static_cast<unsigned char*>(arena));
  }

  // Runs the model on the input already in input_slot(arena); returns the output (in the arena).
  static const OutputElement* run_in_arena(void* arena) noexcept {
    unsigned char* region = static_cast<unsigned char*>(arena);
    return detail::Runner<Backend, Stages, In, input_anchor, plan_bytes, false>::run(input_slot(arena), region,
                                                                                     region + plan_bytes);
  }

  // Runs the model with a caller-given arena of arena_bytes (16-byte aligned) on float inputs
  // (quantized on the way in for an int8 model). `input` and `output` may point anywhere,
  // including, for a float model, into the arena's input slot.
  static void invoke(const float* input, float* output, void* arena) noexcept {
    static_assert(std::is_same_v<OutputElement, float>, "Model: invoke() needs a float output; end an int8 model with Dequantize");
    InputElement* slot = input_slot(arena);
    if (static_cast<const void*>(input) != static_cast<const void*>(slot)) {
      for (int index = 0; index < input_size; ++index) slot[index] = store_input(input[index]);
    }
    const OutputElement* result = run_in_arena(arena);
    for (int index = 0; index < output_size; ++index) output[index] = result[index];
  }

  // Runs the model in the arena this object owns.
  void invoke(const float* input, float* output) noexcept { invoke(input, output, arena_); }

 private:
  alignas(16) float arena_[arena_bytes / sizeof(float)] = {};
};

// The default model: plain loops, for microcontrollers and hosts alike.
template <class In, class... Layers>
using Model = BasicModel<LoopBackend, In, Layers...>;

}  // namespace earshot::nn
