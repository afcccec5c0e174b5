# Strict warnings for earshot's own targets (never imposed on a consumer of the library).
function(earshot_strict_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
      -Wno-sign-conversion $<$<BOOL:${EARSHOT_WARNINGS_AS_ERRORS}>:-Werror>)
  endif()
endfunction()
