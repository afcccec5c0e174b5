// The complex values the built-in FFT (real_fft.hpp) works on: their arithmetic, the 4- and
// 8-point DFTs its stages are made of, and their loads and stores.
//
// On Arm cores with a floating-point unit a complex value is loaded and stored as one 64-bit
// VLDR / VSTR of a register pair (s2n, s2n+1), where GCC would issue one instruction per float:
// C++ has no type for two floats in a d register, so the loads go through a double and the
// stores bind the value's halves to named registers, which the compiler then computes straight
// into. The numbers are those of plain loads and stores. GCC keeps the pairs in registers when
// the FFT is a function of its own (EARSHOT_FFT_ENTRY): inlined into a large caller, GCC 12
// spilled each loaded pair to the stack.
#pragma once

#include <cstring>

namespace earshot {
namespace detail {

struct Complex {
  float re;
  float im;
};

#if defined(__ARM_ARCH) && defined(__ARM_FP) && (__ARM_FP & 4) && defined(__GNUC__)
#define EARSHOT_FFT_VFP_PAIRS 1
#define EARSHOT_FFT_ENTRY __attribute__((noinline))
#else
#define EARSHOT_FFT_ENTRY
#endif

#ifdef EARSHOT_FFT_VFP_PAIRS
// The memory operand as a double (not Complex) lets GCC fold constant offsets into the VLDR /
// VSTR; may_alias keeps it ordered with the float accesses to the same memory.
typedef double __attribute__((may_alias)) PairInMemory;
static_assert(sizeof(Complex) == sizeof(PairInMemory), "a complex value is one register pair");
#endif

inline Complex load(const Complex* p) noexcept {
#ifdef EARSHOT_FFT_VFP_PAIRS
  double pair;
  __asm__("vldr %P0, %1" : "=w"(pair) : "Uv"(*reinterpret_cast<const PairInMemory*>(p)));
  Complex c;
  std::memcpy(&c, &pair, sizeof c);
  return c;
#else
  return *p;
#endif
}

// Through the register pair (s14, s15) = d7.
inline void store(Complex* p, Complex c) noexcept {
#ifdef EARSHOT_FFT_VFP_PAIRS
  register float re __asm__("s14") = c.re;
  register float im __asm__("s15") = c.im;
  __asm__("vstr d7, %0" : "=Uv"(*reinterpret_cast<PairInMemory*>(p)) : "t"(re), "t"(im));
#else
  *p = c;
#endif
}

inline void swap(Complex* a, Complex* b) noexcept {
#ifdef EARSHOT_FFT_VFP_PAIRS
  double at_a;
  double at_b;
  __asm__("vldr %P0, %2\n\tvldr %P1, %3"
          : "=w"(at_a), "=w"(at_b)
          : "Uv"(*reinterpret_cast<const PairInMemory*>(a)),
            "Uv"(*reinterpret_cast<const PairInMemory*>(b)));
  __asm__("vstr %P2, %0\n\tvstr %P3, %1"
          : "=Uv"(*reinterpret_cast<PairInMemory*>(a)), "=Uv"(*reinterpret_cast<PairInMemory*>(b))
          : "w"(at_b), "w"(at_a));
#else
  const Complex at_a = *a;
  *a = *b;
  *b = at_a;
#endif
}

// Stores x0 .. x7 at p[0] .. p[7]: one VSTM of the registers s0 .. s15.
inline void store8(Complex* p, Complex x0, Complex x1, Complex x2, Complex x3, Complex x4,
                   Complex x5, Complex x6, Complex x7) noexcept {
#ifdef EARSHOT_FFT_VFP_PAIRS
  register float r0 __asm__("s0") = x0.re;
  register float i0 __asm__("s1") = x0.im;
  register float r1 __asm__("s2") = x1.re;
  register float i1 __asm__("s3") = x1.im;
  register float r2 __asm__("s4") = x2.re;
  register float i2 __asm__("s5") = x2.im;
  register float r3 __asm__("s6") = x3.re;
  register float i3 __asm__("s7") = x3.im;
  register float r4 __asm__("s8") = x4.re;
  register float i4 __asm__("s9") = x4.im;
  register float r5 __asm__("s10") = x5.re;
  register float i5 __asm__("s11") = x5.im;
  register float r6 __asm__("s12") = x6.re;
  register float i6 __asm__("s13") = x6.im;
  register float r7 __asm__("s14") = x7.re;
  register float i7 __asm__("s15") = x7.im;
  __asm__("vstm %1, {s0-s15}"
          : "=m"(*reinterpret_cast<Complex(*)[8]>(p))
          : "r"(p), "t"(r0), "t"(i0), "t"(r1), "t"(i1), "t"(r2), "t"(i2), "t"(r3), "t"(i3), "t"(r4),
            "t"(i4), "t"(r5), "t"(i5), "t"(r6), "t"(i6), "t"(r7), "t"(i7));
#else
  p[0] = x0;
  p[1] = x1;
  p[2] = x2;
  p[3] = x3;
  p[4] = x4;
  p[5] = x5;
  p[6] = x6;
  p[7] = x7;
#endif
}

// A product the compiler must round before adding it, not fuse into a multiply-add: where the
// addend is used twice (a + p and a - p) an FMA would first copy the addend.
inline float unfused(float product) noexcept {
#ifdef EARSHOT_FFT_VFP_PAIRS
  __asm__("" : "+t"(product));
#endif
  return product;
}

inline Complex multiply(Complex a, Complex b) noexcept {
  return {a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re};
}

inline Complex add(Complex a, Complex b) noexcept {
  return {a.re + b.re, a.im + b.im};
}
inline Complex subtract(Complex a, Complex b) noexcept {
  return {a.re - b.re, a.im - b.im};
}
inline Complex minus_i_times(Complex a) noexcept {
  return {a.im, -a.re};
}

// x e^{-i pi / 4} and x e^{-3 i pi / 4}, the rotations of the 8-point DFT: additions and one
// scaling by sqrt(1/2).
constexpr float kHalfSqrt2 = 0.70710678118654752f;

inline Complex times_w8(Complex x) noexcept {
  return {unfused(kHalfSqrt2 * (x.re + x.im)), unfused(kHalfSqrt2 * (x.im - x.re))};
}

inline Complex times_w8_cubed(Complex x) noexcept {
  return {unfused(kHalfSqrt2 * (x.im - x.re)), unfused(-kHalfSqrt2 * (x.re + x.im))};
}

// The 4-point DFT X[k] = sum x[q] e^{-2 pi i q k / 4} of x0..x3, in place, of complex values or
// of pairs of them. The kernels take named values, not arrays: compilers keep those in
// registers (an array of structs went to the stack on arm-none-eabi-gcc 12).
template <class C>
inline void dft4(C& x0, C& x1, C& x2, C& x3) noexcept {
  const C s0 = add(x0, x2);
  const C d0 = subtract(x0, x2);
  const C s1 = add(x1, x3);
  const C d1 = minus_i_times(subtract(x1, x3));
  x0 = add(s0, s1);
  x1 = add(d0, d1);
  x2 = subtract(s0, s1);
  x3 = subtract(d0, d1);
}

// The 8-point DFT of x0..x7, in place: the 4-point DFTs of the even and odd samples joined with
// W8^k = e^{-i pi k / 4}.
template <class C>
inline void dft8(C& x0, C& x1, C& x2, C& x3, C& x4, C& x5, C& x6, C& x7) noexcept {
  dft4(x0, x2, x4, x6);  // even samples: E0 .. E3 in x0, x2, x4, x6
  dft4(x1, x3, x5, x7);  // odd samples: O0 .. O3 in x1, x3, x5, x7
  const C e0 = x0, e1 = x2, e2 = x4, e3 = x6;
  const C o0 = x1;
  const C o1 = times_w8(x3);
  const C o2 = minus_i_times(x5);
  const C o3 = times_w8_cubed(x7);
  x0 = add(e0, o0);
  x4 = subtract(e0, o0);
  x1 = add(e1, o1);
  x5 = subtract(e1, o1);
  x2 = add(e2, o2);
  x6 = subtract(e2, o2);
  x3 = add(e3, o3);
  x7 = subtract(e3, o3);
}

// Two complex values side by side in a 128-bit vector (re0, im0, re1, im1): on hosts with such
// vectors (SSE2, NEON) a stage's butterflies at k and k + 1 in one pass. Each operation is the
// scalar one's, lane by lane, with the same roundings in the same order (a - b as a + (-1) b,
// which is exact), so a transform of pairs equals the scalar transform bit for bit as long as
// the compiler fuses no multiply-add in either (it does not without -ffp-contract=fast and an
// FMA unit; fused, both stay within the transform's tested error).
#if defined(__SSE2__) || defined(__ARM_NEON)
#define EARSHOT_COMPLEX_PAIRS_ARE_VECTORS 1
#else
#define EARSHOT_COMPLEX_PAIRS_ARE_VECTORS 0  // GCC would emulate them: the scalar path is used
#endif
constexpr bool kComplexPairsAreVectors = EARSHOT_COMPLEX_PAIRS_ARE_VECTORS;

typedef float Float4 __attribute__((vector_size(16)));

struct ComplexPair {
  Float4 v;
};

template <int k0, int k1, int k2, int k3>
inline Float4 shuffle(Float4 v) noexcept {
#if defined(__clang__)
  return __builtin_shufflevector(v, v, k0, k1, k2, k3);
#else
  typedef int Int4 __attribute__((vector_size(16)));
  return __builtin_shuffle(v, Int4{k0, k1, k2, k3});
#endif
}

inline ComplexPair load_pair(const Complex* p) noexcept {
  ComplexPair pair;
  std::memcpy(&pair.v, p, sizeof pair.v);
  return pair;
}

inline void store_pair(Complex* p, ComplexPair pair) noexcept {
  std::memcpy(p, &pair.v, sizeof pair.v);
}

inline ComplexPair join(Complex a, Complex b) noexcept {
  return {Float4{a.re, a.im, b.re, b.im}};
}

// The values with re and im exchanged.
inline Float4 swap_parts(Float4 v) noexcept {
  return shuffle<1, 0, 3, 2>(v);
}

inline ComplexPair add(ComplexPair a, ComplexPair b) noexcept {
  return {a.v + b.v};
}
inline ComplexPair subtract(ComplexPair a, ComplexPair b) noexcept {
  return {a.v - b.v};
}

inline ComplexPair minus_i_times(ComplexPair a) noexcept {
  return {swap_parts(a.v) * Float4{1, -1, 1, -1}};
}

inline ComplexPair multiply(ComplexPair a, ComplexPair b) noexcept {
  const Float4 a_re = shuffle<0, 0, 2, 2>(a.v);
  const Float4 a_im = shuffle<1, 1, 3, 3>(a.v);
  return {a_re * b.v + Float4{-1, 1, -1, 1} * (a_im * swap_parts(b.v))};
}

// The pair (b, a) of the pair (a, b).
inline ComplexPair swap_halves(ComplexPair x) noexcept {
  return {shuffle<2, 3, 0, 1>(x.v)};
}

inline ComplexPair times_w8(ComplexPair x) noexcept {
  return {Float4{kHalfSqrt2, kHalfSqrt2, kHalfSqrt2, kHalfSqrt2} *
          (x.v + Float4{1, -1, 1, -1} * swap_parts(x.v))};
}

inline ComplexPair times_w8_cubed(ComplexPair x) noexcept {
  return {Float4{kHalfSqrt2, -kHalfSqrt2, kHalfSqrt2, -kHalfSqrt2} *
          (swap_parts(x.v) + Float4{-1, 1, -1, 1} * x.v)};
}

}  // namespace detail
}  // namespace earshot
