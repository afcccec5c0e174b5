// Concatenate (Keras' Concatenate on the channel axis, PyTorch's torch.cat(dim=1)): branches of
// layers applied to the same input, their outputs side by side in each cell's channels, in
// branch order, as Inception-style blocks join their paths:
//
//   nn::Concatenate<nn::Branch<nn::Conv2D<8, nn::Kernel<1, 1>, ...>>,
//                   nn::Branch<nn::Conv2D<8, nn::Kernel<3, 3>, ...>, nn::ReLU>,
//                   nn::Branch<>>  // no layers: the input itself (DenseNet's shortcut)
//
// Each branch must give the same height and width, and start with a layer that reads its input
// (a convolution, pooling or Dense) so that the input survives for the next branch. The planner
// keeps the input at one end of the arena and the output at the other, and runs the branches one
// after the other in between: the arena needs input + output + the largest branch's own plan.
// int8: a copy, as TFLite's CONCATENATION, whose inputs share the output's scale and zero point
// (the converter gives every branch's last layer the concatenation's quantization).
#pragma once

#include <tuple>
#include <type_traits>

#include "earshot/nn/detail/block_sums.hpp"
#include "earshot/nn/detail/type_list.hpp"
#include "earshot/nn/layer_info.hpp"
#include "earshot/nn/shape.hpp"

namespace earshot::nn {

template <class... Layers>
struct Branch {};

namespace detail {

template <class In, class B>
struct BoundBranch;
template <class In, class... Layers>
struct BoundBranch<In, Branch<Layers...>> {
  using Block = Bind<In, Layers...>;
  using Bounds = typename Block::type;
  using Output = typename Block::Output;
  static_assert(sizeof...(Layers) == 0 || FirstReadsInput<Bounds>::value,
                "Concatenate: a branch must start with a convolution, pooling or Dense layer");
};

template <class... Lists>
struct Join;
template <>
struct Join<> {
  using type = List<>;
};
template <class... A, class... Rest>
struct Join<List<A...>, Rest...> {
  template <class Tail>
  struct With;
  template <class... B>
  struct With<List<B...>> {
    using type = List<A..., B...>;
  };
  using type = typename With<typename Join<Rest...>::type>::type;
};

}  // namespace detail

template <class... BranchTypes>
struct Concatenate {
  static_assert(sizeof...(BranchTypes) >= 2, "Concatenate: give at least two branches");

  template <class In>
  struct Bound {
    using Input = In;
    static constexpr const char* type = "Concatenate";
    static constexpr detail::Role role = detail::Role::kBranches;
    using Branches = detail::List<detail::BoundBranch<In, BranchTypes>...>;
    // Every branch's layers, in order (for the sums and layer_info()).
    using AllBounds = typename detail::Join<typename detail::BoundBranch<In, BranchTypes>::Bounds...>::type;
    using First = typename detail::BoundBranch<In, std::tuple_element_t<0, std::tuple<BranchTypes...>>>::Output;
    static_assert(((detail::BoundBranch<In, BranchTypes>::Output::height == First::height &&
                    detail::BoundBranch<In, BranchTypes>::Output::width == First::width) && ...),
                  "Concatenate: every branch must give the same height and width");
    static_assert((std::is_same_v<typename detail::BoundBranch<In, BranchTypes>::Output::Element, typename In::Element> && ...),
                  "Concatenate: every branch must give the input's element type (float or std::int8_t)");
    using Output = Shape<First::height, First::width, (0 + ... + detail::BoundBranch<In, BranchTypes>::Output::channels),
                         typename In::Element>;
    static constexpr long params = detail::BoundSums<AllBounds>::params;
    static constexpr long weight_bytes = detail::BoundSums<AllBounds>::weight_bytes;
    static constexpr long macc = detail::BoundSums<AllBounds>::macc;
    static constexpr long xcube_macc = detail::BoundSums<AllBounds>::xcube_macc;
  };
};

}  // namespace earshot::nn
