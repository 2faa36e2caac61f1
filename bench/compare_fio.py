#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The IOPulse authors
"""Run IOPulse and fio side by side on identical workloads and compare them.

For every selected case the two tools and the case's bare loops run back to
back, interleaved, for --reps repetitions on the same machine in the same
invocation, so slow drift (other load, thermal state, page cache) hits all
alike; the order within a repetition rotates from one to the next (iopulse,
fio, loop; fio, loop, iopulse; ...), so that each run takes each place in
turn (the cyclic order of the runs stays the same).  Per case it prints the median IOPS of each tool, the median
of the per-repetition ratios iopulse/fio, each tool's CPU seconds per million
IOs, the median p50 latency of each, and whether the ratio meets the case's
target.  With --check the exit status is 1 when any case is below target.

Standard library only.  See bench/README.md for how to read the output.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import platform
import re
import resource
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
FILE_SIZE = "1G"
FILE_BYTES = 1 << 30
BLOCK_SIZE = "4k"

# Options given to fio in every case.  They make fio do the same work as
# iopulse, and no more:
#   --norandommap  iopulse draws uniform random offsets with replacement; fio's
#                  default random map (every block once per pass) is both a
#                  different workload and extra per-IO work for fio.
#   --disable_slat/--disable_lat  iopulse records one latency per IO
#                  (submission to completion); fio keeps its clat histogram
#                  (clat percentiles stay on) and skips the other two.
#   --invalidate=0 never drop the page cache of the file (the cached case
#                  relies on it; harmless for the null engine).
# --gtod_reduce is NOT used: it stops fio from measuring latency at all, which
# iopulse always does.
FIO_COMMON = [
    "--norandommap",
    "--disable_slat=1",
    "--disable_lat=1",
    "--invalidate=0",
]
# With --fio-default-latency: fio as users run it, recording its three
# latencies (slat, clat, lat) per IO, the way its documentation's examples do.
FIO_DEFAULT_LATENCY = [
    "--norandommap",
    "--invalidate=0",
]


@dataclasses.dataclass(frozen=True)
class Case:
    """One workload, expressed for both tools and, where there is one, a bare loop.

    iopulse_args/fio_args are the case-specific options; the script adds the
    shared ones (target, file size, block size, one thread, duration, JSON
    output).  `file` is the data file name under --dir.  `needs_data`: the
    file must exist with real data (iopulse prepares it once) and is read
    into the page cache (`cat file > /dev/null`) before every
    repetition.  `target` is the minimum median ratio iopulse/fio.

    `ceiling` names a bare C loop of bench/ (without .c) and its arguments
    after FILE and SECONDS: the most any tool could do on this machine for
    this workload.  It runs in every repetition, in the rotating order, and
    `ceiling_target` is the minimum median share iopulse/ceiling.
    `timed_ceiling`: the same loop reading the clock before and after every
    IO (the TSC, as iopulse does) and counting each latency into a
    histogram, the least a tool that measures every IO has to add: it runs
    in every repetition too, and iopulse's share of it is reported beside
    the plain share (what is left once the clock reads are paid for).
    `cpu_target`: iopulse's CPU per IO must also be below fio's.
    """

    name: str
    description: str
    iopulse_args: tuple[str, ...]
    fio_args: tuple[str, ...]
    target: float
    file: str
    needs_data: bool = False
    ceiling: tuple[str, ...] = ()
    ceiling_target: float | None = None
    timed_ceiling: tuple[str, ...] = ()
    cpu_target: bool = False


# To add an engine (io_uring, libaio, mmap, ...) add a row here.
CASES: list[Case] = [
    Case(
        name="null-qd1",
        description="null engine (no IO), 4k random read, QD 1, 1 thread: host overhead per IO",
        iopulse_args=("--engine", "null", "--queue-depth", "1", "--random"),
        fio_args=("--ioengine=null", "--rw=randread", "--iodepth=1"),
        target=4.0,
        file="null.dat",
    ),
    Case(
        name="null-qd32",
        description="null engine (no IO), 4k random read, QD 32, 1 thread: host overhead per IO",
        iopulse_args=("--engine", "null", "--queue-depth", "32", "--random"),
        # Batched submit and reap is fio's fastest QD 32 setup with the null engine.
        fio_args=("--ioengine=null", "--rw=randread", "--iodepth=32",
                  "--iodepth_batch_submit=32", "--iodepth_batch_complete_max=32"),
        target=6.0,
        file="null.dat",
    ),
    Case(
        name="sync-randread-cached",
        description="pread of 4k at random offsets of a 1 GiB file in the page cache, QD 1, 1 thread",
        iopulse_args=("--engine", "sync", "--queue-depth", "1", "--random"),
        fio_args=("--ioengine=psync", "--rw=randread", "--iodepth=1"),
        target=1.0,
        file="cached.dat",
        needs_data=True,
        ceiling=("pread_loop", "bare"),
        ceiling_target=0.97,
        timed_ceiling=("pread_loop", "tsc"),
    ),
    Case(
        name="sync-randwrite-cached",
        description="pwrite of 4k at random offsets of a 1 GiB file in the page cache, QD 1, 1 thread: "
                    "every write carries fresh data (iopulse: a seeded fill per write; fio: refill_buffers)",
        iopulse_args=("--engine", "sync", "--queue-depth", "1", "--random", "--write-percent", "100"),
        fio_args=("--ioengine=psync", "--rw=randwrite", "--iodepth=1", "--refill_buffers"),
        target=1.0,
        file="cached.dat",
        needs_data=True,
    ),
    Case(
        name="sync-randwrite-cached-c50d30",
        description="sync-randwrite-cached with data that compresses by half and of which 30% of "
                    "the blocks repeat earlier ones (iopulse: --compress-percent 50 --dedupe-percent 30; "
                    "fio: buffer_compress_percentage=50 by 4 KiB chunks, dedupe_percentage=30): the content's cost is "
                    "this case's ratio to sync-randwrite-cached",
        iopulse_args=("--engine", "sync", "--queue-depth", "1", "--random", "--write-percent", "100",
                      "--compress-percent", "50", "--dedupe-percent", "30"),
        fio_args=("--ioengine=psync", "--rw=randwrite", "--iodepth=1", "--refill_buffers",
                  "--buffer_compress_percentage=50", "--buffer_compress_chunk=4096", "--dedupe_percentage=30"),
        target=1.0,
        file="cached.dat",
        needs_data=True,
    ),
    Case(
        name="io_uring-qd32-cached",
        description="io_uring, 4k random read of a 1 GiB file in the page cache, QD 32, 1 thread",
        iopulse_args=("--engine", "io_uring", "--queue-depth", "32", "--random"),
        fio_args=("--ioengine=io_uring", "--rw=randread", "--iodepth=32"),
        target=1.8,
        file="cached.dat",
        needs_data=True,
        ceiling=("uring_loop", "32", "cached"),
    ),
    Case(
        name="libaio-qd32-cached",
        description="libaio, 4k random read of a 1 GiB file in the page cache, QD 32, 1 thread",
        iopulse_args=("--engine", "libaio", "--queue-depth", "32", "--random"),
        fio_args=("--ioengine=libaio", "--rw=randread", "--iodepth=32"),
        target=1.8,
        file="cached.dat",
        needs_data=True,
        ceiling=("aio_loop", "32", "cached"),
    ),
    Case(
        name="mmap-cached",
        description="mmap, 4k random read of a 1 GiB file in the page cache, QD 2, 1 thread "
                    "(fio's mmap engine is synchronous: its QD 2 run is its QD 1 run)",
        iopulse_args=("--engine", "mmap", "--queue-depth", "2", "--random"),
        fio_args=("--ioengine=mmap", "--rw=randread", "--iodepth=2"),
        target=1.3,
        file="cached.dat",
        needs_data=True,
        ceiling=("mmap_loop", "plain", "4096", "prefault"),
        ceiling_target=0.95,
        timed_ceiling=("mmap_loop", "tsc", "4096", "prefault"),
    ),
    Case(
        name="mmap-qd1-cached",
        description="mmap, 4k random read of a 1 GiB file in the page cache, QD 1, 1 thread: "
                    "one copy at a time, nothing to overlap",
        iopulse_args=("--engine", "mmap", "--queue-depth", "1", "--random"),
        fio_args=("--ioengine=mmap", "--rw=randread", "--iodepth=1"),
        target=1.3,
        file="cached.dat",
        needs_data=True,
        ceiling=("mmap_loop", "plain", "4096", "prefault"),
        ceiling_target=0.95,
        timed_ceiling=("mmap_loop", "tsc", "4096", "prefault"),
    ),
    Case(
        name="mmap-qd1-first-touch",
        description="mmap at QD 1 as fio does it: no prefault, so the run takes the first-touch "
                    "page fault of every page (each a hypervisor fault too under shadow paging)",
        iopulse_args=("--engine", "mmap", "--queue-depth", "1", "--random", "--mmap.prefault=0"),
        fio_args=("--ioengine=mmap", "--rw=randread", "--iodepth=1"),
        target=1.0,
        file="cached.dat",
        needs_data=True,
        ceiling=("mmap_loop", "plain", "4096", "touch"),
        ceiling_target=0.95,
        timed_ceiling=("mmap_loop", "tsc", "4096", "touch"),
    ),
    Case(
        name="io_uring-qd32-direct",
        description="io_uring, 4k random read with O_DIRECT (device bound), QD 32, 1 thread; "
                    "IOPS at least fio's and CPU per IO lower",
        iopulse_args=("--engine", "io_uring", "--queue-depth", "32", "--random", "--direct"),
        fio_args=("--ioengine=io_uring", "--rw=randread", "--iodepth=32", "--direct=1"),
        target=1.0,
        file="cached.dat",
        needs_data=True,
        ceiling=("uring_loop", "32", "direct"),
        cpu_target=True,
    ),
    Case(
        name="libaio-qd16-direct-randread",
        description="libaio, 4k random read with O_DIRECT (device bound), QD 16, 1 thread: "
                    "the fio job-file parity case (bench/fio-jobs/direct-randread.fio)",
        iopulse_args=("--engine", "libaio", "--queue-depth", "16", "--random", "--direct"),
        fio_args=("--ioengine=libaio", "--rw=randread", "--iodepth=16", "--direct=1"),
        target=0.95,
        file="cached.dat",
        needs_data=True,
    ),
    Case(
        name="libaio-qd16-direct-randwrite",
        description="libaio, 4k random write with O_DIRECT (device bound), QD 16, 1 thread",
        iopulse_args=("--engine", "libaio", "--queue-depth", "16", "--random", "--direct",
                      "--write-percent", "100"),
        fio_args=("--ioengine=libaio", "--rw=randwrite", "--iodepth=16", "--direct=1"),
        target=0.95,
        file="cached.dat",
        needs_data=True,
    ),
    Case(
        name="io_uring-qd16-direct-randread",
        description="io_uring, 4k random read with O_DIRECT (device bound), QD 16, 1 thread",
        iopulse_args=("--engine", "io_uring", "--queue-depth", "16", "--random", "--direct"),
        fio_args=("--ioengine=io_uring", "--rw=randread", "--iodepth=16", "--direct=1"),
        target=0.95,
        file="cached.dat",
        needs_data=True,
    ),
    Case(
        name="io_uring-qd16-direct-randwrite",
        description="io_uring, 4k random write with O_DIRECT (device bound), QD 16, 1 thread",
        iopulse_args=("--engine", "io_uring", "--queue-depth", "16", "--random", "--direct",
                      "--write-percent", "100"),
        fio_args=("--ioengine=io_uring", "--rw=randwrite", "--iodepth=16", "--direct=1"),
        target=0.95,
        file="cached.dat",
        needs_data=True,
    ),
]

# The bare loops (bench/<name>.c) and the libraries each links.
CEILING_PROGRAMS = {"pread_loop": [], "mmap_loop": ["-pthread"], "uring_loop": ["-luring"], "aio_loop": []}


# ----------------------------------------------------------------------------
# Running the tools
# ----------------------------------------------------------------------------

def cpu_busy_seconds() -> float:
    """CPU seconds spent busy (not idle, not iowait) by the whole machine so far."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def children_cpu_seconds() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


