# Checks that every binding says the build's version (project(VERSION) of CMakeLists.txt):
#   cmake -DVERSION=1.1.0 -DSOURCE_DIR=<repository> -P check_versions.cmake
# Each binding also checks, in its own tests, that the C library it loads has this version.
set(sources
  "bindings/python/gridroute/__init__.py|__version__ = \"([0-9.]+)\""
  "bindings/go/gridroute/gridroute.go|BindingVersion = \"([0-9.]+)\""
  "bindings/java/src/main/java/org/gridroute/Gridroute.java|BINDING_VERSION = \"([0-9.]+)\"")
set(failed FALSE)
foreach(entry IN LISTS sources)
  string(REPLACE "|" ";" parts "${entry}")
  list(GET parts 0 file)
  list(GET parts 1 pattern)
  file(READ "${SOURCE_DIR}/${file}" text)
  if(NOT text MATCHES "${pattern}")
    message(SEND_ERROR "${file}: no version found (${pattern})")
    set(failed TRUE)
  elseif(NOT CMAKE_MATCH_1 STREQUAL VERSION)
    message(SEND_ERROR "${file} says ${CMAKE_MATCH_1}, the build (project(VERSION)) ${VERSION}")
    set(failed TRUE)
  else()
    message(STATUS "${file}: ${CMAKE_MATCH_1}")
  endif()
endforeach()
if(failed)
  message(FATAL_ERROR "the bindings' versions differ from the build's")
endif()
