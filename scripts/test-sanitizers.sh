#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The IOPulse authors
# The tests again, on a second build with AddressSanitizer (LeakSanitizer
# included) and UndefinedBehaviorSanitizer: host, engines, fixtures and the
# tests themselves, built with GCC into build-sanitize/.  Any sanitizer
# report fails the test that caused it (UBSan does not recover; a leak makes
# the process exit non-zero).  scripts/test.sh runs it on a whole run when IOPULSE_SANITIZERS=1.
#
# What runs (a whole suite under ASan would double CI's time):
#   - every unit test (label "unit"): the core's components in-process;
#   - the integration tests that drive the host's error and stop paths, the
#     parsers and the outputs with the real binary: EngineContract (the
#     host against the conformance suite's broken engines, but for "leak",
#     whose leak LeakSanitizer reports in the host by design), StopSignals,
#     IoErrors, CliErrors, JobFileRun, OutputPaths, RunResults, TimeSeries and
#     Hints (with --numa-zones: the option's parsing is leak-free).
# Left out: the conformance and packaging tests (the checker and the
# packages are exercised by the normal build), the rest of the integration
# tests, and MPI (-DIOPULSE_WITH_MPI=OFF: Open MPI's own allocations at
# MPI_Init are reported as leaks, and the multi-rank tests run in the normal
# build).
#   IOPULSE_SANITIZE_BUILD_DIR  where to build (default build-sanitize/)
#   IOPULSE_JOBS                build and test jobs (default: ninja's; ctest 2)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${IOPULSE_SANITIZE_BUILD_DIR:-$repo/build-sanitize}"
start=$(date +%s)

# -O1 and line tables only: a quicker build, and ASan's usual setting.
flags="-O1 -g1 -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=None -DIOPULSE_WITH_MPI=OFF \
  -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DCMAKE_MODULE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
ninja -C "$build" ${IOPULSE_JOBS:+-j"$IOPULSE_JOBS"} iopulse iopulse_unit_tests iopulse_integration_tests >&2
built=$(date +%s)

# allow_user_segv_handler: the host's own SIGBUS handler (a truncated mmap
# file is an IO error of the run) stays installed.
export ASAN_OPTIONS="detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:allow_user_segv_handler=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
jobs="${IOPULSE_JOBS:-2}"
ctest --test-dir "$build" --output-on-failure --timeout 600 -j"$jobs" -L '^unit$' "$@"
ctest --test-dir "$build" --output-on-failure --timeout 600 -j"$jobs" -L '^integration$' \
  -R '^(EngineContract|StopSignals|IoErrors|CliErrors|JobFileRun|OutputPaths|RunResults|TimeSeries|Hints)[./]' \
  -E 'EngineContract/BrokenEngine\.HostSurvivesWithAClearMessage/leak( |$)' "$@"
end=$(date +%s)
echo "sanitizer build: $((built - start)) s, tests: $((end - built)) s" >&2