class ToolFailed(Exception):
    pass


def run_tool(cmd: list[str], fatal: bool = True) -> tuple[float, float, str]:
    """Runs cmd; returns (wall seconds, CPU seconds the rest of the machine used meanwhile, stdout).
    A failure ends the script, or raises ToolFailed when not `fatal`."""
    busy0, own0, t0 = cpu_busy_seconds(), children_cpu_seconds(), time.monotonic()
    # A session of its own for every tool: fio's job process calls setsid(),
    # which with autogroup scheduling gives it a CPU share of its own on a
    # loaded machine; the others get the same (fio_job_parity.py, run()).
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          start_new_session=True)
    wall = time.monotonic() - t0
    busy, own = cpu_busy_seconds() - busy0, children_cpu_seconds() - own0
    if proc.returncode != 0:
        text = (f"command failed (exit {proc.returncode}):\n  {shlex.join(cmd)}\n"
                f"{proc.stderr.strip() or proc.stdout.strip()}")
        if not fatal:
            raise ToolFailed(text)
        sys.exit(f"compare_fio: {text}")
    return wall, max(0.0, busy - own), proc.stdout


def iopulse_cmd(args, case: Case, out: Path, binary: Path | None = None) -> list[str]:
    return [str(binary or args.iopulse), str(Path(args.dir) / case.file),
            "--file-size", FILE_SIZE, "--block-size", BLOCK_SIZE, "--threads", "1",
            "--duration", f"{args.duration}s", *case.iopulse_args,
            "--json-output", str(out), "-q"]


