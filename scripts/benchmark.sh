#!/usr/bin/env bash
# Sets everything up (scripts/bootstrap.sh) and runs a short default
# benchmark: 70% random reads / 30% random writes of 4 KiB on a 256 MiB file
# under the checkout (bench-data/, created and filled on first use), two
# workers, 10 seconds.  Extra arguments are passed to iopulse and override
# these defaults, e.g. scripts/benchmark.sh --engine null --queue-depth 32.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${IOPULSE_BUILD_DIR:-$repo/build}"
"$repo/scripts/bootstrap.sh"
mkdir -p "$repo/bench-data"
exec "$build/iopulse" "$repo/bench-data/default.dat" --file-size 256M --threads 2 \
  --duration 10s --read-percent 70 --random --json-output "$repo/bench-data/last-run.json" "$@"
