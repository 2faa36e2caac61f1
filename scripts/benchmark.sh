#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The IOPulse authors
# Sets everything up (scripts/bootstrap.sh) and runs a short default
# benchmark: 70% random reads / 30% random writes of 4 KiB on a 256 MiB file
# under the checkout (bench-data/, created and filled on first use), two
# workers, 10 seconds.  Extra arguments go to iopulse; an option given there
# replaces the default of the same name, e.g.
#   scripts/benchmark.sh --duration 30s --queue-depth 1 --engine null
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${IOPULSE_BUILD_DIR:-$repo/build}"
"$repo/scripts/bootstrap.sh"
mkdir -p "$repo/bench-data"

defaults=(--file-size 256M --threads 2 --duration 10s --read-percent 70
          --json-output "$repo/bench-data/last-run.json")
user_gave() {  # user_gave OPTION...: true when any of them is among the extra arguments
  local a o
  for a in "${extra[@]}"; do
    for o in "$@"; do [[ "$a" == "$o" || "$a" == "$o="* ]] && return 0; done
  done
  return 1
}
extra=("$@")
args=()
for ((i = 0; i < ${#defaults[@]}; i += 2)); do
  opt="${defaults[i]}"
  case "$opt" in
    --read-percent) user_gave --read-percent --write-percent && continue ;;
    --duration) user_gave --duration --total-bytes && continue ;;
    *) user_gave "$opt" && continue ;;
  esac
  args+=("$opt" "${defaults[i+1]}")
done
user_gave --random || args+=(--random)
exec "$build/iopulse" "$repo/bench-data/default.dat" "${args[@]}" "$@"
