# earshot_add_tool(): the `earshot` command-line tool (features, info, classify, stream,
# windows; examples/cli) built with a chosen set of converted models beside the built-in ones.
#
#   earshot_add_tool(<target> [MODELS <model target>...])
#
# Each MODELS entry is a target made by earshot_add_model() with a FRONTEND (a model the tool
# runs on audio must record the features it was trained on); it is registered under its NAME
# (fsdd_cnn and fsdd-cnn both select it) with the front-end, normalisation, window, hop, gate,
# threshold and vote from its header. Every tool also has the thesis models and earshot's example
# models (fsdd-cnn, fsdd-cnn-int8, esc10-stride-ds-24, esc10-stride-ds-24-int8, machine-monitor,
# machine-monitor-int8, stride-ds-24-int8), registered the same way as MODELS.
# `earshot_add_model(... TOOL)` calls this as earshot_add_tool(<target>-earshot MODELS <target>).
#
# The tool is a host program: it needs KissFFT (Debian: libkissfft-dev) for `features` with odd
# FFT sizes, reads FLAC, Ogg and other encodings when libsndfile is found (pkg-config
# libsndfile1-dev; otherwise WAV only) and resamples (--resample) when libsoxr is (libsoxr-dev).
include_guard(GLOBAL)

# Where the tool's sources and the built-in models' files are: the source tree, or the layout
# `cmake --install` writes beside this file (<prefix>/lib/cmake/earshot/tool). A macro for the
# functions below: CMAKE_CURRENT_FUNCTION_LIST_DIR is this file's folder from any caller's scope.
macro(_earshot_tool_paths)
  set(_EARSHOT_TOOL_LIST_DIR "${CMAKE_CURRENT_FUNCTION_LIST_DIR}")
  if(EXISTS "${_EARSHOT_TOOL_LIST_DIR}/../examples/cli/tool.cpp")
    get_filename_component(_earshot_root "${_EARSHOT_TOOL_LIST_DIR}/.." ABSOLUTE)
    set(_earshot_cli_dir "${_earshot_root}/examples/cli")
    set(_earshot_fsdd_dir "${_earshot_root}/examples/fsdd")
    set(_earshot_esc10_dir "${_earshot_root}/examples/esc10/model")
    set(_earshot_machine_dir "${_earshot_root}/examples/machine")
    set(_earshot_stride_onnx "${_earshot_root}/tests/data/converter/stride_ds_24_torch.onnx")
    set(_earshot_stride_calibration "${_earshot_root}/tests/data/converter/stride_ds_24_torch.calibration.npy")
    set(_earshot_thesis_dir "${_earshot_root}/examples/cli/models")
  else()
    set(_earshot_cli_dir "${_EARSHOT_TOOL_LIST_DIR}/tool/cli")
    set(_earshot_fsdd_dir "${_EARSHOT_TOOL_LIST_DIR}/tool/fsdd")
    set(_earshot_esc10_dir "${_EARSHOT_TOOL_LIST_DIR}/tool/esc10")
    set(_earshot_machine_dir "${_EARSHOT_TOOL_LIST_DIR}/tool/machine")
    set(_earshot_stride_onnx "${_EARSHOT_TOOL_LIST_DIR}/tool/thesis/stride_ds_24_torch.onnx")
    set(_earshot_stride_calibration "${_EARSHOT_TOOL_LIST_DIR}/tool/thesis/stride_ds_24_torch.calibration.npy")
    set(_earshot_thesis_dir "${_EARSHOT_TOOL_LIST_DIR}/tool/thesis")
  endif()
endmacro()

