# cmake -DTOOL=earshot -DFIRST=a -DSECOND=b -DOUT=dir -P same_features.cmake: `earshot features`
# of two files must be the same bytes (an audio file and the same samples in a float WAV).
foreach(which FIRST SECOND)
  execute_process(COMMAND "${TOOL}" features "${${which}}" -o "${OUT}/${which}.npy"
    RESULT_VARIABLE failed ERROR_VARIABLE message)
  if(failed)
    message(FATAL_ERROR "earshot features ${${which}} failed (${failed}): ${message}")
  endif()
endforeach()
execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${OUT}/FIRST.npy" "${OUT}/SECOND.npy"
  RESULT_VARIABLE different)
if(different)
  message(FATAL_ERROR "the features of ${FIRST} and ${SECOND} differ")
endif()
message(STATUS "the features of ${FIRST} and ${SECOND} are the same bytes")
