// LookupTable: an int8 activation as a table of its 256 possible results. An int8 value can only
// be one of 256 codes, so any per-value function between two quantized tensors (sigmoid, tanh,
// ELU, SiLU, HardSwish, LeakyReLU, PReLU) is exactly a table: entry q + 128 holds
// quantize(f(dequantize(q))) with the input's and the output's scale and zero point. The
// converter computes the tables (the float function in float32, PyTorch's rounding), so the
// device does no arithmetic at all: one load per value. PReLU with a slope per channel takes
// one table per channel.
#pragma once

#include <cstdint>
#include <iterator>
#include <type_traits>

#include "earshot/nn/layer_info.hpp"
#include "earshot/nn/shape.hpp"

namespace earshot::nn {

// `kTable`: std::int8_t[256] (every channel alike) or std::int8_t[channels * 256] (table c at
// c * 256); `kType` names the function it tabulates, for layer_info().
template <const auto& kTable, const char* kType = nullptr>
struct LookupTable {
  template <class In>
  struct Bound {
    using Input = In;
    static constexpr const char* type = kType != nullptr ? kType : "LookupTable";
    static constexpr detail::Role role = detail::Role::kPixel;
    static_assert(std::is_same_v<typename In::Element, std::int8_t>, "LookupTable: the input must be int8");
    static constexpr long entries = detail::extent_of<kTable>;
    static_assert(entries == 256 || entries == 256L * In::channels,
                  "LookupTable: the table must hold 256 int8 values, or 256 per channel");
    static constexpr bool per_channel = entries != 256;
    using Output = In;
    static constexpr long params = 0;
    static constexpr long macc = 0;
    static constexpr long xcube_macc = In::size;
    static constexpr long weight_bytes = entries;
    struct State {};
    static State prepare() noexcept { return {}; }
    static void apply(const State&, std::int8_t* cell) noexcept {
      const std::int8_t* table = std::data(kTable);
      for (int channel = 0; channel < In::channels; ++channel) {
        const std::int8_t* own = per_channel ? table + 256 * channel : table;
        cell[channel] = own[cell[channel] + 128];
      }
    }
  };
};

}  // namespace earshot::nn