def fio_cmd(args, case: Case, out: Path) -> list[str]:
    return [args.fio, f"--name={case.name}", f"--filename={Path(args.dir) / case.file}",
            f"--size={FILE_SIZE}", f"--bs={BLOCK_SIZE}", "--numjobs=1",
            "--time_based", f"--runtime={args.duration}", *case.fio_args,
            *(FIO_DEFAULT_LATENCY if args.fio_default_latency else FIO_COMMON),
            "--output-format=json", f"--output={out}"]


def read_iopulse(path: Path) -> dict:
    doc = json.loads(path.read_text())
    total = doc["total"]
    cpu_s = doc["cpu"]["user_s"] + doc["cpu"]["system_s"]
    return {
        "iops": total["iops"],
        "ops": total["ops"],
        "window_s": doc["window_ns"] / 1e9,
        "cpu_s": cpu_s,
        "cpu_s_per_mio": cpu_s / (total["ops"] / 1e6) if total["ops"] else float("nan"),
        "p50_ns": total["latency_ns"]["percentiles"]["50"],
        "p99_ns": total["latency_ns"]["percentiles"]["99"],
        "mean_ns": total["latency_ns"]["mean"],
    }


def build_ceilings(args, cases: list[Case]) -> dict[str, Path]:
    """Compiles the bare loops the cases need (cc -O2) into --dir; name -> binary."""
    built = {}
    for name in sorted({loop[0] for c in cases for loop in (c.ceiling, c.timed_ceiling) if loop}):
        binary = Path(args.dir) / name
        cmd = [args.cc, "-O2", "-o", str(binary), str(REPO / "bench" / f"{name}.c"),
               *CEILING_PROGRAMS[name]]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"compare_fio: building the bare loop failed:\n  {shlex.join(cmd)}\n"
                     f"{proc.stderr.strip()}")
        built[name] = binary
    return built


