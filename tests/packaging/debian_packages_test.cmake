# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The IOPulse authors
# The Debian packages: `cpack -G DEB` on the build tree into a scratch
# directory, then each package's file list (dpkg-deb -c) and Depends line
# (dpkg-deb -f):
#   iopulse                 usr/bin/iopulse, no engine, no liburing dependency
#   iopulse-sdk             headers, CMake package, pkg-config file (and
#                           iopulse-engine-check when it is built), no engine
#   iopulse-engine-<name>   exactly its .so in the plugin directory, and a
#                           dependency on the host; io_uring on liburing2
# and no other package.
# In: BUILD_DIR ENGINES PLUGIN_DIR BINDIR LIBDIR INCLUDEDIR HAS_ENGINE_CHECK
#     CPACK DPKG_DEB
include(${CMAKE_CURRENT_LIST_DIR}/support.cmake)
make_scratch_dir()

execute_process(COMMAND "${CPACK}" -G DEB -B "${SCRATCH}" --config "${BUILD_DIR}/CPackConfig.cmake"
                WORKING_DIRECTORY "${BUILD_DIR}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  fail("cpack failed (${rc}):\n${out}\n${err}")
endif()

# Package name -> .deb file.
file(GLOB debs "${SCRATCH}/*.deb")
set(packages "")
foreach(deb IN LISTS debs)
  run(name "${DPKG_DEB}" -f "${deb}" Package)
  string(STRIP "${name}" name)
  list(APPEND packages ${name})
  set(deb_${name} "${deb}")
endforeach()

set(expected iopulse iopulse-sdk)
foreach(engine IN LISTS ENGINES)
  string(REPLACE "_" "-" package "iopulse-engine-${engine}")
  list(APPEND expected ${package})
endforeach()
list(SORT expected)
list(SORT packages)
expect(packages STREQUAL expected
       MESSAGE "packages built: ${packages}; expected: ${expected}")

# files_of(<var> <package>): the regular files (no directories) in the
# package, as paths without the leading "./".
function(files_of out_var package)
  run(listing "${DPKG_DEB}" -c "${deb_${package}}")
  string(REGEX MATCHALL "\\./[^\n]*[^/\n]\n" entries "${listing}")
  set(files "")
  foreach(entry IN LISTS entries)
    string(REGEX REPLACE "^\\./([^\n]*)\n$" "\\1" entry "${entry}")
    list(APPEND files "${entry}")
  endforeach()
  set(${out_var} "${files}" PARENT_SCOPE)
endfunction()

function(depends_of out_var package)
  run(depends "${DPKG_DEB}" -f "${deb_${package}}" Depends)
  string(STRIP "${depends}" depends)
  set(${out_var} "${depends}" PARENT_SCOPE)
endfunction()

# ---- host ------------------------------------------------------------------
files_of(files iopulse)
depends_of(depends iopulse)
expect("usr/${BINDIR}/iopulse" IN_LIST files MESSAGE "iopulse lacks usr/${BINDIR}/iopulse: ${files}")
string(REGEX MATCH "\\.so(;|$)" engine_file "${files}")
expect(NOT engine_file MESSAGE "iopulse holds an engine: ${files}")
expect(depends MATCHES "libc6" MESSAGE "iopulse: no shared library dependencies: ${depends}")
expect(NOT depends MATCHES "liburing" MESSAGE "iopulse depends on liburing: ${depends}")
message(STATUS "iopulse: Depends: ${depends}")

# ---- sdk -------------------------------------------------------------------
files_of(files iopulse-sdk)
depends_of(depends iopulse-sdk)
set(sdk_files
  usr/${INCLUDEDIR}/iopulse/engine.h
  usr/${INCLUDEDIR}/iopulse/engine.hpp
  usr/${INCLUDEDIR}/iopulse/engine_helpers.h
  usr/${LIBDIR}/cmake/IOPulseSDK/IOPulseSDKConfig.cmake
  usr/${LIBDIR}/cmake/IOPulseSDK/IOPulseSDKConfigVersion.cmake
  usr/${LIBDIR}/cmake/IOPulseSDK/IOPulseSDKTargets.cmake
  usr/${LIBDIR}/cmake/IOPulseSDK/IOPulseEngine.cmake
  usr/${LIBDIR}/pkgconfig/iopulse-sdk.pc)
if(HAS_ENGINE_CHECK)
  list(APPEND sdk_files usr/${BINDIR}/iopulse-engine-check)
endif()
foreach(file IN LISTS sdk_files)
  expect(file IN_LIST files MESSAGE "iopulse-sdk lacks ${file}: ${files}")
endforeach()
string(REGEX MATCH "\\.so(;|$)" engine_file "${files}")
expect(NOT engine_file MESSAGE "iopulse-sdk holds an engine: ${files}")
message(STATUS "iopulse-sdk: Depends: ${depends}")

# ---- engines ---------------------------------------------------------------
foreach(engine IN LISTS ENGINES)
  string(REPLACE "_" "-" package "iopulse-engine-${engine}")
  files_of(files ${package})
  depends_of(depends ${package})
  expect(files STREQUAL "usr/${PLUGIN_DIR}/iopulse_${engine}.so"
         MESSAGE "${package} should hold exactly usr/${PLUGIN_DIR}/iopulse_${engine}.so: ${files}")
  expect(depends MATCHES "(^|, )iopulse \\(>= [0-9]"
         MESSAGE "${package} does not depend on the host: ${depends}")
  if(engine STREQUAL "io_uring")
    expect(depends MATCHES "(^|, )liburing2( |,|$)"
           MESSAGE "${package} does not depend on liburing2: ${depends}")
  endif()
  message(STATUS "${package}: Depends: ${depends}")
endforeach()

file(REMOVE_RECURSE "${SCRATCH}")
