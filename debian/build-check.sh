#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The IOPulse authors
# The package build's check (debian/rules, dh_auto_test; skipped with
# DEB_BUILD_OPTIONS=nocheck): the host just built, run from the build tree,
# finds the engines built beside it and creates files with the sync engine
# (io_uring may be disabled in a build chroot, so only sync writes); the files
# on disk must have the size asked.  The project's test suite is
# scripts/test.sh.
# Usage: sh debian/build-check.sh BUILD_DIR
set -eu
build="$(cd -P "$1" && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

"$build/iopulse" --list-engines >"$scratch/engines"
for engine in sync null mmap io_uring libaio; do
  grep -q "^ *path: $build/plugins/iopulse_$engine.so\$" "$scratch/engines" || {
    echo "build-check: the built host does not list the built $engine engine:" >&2
    cat "$scratch/engines" >&2
    exit 1
  }
done

tree="$scratch/tree"
mkdir "$tree"
"$build/iopulse" "$tree" --engine sync --md-phases tree-create,file-create \
  --md-items 8 --md-file-size 12k >"$scratch/run.log" 2>&1 || {
  echo "build-check: the sync job failed:" >&2
  cat "$scratch/run.log" >&2
  exit 1
}
sizes="$(find "$tree" -type f -name 'f.*' -printf '%s\n' | sort | uniq -c | tr -s ' ')"
[ "$sizes" = " 8 12288" ] || {
  echo "build-check: expected 8 files of 12288 bytes, found (count size): $sizes" >&2
  exit 1
}
echo "build-check: the built host found its 5 engines and created 8 files of 12 KiB with sync"
