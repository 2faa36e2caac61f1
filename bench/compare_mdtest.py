#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The IOPulse authors
"""Run IOPulse and mdtest side by side on the same tree and operation counts.

Both tools build the same namespace (mdtest -z Z -b B -I N -u -F, i.e. IOPulse
--md-depth Z+1 --md-branching B --md-items N, a tree per rank) and run the
same phases: tree creation, file creation, stat, read, file removal, tree
removal.  With --dirs the items are directories instead (mdtest -D; IOPulse
dir-create, dir-stat, dir-remove).  For each rank count (default 1 and 2, started with mpirun) the two
tools run back to back, interleaved (mdtest, iopulse, mdtest, ...) for --reps
repetitions, so drift hits both alike.  Per phase it prints each tool's median
rate (operations per second over all ranks), the median of the per-repetition
ratios iopulse/mdtest, IOPulse's latency percentiles, which mdtest does not
report, and the median start skew of IOPulse's ranks (below).

How the rates are made comparable: mdtest prints its tree rows as one rank's
tree (num_dirs_in_tree) over the phase's time, whatever the number of ranks,
so they are multiplied by the ranks here (each rank makes its own tree with
-u).  mdtest's phase time runs from a barrier to the barrier after the last
rank finished; IOPulse's window is the longest rank's own, so with several
ranks IOPulse's rate is divided by window + cluster.start_skew_ns (how far
apart the ranks left their start barrier): at least the time from the first
rank's start to the last rank's end, so the rate is never above what mdtest's
way of timing gives.  Neither tool counts its process start-up; IOPulse leaves
out the wake-up of its worker threads (docs/design.md, "The measured window").

mdtest: --mdtest PATH uses that binary; --ior-source DIR builds it first from
a checkout of https://github.com/hpc/ior (./bootstrap, ./configure, make; needs
autoconf, automake and libopenmpi-dev).  Without either the script measures
IOPulse alone.  Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MPI_ENV = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
           "OMPI_MCA_rmaps_base_oversubscribe": "1"}
# IOPulse phase -> (its op kind, mdtest's SUMMARY row)
FILE_PHASES = [
    ("tree-create", "mkdir", "Tree creation"),
    ("file-create", "create", "File creation"),
    ("stat", "stat", "File stat"),
    ("read", "read_file", "File read"),
    ("file-remove", "unlink", "File removal"),
    ("tree-remove", "rmdir", "Tree removal"),
]
DIR_PHASES = [
    ("tree-create", "mkdir", "Tree creation"),
    ("dir-create", "mkdir", "Directory creation"),
    ("dir-stat", "stat", "Directory stat"),
    ("dir-remove", "rmdir", "Directory removal"),
    ("tree-remove", "rmdir", "Tree removal"),
]
PHASES = FILE_PHASES
TREE_ROWS = ("Tree creation", "Tree removal")


def build_mdtest(source: Path) -> Path:
    binary = source / "src" / "mdtest"
    if binary.exists():
        return binary
    for step in (["./bootstrap"], ["./configure", "--with-mpiio=no"], ["make", "-C", "src", "mdtest"]):
        subprocess.run(step, cwd=source, check=True, stdout=subprocess.DEVNULL)
    return binary


def mpirun(ranks: int, argv: list[str]) -> list[str]:
    return ["mpirun", "--oversubscribe", "-np", str(ranks)] + argv


def run(argv: list[str]) -> str:
    env = dict(os.environ, **MPI_ENV)
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(argv)}\n{done.stderr}")
    return done.stdout


def run_mdtest(binary: Path, ranks: int, work: Path, a) -> dict[str, float]:
    target = work / "mdtest"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    out = run(mpirun(ranks, [str(binary), "-d", str(target), "-z", str(a.depth - 1), "-b", str(a.branching),
                             "-I", str(a.items), "-u", "-D" if a.dirs else "-F", "-C", "-T", "-E", "-r",
                             "-w", str(a.file_size), "-e", str(a.file_size)]))
    rates = {}
    for _, _, row in PHASES:
        # "   File creation     12345.678   12000.000   12100.000   100.000" (max, min, mean, stddev)
        m = re.search(rf"^\s*{row}\s*:?\s*([0-9.]+)\s+([0-9.]+)\s+([0-9.]+)", out, re.M)
        if m:
            rates[row] = float(m.group(3))
            if row in TREE_ROWS:
                # mdtest's tree rows are rank 0's num_dirs_in_tree / (barrier to barrier): with -u
                # every rank makes (removes) a tree of that many directories in that time, so
                # the directories per second over all ranks are `ranks` times the printed rate.
                rates[row] *= ranks
    shutil.rmtree(target, ignore_errors=True)
    return rates


def run_iopulse(binary: Path, ranks: int, work: Path, a) -> dict[str, dict]:
    target = work / "iopulse"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    result = work / "iopulse.json"
    run(mpirun(ranks, [str(binary), str(target), "--md-phases", ",".join(p for p, _, _ in PHASES),
                       "--md-depth", str(a.depth), "--md-branching", str(a.branching), "--md-items", str(a.items),
                       "--md-file-size", str(a.file_size), "--engine", a.engine, "--queue-depth", str(a.queue_depth),
                       "--json-output", str(result), "-q"]))
    doc = json.loads(result.read_text())
    phases = {}
    for phase, (name, kind, _) in zip(doc["phases"], PHASES):
        op = phase["metadata"][kind]
        # mdtest times a phase from its barrier to the barrier after the last rank finished;
        # IOPulse's window is the longest rank's own.  The ranks left their start barrier
        # within start_skew_ns of each other, so window + skew bounds IOPulse's phase measured
        # mdtest's way (without the worker threads' wake-up) from above.
        span = phase["window_ns"] + phase.get("cluster", {}).get("start_skew_ns", 0)
        phases[name] = {"rate": op["ops"] * 1e9 / span, "skew": span - phase["window_ns"],
                        "p50": op["latency_ns"]["percentiles"]["50"],
                        "p99": op["latency_ns"]["percentiles"]["99"]}
    shutil.rmtree(target, ignore_errors=True)
    return phases


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--iopulse", type=Path, default=REPO / "build" / "iopulse")
    p.add_argument("--mdtest", type=Path, help="an mdtest binary")
    p.add_argument("--ior-source", type=Path, help="a checkout of hpc/ior to build mdtest from")
    p.add_argument("--dir", type=Path, help="where the trees go (default: a temporary directory)")
    p.add_argument("--ranks", default="1,2")
    p.add_argument("--depth", type=int, default=2, help="IOPulse --md-depth (mdtest -z depth-1)")
    p.add_argument("--branching", type=int, default=10)
    p.add_argument("--items", type=int, default=1000, help="files per directory per rank")
    p.add_argument("--file-size", type=int, default=0, help="bytes written and read per file (-w/-e)")
    p.add_argument("--engine", default="sync")
    p.add_argument("--queue-depth", type=int, default=1)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--dirs", action="store_true", help="the items as directories (mdtest -D), not files (-F)")
    a = p.parse_args()
    global PHASES
    PHASES = DIR_PHASES if a.dirs else FILE_PHASES

    mdtest = a.mdtest or (build_mdtest(a.ior_source) if a.ior_source else None)
    work = Path(tempfile.mkdtemp(prefix="iopulse-mdbench-", dir=a.dir))
    dirs = sum(a.branching ** level for level in range(a.depth))
    items = "item directories" if a.dirs else f"files of {a.file_size} bytes"
    print(f"tree per rank: {dirs} directories, {dirs * a.items} {items}; "
          f"iopulse engine {a.engine}, queue depth {a.queue_depth}; {a.reps} interleaved repetitions")
    try:
        for ranks in [int(r) for r in a.ranks.split(",")]:
            md_runs, io_runs = [], []
            for _ in range(a.reps):
                if mdtest:
                    md_runs.append(run_mdtest(mdtest, ranks, work, a))
                io_runs.append(run_iopulse(a.iopulse, ranks, work, a))
            print(f"\n{ranks} rank(s)")
            print(f"  {'phase':<13}{'mdtest ops/s':>14}{'iopulse ops/s':>15}{'ratio':>8}"
                  f"{'iopulse p50':>13}{'p99':>11}{'start skew':>13}")
            for phase, kind, row in PHASES:
                io_rate = statistics.median(r[phase]["rate"] for r in io_runs)
                p50 = statistics.median(r[phase]["p50"] for r in io_runs) / 1000
                p99 = statistics.median(r[phase]["p99"] for r in io_runs) / 1000
                skew = statistics.median(r[phase]["skew"] for r in io_runs) / 1000
                md_text, ratio_text = "-", "-"
                if md_runs and all(row in r for r in md_runs):
                    md_rate = statistics.median(r[row] for r in md_runs)
                    ratio = statistics.median(i[phase]["rate"] / m[row] for i, m in zip(io_runs, md_runs))
                    md_text, ratio_text = f"{md_rate:,.0f}", f"{ratio:.2f}"
                print(f"  {phase:<13}{md_text:>14}{io_rate:>15,.0f}{ratio_text:>8}{p50:>10.1f} us{p99:>8.1f} us{skew:>10.1f} us")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
