#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The IOPulse authors
"""Runs one fio job file through IOPulse (`iopulse JOB.fio`) and through fio,
interleaved, and compares IOPS and median latency like for like.

Both tools read the same unedited job file; the values it leaves open
(${ENGINE}, ${SIZE}, ${FILE}, ${RUNTIME}, ${DEPTH}) come from the
environment, which both expand the same way.  IOPulse is asked for fio's
JSON (--output-format fio-json), so one reader takes every result.

Each round runs three things (four with io_uring), in an order that rotates
from round to round:

  iopulse  `iopulse JOB.fio`.  Its latency of an IO runs from just before
           the io_submit that carries it to the reap that returns it (the
           clock is read once per reap, for every completion of the batch).
  fio      fio told to reap as IOPulse does: `--iodepth_batch_complete_max=
           DEPTH` (one io_getevents takes every completion that is there, up
           to the depth, fio reads the clock once per such call) and
           `--lat_percentiles=1`, and its `lat` is read: fio starts it when
           the IO is prepared, before io_submit, and ends it at the reap.
           `--refill_buffers=1`: every write carries fresh data, as
           IOPulse's do (fio's default refills nothing, it changes a few
           bytes of a buffer per write).  This is the like-for-like
           comparison.  With io_uring fio waits inside
           io_uring_enter(min_complete 1), whose wait runs the completion
           work of one IO only; IOPulse by default waits on its completion
           eventfd and reaps all that arrived (iopulse-enter waits as fio),
           except at depth 1, where it waits inside io_uring_enter too (so
           iopulse and iopulse-enter run alike there).
  iopulse-enter  (io_uring only) `iopulse JOB.fio --io_uring.completion-fd=0`:
           IOPulse waiting for a completion as fio does, inside
           io_uring_enter(min_complete 1).  This makes the wait the same,
           not everything else in the span: both tools reap only after
           submitting every slot the last reap freed, so an IO that completes
           meanwhile waits through the rest of that refill, and the time a
           tool spends per IO is part of its IOs' latency (really: they are
           reaped later; not a difference of where the clocks are read).  On
           io_uring random reads (2026-12-04, a loaded machine) this variant's
           p50 was the default's, 0.91-0.93 of fio's, and fio with
           registerfiles=1 and fixedbufs=1 (less CPU per IO) came to it;
           random writes did not show that order (docs/fio-compatibility.md,
           "The p50 follows each tool's time per IO").
  fio-def  fio as the job file says (its default reaping takes one
           completion per io_getevents) and its `clat`, which starts after
           io_submit returned: the figure a user of fio sees, shown beside.

Meant for device-bound jobs (O_DIRECT on a real disk, the queue kept full);
where the tool's IO thread is the bottleneck instead (a loaded machine, or
depth 16 on a virtual disk whose every submission exits to the hypervisor,
even on a quiet machine), each tool's CPU time per IO shows in its IOPS and
p50, and the script says so ("not device-bound") from the IOs in flight and
the cores each run kept busy.
The data file is
written once by IOPulse (its preparation, outside the measured window) and
reused by every run.  With --check the exit status is 1 when a median ratio
IOPulse / fio (like for like: iopulse-enter with io_uring) is off by more
than --tolerance, and 3 when a run was not device-bound.  The default depth
is 1, device-bound on any machine.
Standard library only.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run(cmd, env):
    """The JSON document of one run and the CPU seconds (user + system) the
    run's processes took, start-up included.

    Every run starts in a session of its own: fio's job process calls
    setsid(), so with the kernel's autogroup scheduling it gets a CPU share
    of its own on a loaded machine, while a tool left in this script's
    session shares one with whatever else runs there (a build started from
    the same shell).  A new session gives IOPulse the same footing."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True,
                         start_new_session=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return json.loads(out[out.index("{"):]), cpu


def numbers(doc, latency):
    """IOPS of all directions, the largest p50 of `latency` (clat_ns or lat_ns),
    IOs in flight (IOPS x mean lat_ns, summed over directions: from before the
    submit call, whichever latency is compared) and the IOs."""
    iops = 0.0
    ios = 0
    p50s = []
    in_flight = 0.0
    for job in doc["jobs"]:
        for ddir in ("read", "write"):
            d = job[ddir]
            if d["total_ios"] == 0:
                continue
            iops += d["iops"]
            ios += d["total_ios"]
            p50s.append(d[latency]["percentile"]["50.000000"])
            in_flight += d["iops"] * d.get("lat_ns", d[latency])["mean"] / 1e9
    return iops, (max(p50s) if p50s else 0), in_flight, ios


# A run that keeps this many cores busy is bound by its one IO thread, and
# one that keeps fewer than this share of the depth in flight leaves the
# device idle part of the time.
CPU_BOUND_CORES = 0.9
FULL_QUEUE_SHARE = 0.9


