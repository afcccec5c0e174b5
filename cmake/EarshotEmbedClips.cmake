# earshot_embed_clips(<source> <folder> <what>): the folder's WAV files as C++ flash arrays in
# <source> (embed_clips.cmake), declared in ports/cortex-m/embedded_clips.hpp; sorted by name,
# the order `earshot classify` reads a folder in. For firmware that runs on bundled clips.
set(EARSHOT_EMBED_CLIPS_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/embed_clips.cmake)

function(earshot_embed_clips source folder what)
  file(GLOB clips CONFIGURE_DEPENDS ${folder}/*.wav)
  list(SORT clips)
  add_custom_command(OUTPUT ${source}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${source} "-DCLIPS=${clips}" -P ${EARSHOT_EMBED_CLIPS_SCRIPT}
    DEPENDS ${clips} ${EARSHOT_EMBED_CLIPS_SCRIPT}
    COMMENT "Embedding the ${what} clips in flash"
    VERBATIM)
endfunction()
