#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The IOPulse authors
# The Debian packages, built the way distributions build them and checked
# from outside:
#   1. a copy of the source tree (the files git knows) -> dpkg-buildpackage
#      -us -uc -b: the host, the MPI module, the SDK, one package per engine,
#      and a -dbgsym package for each (debian/rules configures without the
#      test suite; its build check, debian/build-check.sh, runs);
#   2. lintian on the .changes, failing on any error or warning, and on any
#      informational tag debian/README.source does not explain;
#   3. the control fields (the engine ABI virtual package, no MPI for the
#      host), each package's files (dpkg-deb -c against the list below) and
#      the ELF files (stripped, hardened: PIE, RELRO, BIND_NOW, fortify);
#   4. an engine alone cannot be installed (apt's resolver names the ABI);
#   5. host + sync engine installed with dpkg: the installed iopulse finds the
#      installed engine, runs a data job (counts in its JSON) and a file
#      create job (the files on disk have the size asked); then the MPI
#      module: two ranks under mpirun; then everything purged, and every file
#      dpkg -L listed while installed is gone.
# Needs root (dpkg -i), dpkg-dev, debhelper, lintian, file, binutils and the
# Build-Depends of debian/control; scripts/test.sh installs them and runs this
# on a whole run, after the test suite.
# Usage: scripts/test-packages.sh [WORK_DIR]
# WORK_DIR (default ${TMPDIR:-/tmp}/iopulse-packages) is emptied first and
# removed at the end; the build happens at the same path every time, so a
# compiler cache (ccache, used when installed) serves a second run.
# IOPULSE_PACKAGE_JOBS sets the build's parallel= (default: nproc).
# IOPULSE_PACKAGE_DEBS=DIR checks the packages already built in DIR (steps
# 2-5) instead of building them.
set -euo pipefail
src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-${TMPDIR:-/tmp}/iopulse-packages}"
start=$(date +%s)

fail() { echo "test-packages: FAIL: $*" >&2; exit 1; }
# grep -q on a pipe under pipefail fails when it stops reading early (the
# writer gets SIGPIPE); this reads everything.
contains() { grep -- "$1" >/dev/null; }
for tool in dpkg-buildpackage dh lintian dpkg-deb readelf file apt-get python3; do
  command -v "$tool" >/dev/null || fail "$tool not found (apt-get install dpkg-dev debhelper lintian file binutils python3)"
done
[ "$(id -u)" -eq 0 ] || fail "installing packages needs root"
for p in iopulse iopulse-mpi iopulse-dev; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | contains installed; then
    fail "$p is already installed on this machine; remove it first (dpkg --purge $p)"
  fi
done

rm -rf "$work"
mkdir -p "$work"
scratch="$(cd "$work" && pwd)"
installed=()
cleanup() {
  if [ "${#installed[@]}" -gt 0 ]; then dpkg --purge "${installed[@]}" >/dev/null 2>&1 || true; fi
  rm -rf "$scratch"
}
trap cleanup EXIT

version="$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)"
project_version="$(sed -n 's/^project(IOPulse VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")"
[ "$version" = "$project_version" ] || fail "debian/changelog is at $version but CMakeLists.txt at $project_version"
arch="$(dpkg --print-architecture)"
multiarch="$(dpkg-architecture -qDEB_HOST_MULTIARCH)"