# The commands and the thesis models, compiled once for every tool of the build.
function(_earshot_tool_core)
  if(TARGET earshot-tool-core)
    return()
  endif()
  _earshot_tool_paths()
  if(NOT TARGET kissfft::kissfft)
    # Debian's kissfft config defines kissfft::kissfft only when a component is asked for.
    find_package(kissfft CONFIG QUIET COMPONENTS SHARED float)
    if(NOT TARGET kissfft::kissfft)
      message(FATAL_ERROR "earshot tool: KissFFT not found (Debian: apt-get install libkissfft-dev)")
    endif()
    # The core is a static library: its users link KissFFT from their own folders too.
    set_target_properties(kissfft::kissfft kissfft::kissfft-float PROPERTIES IMPORTED_GLOBAL TRUE)
  endif()
  set(cli "${_earshot_cli_dir}")
  add_library(earshot-tool-core STATIC
    "${cli}/tool.cpp" "${cli}/audio_file.cpp" "${cli}/model_registry.cpp" "${cli}/resample.cpp" "${cli}/thesis_models.cpp" "${cli}/features_command.cpp"
    "${cli}/feature_extraction.cpp" "${cli}/info_command.cpp" "${cli}/classify_command.cpp" "${cli}/stream_command.cpp"
    "${cli}/windows_command.cpp")
  target_include_directories(earshot-tool-core PUBLIC "${cli}")
  target_link_libraries(earshot-tool-core PUBLIC earshot::earshot PRIVATE kissfft::kissfft)
  target_compile_features(earshot-tool-core PUBLIC cxx_std_17)
  if(COMMAND earshot_strict_warnings)  # earshot's own build, not a user's
    earshot_strict_warnings(earshot-tool-core)
  endif()
  # Audio beyond the WAV encodings the library's parser reads (FLAC, Ogg Vorbis, 8-bit, float64,
  # A-law/mu-law, RF64) through libsndfile, and resampling for desktop evaluation (--resample,
  # earshot.load(sr=...)) through libsoxr, the resampler librosa.load uses, when installed.
  _earshot_tool_optional(SNDFILE sndfile "pkg-config libsndfile1-dev" "reads WAV only")
  _earshot_tool_optional(SOXR soxr "libsoxr-dev" "does not resample")
  # GCC 12 with the sanitizers (the asan preset) reports -Wmaybe-uninitialized inside libstdc++'s
  # <regex> (std::function members of a moved NFA state), which --labels-from needs: a false
  # positive in the standard library's code, not in ours, so only that warning and only there.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    set_source_files_properties("${cli}/classify_command.cpp" PROPERTIES COMPILE_OPTIONS -Wno-maybe-uninitialized)
  endif()
endfunction()

# Links the tool core to a pkg-config module when it is installed and tells the code so
# (EARSHOT_CLI_HAS_<prefix> 1 or 0).
function(_earshot_tool_optional prefix module debian without)
  find_package(PkgConfig QUIET)
  if(PkgConfig_FOUND AND NOT TARGET PkgConfig::${prefix})
    pkg_check_modules(${prefix} QUIET IMPORTED_TARGET GLOBAL ${module})
  endif()
  if(TARGET PkgConfig::${prefix})
    target_link_libraries(earshot-tool-core PRIVATE PkgConfig::${prefix})
    target_compile_definitions(earshot-tool-core PRIVATE EARSHOT_CLI_HAS_${prefix}=1)
  else()
    message(STATUS "earshot: ${module} not found (Debian: ${debian}): the tool ${without}")
    target_compile_definitions(earshot-tool-core PRIVATE EARSHOT_CLI_HAS_${prefix}=0)
  endif()
endfunction()

# One example model of a folder holding model.onnx, frontend.json and (a classifier) labels.txt,
# unless the build has it already; further arguments go to earshot_add_model (QUANTIZE, CALIBRATION).
function(_earshot_tool_example target directory name description)
  if(NOT TARGET ${target})
    set(labels "")
    if(EXISTS "${directory}/labels.txt")
      set(labels LABELS "${directory}/labels.txt")
    endif()
    earshot_add_model(${target} MODEL "${directory}/model.onnx" NAME ${name} NAMESPACE earshot::examples
      ${labels} FRONTEND "${directory}/frontend.json" DESCRIPTION "${description}" ${ARGN})
  endif()
endfunction()

