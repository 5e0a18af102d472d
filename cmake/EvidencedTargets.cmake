# Per-target flags: warnings as errors and the optional sanitizers apply to
# evidenced's own code only (spdlog's approach), never globally.
function(evidenced_target_flags target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # g++ 12 at -O2 reports std::optional members as maybe-uninitialized (GCC bug 105562
    # and friends); keep it a warning so release builds do not fail on false positives.
    target_compile_options(${target} PRIVATE -Wno-error=maybe-uninitialized)
    # ... and at -O3 (CMAKE_BUILD_TYPE=Release) a std::string assigned a literal trips
    # -Wrestrict inside libstdc++ (GCC bug 105329): a warning, not a failed build.
    target_compile_options(${target} PRIVATE -Wno-error=restrict)
  endif()
  if(EVIDENCED_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=${EVIDENCED_SANITIZE}
                           -fno-sanitize-recover=all -fno-omit-frame-pointer)
    target_link_options(${target} PUBLIC -fsanitize=${EVIDENCED_SANITIZE})
  endif()
  if(EVIDENCED_FUZZ)
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
    # Whatever links instrumented code needs the coverage runtime too.
    target_link_options(${target} PUBLIC -fsanitize=fuzzer-no-link)
  endif()
endfunction()