def median_of(rows, i):
    return statistics.median(r[i] for r in rows)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("job", nargs="?", type=Path, default=REPO / "bench" / "fio-jobs" / "direct-randread.fio")
    p.add_argument("--iopulse", type=Path, default=REPO / "build" / "iopulse")
    p.add_argument("--fio", default="fio")
    p.add_argument("--file", default="/var/tmp/iopulse-fio-parity.dat",
                   help="data file on the disk to measure (not tmpfs)")
    p.add_argument("--size", default="1g")
    p.add_argument("--engine", default="libaio")
    # Depth 1 by default: device-bound on any machine (at depth 16 a small
    # virtual machine's IO thread sets the pace, not its disk).
    p.add_argument("--depth", default="1")
    p.add_argument("--runtime", type=int, default=10, help="seconds per run")
    p.add_argument("--reps", type=int, default=5, help="rounds (each runs iopulse, fio and fio-def)")
    p.add_argument("--no-fio-default", action="store_true",
                   help="skip fio with its default reaping (fio-def): two runs per round")
    p.add_argument("--tolerance", type=float, default=0.05,
                   help="with --check: largest accepted |1 - ratio| of the medians")
    p.add_argument("--check", action="store_true",
                   help="exit 1 when a median ratio is outside the tolerance, 3 when a run was not device-bound "
                        "(the ratios then compare the tools' CPU time, not the device)")
    args = p.parse_args()

    env = dict(os.environ, ENGINE=args.engine, SIZE=args.size, FILE=args.file,
               RUNTIME=str(args.runtime), DEPTH=args.depth)
    iopulse = [str(args.iopulse), str(args.job), "--output-format", "fio-json", "--quiet"]
    fio_matched = [args.fio, "--output-format=json", f"--iodepth_batch_complete_max={args.depth}",
                   "--lat_percentiles=1", "--refill_buffers=1", str(args.job)]
    fio_default = [args.fio, "--output-format=json", str(args.job)]
    # name: (command, the latency read from its JSON)
    tools = {"iopulse": (iopulse, "clat_ns"), "fio": (fio_matched, "lat_ns")}
    if args.engine == "io_uring":
        tools["iopulse-enter"] = (iopulse + ["--io_uring.completion-fd=0"], "clat_ns")
    if not args.no_fio_default:
        tools["fio-def"] = (fio_default, "clat_ns")
    names = list(tools)
    # The file, written once with real data by IOPulse's preparation.
    subprocess.run(iopulse[:2] + ["--duration", "100ms", "--quiet"], env=env, check=True,
                   capture_output=True)
    rows = {n: [] for n in names}
    for rep in range(args.reps):
        # Each tool takes each place in the order in turn.
        order = names[rep % len(names):] + names[:rep % len(names)]
        for name in order:
            cmd, latency = tools[name]
            doc, cpu = run(cmd, env)
            iops, p50, in_flight, ios = numbers(doc, latency)
            cpu_per_io = cpu / ios * 1e6 if ios else 0.0
            # Cores the run kept busy: one means the tool's IO thread, not
            # the device, set the pace.
            cores = cpu_per_io * iops / 1e6
            rows[name].append((iops, p50, in_flight, cpu_per_io, cores))
            print(f"round {rep + 1} {name:13s} {iops:10.0f} IOPS  p50 {p50 / 1000:8.1f} us  "
                  f"in flight {in_flight:5.2f}  CPU {cpu_per_io:5.1f} us/IO {cores:5.2f} cores", flush=True)

    def ratios(mine, other, i):
        per_round = [a[i] / b[i] for a, b in zip(rows[mine], rows[other]) if b[i]]
        return (median_of(rows[mine], i) / median_of(rows[other], i),
                min(per_round), max(per_round))

    print(f"\n{args.job.name}: engine {args.engine}, depth {args.depth}, {args.reps} interleaved rounds of "
          f"{args.runtime} s")
    print("  iopulse: latency from before io_submit to the reap (clat_ns = lat_ns of its fio-json)")
    print(f"  fio:     --iodepth_batch_complete_max={args.depth} --lat_percentiles=1 --refill_buffers=1, lat_ns "
          "(like for like)")
    if "iopulse-enter" in rows:
        print("  iopulse-enter: --io_uring.completion-fd=0, waiting in io_uring_enter as fio does")
    if "fio-def" in rows:
        print("  fio-def: fio's default reaping (one completion per io_getevents), clat_ns")
    print("  CPU: user + system time of the run's processes, start-up included, per IO, and the cores it kept busy")
    for name in names:
        print(f"  {name:13s} median IOPS {median_of(rows[name], 0):8.0f}  p50 {median_of(rows[name], 1) / 1000:7.1f} us"
              f"  in flight {median_of(rows[name], 2):5.2f}  CPU {median_of(rows[name], 3):5.1f} us/IO"
              f" {median_of(rows[name], 4):5.2f} cores")
    # Device-bound: the tool keeps its queue full (IOs in flight near the
    # depth) without its thread running all the time.
    full = FULL_QUEUE_SHARE * float(args.depth)
    bound = [name for name in names
             if median_of(rows[name], 4) >= CPU_BOUND_CORES or median_of(rows[name], 2) < full]
    if bound:
        print(f"  not device-bound: {', '.join(bound)} kept fewer than {full:g} IOs in flight or "
              f"{CPU_BOUND_CORES} cores or more busy, so the tool's thread set the pace and its CPU time "
              "per IO is in its IOPS and p50; a lower depth (--depth) compares the device")
    result = 0
    pairs = [("iopulse", other) for other in names if other != "iopulse" and other != "iopulse-enter"]
    if "iopulse-enter" in rows:
        pairs.append(("iopulse-enter", "fio"))
    # --check holds the like-for-like pair: with io_uring, the run that waits as fio does.
    checked = "iopulse-enter" if "iopulse-enter" in rows else "iopulse"
    for mine, other in pairs:
        iops_r = ratios(mine, other, 0)
        p50_r = ratios(mine, other, 1)
        print(f"  {mine} / {other:8s} IOPS {iops_r[0]:.3f} (rounds {iops_r[1]:.2f}-{iops_r[2]:.2f})  "
              f"p50 {p50_r[0]:.3f} (rounds {p50_r[1]:.2f}-{p50_r[2]:.2f})")
        if mine == checked and other == "fio" and (abs(1 - iops_r[0]) > args.tolerance or abs(1 - p50_r[0]) > args.tolerance):
            result = 1
    if args.check and bound:
        print("  --check: not device-bound, so the tolerance does not apply; try a lower --depth")
        return 3
    if args.check and result:
        print(f"  outside the tolerance of {args.tolerance:.0%} ({checked} / fio)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
