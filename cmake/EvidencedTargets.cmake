# Per-target flags: warnings as errors and the optional sanitizers apply to
# evidenced's own code only (spdlog's approach), never globally.
function(evidenced_target_flags target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
  if(EVIDENCED_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=${EVIDENCED_SANITIZE}
                           -fno-sanitize-recover=all -fno-omit-frame-pointer)
    target_link_options(${target} PUBLIC -fsanitize=${EVIDENCED_SANITIZE})
  endif()
  if(EVIDENCED_FUZZ)
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
  endif()
endfunction()