# 1. Build from a copy (dpkg-buildpackage writes into the tree and its parent).
if [ -n "${IOPULSE_PACKAGE_DEBS:-}" ]; then
  cp "$IOPULSE_PACKAGE_DEBS"/*_"$version"_* "$scratch"/
else
  tree="$scratch/iopulse-$version"
  mkdir -p "$tree"
  (cd "$src" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$tree")
  (cd "$tree" && dpkg-checkbuilddeps) || fail "Build-Depends of debian/control missing (above)"
  build_env=(DEB_BUILD_OPTIONS="parallel=${IOPULSE_PACKAGE_JOBS:-$(nproc)}")
  if command -v ccache >/dev/null; then build_env+=(CMAKE_C_COMPILER_LAUNCHER=ccache CMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
  echo "test-packages: building the packages in $tree" >&2
  if ! (cd "$tree" && env "${build_env[@]}" dpkg-buildpackage -us -uc -b >"$scratch/build.log" 2>&1); then
    tail -n 60 "$scratch/build.log" >&2
    fail "dpkg-buildpackage failed"
  fi
  grep -q '^build-check: the built host found its 5 engines' "$scratch/build.log" ||
    fail "the package build did not run debian/build-check.sh"
fi
build_done=$(date +%s)

packages=(iopulse iopulse-mpi iopulse-dev iopulse-engine-sync iopulse-engine-null iopulse-engine-mmap
          iopulse-engine-io-uring iopulse-engine-libaio)
for p in "${packages[@]}"; do
  [ -f "$scratch/${p}_${version}_${arch}.deb" ] || fail "no package $p: $(ls "$scratch")"
  [ -f "$scratch/${p}-dbgsym_${version}_${arch}.deb" ] || fail "no debug symbols package for $p: $(ls "$scratch")"
done
n_built=$(find "$scratch" -maxdepth 1 -name "*_${version}_${arch}.deb" ! -name '*-dbgsym_*' | wc -l)
[ "$n_built" -eq "${#packages[@]}" ] || fail "$n_built packages built, expected ${#packages[@]}: $(ls "$scratch")"
deb() { echo "$scratch/${1}_${version}_${arch}.deb"; }

# 2. lintian: no error, no warning.  Informational, pedantic and experimental
# tags are shown; each one kept is explained in debian/README.source.
changes="$scratch/iopulse_${version}_${arch}.changes"
if ! lintian --fail-on error,warning --display-info --pedantic --display-experimental "$changes" >"$scratch/lintian.log" 2>&1; then
  cat "$scratch/lintian.log" >&2
  fail "lintian reports errors or warnings"
fi
grep -E '^[EW]: ' "$scratch/lintian.log" && fail "lintian reports errors or warnings"
sed -n 's/^[IPX]: [^:]*: \([a-z0-9-]*\).*/\1/p' "$scratch/lintian.log" | sort -u >"$scratch/tags"
while read -r tag; do
  grep -q -- "$tag" "$src/debian/README.source" ||
    fail "lintian tag $tag is not explained in debian/README.source: $(grep -- "$tag" "$scratch/lintian.log")"
done <"$scratch/tags"

# 3. Control fields, contents and ELF files.
field() { dpkg-deb -f "$(deb "$1")" "$2"; }
[ "$(field iopulse Provides)" = "iopulse-engine-abi-2" ] || fail "iopulse Provides: $(field iopulse Provides)"
case "$(field iopulse Depends)" in *mpi*) fail "iopulse depends on MPI: $(field iopulse Depends)" ;; esac
case "$(field iopulse-mpi Depends)" in
  *"iopulse (= $version)"*libopenmpi*|*libopenmpi*"iopulse (= $version)"*) ;;
  *) fail "iopulse-mpi Depends: $(field iopulse-mpi Depends)" ;;
esac
for e in sync null mmap io-uring libaio; do
  case "$(field "iopulse-engine-$e" Depends)" in
    *iopulse-engine-abi-2*) ;;
    *) fail "iopulse-engine-$e does not depend on iopulse-engine-abi-2: $(field "iopulse-engine-$e" Depends)" ;;
  esac
  case "$(field "iopulse-engine-$e" Depends)" in *mpi*) fail "iopulse-engine-$e depends on MPI" ;; esac
done
case "$(field iopulse-engine-io-uring Depends)" in *liburing*) ;; *) fail "io_uring engine without liburing" ;; esac

# What each package holds (besides /usr/share/doc/<package>/{changelog.gz,copyright}).
lib="usr/lib/$multiarch"
expected_files() {
  case "$1" in
    iopulse) printf '%s\n' usr/bin/iopulse usr/share/bash-completion/completions/iopulse \
               usr/share/man/man1/iopulse.1.gz usr/share/zsh/vendor-completions/_iopulse ;;
    iopulse-mpi) echo "$lib/iopulse/iopulse_mpi.so" ;;
    iopulse-dev) printf '%s\n' usr/bin/iopulse-engine-check \
                   usr/include/iopulse/engine.h usr/include/iopulse/engine.hpp \
                   usr/include/iopulse/engine_helpers.h usr/include/iopulse/engine_rules.hpp \
                   "$lib/cmake/IOPulseSDK/IOPulseEngine.cmake" "$lib/cmake/IOPulseSDK/IOPulseSDKConfig.cmake" \
                   "$lib/cmake/IOPulseSDK/IOPulseSDKConfigVersion.cmake" "$lib/cmake/IOPulseSDK/IOPulseSDKTargets.cmake" \
                   "$lib/pkgconfig/iopulse-sdk.pc" usr/share/bash-completion/completions/iopulse-engine-check \
                   usr/share/man/man1/iopulse-engine-check.1.gz usr/share/zsh/vendor-completions/_iopulse-engine-check ;;
    iopulse-engine-*) e="${1#iopulse-engine-}"; echo "$lib/iopulse/plugins/iopulse_${e//-/_}.so" ;;
  esac
  printf '%s\n' "usr/share/doc/$1/changelog.gz" "usr/share/doc/$1/copyright"
}
for p in "${packages[@]}"; do
  actual="$(dpkg-deb -c "$(deb "$p")" | awk '$1 !~ /^d/ {print $6}' | sed 's|^\./||' | sort)"
  expected="$(expected_files "$p" | sort)"
  [ "$actual" = "$expected" ] || fail "$p holds (< expected, > found):
