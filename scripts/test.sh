#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The IOPulse authors
# Sets everything up (scripts/bootstrap.sh) and runs the whole test suite.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${IOPULSE_BUILD_DIR:-$repo/build}"
# Beyond the build: dpkg-dev and file (packaging tests), groff and zsh (the
# generated man pages and completion scripts are checked with them), Chromium
# (the HTML report is rendered headless), util-linux (loop devices) and
# strace (what the io_uring engine's metadata ops make the process do).
# libfuse3-dev and fuse3 (faultfs, the tests' FUSE file system) and e2fsprogs
# (mkfs.ext4, chattr) serve the reliability tests; valgrind checks a run for
# leaks.  zstd and lz4 compress the data the compression/deduplication tests
# wrote (fio, from bootstrap, brings fio-dedupe); fio also runs the fio job-file tests and
# its fio_jsonplus_clat2csv reads IOPulse's fio-json+ output.  tmux (the live view read
# off a real terminal), prometheus (promtool checks the metrics text) and
# python3-pandas (reads the CSV time series) observe the outputs.  debhelper, lintian and
# binutils build and check the Debian packages (scripts/test-packages.sh).  blkparse
# (blktrace) reads the blktrace captures the replay tests write.
# Each phase says how long it took (what CI's time goes to: docs/testing.md).
phase() {
  local name="$1" begin
  shift
  begin=$(date +%s)
  "$@"
  echo "test.sh: $name took $(($(date +%s) - begin)) s" >&2
}
phase "install and build" env IOPULSE_EXTRA_PACKAGES="dpkg-dev debhelper lintian binutils file groff-base zsh chromium util-linux strace libfuse3-dev fuse3 e2fsprogs valgrind zstd lz4 fio blktrace tmux prometheus python3-pandas ${IOPULSE_EXTRA_PACKAGES:-}" \
  "$repo/scripts/bootstrap.sh"
# The tests run in parallel (each makes its own scratch directory): most of a
# test's time is the host's run, waiting on IO, timers and child processes.
phase "test suite" ctest --test-dir "$build" --output-on-failure --timeout 300 -j"${IOPULSE_JOBS:-$(nproc)}" "$@"
# The whole run (no ctest arguments): the tests again under
# AddressSanitizer, LeakSanitizer and UndefinedBehaviorSanitizer on a second
# build (scripts/test-sanitizers.sh; IOPULSE_SANITIZERS=0 leaves it out), the
# parsers fuzzed for a bounded time (scripts/fuzz.sh), then the Debian
# packages built, checked with lintian, installed, used and purged
# (scripts/test-packages.sh).
if [ "$#" -eq 0 ]; then
  if [ "${IOPULSE_SANITIZERS:-1}" != 0 ]; then
    phase "sanitizer build and test suite" "$repo/scripts/test-sanitizers.sh"
  fi
  phase "fuzzing" "$repo/scripts/fuzz.sh"
  phase "packages" "$repo/scripts/test-packages.sh"
fi