# earshot's converted example models, made here unless the build already has them (earshot's own
# build defines them in examples/fsdd and examples/esc10 with the same arguments). Sets <out> to
# their targets.
function(_earshot_tool_builtin_models out)
  _earshot_tool_paths()
  _earshot_tool_example(earshot-fsdd-model "${_earshot_fsdd_dir}" fsdd_cnn
    "spoken digits 0-9 (FSDD, examples/fsdd), 40x32x1 -> 10")
  _earshot_tool_example(earshot-fsdd-model-int8 "${_earshot_fsdd_dir}" fsdd_cnn_int8
    "fsdd-cnn in int8 (TFLite's scheme; calibrated on 100 training windows)" QUANTIZE int8
    CALIBRATION "${_earshot_fsdd_dir}/calibration.npy")
  _earshot_tool_example(earshot-esc10-model "${_earshot_esc10_dir}" esc10_stride_ds_24
    "environmental sounds (ESC-10, examples/esc10), Stride-DS-24, 60x40x1 -> 10")
  _earshot_tool_example(earshot-esc10-model-int8 "${_earshot_esc10_dir}" esc10_stride_ds_24_int8
    "esc10-stride-ds-24 in int8 (calibrated on 100 windows of training clips)" QUANTIZE int8
    CALIBRATION "${_earshot_esc10_dir}/calibration.npy")
  _earshot_tool_example(earshot-machine-model "${_earshot_machine_dir}" machine_monitor
    "machine states from sound (DCASE 2020 normal recordings, examples/machine), autoencoder 64x5x1 -> 320")
  _earshot_tool_example(earshot-machine-model-int8 "${_earshot_machine_dir}" machine_monitor_int8
    "machine-monitor in int8 (calibrated on training windows of normal recordings)" QUANTIZE int8
    CALIBRATION "${_earshot_machine_dir}/calibration.npy")
  if(NOT TARGET earshot-stride-ds-24-int8)
    # Stride-DS-24 in int8: the Stride-DS-24-shaped PyTorch test model (stand-in weights),
    # calibrated on 32 synthetic z-scored windows (smoothed noise: it has no trained weights to be
    # faithful to), with the thesis' front-end.
    earshot_add_model(earshot-stride-ds-24-int8 MODEL "${_earshot_stride_onnx}" NAME stride_ds_24_int8
      NAMESPACE earshot::examples QUANTIZE int8 CALIBRATION "${_earshot_stride_calibration}"
      LABELS "${_earshot_thesis_dir}/urbansound8k_labels.txt" FRONTEND "${_earshot_thesis_dir}/thesis_frontend.json"
      DESCRIPTION "Stride-DS-24 in int8 (PyTorch padding, stand-in weights), 60x31x1 -> 10")
    set_property(TARGET earshot-stride-ds-24-int8 PROPERTY EARSHOT_MODEL_STAND_IN ON)
  endif()
  set(${out} earshot-fsdd-model earshot-fsdd-model-int8 earshot-esc10-model earshot-esc10-model-int8
    earshot-machine-model earshot-machine-model-int8 earshot-stride-ds-24-int8 PARENT_SCOPE)
endfunction()

# A C++ string literal of `text`.
function(_earshot_cpp_string out text)
  string(REPLACE "\\" "\\\\" text "${text}")
  string(REPLACE "\"" "\\\"" text "${text}")
  set(${out} "\"${text}\"" PARENT_SCOPE)
endfunction()

