#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The IOPulse authors
"""What generating the written data costs: cached writes with unique data against compressible,
deduplicated and verified data, and against a fixed buffer that is not regenerated per write.

Rows (one thread, QD 1, 4 KiB random writes, --reps interleaved rounds of --duration seconds):
  sync-*   the sync engine writing a file in the page cache (a tmpfs, /dev/shm by default, so no
           device is involved): the cost of the data against the cost of a cached write
  null-*   the null engine (no IO at all): the per-IO cost of the data against the host's own loop
  gen-*    the null engine with 1 MiB writes: the bytes per second the generator fills (the host's
           per-IO cost is spread over 256 times the data; no fixed-buffer row, it moves no bytes)
Contents per row:
  pattern     --buffer-pattern 0x5a: one fixed buffer, nothing generated per write (the baseline)
  unique      the default: every write's bytes are new (workload/write_data.h)
  compress50  --compress-percent 50 (workload/block_content.h)
  dedupe50    --dedupe-percent 50
  verify      --verify: a verified block per write (verify/block_format.h; sync only)
  verify-dedupe50  --verify --dedupe-percent 50 (sync only)

Per row: median IOPS, MB/s, and the median over rounds of the ratio to the same engine's
`unique` row.  The load of the machine (1-minute load average at each round's start, and the
CPUs other processes kept busy from /proc/stat) is printed, since the machine may be shared.

Standard library only.  Usage: bench/content_cost.py [--iopulse build/iopulse] [--dir /dev/shm/x]
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

CONTENTS = {
    "pattern": ["--buffer-pattern", "0x5a"],
    "unique": [],
    "compress50": ["--compress-percent", "50"],
    "dedupe50": ["--dedupe-percent", "50"],
    "verify": ["--verify"],
    "verify-dedupe50": ["--verify", "--dedupe-percent", "50"],
}
# engine row prefix -> (engine, block size, contents it runs)
ENGINES = {
    "sync": ("sync", "4k", list(CONTENTS)),
    "null": ("null", "4k", ["pattern", "unique", "compress50", "dedupe50"]),
    "gen": ("null", "1m", ["unique", "compress50", "dedupe50"]),
}


def busy_jiffies() -> int:
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    values = [int(v) for v in fields]
    return sum(values) - values[3] - values[4]  # all but idle and iowait


def run_case(args, row: str, engine: str, block: str, content: str) -> dict:
    target = Path(args.dir) / f"{row}-{content}.dat"
    out = Path(args.dir) / f"{row}-{content}.json"
    out.unlink(missing_ok=True)
    cmd = [str(args.iopulse), str(target), "--file-size", args.file_size, "--engine", engine, "--block-size",
           block, "--random", "--write-percent", "100", "--queue-depth", "1", "--seed", "5",
           "--duration", f"{args.duration}s", *CONTENTS[content], "--json-output", str(out), "-q"]
    ticks = os.sysconf("SC_CLK_TCK")
    before = busy_jiffies()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    after = busy_jiffies()
    if proc.returncode != 0:
        sys.exit(f"content_cost: failed (exit {proc.returncode}): {shlex.join(cmd)}\n{proc.stderr.strip()}")
    j = json.loads(out.read_text())
    total = j["total"]
    window_s = j["window_ns"] / 1e9 if "window_ns" in j else args.duration
    own_cpu = j.get("cpu", {}).get("user_s", 0) + j.get("cpu", {}).get("system_s", 0)
    others = max(0.0, (after - before) / ticks - own_cpu) / max(window_s, 1e-9)
    return {"iops": total["iops"], "bw": total["bw_bytes_per_sec"], "bg_cpus": others, "cmd": cmd}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--iopulse", type=Path, default=REPO / "build" / "iopulse")
    ap.add_argument("--dir", default="/dev/shm/iopulse-content-cost")
    ap.add_argument("--file-size", default="256M")
    ap.add_argument("--duration", type=int, default=3)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--rows", default=",".join(ENGINES), help="comma-separated: sync, null, gen")
    args = ap.parse_args()
    if args.reps < 3:
        sys.exit("content_cost: --reps must be at least 3")
    Path(args.dir).mkdir(parents=True, exist_ok=True)
    rows = [r for r in args.rows.split(",") if r]
    cases = [(row, c) for row in rows for c in ENGINES[row][2]]
    # One untimed run per case first: it prepares the case's file (each content its own, so no
    # round refills one) and warms the page cache.
    for row, content in cases:
        engine, block, _ = ENGINES[row]
        subprocess.run([str(args.iopulse), str(Path(args.dir) / f"{row}-{content}.dat"), "--file-size",
                        args.file_size, "--engine", engine, "--block-size", block, "--write-percent", "100",
                        "--total-ops", "10", *CONTENTS[content], "-q"], check=True, stdout=subprocess.DEVNULL)
    results: dict[tuple[str, str], list[dict]] = {c: [] for c in cases}
    loads = []
    for rep in range(args.reps):
        loads.append(os.getloadavg()[0])
        for row, content in cases:
            engine, block, _ = ENGINES[row]
            results[(row, content)].append(run_case(args, row, engine, block, content))
    print(f"content_cost: {args.reps} interleaved rounds of {args.duration} s, 1 thread, QD 1, random writes; "
          f"{os.cpu_count()} CPUs; load average at round starts: {', '.join(f'{l:.2f}' for l in loads)}")
    print(f"{'case':26} {'IOPS':>12} {'MB/s':>10} {'vs unique':>10} {'(min-max)':>15} {'bg CPUs':>8}")
    for row, content in cases:
        runs = results[(row, content)]
        unique = results[(row, "unique")]
        ratios = [r["iops"] / u["iops"] for r, u in zip(runs, unique)]
        print(f"{row + '-' + content:26} {statistics.median(r['iops'] for r in runs):12.0f} "
              f"{statistics.median(r['bw'] for r in runs) / 1e6:10.1f} {statistics.median(ratios):10.3f} "
              f"{f'({min(ratios):.3f}-{max(ratios):.3f})':>15} "
              f"{statistics.median(r['bg_cpus'] for r in runs):8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
