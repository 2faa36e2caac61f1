#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The IOPulse authors
# The test suite again, on a second build with AddressSanitizer (LeakSanitizer
# included) and UndefinedBehaviorSanitizer: host, engines, fixtures and the
# tests themselves, built with GCC into build-sanitize/.  Any sanitizer
# report fails the test that caused it (UBSan does not recover; a leak makes
# the process exit non-zero).
#
# Left out, and why:
#   - the packaging tests (label "packaging"): they build and install the
#     Debian packages from a separate, normal build; nothing of the
#     sanitized binaries runs in them;
#   - MPI: the build has no MPI (-DIOPULSE_WITH_MPI=OFF); Open MPI's own
#     allocations at MPI_Init are reported as leaks by LeakSanitizer, and the
#     multi-rank tests run in the normal build.
#   IOPULSE_SANITIZE_BUILD_DIR  where to build (default build-sanitize/)
#   IOPULSE_JOBS                build jobs (default: ninja's)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${IOPULSE_SANITIZE_BUILD_DIR:-$repo/build-sanitize}"

# -O1 and line tables only: a quicker build, and ASan's usual setting.
flags="-O1 -g1 -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=None -DIOPULSE_WITH_MPI=OFF \
  -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DCMAKE_MODULE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
ninja -C "$build" ${IOPULSE_JOBS:+-j"$IOPULSE_JOBS"} >&2
export ASAN_OPTIONS="detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --test-dir "$build" --output-on-failure --timeout 600 -LE packaging "$@"
