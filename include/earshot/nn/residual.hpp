// Residual (Keras' Add of a block's input and output): output = input + Block(input), the
// identity shortcut of ResNet-style blocks. The block must keep the shape and start with a
// layer that reads its input (a convolution, pooling or Dense), so the input survives intact.
#pragma once

#include <type_traits>

#include "earshot/nn/detail/type_list.hpp"
#include "earshot/nn/layer_info.hpp"
#include "earshot/nn/shape.hpp"

namespace earshot::nn {

namespace detail {

template <class Bounds>
struct BoundSums;
template <class... Bounds>
struct BoundSums<List<Bounds...>> {
  static constexpr long params = (0L + ... + Bounds::params);
  static constexpr long macc = (0L + ... + Bounds::macc);
  static constexpr long xcube_macc = (0L + ... + Bounds::xcube_macc);
};

template <class Bounds>
struct FirstReadsInput : std::false_type {};
template <class First, class... Rest>
struct FirstReadsInput<List<First, Rest...>>
    : std::bool_constant<First::role == Role::kWindow || First::role == Role::kWhole> {};

}  // namespace detail

template <class... Layers>
struct Residual {
  static_assert(sizeof...(Layers) > 0, "Residual: the block needs at least one layer");

  template <class In>
  struct Bound {
    using Input = In;
    static constexpr const char* type = "Add";
    static constexpr detail::Role role = detail::Role::kResidual;
    using Block = detail::Bind<In, Layers...>;
    using Bounds = typename Block::type;
    static_assert(std::is_same_v<typename Block::Output, In>,
                  "Residual: the block's output shape must equal its input shape");
    static_assert(detail::FirstReadsInput<Bounds>::value,
                  "Residual: the block must start with a convolution, pooling or Dense layer");
    using Output = In;
    static constexpr long params = detail::BoundSums<Bounds>::params;
    static constexpr long macc = detail::BoundSums<Bounds>::macc;
    static constexpr long xcube_macc = detail::BoundSums<Bounds>::xcube_macc + In::size;
  };
};

}  // namespace earshot::nn
