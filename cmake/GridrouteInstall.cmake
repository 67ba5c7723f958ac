# What `cmake --install` puts where (GNUInstallDirs), by component:
#   runtime  libgridroute.so.1 (the C ABI) with its SONAME link
#   dev      gridroute.h, the libgridroute.so link, gridroute.pc, gridrouteConfig.cmake (gridroute::gridroute),
#            README.md, docs/ and examples/
#   cxx      the static C++ library (gridroute::gridroute_cxx) and include/gridroute/*.hpp
#   tools    the gridroute CLI and its man page gridroute.1
# Every installed file is relocatable: the config files and gridroute.pc find the prefix from where they are.
# docs/install.md says how each is used; cmake/GridroutePackaging.cmake makes one .deb per component.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(GRIDROUTE_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/gridroute" CACHE STRING
    "Where gridrouteConfig.cmake is installed, relative to the prefix")
set(GRIDROUTE_CAPI_HEADER "${PROJECT_SOURCE_DIR}/capi/include/gridroute.h")

# ---- the C ABI: gridroute::gridroute
set_target_properties(gridroute_shared PROPERTIES EXPORT_NAME gridroute)
add_library(gridroute::gridroute ALIAS gridroute_shared)
install(TARGETS gridroute_shared EXPORT gridrouteTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime NAMELINK_COMPONENT dev
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${GRIDROUTE_CAPI_HEADER} ${CMAKE_BINARY_DIR}/include/gridroute_version.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)
install(EXPORT gridrouteTargets NAMESPACE gridroute:: FILE gridrouteTargets.cmake
  DESTINATION ${GRIDROUTE_INSTALL_CMAKEDIR} COMPONENT dev)

# ---- the C++ API: gridroute::gridroute_cxx, the static core with Boost and Abseil in its interface.
# No ABI promise: a consumer builds against the same gridroute, Boost and Abseil (see docs/install.md).
set_target_properties(gridroute_core PROPERTIES EXPORT_NAME gridroute_cxx)
target_compile_features(gridroute_core PUBLIC cxx_std_20)
add_library(gridroute::gridroute_cxx ALIAS gridroute_core)
install(TARGETS gridroute_core EXPORT gridrouteCxxTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT cxx
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/gridroute DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  COMPONENT cxx FILES_MATCHING PATTERN "*.hpp")
install(EXPORT gridrouteCxxTargets NAMESPACE gridroute:: FILE gridrouteCxxTargets.cmake
  DESTINATION ${GRIDROUTE_INSTALL_CMAKEDIR} COMPONENT cxx)

# ---- find_package(gridroute [COMPONENTS cxx])
set(GRIDROUTE_BOOST_VERSION ${Boost_VERSION_STRING})
set(GRIDROUTE_ABSL_VERSION ${absl_VERSION})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/gridrouteConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/install/gridrouteConfig.cmake
  INSTALL_DESTINATION ${GRIDROUTE_INSTALL_CMAKEDIR})
# The SONAME carries the major version; a consumer asking for 1.x accepts any 1.y with y >= x.
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/install/gridrouteConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/install/gridrouteConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/install/gridrouteConfigVersion.cmake
  DESTINATION ${GRIDROUTE_INSTALL_CMAKEDIR} COMPONENT dev)

# ---- pkg-config: the prefix is found from the .pc file's own place (${pcfiledir}), so it moves with it.
function(gridroute_pc_path out dir)
  if(IS_ABSOLUTE "${dir}")
    set(${out} "${dir}" PARENT_SCOPE)
  else()
    set(${out} "\${prefix}/${dir}" PARENT_SCOPE)
  endif()
endfunction()
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(GRIDROUTE_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH GRIDROUTE_PC_UP "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
  string(REGEX REPLACE "/$" "" GRIDROUTE_PC_UP "${GRIDROUTE_PC_UP}")
  set(GRIDROUTE_PC_PREFIX "\${pcfiledir}/${GRIDROUTE_PC_UP}")
endif()
gridroute_pc_path(GRIDROUTE_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
gridroute_pc_path(GRIDROUTE_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
set(GRIDROUTE_PC_EXTRA_CFLAGS "")
configure_file(${CMAKE_CURRENT_LIST_DIR}/gridroute.pc.in ${CMAKE_CURRENT_BINARY_DIR}/install/gridroute.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/install/gridroute.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)

# The same for the build tree, under pkg-config's "-uninstalled" name: PKG_CONFIG_PATH=build/pkgconfig makes
# `pkg-config gridroute` (and `#cgo pkg-config: gridroute`) use the header and library of this checkout.
set(GRIDROUTE_PC_PREFIX "${PROJECT_SOURCE_DIR}")
set(GRIDROUTE_PC_LIBDIR "$<TARGET_FILE_DIR:gridroute_shared>")
get_filename_component(GRIDROUTE_PC_INCLUDEDIR "${GRIDROUTE_CAPI_HEADER}" DIRECTORY)
set(GRIDROUTE_PC_EXTRA_CFLAGS " -I${CMAKE_BINARY_DIR}/include")  # the generated gridroute_version.h
configure_file(${CMAKE_CURRENT_LIST_DIR}/gridroute.pc.in ${CMAKE_CURRENT_BINARY_DIR}/install/gridroute-uninstalled.pc.in @ONLY)
file(GENERATE OUTPUT ${CMAKE_BINARY_DIR}/pkgconfig/gridroute-uninstalled.pc
  INPUT ${CMAKE_CURRENT_BINARY_DIR}/install/gridroute-uninstalled.pc.in)

# ---- the CLI and its man page, written from its --help at build time (cmake/help_to_man.py)
install(TARGETS gridroute RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT tools)
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND AND (NOT CMAKE_CROSSCOMPILING OR CMAKE_CROSSCOMPILING_EMULATOR))
  set(GRIDROUTE_MAN_PAGE ${CMAKE_BINARY_DIR}/man/gridroute.1)
  add_custom_command(OUTPUT ${GRIDROUTE_MAN_PAGE}
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/help_to_man.py $<TARGET_FILE:gridroute>
            ${GRIDROUTE_MAN_PAGE} ${CMAKE_INSTALL_DOCDIR}
    DEPENDS gridroute ${CMAKE_CURRENT_LIST_DIR}/help_to_man.py
    COMMENT "Writing the man page gridroute.1 from gridroute --help"
    VERBATIM)
  add_custom_target(gridroute_man ALL DEPENDS ${GRIDROUTE_MAN_PAGE})
  install(FILES ${GRIDROUTE_MAN_PAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT tools)
else()
  message(WARNING "gridroute: no python3 (or cross-compiling): the man page gridroute.1 is not built")
endif()

# ---- docs and examples, with the tree's shape so that the links between them hold
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT dev)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT dev)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/examples DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT dev)
