#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The IOPulse authors
"""Runs one fio job file through fio and through IOPulse (`iopulse JOB.fio`),
interleaved, and compares IOPS and median latency.

Both tools read the same unedited job file; the values it leaves open
(${ENGINE}, ${SIZE}, ${FILE}, ${RUNTIME}, ${DEPTH}) come from the
environment, which both expand the same way.  IOPulse is asked for fio's
JSON (--output-format fio-json), so one reader takes both results:
jobs[*].read/write iops and clat_ns.percentile["50.000000"].

Meant for device-bound jobs (O_DIRECT on a real disk), where both tools
should agree within a few percent.  The data file is written once by IOPulse
(its preparation, outside the measured window) and reused by every run.
Standard library only.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run(cmd, env):
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out[out.index("{"):])


def numbers(doc):
    iops = 0.0
    p50s = []
    for job in doc["jobs"]:
        for ddir in ("read", "write"):
            d = job[ddir]
            if d["total_ios"] == 0:
                continue
            iops += d["iops"]
            p50s.append(d["clat_ns"]["percentile"]["50.000000"])
    return iops, max(p50s) if p50s else 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("job", nargs="?", type=Path, default=REPO / "bench" / "fio-jobs" / "direct-randread.fio")
    p.add_argument("--iopulse", type=Path, default=REPO / "build" / "iopulse")
    p.add_argument("--fio", default="fio")
    p.add_argument("--file", default="/var/tmp/iopulse-fio-parity.dat",
                   help="data file on the disk to measure (not tmpfs)")
    p.add_argument("--size", default="1g")
    p.add_argument("--engine", default="libaio")
    p.add_argument("--depth", default="16")
    p.add_argument("--runtime", type=int, default=10, help="seconds per run")
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--tolerance", type=float, default=0.05,
                   help="with --check: largest accepted |1 - ratio| of the medians")
    p.add_argument("--check", action="store_true", help="exit 1 when a median ratio is outside the tolerance")
    args = p.parse_args()

    env = dict(os.environ, ENGINE=args.engine, SIZE=args.size, FILE=args.file,
               RUNTIME=str(args.runtime), DEPTH=args.depth)
    iopulse = [str(args.iopulse), str(args.job), "--output-format", "fio-json", "--quiet"]
    fio = [args.fio, "--output-format=json", str(args.job)]
    # The file, written once with real data by IOPulse's preparation.
    subprocess.run(iopulse[:2] + ["--duration", "100ms", "--quiet"], env=env, check=True,
                   capture_output=True)
    rows = {"iopulse": [], "fio": []}
    for rep in range(args.reps):
        for name, cmd in (("iopulse", iopulse), ("fio", fio)) if rep % 2 == 0 else (("fio", fio), ("iopulse", iopulse)):
            iops, p50 = numbers(run(cmd, env))
            rows[name].append((iops, p50))
            print(f"rep {rep + 1} {name:8s} {iops:12.0f} IOPS  p50 {p50 / 1000:9.1f} us", flush=True)
    med = {k: (statistics.median(r[0] for r in v), statistics.median(r[1] for r in v)) for k, v in rows.items()}
    iops_ratio = med["iopulse"][0] / med["fio"][0]
    p50_ratio = med["iopulse"][1] / med["fio"][1] if med["fio"][1] else float("nan")
    print(f"\n{args.job.name}: engine {args.engine}, depth {args.depth}, {args.reps} interleaved pairs of "
          f"{args.runtime} s")
    print(f"  median IOPS  iopulse {med['iopulse'][0]:.0f}  fio {med['fio'][0]:.0f}  ratio {iops_ratio:.3f}")
    print(f"  median p50   iopulse {med['iopulse'][1] / 1000:.1f} us  fio {med['fio'][1] / 1000:.1f} us  "
          f"ratio {p50_ratio:.3f}")
    if args.check and (abs(1 - iops_ratio) > args.tolerance or abs(1 - p50_ratio) > args.tolerance):
        print(f"  outside the tolerance of {args.tolerance:.0%}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
