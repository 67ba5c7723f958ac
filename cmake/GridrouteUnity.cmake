# -DGRIDROUTE_UNITY_BUILD=ON (scripts/test.sh and scripts/fuzz.sh turn it on): the library, the tools, the
# PostgreSQL workers and the CLI are compiled eight files at a time as one translation unit, so that Boost,
# Abseil and OpenSSL's headers are parsed once per batch rather than once per file. A clean build takes
# about half the CPU time; an incremental one recompiles a whole batch, hence OFF by default. The test
# executables have a precompiled header instead (cmake/GridrouteTesting.cmake).
option(GRIDROUTE_UNITY_BUILD "Compile the library and the CLI in unity batches (faster clean builds)" OFF)
if(NOT GRIDROUTE_UNITY_BUILD)
  return()
endif()
foreach(t gridroute_core gridroute_tools gridroute_platform gridroute)
  if(TARGET ${t})
    set_target_properties(${t} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 8)
    # GCC warns of a class whose members use an anonymous namespace's types when the class is defined in
    # an included file, where each file that includes it would get a type of its own. In a batch every
    # source file is an included file, so the pimpl structs (LineCodec::Impl, ...) that hold their own
    # file's anonymous types are flagged, though each is compiled once; the file-by-file build keeps it.
    target_compile_options(${t} PRIVATE $<$<CXX_COMPILER_ID:GNU>:-Wno-subobject-linkage>)
  endif()
endforeach()
# Compiled on their own: zone.cpp and cmd_db.cpp define a helper of the same name as another file of their
# target does; cmd_diff.cpp calls into the CLI's main program, which the tools' tests do not link.
set_source_files_properties(
  ${PROJECT_SOURCE_DIR}/src/base/zone.cpp
  ${PROJECT_SOURCE_DIR}/src/cli/cmd_db.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../src/cli/cmd_diff.cpp
  TARGET_DIRECTORY gridroute_core
  PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)
