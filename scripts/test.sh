#!/usr/bin/env bash
# Sets everything up (scripts/bootstrap.sh) and runs the whole test suite.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${IOPULSE_BUILD_DIR:-$repo/build}"
"$repo/scripts/bootstrap.sh"
ctest --test-dir "$build" --output-on-failure --timeout 300 "$@"
