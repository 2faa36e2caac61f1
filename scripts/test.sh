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
IOPULSE_EXTRA_PACKAGES="dpkg-dev debhelper lintian binutils file groff-base zsh chromium util-linux strace libfuse3-dev fuse3 e2fsprogs valgrind zstd lz4 fio blktrace tmux prometheus python3-pandas ${IOPULSE_EXTRA_PACKAGES:-}" \
  "$repo/scripts/bootstrap.sh"
ctest --test-dir "$build" --output-on-failure --timeout 300 "$@"
# The whole run (no ctest arguments): the parsers fuzzed for a bounded time,
# then the Debian packages built, checked with lintian, installed, used and
# purged (scripts/test-packages.sh: about 10.5 minutes of CPU, so about 6 on 2 idle cores); with
# IOPULSE_SANITIZERS=1 first the tests again under AddressSanitizer,
# LeakSanitizer and UndefinedBehaviorSanitizer (scripts/test-sanitizers.sh).
if [ "$#" -eq 0 ]; then
  if [ "${IOPULSE_SANITIZERS:-0}" = 1 ]; then
    "$repo/scripts/test-sanitizers.sh"
  fi
  "$repo/scripts/fuzz.sh"
  "$repo/scripts/test-packages.sh"
fi