def ceiling_cmd(args, case: Case, loop: tuple[str, ...], binary: Path) -> list[str]:
    return [str(binary), str(Path(args.dir) / case.file), str(args.duration), *loop[1:]]


def read_ceiling(text: str) -> dict:
    """The bare loops print '... N IOPS, ... CPU s per M IO: user U system S' (or ': C')."""
    iops = re.search(r"([0-9.]+) IOPS", text)
    split = re.search(r"user ([0-9.]+) system ([0-9.]+)", text)
    whole = re.search(r"CPU s per M IO: ([0-9.]+)", text)
    if iops is None:
        sys.exit(f"compare_fio: no IOPS in the bare loop's output: {text.strip()}")
    result = {"iops": float(iops.group(1)), "output": text.strip()}
    if split is not None:
        result["cpu_s_per_mio"] = float(split.group(1)) + float(split.group(2))
    elif whole is not None:
        result["cpu_s_per_mio"] = float(whole.group(1))
    return result


def read_fio(path: Path) -> dict:
    text = path.read_text()
    # fio may put warnings before the JSON document in its output file.
    doc = json.loads(text[text.index("{"):])
    job = doc["jobs"][0]
    ops = sum(job[d]["total_ios"] for d in ("read", "write"))
    iops = sum(job[d]["iops"] for d in ("read", "write"))
    runtime_s = job["job_runtime"] / 1e3
    # usr_cpu/sys_cpu are percentages of one CPU over the job's runtime.
    cpu_s = (job["usr_cpu"] + job["sys_cpu"]) / 100.0 * runtime_s
    clat = job["read"]["clat_ns"] if job["read"]["total_ios"] else job["write"]["clat_ns"]
    pct = clat.get("percentile", {})
    return {
        "iops": iops,
        "ops": ops,
        "window_s": runtime_s,
        "cpu_s": cpu_s,
        "cpu_s_per_mio": cpu_s / (ops / 1e6) if ops else float("nan"),
        "p50_ns": pct.get("50.000000", 0),
        "p99_ns": pct.get("99.000000", 0),
        "mean_ns": clat.get("mean", 0),
    }


def prepare_data_file(args, case: Case) -> None:
    """Creates the case's file with real data once; iopulse reuses it afterwards."""
    path = Path(args.dir) / case.file
    if path.exists() and path.stat().st_size == FILE_BYTES and \
            path.stat().st_blocks * 512 >= FILE_BYTES:
        return
    print(f"preparing {path} ({FILE_SIZE} of real data) with iopulse ...", file=sys.stderr)
    subprocess.run([str(args.iopulse), str(path), "--file-size", FILE_SIZE, "--engine", "sync",
                    "--total-bytes", BLOCK_SIZE, "-q"],
                   check=True, stdout=subprocess.DEVNULL)


def warm_cache(args, case: Case) -> None:
    subprocess.run(["cat", str(Path(args.dir) / case.file)], check=True,
                   stdout=subprocess.DEVNULL)


def wait_for_idle(args, log: Callable[[str], None]) -> None:
    """Waits (at most --wait-idle seconds) until the machine is idle for a second."""
    if args.wait_idle <= 0:
        return
    give_up = time.monotonic() + args.wait_idle
    while True:
        busy0 = cpu_busy_seconds()
        time.sleep(1.0)
        busy = cpu_busy_seconds() - busy0
        if busy <= args.idle_threshold:
            return
        if time.monotonic() >= give_up:
            log(f"  machine still busy ({busy:.2f} cores) after {args.wait_idle} s; running anyway")
            return


