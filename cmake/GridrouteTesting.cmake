# How the test executables are compiled. They call into the library, which is built as configured, and
# check its answers, so their own code needs no heavy optimisation: outside Debug they are compiled with
# -O1 and line tables only (-g1, enough for a sanitizer's stack), about half the time of -O2 -g. One
# precompiled header of what most of them include saves parsing gtest and Boost.JSON in every file.
function(gridroute_test_executable target)
  target_precompile_headers(${target} PRIVATE
    <algorithm> <filesystem> <fstream> <map> <sstream> <string> <vector> <gtest/gtest.h> <boost/json.hpp>)
  if(NOT CMAKE_BUILD_TYPE STREQUAL "Debug")
    # GCC 12 warns of std::string copies overflowing at -O1, wrongly (its bug 105329): not a finding of ours.
    target_compile_options(${target} PRIVATE -O1 -g1 $<$<CXX_COMPILER_ID:GNU>:-Wno-stringop-overflow>)
  endif()
endfunction()
