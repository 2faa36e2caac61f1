#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The IOPulse authors
# The Debian packages, built the way distributions build them and checked
# from outside:
#   1. a copy of the source tree (the files git knows) -> dpkg-buildpackage
#      -us -uc -b: the host, the MPI module, the SDK, one package per engine,
#      and a -dbgsym package for each;
#   2. lintian on the result, failing on any error or warning;
#   3. the control fields (the ABI virtual package, no MPI for the host) and
#      the ELF files (stripped, hardened: PIE, RELRO, BIND_NOW);
#   4. an engine alone cannot be installed (apt's resolver says why);
#   5. host + sync engine installed with dpkg, a job run with the installed
#      iopulse (bytes on disk and the result file checked), then purged, and
#      every file they installed gone.
# Needs root (dpkg -i) and dpkg-dev, debhelper, lintian and the build
# dependencies of debian/control (IOPULSE_EXTRA_PACKAGES="debhelper lintian"
# scripts/test.sh installs them).
# Usage: debian_packages_test.sh SOURCE_DIR WORK_DIR
# WORK_DIR is emptied first and removed at the end; the build happens at the
# same path every time, so a compiler cache (ccache, used when installed)
# serves a second run.
set -euo pipefail
src="$(cd "$1" && pwd)"
work="$2"
start=$(date +%s)

fail() { echo "FAIL: $*" >&2; exit 1; }
for tool in dpkg-buildpackage dh lintian dpkg-deb readelf file apt-get; do
  command -v "$tool" >/dev/null || fail "$tool not found (apt-get install dpkg-dev debhelper lintian file binutils)"
done
[ "$(id -u)" -eq 0 ] || fail "installing packages needs root"
for p in iopulse iopulse-mpi iopulse-dev; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q installed; then
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

# 1. Build from a copy (dpkg-buildpackage writes into the tree and its parent).
version="$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)"
project_version="$(sed -n 's/^project(IOPulse VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")"
[ "$version" = "$project_version" ] || fail "debian/changelog is at $version but CMakeLists.txt at $project_version"
tree="$scratch/iopulse-$version"
mkdir -p "$tree"
if [ -e "$src/.git" ]; then
  (cd "$src" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$tree")
else
  (cd "$src" && tar --exclude=./build --exclude='./obj-*' -cf - .) | (cd "$tree" && tar -xf -)
fi
build_env=(DEB_BUILD_OPTIONS="parallel=$(nproc)")
if command -v ccache >/dev/null; then build_env+=(CMAKE_C_COMPILER_LAUNCHER=ccache CMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
echo "building the packages in $tree" >&2
if ! (cd "$tree" && env "${build_env[@]}" dpkg-buildpackage -us -uc -b >"$scratch/build.log" 2>&1); then
  tail -n 60 "$scratch/build.log" >&2
  fail "dpkg-buildpackage failed"
fi
build_done=$(date +%s)

arch="$(dpkg --print-architecture)"
packages=(iopulse iopulse-mpi iopulse-dev iopulse-engine-sync iopulse-engine-null iopulse-engine-mmap
          iopulse-engine-io-uring iopulse-engine-libaio)
for p in "${packages[@]}"; do
  [ -f "$scratch/${p}_${version}_${arch}.deb" ] || fail "no package $p: $(ls "$scratch")"
  [ -f "$scratch/${p}-dbgsym_${version}_${arch}.deb" ] || [ -f "$scratch/${p}-dbgsym_${version}_${arch}.ddeb" ] ||
    fail "no debug symbols package for $p: $(ls "$scratch")"
done
n_built=$(find "$scratch" -maxdepth 1 -name "*_${version}_${arch}.deb" ! -name '*-dbgsym_*' | wc -l)
[ "$n_built" -eq "${#packages[@]}" ] || fail "$n_built packages built, expected ${#packages[@]}: $(ls "$scratch")"
deb() { echo "$scratch/${1}_${version}_${arch}.deb"; }

# 2. lintian: no error, no warning.  Informational tags are shown; each one
# kept is explained in debian/README.source.
changes="$scratch/iopulse_${version}_${arch}.changes"
if ! lintian --fail-on error,warning --display-info "$changes" >"$scratch/lintian.log" 2>&1; then
  cat "$scratch/lintian.log" >&2
  fail "lintian reports errors or warnings"
fi
grep -E '^[EW]: ' "$scratch/lintian.log" && fail "lintian reports errors or warnings"
if grep -q '^I: ' "$scratch/lintian.log"; then
  for tag in $(sed -n 's/^I: [^:]*: \([a-z0-9-]*\).*/\1/p' "$scratch/lintian.log" | sort -u); do
    grep -q -- "$tag" "$src/debian/README.source" ||
      fail "lintian tag $tag is not explained in debian/README.source: $(grep "$tag" "$scratch/lintian.log")"
  done
fi

# 3. Control fields and ELF files.
field() { dpkg-deb -f "$(deb "$1")" "$2"; }
[ "$(field iopulse Provides)" = "iopulse-engine-abi-2" ] || fail "iopulse Provides: $(field iopulse Provides)"
case "$(field iopulse Depends)" in *mpi*) fail "iopulse depends on MPI: $(field iopulse Depends)" ;; esac
case "$(field iopulse-mpi Depends)" in *libopenmpi*) ;; *) fail "iopulse-mpi Depends: $(field iopulse-mpi Depends)" ;; esac
for e in sync null mmap io-uring libaio; do
  case "$(field "iopulse-engine-$e" Depends)" in
    *iopulse-engine-abi-2*) ;;
    *) fail "iopulse-engine-$e does not depend on iopulse-engine-abi-2: $(field "iopulse-engine-$e" Depends)" ;;
  esac
