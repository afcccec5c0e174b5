# One fuzz test (CMakeLists.txt): fuzzes FUZZER for SECONDS from a fresh copy of the committed
# INPUTS (folders) in WORK, prints executions, coverage and corpus size, and on a finding fails
# with the reproducer's path and bytes (hex) for a regression test.
#   cmake -DFUZZER=<program> -DINPUTS=<folder;...> -DWORK=<folder> -DSECONDS=<n> [-DOPTIONS=<flag;...>]
#         -DLSAN_SUPPRESSIONS=<file> -P run_fuzzer.cmake
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}/corpus" "${WORK}/artifacts")
foreach(folder IN LISTS INPUTS)
  file(GLOB seeds "${folder}/*")
  file(COPY ${seeds} DESTINATION "${WORK}/corpus")
endforeach()
list(FILTER OPTIONS EXCLUDE REGEX "^$")
execute_process(
  COMMAND ${CMAKE_COMMAND} -E env "LSAN_OPTIONS=suppressions=${LSAN_SUPPRESSIONS}"
    "${FUZZER}" "${WORK}/corpus" -max_total_time=${SECONDS} -timeout=30 -rss_limit_mb=2048
    -print_final_stats=1 "-artifact_prefix=${WORK}/artifacts/" ${OPTIONS}
  RESULT_VARIABLE exit_code
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err)
get_filename_component(name "${FUZZER}" NAME)
string(REGEX MATCH "stat::number_of_executed_units: [0-9]+" executions "${err}")
string(REGEX MATCHALL "cov: [0-9]+ ft: [0-9]+ corp: [0-9]+" progress "${err}")
list(POP_BACK progress coverage)
message(STATUS "${name}: ${executions}; at the end ${coverage}")
file(GLOB findings "${WORK}/artifacts/*")
if(NOT exit_code EQUAL 0 OR findings)
  set(report "")
  foreach(finding IN LISTS findings)
    file(READ "${finding}" bytes HEX)
    string(APPEND report "\nreproducer ${finding} (hex): ${bytes}")
  endforeach()
  string(LENGTH "${err}" length)
  if(length GREATER 6000)
    math(EXPR start "${length} - 6000")
    string(SUBSTRING "${err}" ${start} -1 err)
  endif()
  message(FATAL_ERROR "${name}: a finding (exit ${exit_code})${report}\n${err}")
endif()
