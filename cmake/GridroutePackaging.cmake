# CPack: one Debian package per install component (cmake/GridrouteInstall.cmake), all versioned from
# project(VERSION):
#   libgridroute1         runtime  libgridroute.so.1; Depends from dpkg-shlibdeps (Abseil, Boost.JSON, libstdc++)
#   libgridroute-dev      dev      header, .so link, gridroute.pc, CMake config, docs, examples
#   libgridroute-cxx-dev  cxx      static C++ library and headers; Depends on the Boost and Abseil -dev packages
#   gridroute-tools       tools    the CLI and its man page; Depends from dpkg-shlibdeps
# Build them with:  cpack --config build/CPackConfig.cmake -B build/packages   (or: cmake --build build -t package)
set(CPACK_PACKAGE_NAME gridroute)
set(CPACK_PACKAGE_VENDOR gridroute)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git" "/build[^/]*/" "__pycache__" "\\\\.egg-info/")

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime dev cxx tools)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(GRIDROUTE_PACKAGE_MAINTAINER "gridroute maintainers <gridroute@localhost>" CACHE STRING
    "The Maintainer field of the .deb packages")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${GRIDROUTE_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME libgridroute${PROJECT_VERSION_MAJOR})
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_DEV_PACKAGE_NAME libgridroute-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_CXX_PACKAGE_NAME libgridroute-cxx-dev)
set(CPACK_DEBIAN_CXX_PACKAGE_SECTION libdevel)
# The headers include Boost (Graph, Describe) and Abseil; the archive needs the same Boost.JSON and Abseil.
set(CPACK_DEBIAN_CXX_PACKAGE_DEPENDS
    "libboost${Boost_VERSION_MAJOR}.${Boost_VERSION_MINOR}-dev, libboost-json${Boost_VERSION_MAJOR}.${Boost_VERSION_MINOR}-dev, libabsl-dev (>= ${absl_VERSION}), libssl-dev")
set(CPACK_DEBIAN_TOOLS_PACKAGE_NAME gridroute-tools)
set(CPACK_DEBIAN_TOOLS_PACKAGE_SECTION utils)

include(CPack)
# The first line of a DESCRIPTION is the package's summary (CPACK_PACKAGE_DESCRIPTION_SUMMARY stays unset,
# else CPack puts it before every package's own).
set(GRIDROUTE_DEB_ABOUT "gridroute decides who owns a resident's issue in a grid-governed jurisdiction
(community, area branch, cell) and when and to whom it escalates, on
working-day calendars.")
cpack_add_component(runtime DISPLAY_NAME "libgridroute"
  DESCRIPTION "who owns a resident's issue - shared library
${GRIDROUTE_DEB_ABOUT}
This package holds libgridroute.so.${PROJECT_VERSION_MAJOR}, the stable C ABI, used by C programs and
by the Python and Go bindings.")
cpack_add_component(dev DISPLAY_NAME "libgridroute development files" DEPENDS runtime
  DESCRIPTION "who owns a resident's issue - C development files
${GRIDROUTE_DEB_ABOUT}
This package holds the C header gridroute.h, the libgridroute.so link,
gridroute.pc for pkg-config, gridrouteConfig.cmake for
find_package(gridroute) (target gridroute::gridroute), the documentation
and the examples.")
cpack_add_component(cxx DISPLAY_NAME "gridroute C++ library" DEPENDS dev
  DESCRIPTION "who owns a resident's issue - C++ library
${GRIDROUTE_DEB_ABOUT}
This package holds the static C++ library and its headers, for
find_package(gridroute COMPONENTS cxx) (target gridroute::gridroute_cxx).
The C++ API makes no ABI promise: build against this distribution's
Boost and Abseil.")
cpack_add_component(tools DISPLAY_NAME "gridroute command line"
  DESCRIPTION "who owns a resident's issue - command line
${GRIDROUTE_DEB_ABOUT}
This package holds the gridroute command: check (load and lint a bundle),
route (issues to handlers, JSON Lines) and escalate (open cases), with
its man page.")

if(GRIDROUTE_BUILD_TESTS)
  add_subdirectory(${PROJECT_SOURCE_DIR}/tests/install ${CMAKE_BINARY_DIR}/tests/install)
endif()
