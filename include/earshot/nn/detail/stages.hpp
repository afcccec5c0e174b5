// How a model runs: its layers grouped into stages, each one pass over memory. A convolution
// or pooling layer absorbs the per-cell layers after it (BatchNormalization, activations) and
// a non-overlapping pooling layer, so e.g. Conv2D -> BN -> MaxPool2D -> ReLU writes only the
// pooled cells and the full-resolution convolution output never exists.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

#include "earshot/nn/detail/type_list.hpp"
#include "earshot/nn/layer_info.hpp"

// A stage's loop is compiled once, on its own: inlined into each caller, GCC's -O3 heuristics
// made the same int8 model 10% faster or slower depending on the code around the call
// (Cortex-M4: 1.40 M instructions from Model::invoke, 1.55 M from run_in_arena in another
// translation unit), so costs measured in one place would not hold in another.
#if defined(__GNUC__)
#define EARSHOT_STAGE_CODE __attribute__((noinline))
#else
#define EARSHOT_STAGE_CODE
#endif

namespace earshot::nn::detail {

// ---- per-cell operations applied in a chain (their state prepared once per invocation) ----

template <class Op, class = void>
struct AppliesValueByValue : std::false_type {};
template <class Op>
struct AppliesValueByValue<
    Op, std::void_t<decltype(Op::apply_value(std::declval<const typename Op::State&>(), 0, 0.0f))>>
    : std::true_type {};

template <class Ops>
struct OpChain;
template <>
struct OpChain<List<>> {
  static constexpr bool value_by_value = true;
  float apply_value(int, float value) const noexcept { return value; }
  template <class Element>
  void apply(Element*) const noexcept {}
};
template <class Op, class... Rest>
struct OpChain<List<Op, Rest...>> {
  typename Op::State state = Op::prepare();
  OpChain<List<Rest...>> rest;
  // When every op of a float chain computes one value from one value (BatchNormalization, ReLU,
  // ...: apply_value), the chain reads and writes each value once instead of once per op
  // (Cortex-M4, Stride-DS-24's BN + ReLU after each convolution: see ports/qemu-mps2-an386/bench).
  static constexpr bool value_by_value = AppliesValueByValue<Op>::value && OpChain<List<Rest...>>::value_by_value;
  float apply_value(int channel, float value) const noexcept {
    return rest.apply_value(channel, Op::apply_value(state, channel, value));
  }
  template <class Element>  // float, or std::int8_t for int8 per-cell layers (LookupTable)
  void apply(Element* cell) const noexcept {
    if constexpr (value_by_value && std::is_same_v<Element, float>) {
#pragma GCC unroll 8
      for (int channel = 0; channel < Op::Input::channels; ++channel) {
        cell[channel] = apply_value(channel, cell[channel]);
      }
    } else {
      Op::apply(state, cell);
      rest.apply(cell);
    }
  }
};

// ---- stages ----

template <class Producer, class = void>
struct ComputesPairs : std::false_type {};
template <class Producer>
struct ComputesPairs<Producer, std::void_t<decltype(Producer::computes_pairs)>>
    : std::bool_constant<Producer::computes_pairs> {};

// The first column a pair-computing producer takes in pairs (the ones before, one at a time):
// a convolution whose first column reads the padding pairs the columns after it.
template <class Producer, class = void>
struct FirstPairedColumn : std::integral_constant<int, 0> {};
template <class Producer>
struct FirstPairedColumn<Producer, std::void_t<decltype(Producer::first_paired_column)>>
    : std::integral_constant<int, Producer::first_paired_column> {};

constexpr std::size_t max_size(std::size_t a, std::size_t b) noexcept { return a > b ? a : b; }

// Arena bytes a row-streaming stage needs when its input sits at one end of the region and
// its output at the other. Forward (input at the top, output written from the bottom, rows in
// increasing order): output row r may cover input rows that no later output row reads.
// Backward mirrors it (input at the bottom, output from the top, rows in decreasing order).
template <class Stage>
constexpr std::size_t streaming_bytes(bool forward) noexcept {
  using In = typename Stage::Input;
  using Out = typename Stage::Output;
  constexpr std::size_t in_row = In::bytes / In::height;
  constexpr std::size_t out_row = Out::bytes / Out::height;
  std::size_t need = max_size(In::bytes, Out::bytes);
  for (int row = 0; row < Out::height; ++row) {
    const std::size_t bytes =
        forward ? In::bytes + static_cast<std::size_t>(row + 1) * out_row -
                      static_cast<std::size_t>(Stage::first_input_row(row)) * in_row
                : Out::bytes - static_cast<std::size_t>(row) * out_row +
                      static_cast<std::size_t>(Stage::last_input_row(row) + 1) * in_row;
    need = max_size(need, bytes);
  }
  return need;
}

// A sliding-window producer with its fused per-cell layers (Pre), optionally a non-overlapping
// pooling layer (Pool, or void) and the per-cell layers after the pooling (Post).
template <class Producer, class Pre, class Pool, class Post>
struct WindowStage {
  using Input = typename Producer::Input;
  static constexpr bool pooled = !std::is_void_v<Pool>;
  using Output = typename std::conditional_t<pooled, Pool, Producer>::Output;
  using Cell = typename Producer::Output;  // the producer's own output cells
  using ProducerLayer = Producer;
  using PoolLayer = Pool;
  using PreOps = Pre;
  using PostOps = Post;
  static constexpr bool in_place = false;

