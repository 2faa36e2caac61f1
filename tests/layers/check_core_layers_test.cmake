# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The IOPulse authors
# The layer check (cmake/CheckCoreLayers.cmake) fails on an include against
# the table and passes otherwise:
#   1. a small tree that keeps its table passes and writes the stamp;
#   2. one forbidden include in it fails, with the one-line message (file,
#      line, the include, what the folder may include) and no stamp;
#   3. a folder without a row in the table fails;
#   4. the real core/ passes with the build's table, and fails, naming the
#      real include, with a table that lacks one of its edges.
#
#   cmake -DCHECK_SCRIPT=<script> -DCORE_DIR=<core> -DLAYER_TABLE=<build's table>
#         -DSCRATCH=<empty directory> -P check_core_layers_test.cmake
cmake_minimum_required(VERSION 3.20)

foreach(var CHECK_SCRIPT CORE_DIR LAYER_TABLE SCRATCH)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_core_layers_test.cmake: -D${var}=... is required")
  endif()
endforeach()
file(REMOVE_RECURSE "${SCRATCH}")
file(MAKE_DIRECTORY "${SCRATCH}")

# Runs the check on `core` with `table`; sets rc, out (stdout and stderr).
function(run_check core table)
  file(REMOVE "${SCRATCH}/stamp")
  execute_process(
    COMMAND ${CMAKE_COMMAND} -DCORE_DIR=${core} -DLAYER_TABLE=${table} -DSTAMP=${SCRATCH}/stamp
            -P ${CHECK_SCRIPT}
    RESULT_VARIABLE result OUTPUT_VARIABLE stdout ERROR_VARIABLE stderr)
  set(rc "${result}" PARENT_SCOPE)
  set(out "${stdout}${stderr}" PARENT_SCOPE)
endfunction()

function(expect_pass what)
  if(NOT rc EQUAL 0 OR NOT EXISTS "${SCRATCH}/stamp")
    message(FATAL_ERROR "${what}: the check failed (exit ${rc}):\n${out}")
  endif()
endfunction()

# Fails unless the check failed, wrote no stamp and printed `line`.
function(expect_fail what line)
  if(rc EQUAL 0 OR EXISTS "${SCRATCH}/stamp")
    message(FATAL_ERROR "${what}: the check passed:\n${out}")
  endif()
  string(FIND "${out}" "${line}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${what}: the check failed without saying\n  ${line}\nIt said:\n${out}")
  endif()
endfunction()

# 1. low < mid < high; high may include mid and low, mid only low.
set(tree "${SCRATCH}/core")
file(WRITE "${tree}/low/low.h" "#pragma once\n#include <cstdint>\n")
file(WRITE "${tree}/mid/mid.h" "#pragma once\n#include \"low/low.h\"\n#include \"mid/other.h\"\n")
file(WRITE "${tree}/mid/other.h" "#pragma once\n")
file(WRITE "${tree}/high/high.cc"
     "// #include \"high/high.h\" in a comment is no include\n#include \"high/high.h\"\n"
     "#include \"mid/mid.h\"\n  #  include \"low/low.h\"\n#include \"iopulse/engine.h\"\n")
file(WRITE "${tree}/high/high.h" "#pragma once\n#define LIST_OF(x) [x; x]\n")
set(table "${SCRATCH}/layers.txt")
file(WRITE "${table}" "low:\nmid: low\nhigh: mid low\n")
run_check("${tree}" "${table}")
expect_pass("a tree that keeps its table")

# 2. low reaching up to mid, on line 4 after a line with list characters.
file(WRITE "${tree}/low/low.h" "#pragma once\n#include <cstdint>\n// a[0]; b\\\n#include \"mid/mid.h\"\n")
run_check("${tree}" "${table}")
expect_fail("a forbidden include"
            "core/low/low.h:4: #include \"mid/mid.h\": low may include only low\n")
# ... and mid reaching up to high, with the folders it may include named.
file(WRITE "${tree}/low/low.h" "#pragma once\n")
file(WRITE "${tree}/mid/mid.cc" "#include \"mid/mid.h\"\n#include \"high/high.h\"\n")
run_check("${tree}" "${table}")
expect_fail("an include of a higher layer"
            "core/mid/mid.cc:2: #include \"high/high.h\": mid may include only mid, low\n")
file(REMOVE "${tree}/mid/mid.cc")
run_check("${tree}" "${table}")
expect_pass("the tree mended")

# 3. A folder the table does not know.
file(WRITE "${tree}/extra/extra.h" "#pragma once\n")
run_check("${tree}" "${table}")
expect_fail("a folder without a row" "core/extra: a folder without a row in the layer table")
file(REMOVE_RECURSE "${tree}/extra")

# 4. The real tree: passes with the build's table; without the job layer's
#    use of op, the job spec's include of the op kinds is reported.
run_check("${CORE_DIR}" "${LAYER_TABLE}")
expect_pass("core/ with the build's table")
file(READ "${LAYER_TABLE}" real)
string(REGEX REPLACE "(^|\n)job: [^\n]*" "\\1job:" narrowed "${real}")
if(narrowed STREQUAL real)
  message(FATAL_ERROR "the build's table has no row for job:\n${real}")
endif()
file(WRITE "${SCRATCH}/narrowed.txt" "${narrowed}")
run_check("${CORE_DIR}" "${SCRATCH}/narrowed.txt")
expect_fail("core/ with a table that lacks job -> op" "#include \"op/op_kind.h\": job may include only job\n")
if(NOT out MATCHES "core/job/metadata_spec.h:[0-9]+: #include \"op/op_kind.h\"")
  message(FATAL_ERROR "core/ with a table that lacks job -> op: core/job/metadata_spec.h not named:\n${out}")
endif()

file(REMOVE_RECURSE "${SCRATCH}")
