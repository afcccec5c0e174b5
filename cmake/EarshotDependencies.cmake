# Finds the host dependencies of earshot's tests, tools and benchmarks: Debian's packages first
# (libeigen3-dev, libkissfft-dev, catch2, libbenchmark-dev), FetchContent only as a fallback.
# Every dependency ends up as one target name: Eigen3::Eigen, kissfft::kissfft,
# Catch2::Catch2WithMain, benchmark::benchmark.
include(FetchContent)

# A cross build finds target-usable headers only (no host libraries, no downloads).
if(CMAKE_CROSSCOMPILING)
  include(${CMAKE_CURRENT_LIST_DIR}/toolchains/EarshotCrossDependencies.cmake)
  return()
endif()

find_package(Eigen3 3.3 QUIET NO_MODULE)
if(NOT TARGET Eigen3::Eigen)
  message(STATUS "earshot: Eigen not found, fetching it")
  FetchContent_Declare(eigen GIT_REPOSITORY https://gitlab.com/libeigen/eigen.git GIT_TAG 3.4.0
    GIT_SHALLOW TRUE)
  set(EIGEN_BUILD_DOC OFF CACHE BOOL "" FORCE)
  set(BUILD_TESTING OFF CACHE BOOL "" FORCE)
  FetchContent_Populate(eigen)
  add_library(Eigen3::Eigen INTERFACE IMPORTED)
  set_target_properties(Eigen3::Eigen PROPERTIES INTERFACE_INCLUDE_DIRECTORIES ${eigen_SOURCE_DIR})
endif()

# Debian's kissfft config defines its target only when a component is asked for.
find_package(kissfft CONFIG QUIET COMPONENTS SHARED float)
if(NOT TARGET kissfft::kissfft)
  message(STATUS "earshot: KissFFT not found, fetching it")
  FetchContent_Declare(kissfft GIT_REPOSITORY https://github.com/mborgerding/kissfft.git
    GIT_TAG 131.1.0 GIT_SHALLOW TRUE)
  FetchContent_Populate(kissfft)
  add_library(earshot_kissfft STATIC ${kissfft_SOURCE_DIR}/kiss_fft.c ${kissfft_SOURCE_DIR}/kiss_fftr.c)
  set_target_properties(earshot_kissfft PROPERTIES LINKER_LANGUAGE C)
  enable_language(C)
  target_include_directories(earshot_kissfft PUBLIC ${kissfft_SOURCE_DIR})
  target_compile_definitions(earshot_kissfft PUBLIC kiss_fft_scalar=float)
  add_library(kissfft::kissfft ALIAS earshot_kissfft)
endif()

if(EARSHOT_BUILD_TESTS)
  find_package(Catch2 2 QUIET)
  if(NOT TARGET Catch2::Catch2WithMain)
    message(STATUS "earshot: Catch2 not found, fetching it")
    FetchContent_Declare(Catch2 GIT_REPOSITORY https://github.com/catchorg/Catch2.git
      GIT_TAG v2.13.10 GIT_SHALLOW TRUE)
    set(CATCH_BUILD_STATIC_LIBRARY ON CACHE BOOL "" FORCE)
    FetchContent_MakeAvailable(Catch2)
    list(APPEND CMAKE_MODULE_PATH ${catch2_SOURCE_DIR}/contrib)
  endif()
endif()

if(EARSHOT_BUILD_BENCHMARKS)
  find_package(benchmark QUIET)
  if(NOT TARGET benchmark::benchmark)
    message(STATUS "earshot: Google Benchmark not found, fetching it")
    set(BENCHMARK_ENABLE_TESTING OFF CACHE BOOL "" FORCE)
    set(BENCHMARK_ENABLE_GTEST_TESTS OFF CACHE BOOL "" FORCE)
    FetchContent_Declare(benchmark GIT_REPOSITORY https://github.com/google/benchmark.git
      GIT_TAG v1.7.1 GIT_SHALLOW TRUE)
    FetchContent_MakeAvailable(benchmark)
  endif()
endif()
