# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The IOPulse authors
# Install rules that need every target, and CPack: one Debian package per
# install component.
#
#   iopulse                  host      bin/iopulse (no engine, no liburing)
#   iopulse-sdk              sdk       include/iopulse/, lib/cmake/IOPulseSDK/,
#                                      lib/pkgconfig/iopulse-sdk.pc,
#                                      bin/iopulse-engine-check
#   iopulse-engine-<name>    engine-<name>, one per iopulse_add_engine()
#                            (underscores become dashes: io_uring ->
#                            iopulse-engine-io-uring), its .so alone in the
#                            plugin directory; depends on the host
#
# The null engine gets its own package like every other engine: the host
# package holds no engine, so any engine can be left out, replaced or updated
# on its own; null is only needed to measure the host itself.  The host
# recommends the sync engine, its default.
#
# Runtime dependencies come from dpkg-shlibdeps (CPACK_DEBIAN_PACKAGE_SHLIBDEPS):
# each package depends on exactly the libraries its own ELF files link, so
# the io_uring engine package depends on liburing2 and the host does not.
#
#   cpack -G DEB             in the build directory; packages go to the
#                            current directory (or -B <dir>)

if(TARGET iopulse-engine-check)
  install(TARGETS iopulse-engine-check RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT sdk)
endif()

get_property(IOPULSE_ENGINE_NAMES GLOBAL PROPERTY IOPULSE_ENGINE_NAMES)

set(CPACK_PACKAGE_NAME iopulse)
set(CPACK_PACKAGE_VENDOR "IOPulse")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PROJECT_CONFIG_FILE ${CMAKE_CURRENT_LIST_DIR}/CPackProjectConfig.cmake)
set(IOPULSE_PACKAGE_MAINTAINER "IOPulse maintainers <maintainers@iopulse.invalid>" CACHE STRING
    "Maintainer field of the Debian packages")
set(CPACK_PACKAGE_CONTACT "${IOPULSE_PACKAGE_MAINTAINER}")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_COMPONENTS_ALL host sdk)

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)

set(CPACK_DEBIAN_HOST_PACKAGE_NAME iopulse)
set(CPACK_COMPONENT_HOST_DESCRIPTION "storage IO load generator with plugin IO engines
IOPulse drives IO against files and block devices and reports IOPS, bandwidth
and latency percentiles.  Its IO engines are plugins, packaged as
iopulse-engine-*.")
if("sync" IN_LIST IOPULSE_ENGINE_NAMES)
  set(CPACK_DEBIAN_HOST_PACKAGE_RECOMMENDS iopulse-engine-sync)
endif()

set(CPACK_DEBIAN_SDK_PACKAGE_NAME iopulse-sdk)
set(CPACK_DEBIAN_SDK_PACKAGE_SECTION devel)
set(CPACK_COMPONENT_SDK_DESCRIPTION "SDK for IOPulse IO engine plugins
The engine ABI headers, the CMake package (find_package(IOPulseSDK),
iopulse_add_engine()) and pkg-config file (iopulse-sdk) for building
IOPulse engines, and the iopulse-engine-check conformance checker.")

# An engine needs a host at least as new as the one it was built with (the
# ABI only grows within a major).
foreach(engine IN LISTS IOPULSE_ENGINE_NAMES)
  string(TOUPPER "engine-${engine}" component)
  string(REPLACE "_" "-" package "iopulse-engine-${engine}")
  list(APPEND CPACK_COMPONENTS_ALL engine-${engine})
  set(CPACK_DEBIAN_${component}_PACKAGE_NAME ${package})
  set(CPACK_DEBIAN_${component}_PACKAGE_DEPENDS "iopulse (>= ${PROJECT_VERSION})")
  set(CPACK_COMPONENT_${component}_DESCRIPTION "${engine} IO engine for IOPulse
The ${engine} engine plugin, used with iopulse --engine ${engine}.")
endforeach()

include(CPack)
