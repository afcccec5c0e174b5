// What a block of layers (a Residual block, a Concatenate branch, the model itself) adds up to:
// its parameters, weight bytes and MACC; and whether it starts with a layer that reads its input
// without overwriting it (the input of a block must survive it).
#pragma once

#include <type_traits>

#include "earshot/nn/detail/type_list.hpp"
#include "earshot/nn/layer_info.hpp"

namespace earshot::nn::detail {

// Bytes of the arrays a layer reads (0 for layers without weights).
template <class Bound, class = void>
struct WeightBytes {
  static constexpr long value = 0;
};
template <class Bound>
struct WeightBytes<Bound, std::void_t<decltype(Bound::weight_bytes)>> {
  static constexpr long value = Bound::weight_bytes;
};

template <class Bounds>
struct BoundSums;
template <class... Bounds>
struct BoundSums<List<Bounds...>> {
  static constexpr long params = (0L + ... + Bounds::params);
  static constexpr long weight_bytes = (0L + ... + WeightBytes<Bounds>::value);
  static constexpr long macc = (0L + ... + Bounds::macc);
  static constexpr long xcube_macc = (0L + ... + Bounds::xcube_macc);
};

template <class Bounds>
struct FirstReadsInput : std::false_type {};
template <class First, class... Rest>
struct FirstReadsInput<List<First, Rest...>>
    : std::bool_constant<First::role == Role::kWindow || First::role == Role::kWhole> {};

}  // namespace earshot::nn::detail