def run_case(args, case: Case, ceilings: dict[str, Path], log: Callable[[str], None]) -> dict:
    if case.needs_data:
        prepare_data_file(args, case)
    reps = []
    commands = {}
    for rep in range(1, args.reps + 1):
        wait_for_idle(args, log)
        if case.needs_data:
            warm_cache(args, case)
        row = {"rep": rep}
        # Every run of the round, in an order that rotates from round to round
        # so that no tool always runs first (or right after another): the
        # tools, then the bare loop and the same loop timing each IO.
        runs = [("iopulse", iopulse_cmd, read_iopulse)]
        if args.baseline:
            runs.append(("baseline", lambda a, c, o: iopulse_cmd(a, c, o, a.baseline), read_iopulse))
        runs.append(("fio", fio_cmd, read_fio))
        for loop, key in ((case.ceiling, "ceiling"), (case.timed_ceiling, "timed_ceiling")):
            if loop and not args.no_ceilings:
                runs.append((key, loop, None))
        shift = (rep - 1) % len(runs)
        for tool, make, read in runs[shift:] + runs[:shift]:
            if read is None:  # a ceiling: `make` is its loop
                cmd = ceiling_cmd(args, case, make, ceilings[make[0]])
                commands.setdefault(tool.replace("_", " "), shlex.join(cmd))
                # With --noise-floor the bare loop runs again right after
                # itself, so the second run is always the second.
                for again in ("", "_again") if tool == "ceiling" and args.noise_floor else ("",):
                    wall, others, out_text = run_tool(cmd)
                    row[tool + again] = read_ceiling(out_text)
                    row[tool + again].update(background_cpu_s=others, wall_s=wall)
                continue
            out = Path(args.dir) / f"{case.name}.{tool}.json"
            if out.exists():
                out.unlink()
            cmd = make(args, case, out)
            commands.setdefault(tool, shlex.join(cmd))
            try:
                # An older baseline may not know a newer option: that case then has no
                # baseline column, and the run goes on.
                wall, others, _ = run_tool(cmd, fatal=tool != "baseline")
            except ToolFailed as e:
                log(f"  {case.name}: the baseline cannot run this case: {e}")
                continue
            result = read(out)
            result["background_cpu_s"] = others
            result["wall_s"] = wall
            row[tool] = result
        row["ratio"] = row["iopulse"]["iops"] / row["fio"]["iops"]
        ceiling_text = ""
        for key, share, label in (("ceiling", "share", "ceiling"), ("timed_ceiling", "timed_share", "timed ceiling")):
            if key in row:
                row[share] = row["iopulse"]["iops"] / row[key]["iops"]
                ceiling_text += f"  {label} {fmt_iops(row[key]['iops'])} (share {row[share] * 100:.1f}%)"
        if "ceiling_again" in row:
            # The loop's second run as a share of its first: what the same
            # program's share moves by from run to run.
            row["self_share"] = row["ceiling_again"]["iops"] / row["ceiling"]["iops"]
            ceiling_text += f"  loop again {fmt_iops(row['ceiling_again']['iops'])} (share {row['self_share'] * 100:.1f}%)"
        baseline_text = ""
        if "baseline" in row:
            row["vs_baseline"] = row["iopulse"]["iops"] / row["baseline"]["iops"]
            baseline_text = (f"  baseline {fmt_iops(row['baseline']['iops'])}"
                             f" (iopulse/baseline {row['vs_baseline']:.2f})")
        reps.append(row)
        log(f"  {case.name} rep {rep}/{args.reps}: iopulse {fmt_iops(row['iopulse']['iops'])}"
            f"  fio {fmt_iops(row['fio']['iops'])}  ratio {row['ratio']:.2f}{ceiling_text}{baseline_text}"
            f"  (other load {background_cores(row):.2f} cores)")
    med = statistics.median
    summary = {
        "iopulse_iops": med(r["iopulse"]["iops"] for r in reps),
        "fio_iops": med(r["fio"]["iops"] for r in reps),
        "ratio": med(r["ratio"] for r in reps),
        "ratio_min": min(r["ratio"] for r in reps),
        "ratio_max": max(r["ratio"] for r in reps),
        "iopulse_cpu_s_per_mio": med(r["iopulse"]["cpu_s_per_mio"] for r in reps),
        "fio_cpu_s_per_mio": med(r["fio"]["cpu_s_per_mio"] for r in reps),
        "iopulse_p50_ns": med(r["iopulse"]["p50_ns"] for r in reps),
        "fio_p50_ns": med(r["fio"]["p50_ns"] for r in reps),
        "iopulse_p99_ns": med(r["iopulse"]["p99_ns"] for r in reps),
        "fio_p99_ns": med(r["fio"]["p99_ns"] for r in reps),
        # Little's law: IOPS x mean latency = IOs between the points each
        # tool's latency starts and ends (IOPulse: before the submit call to
        # the return of the reap; fio's clat: after io_submit returned to
        # when fio takes the completion), not the device's queue depth.
        "iopulse_in_flight": med(r["iopulse"]["iops"] * r["iopulse"]["mean_ns"] / 1e9 for r in reps),
        "fio_in_flight": med(r["fio"]["iops"] * r["fio"]["mean_ns"] / 1e9 for r in reps),
        "background_cores": med(background_cores(r) for r in reps),
    }
    if all("baseline" in r for r in reps) and args.baseline:
        summary["baseline_iops"] = med(r["baseline"]["iops"] for r in reps)
        summary["vs_baseline"] = med(r["vs_baseline"] for r in reps)
        summary["vs_baseline_min"] = min(r["vs_baseline"] for r in reps)
        summary["vs_baseline_max"] = max(r["vs_baseline"] for r in reps)
        summary["baseline_cpu_s_per_mio"] = med(r["baseline"]["cpu_s_per_mio"] for r in reps)
    summary["meets_target"] = summary["ratio"] >= case.target
    if "share" in reps[0]:
        summary["ceiling_iops"] = med(r["ceiling"]["iops"] for r in reps)
        summary["share"] = med(r["share"] for r in reps)
        summary["share_min"] = min(r["share"] for r in reps)
        summary["share_max"] = max(r["share"] for r in reps)
        if case.ceiling_target is not None:
            summary["meets_target"] &= summary["share"] >= case.ceiling_target
        if all("cpu_s_per_mio" in r["ceiling"] for r in reps):
            # The same share in CPU time: the loop's CPU per IO over iopulse's.  It moves
            # little when other processes take CPU away, unlike the IOPS.
            summary["ceiling_cpu_s_per_mio"] = med(r["ceiling"]["cpu_s_per_mio"] for r in reps)
            summary["cpu_share"] = summary["ceiling_cpu_s_per_mio"] / summary["iopulse_cpu_s_per_mio"]
    if "timed_share" in reps[0]:
        summary["timed_ceiling_iops"] = med(r["timed_ceiling"]["iops"] for r in reps)
        summary["timed_share"] = med(r["timed_share"] for r in reps)
        summary["timed_share_min"] = min(r["timed_share"] for r in reps)
        summary["timed_share_max"] = max(r["timed_share"] for r in reps)
    if "self_share" in reps[0]:
        summary["self_share"] = med(r["self_share"] for r in reps)
        summary["self_share_min"] = min(r["self_share"] for r in reps)
        summary["self_share_max"] = max(r["self_share"] for r in reps)
    if case.cpu_target:
        summary["meets_target"] &= summary["iopulse_cpu_s_per_mio"] < summary["fio_cpu_s_per_mio"]
    return {"description": case.description, "target": case.target,
            "ceiling_target": case.ceiling_target, "cpu_target": case.cpu_target,
            "commands": commands, "reps": reps, "summary": summary}


