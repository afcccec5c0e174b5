# cmake -DTOOL=earshot -DINPUT=file -DOUT=dir -P features_from_stdin.cmake: `earshot features -`
# reading the file from standard input writes the same bytes as `earshot features FILE`.
execute_process(COMMAND "${TOOL}" features - -o "${OUT}/stdin.npy" INPUT_FILE "${INPUT}"
  RESULT_VARIABLE failed ERROR_VARIABLE message)
if(failed)
  message(FATAL_ERROR "earshot features - < ${INPUT} failed (${failed}): ${message}")
endif()
execute_process(COMMAND "${TOOL}" features "${INPUT}" -o "${OUT}/file.npy" RESULT_VARIABLE failed)
execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${OUT}/stdin.npy" "${OUT}/file.npy"
  RESULT_VARIABLE different)
if(failed OR different)
  message(FATAL_ERROR "the features of ${INPUT} differ between standard input and the file")
endif()
message(STATUS "${INPUT}: the same features from standard input")