  static constexpr int first_input_row(int row) noexcept {
    if constexpr (pooled) {
      return Producer::rows.first_read(Pool::rows.first_read(row));
    } else {
      return Producer::rows.first_read(row);
    }
  }
  static constexpr int last_input_row(int row) noexcept {
    if constexpr (pooled) {
      return Producer::rows.last_read(Pool::rows.last_read(row));
    } else {
      return Producer::rows.last_read(row);
    }
  }
  static constexpr std::size_t required_bytes(bool forward) noexcept { return streaming_bytes<WindowStage>(forward); }

  using InElement = typename Input::Element;
  using OutElement = typename Output::Element;

  // Writes output row `row` (all its columns) to `out_row`. A producer that computes two adjacent
  // cells at once (computes_pairs) gets the columns in pairs from its first_paired_column on, a
  // last odd column alone.
  static void run_row(const InElement* input, int row, OutElement* out_row, const OpChain<Pre>& pre,
                      const OpChain<Post>& post) noexcept {
    constexpr bool pairs = !pooled && ComputesPairs<Producer>::value;
    for (int column = 0; column < Output::width;) {
      OutElement* out = out_row + column * Output::channels;
      if constexpr (pairs) {
        if (column >= FirstPairedColumn<Producer>::value && column + 1 < Output::width) {
          if constexpr (std::is_same_v<OutElement, float> && OpChain<Pre>::value_by_value) {
            // The per-cell layers applied to the sums as they are stored: each value written once.
            Producer::compute_cell_pair(input, row, column, out,
                                        [&pre](int channel, float sum) { return pre.apply_value(channel, sum); });
          } else {
            Producer::compute_cell_pair(input, row, column, out);
            pre.apply(out);
            pre.apply(out + Output::channels);
          }
          column += 2;
          continue;
        }
      }
      if constexpr (pooled) {
        typename Cell::Element cell[Cell::channels];
        Pool::reduce(
            row, column,
            [&](int cell_row, int cell_column) {
              Producer::compute_cell(input, cell_row, cell_column, cell);
              pre.apply(cell);
              return static_cast<const typename Cell::Element*>(cell);
            },
            out);
        post.apply(out);
      } else {
        Producer::compute_cell(input, row, column, out);
        pre.apply(out);
      }
      ++column;
    }
  }

  template <bool kForward>
  EARSHOT_STAGE_CODE static void run(const InElement* input, OutElement* output) noexcept {
    const OpChain<Pre> pre{};
    const OpChain<Post> post{};
    constexpr int row_floats = Output::width * Output::channels;
    for (int step = 0; step < Output::height; ++step) {
      const int row = kForward ? step : Output::height - 1 - step;
      run_row(input, row, output + row * row_floats, pre, post);
    }
  }
};

// A layer that needs all its input before it writes (Dense, global pooling), with its fused
// per-cell layers; its output is one cell.
template <class Producer, class Pre>
struct WholeStage {
  using Input = typename Producer::Input;
  using Output = typename Producer::Output;
  using ProducerLayer = Producer;
  using PreOps = Pre;
  static constexpr bool in_place = false;
  static constexpr std::size_t required_bytes(bool) noexcept { return Input::bytes + Output::bytes; }
  using InElement = typename Input::Element;
  using OutElement = typename Output::Element;

  template <bool kForward>
  EARSHOT_STAGE_CODE static void run(const InElement* input, OutElement* output) noexcept {
    const OpChain<Pre> pre{};
    Producer::compute(input, output);
    for (int cell = 0; cell < Output::height * Output::width; ++cell) pre.apply(output + cell * Output::channels);
  }
};

// Per-cell layers with nothing before them to fuse into: one pass in place.
template <class In, class Ops>
struct PixelStage {
  using Input = In;
  using Output = In;
  static constexpr bool in_place = true;
  static constexpr std::size_t required_bytes(bool) noexcept { return In::bytes; }