def background_cores(row: dict) -> float:
    """Average number of CPUs other processes kept busy during the repetition's runs."""
    runs = [v for v in row.values() if isinstance(v, dict)]
    cpu = sum(r["background_cpu_s"] for r in runs)
    wall = sum(r["wall_s"] for r in runs)
    return cpu / wall if wall > 0 else 0.0


# ----------------------------------------------------------------------------
# Output
# ----------------------------------------------------------------------------

def fmt_iops(v: float) -> str:
    if v >= 1e6:
        return f"{v / 1e6:.2f}M"
    if v >= 1e3:
        return f"{v / 1e3:.1f}k"
    return f"{v:.0f}"


def fmt_ns(v: float) -> str:
    return f"{v / 1e3:.2f} us" if v >= 1e4 else f"{v:.0f} ns"


def tool_version(binary: Path) -> str:
    try:
        return subprocess.run([str(binary), "--version"], capture_output=True,
                              text=True).stdout.strip().splitlines()[0]
    except (OSError, IndexError):
        return "?"


def machine_info(args) -> dict:
    try:
        fio_version = subprocess.run([args.fio, "--version"], capture_output=True,
                                     text=True).stdout.strip()
    except OSError:
        fio_version = "?"
    iopulse_version = tool_version(args.iopulse)
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "kernel": platform.release(),
        "fio": fio_version,
        "iopulse": iopulse_version,
        "iopulse_path": str(Path(args.iopulse).resolve()),
        "loadavg_start": os.getloadavg(),
    }


def target_text(res: dict) -> str:
    """The case's targets, e.g. '>=1.3x fio, >=95% ceiling'."""
    parts = [f">={res['target']:g}x fio"]
    if res.get("ceiling_target") is not None:
        parts.append(f">={res['ceiling_target'] * 100:g}% ceiling")
    if res.get("cpu_target"):
        parts.append("CPU/IO < fio")
    return ", ".join(parts)


def share_text(s: dict) -> tuple[str, str]:
    """(ceiling IOPS, iopulse's share of it with min-max) or dashes."""
    if "share" not in s:
        return "-", "-"
    text = f"{s['share'] * 100:.1f}% ({s['share_min'] * 100:.0f}-{s['share_max'] * 100:.0f})"
    if "cpu_share" in s:
        text += f", CPU {s['cpu_share'] * 100:.0f}%"
    return fmt_iops(s["ceiling_iops"]), text


def timed_share_text(s: dict) -> str:
    """iopulse's share of the timed loop with min-max, or a dash."""
    if "timed_share" not in s:
        return "-"
    return (f"{s['timed_share'] * 100:.1f}% ({s['timed_share_min'] * 100:.0f}-"
            f"{s['timed_share_max'] * 100:.0f}) of {fmt_iops(s['timed_ceiling_iops'])}")


def self_share_text(s: dict) -> str:
    """The bare loop's second run as a share of its first (--noise-floor), with min-max."""
    return f"{s['self_share'] * 100:.1f}% ({s['self_share_min'] * 100:.0f}-{s['self_share_max'] * 100:.0f})"


