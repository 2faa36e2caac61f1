#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The IOPulse authors
"""Benchmarks of IOPulse's host itself: scaling across threads, start-up, memory over time.

Cases (see bench/README.md):
  scaling-null   null engine, QD 1: --threads 2 against --threads 1, interleaved;
                 target: 2 threads reach >= 1.9x the IOPS of one
  scaling-sync   sync engine, 4k random pread of a 1 GiB file in the page cache, QD 1, the same
  startup        a one-IO null run, repeated: the start-up time the results report (process
                 start to first IO, preparation excluded) and the same span seen from outside
                 (this script's CLOCK_MONOTONIC before it starts the process, against the
                 first IO's CLOCK_MONOTONIC time in the results); target < 50 ms
  rss            one long run (--rss-duration, default 600 s) with the time series streamed to a
                 file; the process's resident memory sampled every second; target: flat (what
                 the second half of the run adds is below 1 MiB)

Standard library only.  With --check the exit status is 1 when a case misses its target.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FILE_SIZE = "1G"
FILE_BYTES = 1 << 30

SCALING = {
    "scaling-null": ("null.dat", ["--engine", "null", "--queue-depth", "1", "--random"], False),
    "scaling-sync": ("cached.dat", ["--engine", "sync", "--queue-depth", "1", "--random"], True),
}
SCALING_TARGET = 1.9
STARTUP_TARGET_MS = 50.0
RSS_GROWTH_TARGET = 1 << 20
ALL_CASES = [*SCALING, "startup", "rss"]


def run(cmd: list[str]) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        sys.exit(f"host_bench: command failed (exit {proc.returncode}):\n  {shlex.join(cmd)}\n"
                 f"{proc.stderr.strip() or proc.stdout.strip()}")
    return proc


def prepare(args, name: str) -> Path:
    """The 1 GiB data file with real data (iopulse's own preparation), read into the page cache."""
    path = Path(args.dir) / name
    if not (path.exists() and path.stat().st_size == FILE_BYTES and
            path.stat().st_blocks * 512 >= FILE_BYTES):
        print(f"preparing {path} ({FILE_SIZE} of real data) with iopulse ...", file=sys.stderr)
        run([str(args.iopulse), str(path), "--file-size", FILE_SIZE, "--engine", "sync",
             "--total-bytes", "4k", "-q"])
    subprocess.run(["cat", str(path)], check=True, stdout=subprocess.DEVNULL)
    return path


def iopulse_json(args, target: Path, extra: list[str], name: str) -> tuple[dict, list[str]]:
    out = Path(args.dir) / f"{name}.json"
    if out.exists():
        out.unlink()
    cmd = [str(args.iopulse), str(target), "--file-size", FILE_SIZE, "--block-size", "4k", *extra,
           "--json-output", str(out), "-q"]
    run(cmd)
    return json.loads(out.read_text()), cmd


def scaling_case(args, name: str, log) -> dict:
    file, extra, cached = SCALING[name]
    target = Path(args.dir) / file
    reps, commands = [], {}
    for rep in range(1, args.reps + 1):
        if cached:
            target = prepare(args, file)
        row = {"rep": rep}
        for threads in (1, 2):
            doc, cmd = iopulse_json(args, target, [*extra, "--threads", str(threads),
                                                   "--duration", f"{args.duration}s"],
                                    f"{name}.t{threads}")
            commands.setdefault(f"threads_{threads}", shlex.join(cmd))
            row[f"iops_{threads}"] = doc["total"]["iops"]
        row["scaling"] = row["iops_2"] / row["iops_1"]
        reps.append(row)
        log(f"  {name} rep {rep}/{args.reps}: 1 thread {row['iops_1']:,.0f}  2 threads "
            f"{row['iops_2']:,.0f}  x{row['scaling']:.2f}")
    med = statistics.median
    summary = {"iops_1": med(r["iops_1"] for r in reps), "iops_2": med(r["iops_2"] for r in reps),
               "scaling": med(r["scaling"] for r in reps),
               "scaling_min": min(r["scaling"] for r in reps),
               "scaling_max": max(r["scaling"] for r in reps)}
    summary["meets_target"] = summary["scaling"] >= SCALING_TARGET
    return {"target": f">= {SCALING_TARGET}x", "commands": commands, "reps": reps,
            "summary": summary}


def startup_case(args, log) -> dict:
    target = Path(args.dir) / "null.dat"
    reps, command = [], ""
    for rep in range(1, args.startup_reps + 1):
        out = Path(args.dir) / "startup.json"
        if out.exists():
            out.unlink()
        cmd = [str(args.iopulse), str(target), "--engine", "null", "--file-size", FILE_SIZE,
               "--total-ops", "1", "--json-output", str(out), "-q"]
        command = shlex.join(cmd)
        spawned = time.monotonic_ns()  # CLOCK_MONOTONIC, the clock of the results
        run(cmd)
        exited = time.monotonic_ns()
        doc = json.loads(out.read_text())
        s = doc.get("startup")
        if s is None:
            # An iopulse that does not report its start-up: the whole one-IO run, start to
            # exit (results written included), is an upper bound.
            row = {"rep": rep, "reported_ms": float("nan"), "outside_ms": (exited - spawned) / 1e6,
                   "loader_ms": float("nan")}
        else:
            row = {"rep": rep, "reported_ms": s["to_first_io_ns"] / 1e6,
                   "outside_ms": (s["first_io_monotonic_ns"] - spawned) / 1e6,
                   "loader_ms": (s["process_started_monotonic_ns"] - spawned) / 1e6}
        reps.append(row)
        log(f"  startup rep {rep}/{args.startup_reps}: reported {row['reported_ms']:.1f} ms, from "
            f"outside {row['outside_ms']:.1f} ms (exec and loader {row['loader_ms']:.1f} ms)"
            + ("" if s is not None else "; no start-up in the results: start to exit"))
    med = statistics.median
    summary = {k: med(r[k] for r in reps) for k in ("reported_ms", "outside_ms", "loader_ms")}
    summary["outside_ms_max"] = max(r["outside_ms"] for r in reps)
    summary["meets_target"] = summary["outside_ms"] < STARTUP_TARGET_MS
    return {"target": f"< {STARTUP_TARGET_MS:g} ms", "commands": {"iopulse": command},
            "reps": reps, "summary": summary}


def rss_kib(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def rss_case(args, log) -> dict:
    target = Path(args.dir) / "null.dat"
    out = Path(args.dir) / "rss.json"
    series = Path(args.dir) / "rss.timeseries.jsonl"
    cmd = [str(args.iopulse), str(target), "--engine", "null", "--file-size", FILE_SIZE,
           "--queue-depth", "1", "--random", "--duration", f"{args.rss_duration}s",
           "--stats-interval", args.rss_interval, "--timeseries-output", str(series),
           "--json-output", str(out), "-q"]
    log(f"  rss: {args.rss_duration} s run, RSS sampled every second")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    t0 = time.monotonic()
    samples = []
    while proc.poll() is None:
        kib = rss_kib(proc.pid)
        if kib is not None:
            samples.append((round(time.monotonic() - t0, 1), kib))
        time.sleep(1.0)
    if proc.returncode != 0:
        sys.exit(f"host_bench: rss run failed: {proc.stderr.read().strip()}")
    doc = json.loads(out.read_text())
    lines = sum(1 for _ in series.open())
    # The run proper: after the first second (start-up) and before the last (teardown).
    run_samples = [kib for t, kib in samples if 1.0 <= t <= args.rss_duration - 1.0] or \
        [kib for _, kib in samples]
    half = len(run_samples) // 2
    summary = {
        "samples": len(samples),
        "rss_first_kib": run_samples[0],
        "rss_mid_kib": run_samples[half],
        "rss_last_kib": run_samples[-1],
        "rss_max_kib": max(run_samples),
        "second_half_growth_bytes": (max(run_samples[half:]) - run_samples[half]) * 1024,
        "timeseries_lines": lines,
        "ops": doc["total"]["ops"],
    }
    summary["meets_target"] = summary["second_half_growth_bytes"] < RSS_GROWTH_TARGET
    log(f"  rss: first {summary['rss_first_kib']} KiB, middle {summary['rss_mid_kib']} KiB, last "
        f"{summary['rss_last_kib']} KiB, max {summary['rss_max_kib']} KiB; "
        f"{lines} time-series lines")
    return {"target": "second half adds < 1 MiB", "commands": {"iopulse": shlex.join(cmd)},
            "samples_kib": samples, "summary": summary}


def print_report(results: dict, markdown: bool) -> None:
    m = results["machine"]
    lines = []
    if markdown:
        lines.append(f"Measured {m['date']} on {m['nproc']} CPUs, kernel {m['kernel']}, "
                     f"{m['iopulse']}; load average {m['loadavg_start'][0]:.2f} at the start.\n")
        lines.append("| case | result | min-max | target | met |")
        lines.append("|---|---|---|---|:-:|")
    for name, res in results["cases"].items():
        s = res["summary"]
        if name in SCALING:
            text = (f"1 thread {s['iops_1']:,.0f} IOPS, 2 threads {s['iops_2']:,.0f} IOPS: "
                    f"x{s['scaling']:.2f}")
            spread = f"{s['scaling_min']:.2f}-{s['scaling_max']:.2f}"
        elif name == "startup":
            text = (f"reported {s['reported_ms']:.1f} ms, from outside {s['outside_ms']:.1f} ms "
                    f"(exec and loader {s['loader_ms']:.1f} ms)")
            spread = f"max {s['outside_ms_max']:.1f} ms"
        else:
            text = (f"RSS {s['rss_first_kib']} -> {s['rss_mid_kib']} -> {s['rss_last_kib']} KiB "
                    f"(max {s['rss_max_kib']}), {s['timeseries_lines']} intervals")
            spread = f"+{s['second_half_growth_bytes'] / 1024:.0f} KiB in the 2nd half"
        ok = "yes" if s["meets_target"] else ("**no**" if markdown else "NO")
        if markdown:
            lines.append(f"| {name} | {text} | {spread} | {res['target']} | {ok} |")
        else:
            lines.append(f"{name:<14} {text}  [{spread}]  target {res['target']}: {ok}")
    if markdown:
        lines.append("\nCommands:\n\n```")
        for name, res in results["cases"].items():
            lines.append(f"# {name}")
            lines.extend(res["commands"].values())
        lines.append("```")
    print("\n".join(lines))


def main() -> int:
    p = argparse.ArgumentParser(description="Benchmarks of IOPulse's host: scaling, start-up, memory.")
    p.add_argument("--iopulse", type=Path, default=REPO / "build" / "iopulse")
    p.add_argument("--dir", default="/tmp/iopulse-bench", help="directory for data files")
    p.add_argument("--duration", type=int, default=3, help="seconds per scaling run (default 3)")
    p.add_argument("--reps", type=int, default=3, help="repetitions of the scaling cases (default 3)")
    p.add_argument("--startup-reps", type=int, default=10, help="start-up runs (default 10)")
    p.add_argument("--rss-duration", type=int, default=600,
                   help="seconds of the rss case's run (default 600)")
    p.add_argument("--rss-interval", default="1s", help="stats interval of the rss run (default 1s)")
    p.add_argument("--cases", help=f"comma-separated, from {', '.join(ALL_CASES)} "
                                   "(default: all but rss)")
    p.add_argument("--json", type=Path, help="also write every raw number to this file")
    p.add_argument("--markdown", action="store_true", help="print a Markdown table")
    p.add_argument("--check", action="store_true", help="exit 1 when a case misses its target")
    p.add_argument("-q", "--quiet", action="store_true", help="no per-repetition lines")
    args = p.parse_args()
    names = [n.strip() for n in args.cases.split(",")] if args.cases else [*SCALING, "startup"]
    unknown = [n for n in names if n not in ALL_CASES]
    if unknown:
        p.error(f"unknown case(s) {', '.join(unknown)}; known: {', '.join(ALL_CASES)}")
    if args.duration < 1 or args.reps < 1 or args.startup_reps < 1 or args.rss_duration < 4:
        p.error("--duration, --reps and --startup-reps must be at least 1, --rss-duration at least 4")
    if not os.access(args.iopulse, os.X_OK):
        p.error(f"--iopulse {args.iopulse} is not an executable (build it first)")
    os.makedirs(args.dir, exist_ok=True)

    def log(msg: str) -> None:
        if not args.quiet:
            print(msg, file=sys.stderr, flush=True)

    version = subprocess.run([str(args.iopulse), "--version"], capture_output=True,
                             text=True).stdout.strip().splitlines()[:1]
    results = {"machine": {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(), "kernel": platform.release(),
        "iopulse": version[0] if version else "?", "loadavg_start": os.getloadavg()},
        "cases": {}}
    if results["machine"]["loadavg_start"][0] > 0.5:
        log(f"warning: load average is {results['machine']['loadavg_start'][0]:.2f}; "
            "scaling needs both CPUs idle")
    for name in names:
        if name in SCALING:
            results["cases"][name] = scaling_case(args, name, log)
        elif name == "startup":
            results["cases"][name] = startup_case(args, log)
        else:
            results["cases"][name] = rss_case(args, log)
    results["machine"]["loadavg_end"] = os.getloadavg()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    print_report(results, args.markdown)
    missed = [n for n, r in results["cases"].items() if not r["summary"]["meets_target"]]
    if args.check and missed:
        print(f"below target: {', '.join(missed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