function(earshot_add_tool target)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "" "MODELS")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "earshot_add_tool(${target}): unknown arguments: ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  _earshot_tool_core()
  _earshot_tool_builtin_models(builtins)
  set(models ${builtins} ${ARG_MODELS})
  list(REMOVE_DUPLICATES models)

  set(directory "${CMAKE_CURRENT_BINARY_DIR}/earshot_tools/${target}")
  set(sources "")
  set(declarations "")
  set(calls "")
  set(index 0)
  foreach(model IN LISTS models)
    if(NOT TARGET ${model})
      message(FATAL_ERROR "earshot_add_tool(${target}): '${model}' is not a target")
    endif()
    get_target_property(name ${model} EARSHOT_MODEL_NAME)
    if(NOT name)
      message(FATAL_ERROR "earshot_add_tool(${target}): '${model}' was not made by earshot_add_model()")
    endif()
    get_target_property(has_frontend ${model} EARSHOT_MODEL_HAS_FRONTEND)
    if(NOT has_frontend)
      message(FATAL_ERROR "earshot_add_tool(${target}): model '${model}' has no FRONTEND: the tool runs it on "
        "audio and needs the features it was trained on (earshot_add_model(... FRONTEND frontend.json))")
    endif()
    get_target_property(header ${model} EARSHOT_MODEL_HEADER)
    get_target_property(model_namespace ${model} EARSHOT_MODEL_NAMESPACE)
    get_target_property(description ${model} EARSHOT_MODEL_DESCRIPTION)
    get_target_property(stand_in ${model} EARSHOT_MODEL_STAND_IN)
    string(REPLACE "_" "-" tool_name "${name}")
    _earshot_cpp_string(tool_name "${tool_name}")
    _earshot_cpp_string(description "${description}")
    if(stand_in)
      set(trained false)
    else()
      set(trained true)
    endif()
    get_target_property(anomaly ${model} EARSHOT_MODEL_ANOMALY_DETECTOR)
    set(anomaly_members "")
    if(anomaly)
      set(anomaly_members "
  static constexpr std::size_t score_horizon = converted::score_horizon;
  static constexpr earshot::MachineStateConfig machine_states = converted::machine_states;")
    endif()
    get_filename_component(header_name "${header}" NAME)
    get_filename_component(header_directory "${header}" DIRECTORY)
    set(source "${directory}/register_${index}_${name}.cpp")
    file(CONFIGURE OUTPUT "${source}" CONTENT [=[
// Generated by earshot_add_tool(): registers @name@ (@header_name@) in the tool.
#include "@header_name@"
#include "converted_model.hpp"

namespace {

namespace converted = @model_namespace@;

// The converted header's namespace as a type: what register_converted_model reads.
struct Converted {
  using Model = converted::Model;
  static constexpr const auto& labels = converted::labels;
  static constexpr bool has_frontend = converted::has_frontend;
  static constexpr const earshot::FrontendConfig& frontend = converted::frontend;
  static constexpr earshot::WindowNormalization normalization = converted::normalization;
  static constexpr std::size_t hop_frames = converted::hop_frames;
  static constexpr double level_gate_dbfs = converted::level_gate_dbfs;
  static constexpr float decision_threshold = converted::decision_threshold;
  static constexpr earshot::VoteRule vote_rule = converted::vote_rule;
  static constexpr bool anomaly_detector = converted::anomaly_detector;@anomaly_members@
};

}  // namespace

void earshot_tool_register_@index@() {
  earshot::cli::register_converted_model<Converted>(@tool_name@, @description@, @trained@);
}
]=] @ONLY)
    list(APPEND sources "${source}")
    string(APPEND declarations "void earshot_tool_register_${index}();  // ${name}\n")
    string(APPEND calls "  earshot_tool_register_${index}();\n")
    list(APPEND include_directories "${header_directory}")
    list(APPEND header_targets ${model}-header)
    math(EXPR index "${index} + 1")
  endforeach()

  set(main "${directory}/main.cpp")
  file(CONFIGURE OUTPUT "${main}" CONTENT [=[
// Generated by earshot_add_tool(): the tool's models, then its commands (examples/cli/tool.cpp).
#include "thesis_models.hpp"
#include "tool.hpp"

@declarations@
int main(int argc, char** argv) {
  earshot::cli::register_thesis_models();
@calls@  return earshot::cli::run_tool(argc, argv);
}
]=] @ONLY)
  add_executable(${target} "${main}" ${sources})
  target_include_directories(${target} PRIVATE ${include_directories})
  target_link_libraries(${target} PRIVATE earshot-tool-core)
  add_dependencies(${target} ${header_targets})
  if(COMMAND earshot_strict_warnings)
    earshot_strict_warnings(${target})
  endif()
endfunction()
