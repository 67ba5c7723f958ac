# How the test executables are built: gridroute_test_executable(TARGET LIBRARY...). Each links the
# libraries it tests, then gtest with its main (in that order, so that no archive member of the library is
# pulled in for gtest's sake), sees the library's private
# headers, and is told where the sources, the shared examples and data, and the CLI are (it runs the CLI,
# so it depends on it). The tests call into the library, which is built as configured, and check its
# answers, so their own code needs no heavy optimisation: outside Debug they are compiled with -O1 and
# line tables only (-g1, enough for a sanitizer's stack), about half the time of -O2 -g. One precompiled
# header of what most of them include saves parsing gtest and Boost.JSON in every file.
function(gridroute_test_executable target)
  target_link_libraries(${target} PRIVATE ${ARGN} GTest::gtest GTest::gtest_main)
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_compile_definitions(${target} PRIVATE
    GRIDROUTE_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    GRIDROUTE_SHARED_DIR="${GRIDROUTE_SHARED_DIR}"
    GRIDROUTE_CLI="$<TARGET_FILE:gridroute>")
  add_dependencies(${target} gridroute)
  target_precompile_headers(${target} PRIVATE
    <algorithm> <filesystem> <fstream> <map> <sstream> <string> <vector> <gtest/gtest.h> <boost/json.hpp>)
  if(NOT CMAKE_BUILD_TYPE STREQUAL "Debug")
    # GCC 12 warns of std::string copies overflowing at -O1, wrongly (its bug 105329): not a finding of ours.
    target_compile_options(${target} PRIVATE -O1 -g1 $<$<CXX_COMPILER_ID:GNU>:-Wno-stringop-overflow>)
  endif()
endfunction()

# gridroute_test_unity(TARGET GROUP file... [GROUP file...]): with -DGRIDROUTE_UNITY_BUILD=ON, each GROUP of
# the target's files is compiled as one translation unit (the precompiled header, gtest's and the library's
# inline code are then compiled once per group instead of once per file: about 5 s of each file's 6–7 s
# in the ASan build); a file in no group is compiled on its own. The files of a group must not define
# helpers of the same name in their anonymous namespaces (kJurisdiction, load, ...): a clash is a
# compile error of the unity build, never a silent change.
function(gridroute_test_unity target)
  if(NOT GRIDROUTE_UNITY_BUILD)
    return()
  endif()
  set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_MODE GROUP)
  set(group 0)
  foreach(arg IN LISTS ARGN)
    if(arg STREQUAL "GROUP")
      math(EXPR group "${group} + 1")
    else()
      set_source_files_properties(${arg} PROPERTIES UNITY_GROUP "${target}_${group}")
    endif()
  endforeach()
endfunction()
