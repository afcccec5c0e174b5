# Runs one command and checks how it ended, for CTest tests of command-line tools:
#   cmake -DCOMMAND=<;-list> [-DEXPECT_EXIT=2] [-DEXPECT_STDERR=<regex>] [-DEXPECT_STDOUT=<regex>]
#         [-DEXPECT_STDERR_LINES=1] [-DWORKING_DIRECTORY=<dir>] -P run_expect.cmake
# Arguments are one CMake list (pass them with $<SEMICOLON> or as a quoted list in add_test).
# Fails (non-zero exit of cmake -P) with a message that shows what the command printed.
if(NOT DEFINED COMMAND)
  message(FATAL_ERROR "run_expect.cmake: COMMAND is required")
endif()
if(NOT DEFINED EXPECT_EXIT)
  set(EXPECT_EXIT 0)
endif()
if(NOT DEFINED WORKING_DIRECTORY)
  set(WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
endif()

execute_process(COMMAND ${COMMAND}
  WORKING_DIRECTORY ${WORKING_DIRECTORY}
  RESULT_VARIABLE exit_code
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err)

set(report "command: ${COMMAND}\nexit: ${exit_code}\nstdout: ${out}\nstderr: ${err}")
if(NOT exit_code STREQUAL EXPECT_EXIT)
  message(FATAL_ERROR "expected exit code ${EXPECT_EXIT}\n${report}")
endif()
if(DEFINED EXPECT_STDERR AND NOT err MATCHES "${EXPECT_STDERR}")
  message(FATAL_ERROR "stderr does not match '${EXPECT_STDERR}'\n${report}")
endif()
if(DEFINED EXPECT_STDOUT AND NOT out MATCHES "${EXPECT_STDOUT}")
  message(FATAL_ERROR "stdout does not match '${EXPECT_STDOUT}'\n${report}")
endif()
if(DEFINED EXPECT_STDERR_LINES)
  string(REGEX MATCHALL "\n" newlines "${err}")
  list(LENGTH newlines line_count)
  if(NOT line_count EQUAL EXPECT_STDERR_LINES)
    message(FATAL_ERROR "expected ${EXPECT_STDERR_LINES} line(s) on stderr, got ${line_count}\n${report}")
  endif()
endif()
