# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The IOPulse authors
# Helpers for the packaging test scripts (cmake -P).  Every check fails the
# test through fail(), which first removes the scratch directory.
cmake_minimum_required(VERSION 3.20)

# A fresh scratch directory under /tmp in the variable SCRATCH.
macro(make_scratch_dir)
  string(RANDOM LENGTH 10 ALPHABET abcdefghijklmnopqrstuvwxyz0123456789 _suffix)
  set(SCRATCH "/tmp/iopulse-packaging-${_suffix}")
  file(MAKE_DIRECTORY "${SCRATCH}")
  # Paths the host prints are canonical.
  file(REAL_PATH "${SCRATCH}" SCRATCH)
endmacro()

function(fail)
  string(JOIN "" text ${ARGN})
  if(SCRATCH)
    file(REMOVE_RECURSE "${SCRATCH}")
  endif()
  message(FATAL_ERROR "${text}")
endfunction()

# expect(<if() condition> MESSAGE <text>...): fails with the text unless the
# condition holds.
# (Its own variables start with _expect_ so they do not hide the caller's.)
function(expect)
  list(FIND ARGN MESSAGE _expect_at)
  list(SUBLIST ARGN 0 ${_expect_at} _expect_condition)
  math(EXPR _expect_at "${_expect_at} + 1")
  list(SUBLIST ARGN ${_expect_at} -1 _expect_text)
  if(NOT (${_expect_condition}))
    fail(${_expect_text})
  endif()
endfunction()

# run(<out var> <program> <arg>...): runs the command with
# IOPULSE_PLUGIN_PATH unset, fails the test unless it exits 0, and stores
# stdout in <out var> (stderr in <out var>_ERR).
function(run out_var)
  execute_process(COMMAND ${CMAKE_COMMAND} -E env --unset=IOPULSE_PLUGIN_PATH ${ARGN}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    string(JOIN " " cmd ${ARGN})
    fail("command failed (${rc}): ${cmd}\n--- stdout\n${out}\n--- stderr\n${err}")
  endif()
  set(${out_var} "${out}" PARENT_SCOPE)
  set(${out_var}_ERR "${err}" PARENT_SCOPE)
endfunction()

function(expect_file path)
  if(NOT EXISTS "${path}")
    fail("missing: ${path}")
  endif()
endfunction()

string(REPLACE "," ";" ENGINES "${ENGINES}")