  static void run_in_place(typename In::Element* buffer) noexcept {
    const OpChain<Ops> ops{};
    for (int cell = 0; cell < In::height * In::width; ++cell) ops.apply(buffer + cell * In::channels);
  }
};

// Flatten: the same bytes under another shape.
template <class Layer>
struct ReshapeStage {
  using Input = typename Layer::Input;
  using Output = typename Layer::Output;
  static constexpr bool in_place = true;
  static constexpr std::size_t required_bytes(bool) noexcept { return Input::bytes; }
  static void run_in_place(typename Input::Element*) noexcept {}
};

// ---- grouping bound layers into stages ----

template <class Bound, class = void>
struct IsFusablePool : std::false_type {};
template <class Bound>
struct IsFusablePool<Bound, std::void_t<typename Bound::Reducer>>
    : std::bool_constant<Bound::rows.stride >= Bound::rows.kernel && Bound::columns.stride >= Bound::columns.kernel> {};

// Splits the leading per-cell layers off a list: ::ops and ::rest.
template <class Bounds, bool kPixel = true>
struct TakePixels {
  using ops = List<>;
  using rest = Bounds;
};
template <class First, class... Rest>
struct TakePixels<List<First, Rest...>, true> {
  static constexpr bool take = First::role == Role::kPixel;
  using Next = TakePixels<List<Rest...>>;
  using ops = std::conditional_t<take, typename Prepend<First, typename Next::ops>::type, List<>>;
  using rest = std::conditional_t<take, typename Next::rest, List<First, Rest...>>;
};

// Splits a leading fusable pooling layer off a list: ::pool (or void) and ::rest.
template <class Bounds>
struct TakePool {
  using pool = void;
  using rest = Bounds;
};
template <class First, class... Rest>
struct TakePool<List<First, Rest...>> {
  static constexpr bool take = IsFusablePool<First>::value;
  using pool = std::conditional_t<take, First, void>;
  using rest = std::conditional_t<take, List<Rest...>, List<First, Rest...>>;
};

template <class Bounds, class In>
struct Group;

template <class Bound, class Rest, class In, Role kRole = Bound::role>
struct GroupFrom;

template <class In>
struct Group<List<>, In> {
  using type = List<>;
};
template <class First, class... Rest, class In>
struct Group<List<First, Rest...>, In> {
  using type = typename GroupFrom<First, List<Rest...>, In>::type;
};

template <class Bound, class Rest, class In>
struct GroupFrom<Bound, Rest, In, Role::kWindow> {
  using Pre = TakePixels<Rest>;
  using Pool = TakePool<typename Pre::rest>;
  using Post = std::conditional_t<std::is_void_v<typename Pool::pool>, TakePixels<List<>>, TakePixels<typename Pool::rest>>;
  using After = std::conditional_t<std::is_void_v<typename Pool::pool>, typename Pool::rest, typename Post::rest>;
  using Stage = WindowStage<Bound, typename Pre::ops, typename Pool::pool, typename Post::ops>;
  using type = typename Prepend<Stage, typename Group<After, typename Stage::Output>::type>::type;
};

template <class Bound, class Rest, class In>
struct GroupFrom<Bound, Rest, In, Role::kWhole> {
  using Pre = TakePixels<Rest>;
  using Stage = WholeStage<Bound, typename Pre::ops>;
  using type = typename Prepend<Stage, typename Group<typename Pre::rest, typename Stage::Output>::type>::type;
};

template <class Bound, class Rest, class In>
struct GroupFrom<Bound, Rest, In, Role::kPixel> {
  using Ops = TakePixels<typename Prepend<Bound, Rest>::type>;
  using Stage = PixelStage<In, typename Ops::ops>;
  using type = typename Prepend<Stage, typename Group<typename Ops::rest, In>::type>::type;
};

template <class Bound, class Rest, class In>
struct GroupFrom<Bound, Rest, In, Role::kReshape> {
  using Stage = ReshapeStage<Bound>;
  using type = typename Prepend<Stage, typename Group<Rest, typename Stage::Output>::type>::type;
};

// Defined in plan.hpp: need the planner for the nested blocks.
template <class Bound>
struct ResidualStage;
template <class Bound>
struct ConcatenateStage;

template <class Bound, class Rest, class In>
struct GroupFrom<Bound, Rest, In, Role::kBranches> {
  using Stage = ConcatenateStage<Bound>;
  using type = typename Prepend<Stage, typename Group<Rest, typename Stage::Output>::type>::type;
};

template <class Bound, class Rest, class In>
struct GroupFrom<Bound, Rest, In, Role::kResidual> {
  using Stage = ResidualStage<Bound>;
  using type = typename Prepend<Stage, typename Group<Rest, In>::type>::type;
};

}  // namespace earshot::nn::detail
