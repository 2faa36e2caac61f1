#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The IOPulse authors
# The whole test suite again, on a second build with AddressSanitizer
# (LeakSanitizer included) and UndefinedBehaviorSanitizer: host, MPI module,
# engines, fixtures, the engine checker and the tests themselves, built with
# GCC into build-sanitize/.  scripts/test.sh (CI) runs it on every whole run.
#
# Any sanitizer report fails the run, whatever the test that caused it made
# of the exit status (a test that expects a host run to exit 1 would not
# notice ASan's exit 1, nor a checker test that matches its output):
#   - ASan and LSan: every instrumented process (tests, the host they start,
#     the checker, MPI ranks) writes its reports to
#     build-sanitize/sanitizer-reports/ (log_path), and the run fails,
#     printing them, when that directory holds any file;
#   - UBSan: GCC's libubsan ignores log_path beside ASan (its report goes to
#     stderr), so it does not recover and aborts: SIGABRT, which no test
#     takes for an expected exit status; and the run fails when any test's
#     output (Testing/Temporary/LastTest.log) holds a sanitizer report.
#
# LeakSanitizer suppressions (tests/sanitizers/lsan.supp): Open MPI's
# allocations it keeps until exit.  Many are made by Open MPI's components,
# which MPI_Finalize unloads: the stack ASan records at malloc must reach past
# them into libmpi/libopen-pal for a suppression to match, and the fast
# frame-pointer unwinder stops in the component (fast_unwind_on_malloc=0).
# That unwinder is slow: it doubles the start of every instrumented process,
# so only the tests that start ranks under mpirun (MpiRun.*, MpiModule.*,
# MetadataMpi.*) run with it, in a second ctest run after the others.
#
# Left out, because they cannot work under a sanitizer:
#   - LeakCheck.*: Valgrind runs the host there, and Valgrind cannot run an
#     ASan binary (both take over malloc and ASan's shadow memory does not
#     fit under Valgrind).  LeakSanitizer checks the same runs.
#   - conformance.broken.leak: the checker finds the leak as growth of the
#     heap in use that glibc's mallinfo2() counts, and under ASan malloc is
#     ASan's, not glibc's.
#   - EngineContract/BrokenEngine.HostSurvivesWithAClearMessage/leak: that
#     engine leaks on purpose, and the host unloads it before LeakSanitizer
#     looks, so the leak's stack names no module a suppression could match.
#   - FioPerIoLogs.TheCaptureIsNotHeldInMemory and
#     Replay.StreamsTheTraceInBoundedMemory bound the host's peak resident
#     memory (wait4's ru_maxrss), and ASan's shadow memory and its quarantine
#     of freed blocks (256 MiB) are resident memory the host did not ask for.
#   - Metadata.TooFewDescriptorsEndTheCreationWithEmfile and
#     Metadata.ASetUpWithoutDescriptorsLeavesNoClaimOfWhatItNeverCreated use
#     up the file descriptors on purpose, and UBSan's check of a vtable pointer tests the
#     memory through a pipe it then cannot create: it reports an object of a
#     type it has not seen yet as having an invalid vptr (at ulimit -n 4, 5
#     and 6: in spdlog, the metadata worker's constructor, std::istream).
#     MetadataMpi.ASetUpFailingOnOneRankEndsEveryRankWithTheResultsWritten
#     does the same on one rank.
#
#   IOPULSE_SANITIZE_BUILD_DIR  where to build (default build-sanitize/)
#   IOPULSE_JOBS                build and test jobs (default: ninja's; ctest nproc)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${IOPULSE_SANITIZE_BUILD_DIR:-$repo/build-sanitize}"
start=$(date +%s)

# -O1 and line tables only (-g1): a quicker build than -O2 -g, ASan's usual
# setting, and reports still name file and line.
flags="-O1 -g1 -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
# A unity build, as scripts/bootstrap.sh's.
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=None -DIOPULSE_WITH_MPI=ON -DCMAKE_UNITY_BUILD=ON \
  -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DCMAKE_MODULE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
ninja -C "$build" ${IOPULSE_JOBS:+-j"$IOPULSE_JOBS"} >&2
built=$(date +%s)

reports="$build/sanitizer-reports"
rm -rf "$reports" && mkdir -p "$reports"
# allow_user_segv_handler: the host's own SIGBUS handler (a truncated mmap
# file is an IO error of the run) stays installed.
asan_options="detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:allow_user_segv_handler=1:log_path=$reports/asan"
export LSAN_OPTIONS="suppressions=$repo/tests/sanitizers/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:abort_on_error=1"
left_out='LeakCheck\.|conformance\.broken\.leak$|EngineContract/BrokenEngine\.HostSurvivesWithAClearMessage/leak( |$)|FioPerIoLogs\.TheCaptureIsNotHeldInMemory$|Replay\.StreamsTheTraceInBoundedMemory$|Metadata\.TooFewDescriptorsEndTheCreationWithEmfile$|Metadata\.ASetUpWithoutDescriptorsLeavesNoClaimOfWhatItNeverCreated$|MetadataMpi\.ASetUpFailingOnOneRankEndsEveryRankWithTheResultsWritten$'
mpi='MpiRun\.|MpiModule\.|MetadataMpi\.'
status=0
# Every test's output of one ctest run (LastTest.log, which the next run
# replaces) is searched for UBSan's reports.
check_test_output() {
  if grep -E -q 'runtime error:|ERROR: (AddressSanitizer|LeakSanitizer)' "$build/Testing/Temporary/LastTest.log"; then
    grep -E -B2 -A20 'runtime error:|ERROR: (AddressSanitizer|LeakSanitizer)' "$build/Testing/Temporary/LastTest.log" >&2
    echo "test-sanitizers: FAIL: a test's output holds a sanitizer report (above)" >&2
    status=1
  fi
}
run_tests() {
  ctest --test-dir "$build" --output-on-failure --timeout 600 -j"${IOPULSE_JOBS:-$(nproc)}" "$@" || status=$?
  check_test_output
}
if [ "$#" -eq 0 ]; then
  ASAN_OPTIONS="$asan_options" run_tests -E "^($left_out|$mpi)"
  ASAN_OPTIONS="$asan_options:fast_unwind_on_malloc=0" run_tests -R "^($mpi)" -E "^($left_out)"
else
  # The tests the arguments name (ctest's last -R or -E wins), in one run
  # with the slow unwinder, whichever they are.
  ASAN_OPTIONS="$asan_options:fast_unwind_on_malloc=0" run_tests "$@"
fi
end=$(date +%s)
if [ -n "$(ls -A "$reports")" ]; then
  for f in "$reports"/*; do
    echo "==== sanitizer report $f" >&2
    cat "$f" >&2
  done
  echo "test-sanitizers: FAIL: $(ls "$reports" | wc -l) sanitizer report(s) (above)" >&2
  status=1
fi
echo "sanitizer build: $((built - start)) s, tests: $((end - built)) s" >&2
exit "$status"
