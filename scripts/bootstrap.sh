#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The IOPulse authors
# Installs what IOPulse needs to build (Debian 12 packages) and builds it into
# build/.  Safe to run again: installs only what is missing, rebuilds only
# what changed.  Used by scripts/benchmark.sh and scripts/test.sh; the test
# script adds the packages only the tests need through IOPULSE_EXTRA_PACKAGES.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${IOPULSE_BUILD_DIR:-$repo/build}"

packages=(
  build-essential cmake ninja-build pkg-config
  libboost-dev libboost-program-options-dev
  libspdlog-dev libfmt-dev nlohmann-json3-dev libcpp-httplib-dev
  liburing-dev libgtest-dev libnuma-dev libxxhash-dev libtomlplusplus-dev libcsv-dev
  fio python3 coreutils
  libopenmpi-dev openmpi-bin
)
# shellcheck disable=SC2206  # a space-separated list on purpose
packages+=(${IOPULSE_EXTRA_PACKAGES:-})

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# With MPI: the same binary runs alone or as the ranks of a multi-host job.
# A unity build (CMake compiles each target's files in batches, one compiler
# run per batch): a whole build from scratch takes a fraction of the CPU time
# of one run per file, since the large headers (GoogleTest, nlohmann-json,
# fmt, spdlog) are parsed and their templates instantiated once per batch.
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIOPULSE_WITH_MPI=ON \
  -DCMAKE_UNITY_BUILD=ON >/dev/null
ninja -C "$build" >&2