$(diff <(echo "$expected") <(echo "$actual") | grep '^[<>]')"
done

mkdir "$scratch/contents"
for d in "$scratch"/*-dbgsym_*.deb; do dpkg-deb -c "$d"; done >"$scratch/dbgsym-files"
for p in "${packages[@]}"; do dpkg-deb -x "$(deb "$p")" "$scratch/contents"; done
elves=$(find "$scratch/contents" -type f \( -name '*.so' -o -path '*/bin/*' \))
[ "$(echo "$elves" | wc -l)" -eq 8 ] || fail "expected 8 ELF files (2 programs, 6 modules): $elves"
for f in $elves; do
  file -b "$f" | contains ', stripped' || fail "not stripped: $f ($(file -b "$f"))"
  readelf -lW "$f" | contains GNU_RELRO || fail "no RELRO: $f"
  readelf -dW "$f" | contains 'BIND_NOW\|FLAGS_1.*NOW' || fail "no BIND_NOW: $f"
  dbg="$(readelf -nW "$f" | sed -n 's/.*Build ID: *\([0-9a-f]*\).*/\1/p')"
  [ -n "$dbg" ] || fail "no build id: $f"
  grep -q "/usr/lib/debug/.build-id/${dbg:0:2}/${dbg:2}.debug" "$scratch/dbgsym-files" ||
    fail "no debug symbols for $f (build id $dbg) in a -dbgsym package"
