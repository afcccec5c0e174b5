# earshot_add_model(): turns an ONNX file into a C++ header at build time (earshot_convert.py)
# and hands its include path to a target. Works from `add_subdirectory(earshot)` and from
# `find_package(earshot)`; the converter needs a Python with numpy and onnx (Debian:
# python3-numpy python3-onnx), chosen once at configure time (cache variable EARSHOT_PYTHON).
#
#   earshot_add_model(<target> MODEL model.onnx NAME my_model [NAMESPACE ns]
#                     [LABELS labels.txt] [FRONTEND frontend.json]
#                     [QUANTIZE int8 CALIBRATION calib.npy] [DESCRIPTION text] [RUNNER] [TOOL])
#
# QUANTIZE int8: post-training quantization by TFLite's int8 specification, activation ranges
# from CALIBRATION (float32 representative inputs, batch first, in the framework's layout), or,
# for a model already quantized in QDQ form (QuantizeLinear/DequantizeLinear), its own scales; the
# RUNNER of an int8 model still reads and writes float (quantized on the way in, dequantized out).
# <target>: an existing target gets the include path and a build dependency; otherwise an
# INTERFACE library of that name is made (link it). Source: `#include "my_model.hpp"`, type
# `ns::my_model::Model`. RUNNER also builds `<target>-run IN.npy OUT.npy` (see the README section "Bringing a trained model in").
# TOOL also builds `<target>-earshot`, the `earshot` command-line tool with this model registered
# under NAME beside the built-in ones (earshot_add_tool(), EarshotTool.cmake; needs FRONTEND);
# DESCRIPTION is what its `info` says of the model.
include_guard(GLOBAL)
include(${CMAKE_CURRENT_LIST_DIR}/EarshotTool.cmake)

# Sets EARSHOT_PYTHON (cache) to an interpreter that can import numpy and onnx. Debian's
# /usr/bin/python3 comes first: the first `python3` on PATH may be another one without them.
function(_earshot_find_converter_python)
  if(EARSHOT_PYTHON AND "${EARSHOT_PYTHON}" STREQUAL "${_EARSHOT_PYTHON_CHECKED}")
    return()
  endif()
  set(candidates "")
  if(EARSHOT_PYTHON)
    list(APPEND candidates "${EARSHOT_PYTHON}")
  else()
    if(EXISTS /usr/bin/python3)
      list(APPEND candidates /usr/bin/python3)
    endif()
    find_package(Python3 COMPONENTS Interpreter QUIET)
    if(Python3_EXECUTABLE)
      list(APPEND candidates "${Python3_EXECUTABLE}")
    endif()
  endif()
  foreach(candidate IN LISTS candidates)
    execute_process(COMMAND "${candidate}" -c "import numpy, onnx"
      RESULT_VARIABLE failed OUTPUT_QUIET ERROR_QUIET)
    if(NOT failed)
      set(EARSHOT_PYTHON "${candidate}" CACHE FILEPATH
        "Python with numpy and onnx that runs earshot_convert.py" FORCE)
      set(_EARSHOT_PYTHON_CHECKED "${candidate}" CACHE INTERNAL "")
      return()
    endif()
  endforeach()
  if(NOT candidates)
    set(candidates "no Python interpreter found")
  endif()
  message(FATAL_ERROR "earshot_add_model: no Python that can `import numpy, onnx` (tried: "
    "${candidates}). Install them (Debian: apt-get install python3-numpy python3-onnx) or set "
    "-DEARSHOT_PYTHON=/path/to/python3.")
endfunction()

