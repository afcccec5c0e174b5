# Strict warnings for earshot's own targets (never imposed on a consumer of the library).
#
# GCC 12 reports -Wmaybe-uninitialized inside its own avx512fintrin.h (the `__Y = __Y` idiom of
# _mm512_undefined_*, GCC bug 105593, fixed in GCC 13) wherever AVX-512 code is inlined, as
# Eigen's is under -march=native on an AVX-512 host: that one warning stays a warning there, so
# a user's -march=native builds; every other warning stays an error.
include(CheckCXXSourceCompiles)
check_cxx_source_compiles("#ifndef __AVX512F__\n#error no AVX-512\n#endif\nint main() { return 0; }"
  EARSHOT_COMPILES_AVX512)
set(EARSHOT_AVX512_GCC12_FLAGS "")
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13 AND EARSHOT_COMPILES_AVX512)
  set(EARSHOT_AVX512_GCC12_FLAGS -Wno-error=maybe-uninitialized)
endif()

function(earshot_strict_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
      -Wno-sign-conversion $<$<BOOL:${EARSHOT_WARNINGS_AS_ERRORS}>:-Werror>
      $<$<BOOL:${EARSHOT_WARNINGS_AS_ERRORS}>:${EARSHOT_AVX512_GCC12_FLAGS}>)
  endif()
endfunction()
