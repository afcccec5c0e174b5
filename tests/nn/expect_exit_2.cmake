# Runs COMMAND with ARGS (a CMake list) and fails unless it exits with code 2 after printing
# exactly one line on stderr: how the `earshot` tool must answer bad options.
execute_process(COMMAND ${COMMAND} ${ARGS} RESULT_VARIABLE exit_code OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(REGEX MATCHALL "\n" newlines "${err}")
list(LENGTH newlines lines)
if(NOT exit_code EQUAL 2 OR NOT lines EQUAL 1)
  message(FATAL_ERROR "expected exit 2 and one stderr line, got exit ${exit_code}\nstdout: ${out}\nstderr: ${err}")
endif()