function(earshot_add_model target)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "RUNNER;TOOL" "MODEL;NAME;NAMESPACE;LABELS;FRONTEND;QUANTIZE;CALIBRATION;DESCRIPTION" "")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "earshot_add_model(${target}): unknown arguments: ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT ARG_MODEL OR NOT ARG_NAME)
    message(FATAL_ERROR "earshot_add_model(${target}): MODEL and NAME are required")
  endif()
  if(DEFINED ARG_QUANTIZE AND NOT ARG_QUANTIZE STREQUAL "int8")
    message(FATAL_ERROR "earshot_add_model(${target}): QUANTIZE must be int8, not '${ARG_QUANTIZE}'")
  endif()
  if(ARG_CALIBRATION AND NOT ARG_QUANTIZE)
    message(FATAL_ERROR "earshot_add_model(${target}): CALIBRATION is only read with QUANTIZE int8")
  endif()
  if(ARG_TOOL AND NOT ARG_FRONTEND)
    message(FATAL_ERROR "earshot_add_model(${target}): TOOL needs FRONTEND: the tool runs the model on audio "
      "and needs the features it was trained on")
  endif()
  _earshot_find_converter_python()
  # The function's own folder, wherever it is called from: the source tree or the install.
  set(script "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/earshot_convert.py")

  get_filename_component(model "${ARG_MODEL}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT EXISTS "${model}")
    message(FATAL_ERROR "earshot_add_model(${target}): MODEL '${model}' does not exist")
  endif()
  set(directory "${CMAKE_CURRENT_BINARY_DIR}/earshot_models/${target}")
  set(header "${directory}/${ARG_NAME}.hpp")
  set(arguments "${model}" -o "${header}" --name "${ARG_NAME}")
  file(GLOB stages "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/earshot_converter/*.py")
  set(depends "${model}" "${script}" ${stages})
  if(ARG_NAMESPACE)
    list(APPEND arguments --namespace "${ARG_NAMESPACE}")
  endif()
  if(ARG_QUANTIZE)
    list(APPEND arguments --quantize "${ARG_QUANTIZE}")
  endif()
  foreach(option LABELS FRONTEND CALIBRATION)
    if(ARG_${option})
      get_filename_component(file "${ARG_${option}}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
      string(TOLOWER "${option}" flag)
      list(APPEND arguments "--${flag}" "${file}")
      list(APPEND depends "${file}")
    endif()
  endforeach()

  add_custom_command(OUTPUT "${header}"
    COMMAND "${EARSHOT_PYTHON}" "${script}" ${arguments}
    DEPENDS ${depends}
    COMMENT "earshot: converting ${ARG_MODEL} to ${ARG_NAME}.hpp"
    VERBATIM)
  add_custom_target(${target}-header DEPENDS "${header}")

  if(TARGET ${target})
    target_include_directories(${target} PRIVATE "${directory}")
    target_link_libraries(${target} PRIVATE earshot::earshot)
  else()
    add_library(${target} INTERFACE)
    target_include_directories(${target} INTERFACE "${directory}")
    target_link_libraries(${target} INTERFACE earshot::earshot)
  endif()
  add_dependencies(${target} ${target}-header)
  # What earshot_add_tool() needs to register the model.
  if(ARG_NAMESPACE)
    set(model_namespace "${ARG_NAMESPACE}::${ARG_NAME}")
  else()
    set(model_namespace "${ARG_NAME}")
  endif()
  if(NOT ARG_DESCRIPTION)
    get_filename_component(source_name "${model}" NAME)
    set(ARG_DESCRIPTION "converted from ${source_name}")
  endif()
  # A front-end file with an "anomaly" object makes the model an anomaly detector (read here so that
  # earshot_add_tool() registers it as one; editing the file re-runs CMake).
  set(anomaly_detector OFF)
  if(ARG_FRONTEND)
    set(has_frontend ON)
    get_filename_component(frontend_file "${ARG_FRONTEND}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    if(EXISTS "${frontend_file}")  # else the converter names the missing file
      set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${frontend_file}")
      file(READ "${frontend_file}" frontend_json)
      string(JSON anomaly_type ERROR_VARIABLE no_anomaly TYPE "${frontend_json}" anomaly)
      if(NOT no_anomaly)
        set(anomaly_detector ON)
      endif()
    endif()
  else()
    set(has_frontend OFF)
  endif()
  set_target_properties(${target} PROPERTIES EARSHOT_MODEL_NAME "${ARG_NAME}" EARSHOT_MODEL_HEADER "${header}"
    EARSHOT_MODEL_NAMESPACE "${model_namespace}" EARSHOT_MODEL_DESCRIPTION "${ARG_DESCRIPTION}"
    EARSHOT_MODEL_HAS_FRONTEND ${has_frontend} EARSHOT_MODEL_ANOMALY_DETECTOR ${anomaly_detector})

  if(ARG_RUNNER)
    set(runner_source "${directory}/${target}-run.cpp")
    _earshot_write_runner("${runner_source}" "${ARG_NAME}.hpp" "${model_namespace}")
    add_executable(${target}-run "${runner_source}")
    target_include_directories(${target}-run PRIVATE "${directory}")
    target_link_libraries(${target}-run PRIVATE earshot::earshot)
    target_compile_features(${target}-run PRIVATE cxx_std_17)
    add_dependencies(${target}-run ${target}-header)
  endif()
  if(ARG_TOOL)
    earshot_add_tool(${target}-earshot MODELS ${target})
  endif()
endfunction()

# The runner: reads a float32 .npy in the framework's layout (NCHW for PyTorch, NHWC for
# Keras; with or without a batch dimension, any batch size), runs the model on every item and
# writes the outputs in the framework's layout, with the batch dimension if the input had one.
function(_earshot_write_runner path EARSHOT_MODEL_HEADER EARSHOT_MODEL_NAMESPACE)
  file(CONFIGURE OUTPUT "${path}" CONTENT [=[
// @EARSHOT_MODEL_HEADER@ runner, generated by earshot_add_model(RUNNER): IN.npy -> OUT.npy.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "@EARSHOT_MODEL_HEADER@"
#include "earshot/io/channel_order.hpp"
#include "earshot/io/npy.hpp"

namespace {

namespace model = @EARSHOT_MODEL_NAMESPACE@;

std::string shape_text(const std::vector<std::size_t>& shape) {
  std::string text = "(";
  for (std::size_t index = 0; index < shape.size(); ++index) {
    text += (index ? ", " : "") + std::to_string(shape[index]);
  }
  return text + (shape.size() == 1 ? ",)" : ")");
}

int fail(const std::string& message) {
  std::fprintf(stderr, "%s\n", message.c_str());
  return 2;
}

int run(int argc, char** argv) {
  if (argc != 3) {
    return fail(std::string("usage: ") + argv[0] + " IN.npy OUT.npy  (input " +
                shape_text({model::source_input_shape.begin(), model::source_input_shape.end()}) +
                ", batch dimension optional)");
  }
  const earshot::NpyReadResult input = earshot::load_npy(argv[1]);
  if (!input.ok()) return fail(input.error);  // names the file already
  // The framework would pass a NaN or inf through; ReLU and max pooling here can hide it.
  for (std::size_t i = 0; i < input.array.values.size(); ++i) {
    if (!std::isfinite(input.array.values[i])) {
      return fail(std::string(argv[1]) + ": value " + std::to_string(i) + " is " +
                  (std::isnan(input.array.values[i]) ? "NaN" : "infinite") + " (the input must be finite)");
    }
  }

  const std::vector<std::size_t> item(model::source_input_shape.begin() + 1, model::source_input_shape.end());
  const std::vector<std::size_t>& shape = input.array.shape;
  const bool batched = shape.size() == item.size() + 1 && std::equal(item.begin(), item.end(), shape.begin() + 1);
  if (!batched && shape != item) {
    return fail(std::string(argv[1]) + ": shape " + shape_text(shape) + " does not fit the model's input " +
                shape_text(item) + " (with or without a leading batch dimension)");
  }
  const std::size_t batch = batched ? shape[0] : 1;

  using Model = model::Model;
  static Model network;
  std::vector<float> in(Model::input_size);
  std::vector<float> out(Model::output_size);
  std::vector<float> outputs(batch * Model::output_size);
  constexpr auto& in_shape = model::source_input_shape;
  constexpr auto& out_shape = model::source_output_shape;
  for (std::size_t index = 0; index < batch; ++index) {
    const float* source = input.array.values.data() + index * Model::input_size;
    if (model::source_input_channels_first && in_shape.size() == 4) {
      earshot::channels_first_to_last(source, in.data(), in_shape[1], in_shape[2], in_shape[3]);
    } else {
      std::copy(source, source + Model::input_size, in.begin());
    }
    network.invoke(in.data(), out.data());
    float* target = outputs.data() + index * Model::output_size;
    if (model::source_output_channels_first && out_shape.size() == 4) {
      earshot::channels_last_to_first(out.data(), target, out_shape[1], out_shape[2], out_shape[3]);
    } else {
      std::copy(out.begin(), out.end(), target);
    }
  }

  std::vector<std::size_t> result_shape(out_shape.begin() + (batched ? 0 : 1), out_shape.end());
  if (batched) result_shape[0] = batch;
  if (!earshot::save_npy(argv[2], outputs.data(), result_shape)) return fail(std::string("cannot write ") + argv[2]);
  return 0;
}

}  // namespace

// Every input problem above is a line of its own; an exception (a bug) is one too, naming the
// input, and never std::terminate's abort.
int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& problem) {
    return fail(std::string(argc > 1 ? argv[1] : argv[0]) + ": " + problem.what());
  }
}
]=] @ONLY)
endfunction()
