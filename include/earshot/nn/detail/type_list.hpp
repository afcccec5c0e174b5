// Compile-time lists of layers: binding each layer to the shape of its input, which infers
// every output shape (and turns a mismatch into the layer's own static_assert).
#pragma once

namespace earshot::nn::detail {

template <class... Types>
struct List {};

template <class Head, class Tail>
struct Prepend;
template <class Head, class... Tail>
struct Prepend<Head, List<Tail...>> {
  using type = List<Head, Tail...>;
};

// Bind<In, Layers...>::type is List<Layer::Bound<shape before it>...>; ::Output the last shape.
template <class In, class... Layers>
struct Bind {
  using type = List<>;
  using Output = In;
};
template <class In, class Layer, class... Rest>
struct Bind<In, Layer, Rest...> {
  using Bound = typename Layer::template Bound<In>;
  using Next = Bind<typename Bound::Output, Rest...>;
  using type = typename Prepend<Bound, typename Next::type>::type;
  using Output = typename Next::Output;
};

}  // namespace earshot::nn::detail