def print_text(results: dict) -> None:
    hdr = (f"{'case':<30} {'iopulse':>9} {'fio':>9} {'ratio':>6} {'(min-max)':>11}"
           f" {'ceiling':>9} {'share (min-max), CPU share':>27} {'ok':>3} {'cpu s/M IO':>17}"
           f" {'p50 latency':>19} {'bg load':>8}  target")
    print(hdr)
    print(" " * 108 + f"{'iopulse':>8} {'fio':>8} {'iopulse':>9} {'fio':>9}")
    for name, res in results["cases"].items():
        s = res["summary"]
        ceiling, share = share_text(s)
        print(f"{name:<30} {fmt_iops(s['iopulse_iops']):>9} {fmt_iops(s['fio_iops']):>9}"
              f" {s['ratio']:>6.2f} {s['ratio_min']:>5.2f}-{s['ratio_max']:<5.2f}"
              f" {ceiling:>9} {share:>27} {'yes' if s['meets_target'] else 'NO':>3}"
              f" {s['iopulse_cpu_s_per_mio']:>8.3f} {s['fio_cpu_s_per_mio']:>8.3f}"
              f" {fmt_ns(s['iopulse_p50_ns']):>9} {fmt_ns(s['fio_p50_ns']):>9}"
              f" {s['background_cores']:>8.2f}  {target_text(res)}")
    print(f"\n{'case':<30} {'p50 ratio':>9} {'p99 iopulse':>11} {'fio':>9} {'ratio':>6}"
          f" {'in flight (IOPS x mean latency) iopulse':>40} {'fio':>6}  share of the timed loop"
          f"{'; the bare loop against itself' if any('self_share' in r['summary'] for r in results['cases'].values()) else ''}")
    for name, res in results["cases"].items():
        s = res["summary"]
        p50 = s["iopulse_p50_ns"] / s["fio_p50_ns"] if s["fio_p50_ns"] else float("nan")
        p99 = s["iopulse_p99_ns"] / s["fio_p99_ns"] if s["fio_p99_ns"] else float("nan")
        print(f"{name:<30} {p50:>9.2f} {fmt_ns(s['iopulse_p99_ns']):>11} {fmt_ns(s['fio_p99_ns']):>9}"
              f" {p99:>6.2f} {s['iopulse_in_flight']:>40.2f} {s['fio_in_flight']:>6.2f}"
              f"  {timed_share_text(s)}{'; ' + self_share_text(s) if 'self_share' in s else ''}")
    if results.get("baseline"):
        print(f"\nagainst the baseline {results['baseline']}:")
        print(f"{'case':<22} {'iopulse':>9} {'baseline':>9} {'ratio':>6} {'(min-max)':>11}"
              f" {'cpu s/M IO':>17}")
        for name, res in results["cases"].items():
            s = res["summary"]
            if "baseline_iops" not in s:
                print(f"{name:<22} (the baseline cannot run this case)")
                continue
            print(f"{name:<22} {fmt_iops(s['iopulse_iops']):>9} {fmt_iops(s['baseline_iops']):>9}"
                  f" {s['vs_baseline']:>6.2f} {s['vs_baseline_min']:>5.2f}-{s['vs_baseline_max']:<5.2f}"
                  f" {s['iopulse_cpu_s_per_mio']:>8.3f} {s['baseline_cpu_s_per_mio']:>8.3f}")


