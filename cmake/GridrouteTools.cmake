# The commands for the people who write a responsibility list (docs/tools.md): gridroute test, diff,
# graph and check --coverage. A static library the CLI and the tests link.
add_library(gridroute_tools STATIC
  ${CMAKE_CURRENT_LIST_DIR}/../src/lint/coverage.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../src/cli/cmd_coverage.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../src/cli/cmd_diff.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../src/cli/cmd_graph.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../src/cli/cmd_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../src/cli/diff.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../src/cli/expect.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../src/cli/explain_text.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../src/cli/html_report.cpp)
target_link_libraries(gridroute_tools PUBLIC gridroute_core)
target_compile_options(gridroute_tools PRIVATE -Wall -Wextra)
set_target_properties(gridroute_tools PROPERTIES CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
target_link_libraries(gridroute PRIVATE gridroute_tools)
# GCC 12 warns inside Boost.Graph's edge iterator (a boost::optional it cannot see initialised).
set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/../src/cli/cmd_graph.cpp PROPERTIES COMPILE_OPTIONS -Wno-maybe-uninitialized)
