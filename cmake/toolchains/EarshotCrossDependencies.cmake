# The dependencies of target test programs in a cross build (included by
# EarshotDependencies.cmake): header-only Catch2 v2 and Eigen, taken from the host's packages
# without putting /usr/include (glibc's headers) on the target's include path. KissFFT and
# Google Benchmark are host-only: Debian ships no KissFFT source to cross-compile.
include(FetchContent)

# Catch2::Catch2: a folder in the build tree that holds only catch2/, linked to the host's copy.
# A Generic system has no default search paths: name the host's include folders.
set(earshot_host_include_dirs /usr/local/include /usr/include)
find_path(EARSHOT_HOST_CATCH2_INCLUDE_DIR catch2/catch.hpp PATHS ${earshot_host_include_dirs}
  NO_CMAKE_FIND_ROOT_PATH)
if(EARSHOT_HOST_CATCH2_INCLUDE_DIR)
  set(earshot_catch2_source ${EARSHOT_HOST_CATCH2_INCLUDE_DIR}/catch2)
else()
  message(STATUS "earshot: Catch2 not found, fetching it")
  FetchContent_Declare(Catch2 GIT_REPOSITORY https://github.com/catchorg/Catch2.git
    GIT_TAG v2.13.10 GIT_SHALLOW TRUE)
  FetchContent_Populate(Catch2)
  set(earshot_catch2_source ${catch2_SOURCE_DIR}/single_include/catch2)
endif()
set(earshot_catch2_include ${CMAKE_BINARY_DIR}/earshot-target-include/catch2-only)
file(MAKE_DIRECTORY ${earshot_catch2_include})
file(CREATE_LINK ${earshot_catch2_source} ${earshot_catch2_include}/catch2 SYMBOLIC COPY_ON_ERROR)
add_library(Catch2::Catch2 INTERFACE IMPORTED)
set_target_properties(Catch2::Catch2 PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES ${earshot_catch2_include}
  # No exceptions on the target, and no POSIX signals in newlib.
  INTERFACE_COMPILE_DEFINITIONS "CATCH_CONFIG_DISABLE_EXCEPTIONS;CATCH_CONFIG_NO_POSIX_SIGNALS")

# Eigen3::Eigen: /usr/include/eigen3 holds nothing but Eigen. EIGEN_NO_MALLOC turns any heap
# use inside Eigen into an assertion failure.
find_path(EARSHOT_HOST_EIGEN3_INCLUDE_DIR signature_of_eigen3_matrix_library
  PATHS ${earshot_host_include_dirs} PATH_SUFFIXES eigen3 NO_CMAKE_FIND_ROOT_PATH)
if(NOT EARSHOT_HOST_EIGEN3_INCLUDE_DIR)
  message(STATUS "earshot: Eigen not found, fetching it")
  FetchContent_Declare(eigen GIT_REPOSITORY https://gitlab.com/libeigen/eigen.git GIT_TAG 3.4.0
    GIT_SHALLOW TRUE)
  FetchContent_Populate(eigen)
  set(EARSHOT_HOST_EIGEN3_INCLUDE_DIR ${eigen_SOURCE_DIR})
endif()
add_library(Eigen3::Eigen INTERFACE IMPORTED)
set_target_properties(Eigen3::Eigen PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES ${EARSHOT_HOST_EIGEN3_INCLUDE_DIR}
  INTERFACE_COMPILE_DEFINITIONS EIGEN_NO_MALLOC)