done
case "$(field iopulse-engine-io-uring Depends)" in *liburing*) ;; *) fail "io_uring engine without liburing" ;; esac
mkdir "$scratch/contents"
for p in "${packages[@]}"; do dpkg-deb -x "$(deb "$p")" "$scratch/contents"; done
elves=$(find "$scratch/contents" -type f \( -name '*.so' -o -path '*/bin/*' \))
[ "$(echo "$elves" | wc -l)" -eq 9 ] || fail "expected 9 ELF files (2 programs, 6 modules): $elves"
for f in $elves; do
  file -b "$f" | grep -q ', stripped' || fail "not stripped: $f ($(file -b "$f"))"
  readelf -lW "$f" | grep -q GNU_RELRO || fail "no RELRO: $f"
  readelf -dW "$f" | grep -q 'BIND_NOW\|FLAGS_1.*NOW' || fail "no BIND_NOW: $f"
done
for f in "$scratch"/contents/usr/bin/*; do
  readelf -hW "$f" | grep -q 'DYN (Position-Independent Executable' || fail "not PIE: $f"
done
readelf -dW "$scratch/contents/usr/bin/iopulse" | grep -q libmpi && fail "the host links MPI"
for page in iopulse iopulse-engine-check; do
  [ -f "$scratch/contents/usr/share/man/man1/$page.1.gz" ] || fail "no man page $page(1)"
done

# 4. An engine needs a host of its ABI.
if apt-get install -s "$(deb iopulse-engine-sync)" >"$scratch/apt.log" 2>&1; then
  fail "an engine installs without a host: $(cat "$scratch/apt.log")"
fi
grep -q 'iopulse-engine-abi-2' "$scratch/apt.log" || fail "apt does not name the ABI: $(cat "$scratch/apt.log")"

# 5. Install, run, purge.
installed=(iopulse-engine-sync iopulse)
dpkg -i "$(deb iopulse)" "$(deb iopulse-engine-sync)" >"$scratch/dpkg.log" 2>&1 ||
  fail "dpkg -i failed: $(cat "$scratch/dpkg.log")"
dpkg -L iopulse iopulse-engine-sync | sort >"$scratch/files"
[ -x /usr/bin/iopulse ] || fail "/usr/bin/iopulse not installed"
engines="$(cd / && env -u IOPULSE_PLUGIN_PATH /usr/bin/iopulse --list-engines 2>&1)"
echo "$engines" | grep -q "sync.*/usr/lib/.*/iopulse/plugins/iopulse_sync.so" ||
  fail "the installed host does not find the installed engine: $engines"
mkdir "$scratch/run"
(cd / && env -u IOPULSE_PLUGIN_PATH /usr/bin/iopulse "$scratch/run/data" --file-size 1M --block-size 4k \
   --write-percent 100 --total-ops 256 --random --quiet --json-output "$scratch/run/result.json") \
  >"$scratch/run.log" 2>&1 || fail "the installed iopulse failed: $(cat "$scratch/run.log")"
[ "$(stat -c %s "$scratch/run/data")" -eq 1048576 ] || fail "the data file is not 1 MiB"
python3 - "$scratch/run/result.json" <<'PY' || fail "the result file is wrong: $(cat "$scratch/run/result.json")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["engine"]["name"] == "sync" and r["engine"]["path"].startswith("/usr/lib/"), r["engine"]
assert r["write"]["ops"] == 256 and r["write"]["bytes"] == 256 * 4096, r["write"]
PY
dpkg --purge iopulse-engine-sync iopulse >"$scratch/dpkg.log" 2>&1 || fail "dpkg --purge failed: $(cat "$scratch/dpkg.log")"
installed=()
while read -r f; do
  [ -d "$f" ] && continue
  [ -e "$f" ] && fail "left behind after purge: $f"
done <"$scratch/files"
[ -e /usr/lib/"$(dpkg-architecture -qDEB_HOST_MULTIARCH)"/iopulse ] && fail "the plugin directory is left behind"
end=$(date +%s)
echo "packages built in $((build_done - start)) s, checked, installed, run and purged in $((end - build_done)) s" >&2
