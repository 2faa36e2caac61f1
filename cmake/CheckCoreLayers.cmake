# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The IOPulse authors
# Checks that core/'s folders include only the layers they may use
# (docs/design.md, "Layers"), as a step of the default build:
#
#   cmake -DCORE_DIR=<core> -DLAYER_TABLE=<file> [-DSTAMP=<file>] -P CheckCoreLayers.cmake
#
# LAYER_TABLE has one line per folder, "FOLDER: LAYER LAYER ..." (the layers
# it may include besides itself; core/CMakeLists.txt writes it from its
# table).  Every .h and .cc directly in CORE_DIR/<folder>/ is read; an
# `#include "<name>/..."` whose <name> is a folder of CORE_DIR must name the
# folder itself or one of its layers (other names, e.g. "iopulse/" from the
# SDK, are not layers).  Each violation is one line,
#   core/job/job_spec.h:20: #include "workload/access_distribution.h": job may include only job, op
# and the script fails after listing them all.  A folder of CORE_DIR without
# a row in the table fails too.  On success STAMP (if given) is touched.
cmake_minimum_required(VERSION 3.20)

foreach(var CORE_DIR LAYER_TABLE)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "CheckCoreLayers.cmake: -D${var}=... is required")
  endif()
endforeach()

# The table: ALLOWED_<folder> = the layers it may include.
file(STRINGS "${LAYER_TABLE}" rows)
set(table_folders "")
foreach(row IN LISTS rows)
  if(NOT row MATCHES "^([a-z_]+):(.*)$")
    message(FATAL_ERROR "${LAYER_TABLE}: '${row}' is not a row; accepted: FOLDER: LAYER LAYER ...")
  endif()
  set(folder "${CMAKE_MATCH_1}")
  string(STRIP "${CMAKE_MATCH_2}" layers)
  separate_arguments(layers UNIX_COMMAND "${layers}")
  set(ALLOWED_${folder} "${layers}")
  list(APPEND table_folders "${folder}")
endforeach()

# The folders of CORE_DIR, each of which is a layer.
file(GLOB entries LIST_DIRECTORIES true RELATIVE "${CORE_DIR}" "${CORE_DIR}/*")
set(folders "")
set(violations "")
foreach(entry IN LISTS entries)
  if(IS_DIRECTORY "${CORE_DIR}/${entry}")
    list(APPEND folders "${entry}")
    if(NOT entry IN_LIST table_folders)
      list(APPEND violations "core/${entry}: a folder without a row in the layer table (core/CMakeLists.txt)")
    endif()
  endif()
endforeach()

foreach(folder IN LISTS folders)
  if(NOT folder IN_LIST table_folders)
    continue()
  endif()
  set(allowed "${ALLOWED_${folder}}")
  string(JOIN ", " allowed_text ${folder} ${allowed})
  file(GLOB sources "${CORE_DIR}/${folder}/*.h" "${CORE_DIR}/${folder}/*.cc")
  list(SORT sources)
  foreach(source IN LISTS sources)
    get_filename_component(name "${source}" NAME)
    # Lines of the file, numbered from 1 (empty lines kept, so the numbers
    # are the editor's).  The characters a CMake list treats specially
    # (; \ [ ]) are replaced first: none can be part of an include's folder.
    file(READ "${source}" text)
    string(REPLACE ";" "," text "${text}")
    string(REPLACE "\\" "/" text "${text}")
    string(REPLACE "[" "(" text "${text}")
    string(REPLACE "]" ")" text "${text}")
    string(REPLACE "\n" ";" lines "${text}")
    set(number 0)
    foreach(line IN LISTS lines)
      math(EXPR number "${number} + 1")
      if(NOT line MATCHES "^[ \t]*#[ \t]*include[ \t]*\"([a-z_]+)/[^\"]*\"")
        continue()
      endif()
      set(target "${CMAKE_MATCH_1}")
      if(target STREQUAL folder OR NOT target IN_LIST folders OR target IN_LIST allowed)
        continue()
      endif()
      string(STRIP "${line}" include)
      list(APPEND violations "core/${folder}/${name}:${number}: ${include}: ${folder} may include only ${allowed_text}")
    endforeach()
  endforeach()
endforeach()

if(violations)
  list(LENGTH violations count)
  string(JOIN "\n" report ${violations})
  # One line per violation on stderr, then the failure.
  message(NOTICE "${report}")
  message(FATAL_ERROR "${count} include(s) against the layer table (core/CMakeLists.txt, docs/design.md \"Layers\")")
endif()
if(DEFINED STAMP)
  file(TOUCH "${STAMP}")
endif()
