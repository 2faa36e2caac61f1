#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The IOPulse authors
# Fuzzes the option and job-file parsers (tests/fuzz/parser_fuzzer.cc) with
# libFuzzer for a bounded time: builds the target with clang and
# AddressSanitizer/UndefinedBehaviorSanitizer into build-fuzz/, seeds it with
# tests/fuzz/corpus/ and the job files of examples/, and fails on any crash,
# sanitizer report, leak or an input that takes over 10 s.
#   IOPULSE_FUZZ_SECONDS   how long to fuzz (default 60)
#   IOPULSE_FUZZ_BUILD_DIR where to build (default build-fuzz/)
#   IOPULSE_JOBS           build jobs (default: ninja's)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${IOPULSE_FUZZ_BUILD_DIR:-$repo/build-fuzz}"
seconds="${IOPULSE_FUZZ_SECONDS:-60}"

# clang and its libFuzzer runtime (libclang-rt-14-dev).
missing=()
for p in clang libclang-rt-14-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# Only the C++ code is instrumented: the null engine (C) stays plain, so it
# links without the sanitizer runtimes like any third-party engine.  The
# flags libFuzzer's documentation gives (-O1, line tables for the reports'
# stacks): a quarter less build time than -O2 -g.
CC=clang CXX=clang++ cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=None \
  -DIOPULSE_FUZZ=ON -DIOPULSE_BUILD_TESTS=OFF -DIOPULSE_WITH_MPI=OFF -DCMAKE_UNITY_BUILD=ON \
  -DCMAKE_C_FLAGS="-O1" \
  -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only -fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
  >/dev/null
ninja -C "$build" ${IOPULSE_JOBS:+-j"$IOPULSE_JOBS"} iopulse_parser_fuzzer >&2

# A fresh working corpus each time, seeded from the repository.
corpus="$build/corpus"
rm -rf "$corpus" && mkdir -p "$corpus"
cp "$repo"/tests/fuzz/corpus/* "$corpus/"
for f in "$repo"/examples/*.toml; do
  { printf '1'; cat "$f"; } >"$corpus/example-$(basename "$f")"
done
cd "$build"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  "$build/tests/fuzz/iopulse_parser_fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 "$corpus"
echo "fuzz: the parsers took ${seconds} s of fuzzing without a failure"