def print_markdown(results: dict) -> None:
    m = results["machine"]
    print(f"Measured {m['date']} on {m['nproc']} CPUs ({m['cpu']}), kernel {m['kernel']}, "
          f"{m['fio']}, {m['iopulse']}; {results['reps']} interleaved repetitions of "
          f"{results['duration']} s per tool and case.\n")
    print("| case | iopulse IOPS | fio IOPS | ratio (median) | ratio min-max | bare loop IOPS "
          "| share of bare loop: IOPS (min-max), CPU | share of the timed loop | target | met "
          "| CPU s / M IO iopulse | CPU s / M IO fio | p50 iopulse | p50 fio | other load (cores) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|:-:|---:|---:|---:|---:|---:|")
    for name, res in results["cases"].items():
        s = res["summary"]
        ceiling, share = share_text(s)
        print(f"| {name} | {fmt_iops(s['iopulse_iops'])} | {fmt_iops(s['fio_iops'])} "
              f"| {s['ratio']:.2f} | {s['ratio_min']:.2f}-{s['ratio_max']:.2f} "
              f"| {ceiling} | {share} | {timed_share_text(s)} "
              f"| {target_text(res)} | {'yes' if s['meets_target'] else '**no**'} "
              f"| {s['iopulse_cpu_s_per_mio']:.3f} | {s['fio_cpu_s_per_mio']:.3f} "
              f"| {fmt_ns(s['iopulse_p50_ns'])} | {fmt_ns(s['fio_p50_ns'])} "
              f"| {s['background_cores']:.2f} |")
    floors = {name: res["summary"] for name, res in results["cases"].items() if "self_share" in res["summary"]}
    if floors:
        print("\nThe bare loop against itself (--noise-floor: run twice in each repetition, the second "
              "run's IOPS as a share of the first's):\n")
        print("| case | bare loop IOPS | second run's share: median (min-max) |")
        print("|---|---:|---:|")
        for name, s in floors.items():
            print(f"| {name} | {fmt_iops(s['ceiling_iops'])} | {self_share_text(s)} |")
    if results.get("baseline"):
        print(f"\nAgainst the baseline `{results['baseline']}` (same repetitions):\n")
        print("| case | iopulse IOPS | baseline IOPS | iopulse / baseline (median) | min-max "
              "| CPU s / M IO iopulse | CPU s / M IO baseline |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for name, res in results["cases"].items():
            s = res["summary"]
            if "baseline_iops" not in s:
                print(f"| {name} | {fmt_iops(s['iopulse_iops'])} | - | (the baseline cannot run this case) | | | |")
                continue
            print(f"| {name} | {fmt_iops(s['iopulse_iops'])} | {fmt_iops(s['baseline_iops'])} "
                  f"| {s['vs_baseline']:.2f} | {s['vs_baseline_min']:.2f}-{s['vs_baseline_max']:.2f} "
                  f"| {s['iopulse_cpu_s_per_mio']:.3f} | {s['baseline_cpu_s_per_mio']:.3f} |")
    print("\nCommands (first repetition):\n")
    print("```")
    for name, res in results["cases"].items():
        print(f"# {name}")
        for tool in ("iopulse", "baseline", "fio", "ceiling", "timed ceiling"):
            if tool in res["commands"]:
                print(res["commands"][tool])
    print("```")


def main() -> int:
    p = argparse.ArgumentParser(
        description="Run IOPulse and fio back to back on identical workloads and compare.")
    p.add_argument("--iopulse", type=Path, default=REPO / "build" / "iopulse",
                   help="iopulse binary (default: build/iopulse in the repository)")
    p.add_argument("--baseline", type=Path, metavar="IOPULSE",
                   help="a second iopulse binary (e.g. an install of an older commit) run in every "
                        "repetition right after iopulse; reports iopulse/baseline per case")
    p.add_argument("--fio", default="fio", help="fio binary (default: fio from PATH)")
    p.add_argument("--cc", default="cc", help="C compiler for the bare loops (default: cc)")
    p.add_argument("--no-ceilings", action="store_true",
                   help="do not run the bare loops (pread, mmap, io_uring ceilings)")
    p.add_argument("--noise-floor", action="store_true",
                   help="run each case's bare loop a second time in every repetition and report its "
                        "share of itself: how far a share moves between runs of one program here")
    p.add_argument("--dir", default="/tmp/iopulse-bench", help="directory for data files")
    p.add_argument("--duration", type=int, default=5, help="seconds per run (default 5)")
    p.add_argument("--reps", type=int, default=5, help="repetitions per case (default 5)")
    p.add_argument("--cases", help="comma-separated case names (default: all); see --list-cases")
    p.add_argument("--list-cases", action="store_true", help="list the cases and exit")
    p.add_argument("--json", type=Path, help="also write every raw number to this file")
    p.add_argument("--markdown", action="store_true",
                   help="print a Markdown table and the command lines (for docs/performance.md)")
    p.add_argument("--check", action="store_true",
                   help="exit with status 1 when a case's median ratio is below its target")
    p.add_argument("--wait-idle", type=float, default=0, metavar="SECONDS",
                   help="before each iopulse/fio pair wait up to SECONDS for a second in which the "
                        "machine is idle (busy below --idle-threshold cores); default 0: no wait")
    p.add_argument("--idle-threshold", type=float, default=0.1, metavar="CORES",
                   help="busy CPUs that still count as idle for --wait-idle (default 0.1)")
    p.add_argument("-q", "--quiet", action="store_true", help="no per-repetition lines")
    p.add_argument("--fio-default-latency", action="store_true",
                   help="let fio record slat, clat and lat as it does by default (else clat only)")
    args = p.parse_args()

    by_name = {c.name: c for c in CASES}
    if args.list_cases:
        for c in CASES:
            print(f"{c.name:<22} {target_text(dataclasses.asdict(c)):<40} {c.description}")
        return 0
    if args.duration < 1 or args.reps < 1:
        p.error("--duration and --reps must be at least 1")
    selected = CASES
    if args.cases:
        names = [n.strip() for n in args.cases.split(",") if n.strip()]
        unknown = [n for n in names if n not in by_name]
        if unknown:
            p.error(f"unknown case(s) {', '.join(unknown)}; known: {', '.join(by_name)}")
        selected = [by_name[n] for n in names]
    if not os.access(args.iopulse, os.X_OK):
        p.error(f"--iopulse {args.iopulse} is not an executable (build it first)")
    if args.baseline and not os.access(args.baseline, os.X_OK):
        p.error(f"--baseline {args.baseline} is not an executable")
    if args.noise_floor and args.no_ceilings:
        p.error("--noise-floor runs the bare loops twice; drop --no-ceilings")
    os.makedirs(args.dir, exist_ok=True)

    def log(msg: str) -> None:
        if not args.quiet:
            print(msg, file=sys.stderr, flush=True)

    results = {"machine": machine_info(args), "reps": args.reps, "duration": args.duration,
               "fio_common": FIO_COMMON, "cases": {}}
    if args.baseline:
        results["baseline"] = str(args.baseline.resolve())
        results["machine"]["baseline_version"] = tool_version(args.baseline)
    if results["machine"]["loadavg_start"][0] > 0.5:
        log(f"warning: load average is {results['machine']['loadavg_start'][0]:.2f}; "
            "numbers will be noisy (see the 'bg load' column)")
    ceilings = {} if args.no_ceilings else build_ceilings(args, selected)
    for case in selected:
        results["cases"][case.name] = run_case(args, case, ceilings, log)
    results["machine"]["loadavg_end"] = os.getloadavg()

    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    if args.markdown:
        print_markdown(results)
    else:
        print_text(results)
    below = [n for n, r in results["cases"].items() if not r["summary"]["meets_target"]]
    if args.check and below:
        print(f"below target: {', '.join(below)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