done
for f in "$scratch"/contents/usr/bin/*; do
  readelf -hW "$f" | contains 'DYN (Position-Independent Executable' || fail "not PIE: $f"
  readelf --dyn-syms -W "$f" | contains '__stack_chk_fail' || fail "no stack protector: $f"
done
readelf --dyn-syms -W "$scratch/contents/usr/bin/iopulse" | contains '__[a-z]*_chk@' || fail "not built with _FORTIFY_SOURCE: iopulse"
readelf -dW "$scratch/contents/usr/bin/iopulse" | contains libmpi && fail "the host links MPI"
readelf -dW "$scratch/contents/$lib/iopulse/iopulse_mpi.so" | contains 'NEEDED.*libmpi' || fail "the MPI module does not link libmpi"

# 4. An engine needs a host of its ABI.
if apt-get install -s "$(deb iopulse-engine-sync)" >"$scratch/apt.log" 2>&1; then
  fail "an engine installs without a host: $(cat "$scratch/apt.log")"
fi
grep -q 'iopulse-engine-abi-2' "$scratch/apt.log" || fail "apt does not name the ABI: $(cat "$scratch/apt.log")"

# 5. Install, run, purge.  The installed programs run from / with no
# IOPULSE_PLUGIN_PATH, so they can only find what the packages installed.
installed=(iopulse-engine-sync iopulse)
dpkg -i "$(deb iopulse)" "$(deb iopulse-engine-sync)" >"$scratch/dpkg.log" 2>&1 ||
  fail "dpkg -i failed: $(cat "$scratch/dpkg.log")"
installed_run() { (cd / && env -u IOPULSE_PLUGIN_PATH -u IOPULSE_MPI_MODULE "$@"); }
[ -x /usr/bin/iopulse ] || fail "/usr/bin/iopulse not installed"
engines="$(installed_run /usr/bin/iopulse --list-engines 2>&1)"
echo "$engines" | contains "^sync " || fail "the installed host does not find the installed engine: $engines"
[ "$(echo "$engines" | grep -c '^ *path: ')" -eq 1 ] || fail "the installed host finds engines it should not: $engines"
echo "$engines" | contains "^ *path: /$lib/iopulse/plugins/iopulse_sync.so$" ||
  fail "the installed host loads sync from elsewhere: $engines"

mkdir "$scratch/run" "$scratch/run/tree"
installed_run /usr/bin/iopulse "$scratch/run/data" --file-size 2M --block-size 4k --write-percent 100 \
  --total-ops 256 --random --json-output "$scratch/run/result.json" >"$scratch/run.log" 2>&1 ||
  fail "the installed iopulse failed: $(cat "$scratch/run.log")"
[ "$(stat -c %s "$scratch/run/data")" -eq 2097152 ] || fail "the data file is not 2 MiB"
python3 - "$scratch/run/result.json" "/$lib/iopulse/plugins/iopulse_sync.so" <<'PY' ||
import json, sys
r = json.load(open(sys.argv[1]))
assert r["engine"]["name"] == "sync" and r["engine"]["path"] == sys.argv[2], r["engine"]
assert r["write"]["ops"] == 256 and r["write"]["bytes"] == 256 * 4096, r["write"]
PY
  fail "the result file is wrong: $(cat "$scratch/run/result.json")"
installed_run /usr/bin/iopulse "$scratch/run/tree" --md-phases tree-create,file-create --md-items 8 \
  --md-file-size 12k >"$scratch/run.log" 2>&1 || fail "the installed iopulse failed: $(cat "$scratch/run.log")"
sizes="$(find "$scratch/run/tree" -type f -name 'f.*' -printf '%s\n' | sort | uniq -c | tr -s ' ')"
[ "$sizes" = " 8 12288" ] || fail "expected 8 files of 12288 bytes, found (count size): $sizes"

# The MPI module: with it, two ranks under mpirun make one job (each rank
# creates its own 8 files).
installed+=(iopulse-mpi)
dpkg -i "$(deb iopulse-mpi)" >"$scratch/dpkg.log" 2>&1 || fail "dpkg -i iopulse-mpi failed: $(cat "$scratch/dpkg.log")"
mkdir "$scratch/run/mpi"
installed_run env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun --oversubscribe -np 2 \
  /usr/bin/iopulse "$scratch/run/mpi" --md-phases tree-create,file-create --md-items 8 --md-file-size 12k \
  --json-output "$scratch/run/mpi.json" >"$scratch/run.log" 2>&1 ||
  fail "two ranks of the installed iopulse failed: $(cat "$scratch/run.log")"
sizes="$(find "$scratch/run/mpi" -type f -name 'f.*' -printf '%s\n' | sort | uniq -c | tr -s ' ')"
[ "$sizes" = " 16 12288" ] || fail "two ranks: expected 16 files of 12288 bytes, found (count size): $sizes"
python3 - "$scratch/run/mpi.json" <<'PY' || fail "two ranks: the result file is wrong"
import json, sys
r = json.load(open(sys.argv[1]))
assert len(r["phases"][1]["cluster"]["per_rank"]) == 2, r["phases"][1].get("cluster")
PY

dpkg -L iopulse iopulse-engine-sync iopulse-mpi | sort -u >"$scratch/files"
grep -qx /usr/bin/iopulse "$scratch/files" || fail "dpkg -L does not list /usr/bin/iopulse"
dpkg --purge iopulse-mpi iopulse-engine-sync iopulse >"$scratch/dpkg.log" 2>&1 ||
  fail "dpkg --purge failed: $(cat "$scratch/dpkg.log")"
installed=()
for p in iopulse iopulse-engine-sync iopulse-mpi; do
  status="$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)"
  case "$status" in ""|"un "*|"pn "*) ;; *) fail "$p still known to dpkg after purge: $status" ;; esac
done
while read -r f; do
  [ -d "$f" ] && continue
  [ -e "$f" ] && fail "left behind after purge: $f"
done <"$scratch/files"
[ -e "/$lib/iopulse" ] && fail "the plugin directory is left behind"
[ -e /usr/share/doc/iopulse ] && fail "/usr/share/doc/iopulse is left behind"
end=$(date +%s)
echo "test-packages: passed; packages built in $((build_done - start)) s, checked, installed, run and purged in $((end - build_done)) s" >&2
