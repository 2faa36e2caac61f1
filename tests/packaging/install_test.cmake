# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The IOPulse authors
# The installed tree as a user gets it from `cmake --install`, at a prefix
# other than the configured one:
#   - the layout (host, engines, headers, CMake package, pkg-config file);
#   - sdk/examples/example_ram built against it with find_package(IOPulseSDK)
#     and with make + pkg-config, run by the installed host and checked by
#     the installed iopulse-engine-check;
#   - the installed host finds the installed engines beside itself, not in
#     the build tree, and names its plugin directory when an engine is
#     missing;
#   - the installed host is never touched (same sha256 before and after).
# In: BUILD_DIR SOURCE_DIR ENGINES PLUGIN_DIR BINDIR LIBDIR INCLUDEDIR
#     HAS_ENGINE_CHECK GENERATOR MAKE
include(${CMAKE_CURRENT_LIST_DIR}/support.cmake)
make_scratch_dir()
set(prefix "${SCRATCH}/prefix")
set(host "${prefix}/${BINDIR}/iopulse")
set(plugins "${prefix}/${PLUGIN_DIR}")
set(example_src "${SOURCE_DIR}/sdk/examples/example_ram")

# ---- install and layout -----------------------------------------------------
run(out ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}")
expect_file("${host}")
foreach(engine IN LISTS ENGINES)
  expect_file("${plugins}/iopulse_${engine}.so")
endforeach()
expect_file("${prefix}/${INCLUDEDIR}/iopulse/engine.h")
expect_file("${prefix}/${INCLUDEDIR}/iopulse/engine.hpp")
expect_file("${prefix}/${INCLUDEDIR}/iopulse/engine_helpers.h")
expect_file("${prefix}/${LIBDIR}/cmake/IOPulseSDK/IOPulseSDKConfig.cmake")
expect_file("${prefix}/${LIBDIR}/cmake/IOPulseSDK/IOPulseSDKConfigVersion.cmake")
expect_file("${prefix}/${LIBDIR}/pkgconfig/iopulse-sdk.pc")
if(HAS_ENGINE_CHECK)
  expect_file("${prefix}/${BINDIR}/iopulse-engine-check")
  expect_file("${prefix}/share/man/man1/iopulse-engine-check.1")
endif()
# The man page and completion scripts the build wrote from the option table.
expect_file("${prefix}/share/man/man1/iopulse.1")
expect_file("${prefix}/share/bash-completion/completions/iopulse")
expect_file("${prefix}/share/zsh/vendor-completions/_iopulse")
# The MPI module, found beside the moved install (not in the build tree).
if(HAS_MPI)
  expect_file("${prefix}/${LIBDIR}/iopulse/iopulse_mpi.so")
  run(version "${host}" --version)
  string(FIND "${version}" "with MPI" at)
  expect(at GREATER -1 MESSAGE "the installed host does not find its MPI module: ${version}")
  file(RENAME "${prefix}/${LIBDIR}/iopulse/iopulse_mpi.so" "${SCRATCH}/moved_mpi.so")
  run(version "${host}" --version)
  string(FIND "${version}" "with MPI" at)
  expect(at EQUAL -1 MESSAGE "the installed host claims MPI without its module: ${version}")
  file(RENAME "${SCRATCH}/moved_mpi.so" "${prefix}/${LIBDIR}/iopulse/iopulse_mpi.so")
endif()
file(SHA256 "${host}" host_sha256)

