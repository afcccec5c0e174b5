// Float sums held in vector registers on hosts with float SIMD (SSE2, NEON). A loop that adds
// into out[o] for every input stores each sum and loads it again for the next input: GCC keeps
// arrays in memory, so each output's chain of multiply-adds waited on a store and a reload
// (Stride-DS-24 on an AVX-512 host, -march=native: 26.2 us, half of it in stores; 20.4 us now).
// Sums in GCC's and Clang's vector types are values the compiler keeps in registers across the
// loop. Each output's sum still takes the same products in the same order, so the results are
// the plain loop's bit for bit (with the same contraction into fused multiply-adds).
#pragma once

#include <cstring>

namespace earshot::nn::detail {

#if (defined(__SSE2__) || defined(__ARM_NEON)) && defined(__GNUC__)
#define EARSHOT_FLOAT_SUMS_IN_VECTORS 1
#else
#define EARSHOT_FLOAT_SUMS_IN_VECTORS 0  // the compiler would emulate the vectors: plain loops
#endif

#if EARSHOT_FLOAT_SUMS_IN_VECTORS
// As wide as the registers: 8 floats with AVX, 4 with SSE2 or NEON (wider ones the compiler
// would split, and it then keeps them in memory).
#if defined(__AVX__)
inline constexpr int kVectorLanes = 8;
#else
inline constexpr int kVectorLanes = 4;
#endif
typedef float FloatVector __attribute__((vector_size(kVectorLanes * sizeof(float))));

// kCount sums: kCount / kVectorLanes vectors and the rest as floats, loaded from and stored
// back to memory around a loop that adds to them.
template <int kCount>
struct VectorSums {
  static constexpr int vectors = kCount / kVectorLanes;
  static constexpr int rest = kCount % kVectorLanes;
  FloatVector vector[vectors > 0 ? vectors : 1];
  float scalar[rest > 0 ? rest : 1];

  // Vectors are moved with memcpy (one unaligned load or store each) and never passed by value:
  // without AVX a 32-byte vector argument or result has no fixed calling convention.
  explicit VectorSums(const float* from) noexcept {
    std::memcpy(vector, from, sizeof(FloatVector) * vectors);
    for (int r = 0; r < rest; ++r) scalar[r] = from[kVectorLanes * vectors + r];
  }

  void store(float* to) const noexcept {
    std::memcpy(to, vector, sizeof(FloatVector) * vectors);
    for (int r = 0; r < rest; ++r) to[kVectorLanes * vectors + r] = scalar[r];
  }

  // sums[o] += value x row[o]
  void add_scaled(float value, const float* row) noexcept {
    for (int v = 0; v < vectors; ++v) {
      FloatVector weights;
      std::memcpy(&weights, row + kVectorLanes * v, sizeof weights);
      vector[v] += value * weights;
    }
    for (int r = 0; r < rest; ++r) scalar[r] += value * row[kVectorLanes * vectors + r];
  }

  // sums[o] += values[o] x row[o]
  void add_products(const float* values, const float* row) noexcept {
    for (int v = 0; v < vectors; ++v) {
      FloatVector inputs;
      FloatVector weights;
      std::memcpy(&inputs, values + kVectorLanes * v, sizeof inputs);
      std::memcpy(&weights, row + kVectorLanes * v, sizeof weights);
      vector[v] += inputs * weights;
    }
    for (int r = 0; r < rest; ++r) scalar[r] += values[kVectorLanes * vectors + r] * row[kVectorLanes * vectors + r];
  }
};
#endif

}  // namespace earshot::nn::detail
