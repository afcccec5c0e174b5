# cmake -DTOOL=earshot -DFIRST=file|- -DSTDIN=file -DSECOND=file -DOUT=dir -P same_stream.cmake:
# `earshot stream --model fsdd-cnn --windows --json` prints the same events and windows for
# FIRST (read from STDIN when FIRST is "-") as for SECOND: the blocks a recording is read in,
# and the decoder, change nothing.
set(command "${TOOL}" stream --model fsdd-cnn --windows --json --block 300)
if(FIRST STREQUAL "-")
  execute_process(COMMAND ${command} - INPUT_FILE "${STDIN}" OUTPUT_FILE "${OUT}/first.jsonl"
    RESULT_VARIABLE failed ERROR_VARIABLE message)
else()
  execute_process(COMMAND ${command} "${FIRST}" OUTPUT_FILE "${OUT}/first.jsonl"
    RESULT_VARIABLE failed ERROR_VARIABLE message)
endif()
if(failed)
  message(FATAL_ERROR "earshot stream ${FIRST} ${STDIN} failed (${failed}): ${message}")
endif()
execute_process(COMMAND ${command} "${SECOND}" OUTPUT_FILE "${OUT}/second.jsonl" RESULT_VARIABLE failed)
file(READ "${OUT}/first.jsonl" first)
file(READ "${OUT}/second.jsonl" second)
string(REGEX MATCHALL "\"event\": \"window\"" windows "${second}")
list(LENGTH windows window_count)
if(failed OR NOT first STREQUAL second OR window_count LESS 3)
  message(FATAL_ERROR "earshot stream: ${FIRST} ${STDIN} and ${SECOND} differ (or gave fewer than 3 windows)")
endif()
message(STATUS "the same ${window_count} windows and events")
