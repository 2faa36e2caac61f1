# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The IOPulse authors
# iopulse_add_engine(<name> SOURCES <src>... [LIBRARIES <lib>...] [OUTPUT_DIRECTORY <dir>])
#
# Builds an IOPulse engine plugin, target iopulse_engine_<name>, as a shared
# object named iopulse_<name>.so from the public SDK only: hidden visibility
# (only iopulse_engine_entry is exported) and no undefined symbols (an engine
# never calls into the host).  Requires the target IOPulse::sdk (the SDK's
# include directory).
#
# When IOPULSE_ENGINE_INSTALL_DIR is set, the plugin is installed there (a
# path relative to the install prefix, or absolute) as the install component
# engine-<name>, so each engine can be packaged on its own.  In the IOPulse
# tree it is the plugin directory under the prefix; find_package(IOPulseSDK)
# sets it, unless already set, to IOPULSE_SDK_PLUGIN_DIR, the directory the
# installed host searches.  The names of all engines added are collected in
# the global property IOPULSE_ENGINE_NAMES.
function(iopulse_add_engine name)
  cmake_parse_arguments(ARG "" "OUTPUT_DIRECTORY" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "iopulse_add_engine(${name}): SOURCES is required")
  endif()
  set(target iopulse_engine_${name})
  add_library(${target} MODULE ${ARG_SOURCES})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "iopulse_${name}"
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    # Compiled file by file whatever CMAKE_UNITY_BUILD says: an engine's files
    # may each keep file-local names of their own.
    UNITY_BUILD OFF)
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${ARG_OUTPUT_DIRECTORY}")
  endif()
  target_link_libraries(${target} PRIVATE IOPulse::sdk ${ARG_LIBRARIES})
  target_link_options(${target} PRIVATE "LINKER:--no-undefined")
  if(IOPULSE_ENGINE_INSTALL_DIR)
    install(TARGETS ${target}
            LIBRARY DESTINATION "${IOPULSE_ENGINE_INSTALL_DIR}" COMPONENT engine-${name})
  endif()
  set_property(GLOBAL APPEND PROPERTY IOPULSE_ENGINE_TARGETS ${target})
  set_property(GLOBAL APPEND PROPERTY IOPULSE_ENGINE_NAMES ${name})
endfunction()