# ---- the example, built with CMake against the installed SDK ---------------
set(cmake_build "${SCRATCH}/cmake-build")
run(out ${CMAKE_COMMAND} -S "${example_src}" -B "${cmake_build}" -G "${GENERATOR}"
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=${prefix}
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
file(STRINGS "${cmake_build}/CMakeCache.txt" sdk_dir REGEX "^IOPulseSDK_DIR:")
expect(sdk_dir STREQUAL "IOPulseSDK_DIR:PATH=${prefix}/${LIBDIR}/cmake/IOPulseSDK"
       MESSAGE "the example found the wrong SDK: ${sdk_dir}")
run(out ${CMAKE_COMMAND} --build "${cmake_build}")
expect_file("${cmake_build}/iopulse_example_ram.so")

# The installed host runs it: a 50/50 random mix of exactly 8 MiB.
set(json "${SCRATCH}/out.json")
run(out "${host}" --plugin-dir "${cmake_build}" --engine example_ram "${SCRATCH}/data"
    --file-size 16M --total-bytes 8M --read-percent 50 --random --json-output "${json}" -q)
file(READ "${json}" result)
string(JSON engine_name GET "${result}" engine name)
string(JSON engine_path GET "${result}" engine path)
string(JSON total_bytes GET "${result}" total bytes)
string(JSON read_bytes GET "${result}" read bytes)
string(JSON write_bytes GET "${result}" write bytes)
string(JSON total_errors GET "${result}" total errors)
math(EXPR read_write "${read_bytes} + ${write_bytes}")
expect(engine_name STREQUAL "example_ram" MESSAGE "JSON engine name: ${engine_name}")
expect(engine_path STREQUAL "${cmake_build}/iopulse_example_ram.so"
       MESSAGE "JSON engine path: ${engine_path}")
expect(total_bytes EQUAL 8388608 AND read_write EQUAL 8388608 AND total_errors EQUAL 0
       MESSAGE "JSON bytes: total ${total_bytes}, read ${read_bytes} + write ${write_bytes}, "
               "errors ${total_errors}")
expect(read_bytes GREATER 0 AND write_bytes GREATER 0
       MESSAGE "expected reads and writes: read ${read_bytes}, write ${write_bytes}")
expect(NOT EXISTS "${SCRATCH}/data" MESSAGE "a diskless engine's target file was created")

# The installed conformance checker accepts it.
if(HAS_ENGINE_CHECK)
  run(out "${prefix}/${BINDIR}/iopulse-engine-check" "${cmake_build}/iopulse_example_ram.so"
      --dir "${SCRATCH}" --iterations 100)
endif()

# ---- the example, built with make + pkg-config and installed ---------------
set(ENV{PKG_CONFIG_PATH} "${prefix}/${LIBDIR}/pkgconfig")
run(plugindir pkg-config --variable=plugindir iopulse-sdk)
string(STRIP "${plugindir}" plugindir)
file(REAL_PATH "${plugindir}" plugindir)
expect(plugindir STREQUAL "${plugins}" MESSAGE "pkg-config plugindir: ${plugindir}")
set(make_build "${SCRATCH}/make-build")
file(MAKE_DIRECTORY "${make_build}")
run(out "${MAKE}" -C "${make_build}" -f "${example_src}/Makefile" install)
expect_file("${plugins}/iopulse_example_ram.so")

# ---- the installed host finds the installed engines -------------------------
run(list "${host}" --list-engines)
foreach(engine IN LISTS ENGINES example_ram)
  string(FIND "${list}" "path: ${plugins}/iopulse_${engine}.so\n" at)
  expect(at GREATER -1 MESSAGE "--list-engines: ${engine} not found in ${plugins}:\n${list}")
endforeach()
string(FIND "${list}" "${BUILD_DIR}" at)
expect(at EQUAL -1 MESSAGE "--list-engines shows the build tree:\n${list}")
run(out "${host}" --engine example_ram "${SCRATCH}/data" --file-size 1M --json-output "${json}" -q)
file(READ "${json}" result)
string(JSON engine_path GET "${result}" engine path)
expect(engine_path STREQUAL "${plugins}/iopulse_example_ram.so"
       MESSAGE "installed example_ram not used: ${engine_path}")

# A missing engine: exit 2, the directories searched and the package named.
execute_process(COMMAND ${CMAKE_COMMAND} -E env --unset=IOPULSE_PLUGIN_PATH
                        "${host}" "${SCRATCH}/data" --engine io_uringx
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(FIND "${err}" "directories searched: ${plugins}" searched)
string(FIND "${err}" "iopulse-engine-io-uringx package" package)
expect(rc EQUAL 2 AND searched GREATER -1 AND package GREATER -1
       MESSAGE "unknown engine: exit ${rc}, stderr:\n${err}")

# ---- the host was not rebuilt or modified -----------------------------------
file(SHA256 "${host}" host_sha256_after)
expect(host_sha256 STREQUAL host_sha256_after MESSAGE "the installed iopulse changed")

file(REMOVE_RECURSE "${SCRATCH}")
