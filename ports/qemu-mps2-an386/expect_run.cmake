# Runs COMMAND (a list) and fails unless it exits with EXPECTED_EXIT_CODE and, when
# EXPECTED_OUTPUT is not empty, prints something that matches that regular expression.
execute_process(COMMAND ${COMMAND} RESULT_VARIABLE exit_code OUTPUT_VARIABLE output
  ERROR_VARIABLE output TIMEOUT 60)
message("${output}")
if(NOT exit_code STREQUAL EXPECTED_EXIT_CODE)
  message(FATAL_ERROR "exit code ${exit_code}, expected ${EXPECTED_EXIT_CODE}")
endif()
if(NOT EXPECTED_OUTPUT STREQUAL "" AND NOT output MATCHES "${EXPECTED_OUTPUT}")
  message(FATAL_ERROR "the output does not match \"${EXPECTED_OUTPUT}\"")
endif()
