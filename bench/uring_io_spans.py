#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The IOPulse authors
"""Where an io_uring IO's time goes, per IO, seen from outside the tool.

Runs one command (IOPulse or fio on an io_uring job, in a session of its
own) under `perf record -a` with the kernel's own tracepoints and user probes
on the tool, then follows every IO of the tool's IO thread through:

  start    with --start-probe, the tool's clock start for the IO, by a user
           probe placed where the tool reads it: IOPulse reads the clock just
           before it calls the engine's submit (probe: the plugin's
           uring_submit entry); fio reads it at the end of get_io_u (probe:
           get_io_u's return).  Without it (the default: a probe per IO
           slows the tool most), the submitting enter below
  enter    the io_uring_enter that submits it (syscalls:sys_enter_io_uring_enter
           around io_uring:io_uring_submit_req of its user_data)
  issue    block:block_rq_issue of its sector (the IO reaches the device)
  done     block:block_rq_complete of that sector (the device finished)
  posted   io_uring:io_uring_complete of its user_data (the CQE is posted:
           with DEFER_TASKRUN, when the thread runs its completion work
           inside an io_uring_enter with GETEVENTS)
  end      the tool's clock end, by a user probe: the first return of the
           tool's reap after `posted` (IOPulse: the plugin's uring_reap
           return, the worker reads the clock right after it; fio:
           td_io_getevents' return, init_icd reads the clock right after)

and prints the median of each span, the block layer's issue -> done among
them, over the IOs of the middle 80 % of the run, then counts the load does
not move: other IOs submitted within a span, completion work items run per
io_uring_local_work_run (in enters that submit and in those that only reap),
completions per reap.  IOs whose events are out of order (perf lost one when
its buffer ran over) are left out and counted.  The probes cost the tool
time, so absolute figures are a traced run's; the point is what each tool's
span covers and where the two differ.

Needs root (perf, uprobes).  Usage:
  bench/uring_io_spans.py --tool iopulse --plugin build/plugins/iopulse_io_uring.so -- build/iopulse JOB.fio ...
  bench/uring_io_spans.py --tool fio -- fio --iodepth_batch_complete_max=16 JOB.fio ...
Standard library only (and perf).
"""
import argparse
import bisect
import collections
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

KERNEL_EVENTS = [
    "block:block_rq_issue", "block:block_rq_complete",
    "io_uring:io_uring_submit_req", "io_uring:io_uring_complete", "io_uring:io_uring_local_work_run",
    "syscalls:sys_enter_io_uring_enter", "syscalls:sys_exit_io_uring_enter",
]


def probes_for(args):
    """(binary, [(perf probe spec, role)]) of the tool's clock reads."""
    if args.tool == "iopulse":
        specs = [("uring_reap%return", "end"), ("uring_submit", "start")]
    else:
        specs = [("td_io_getevents%return", "end"), ("get_io_u%return", "start")]
    # The start probe fires once per IO (the end probe once per reap) and
    # slows the tool most; without it the start is taken as the submitting
    # enter.
    return (args.plugin if args.tool == "iopulse" else args.fio_binary), specs[:2 if args.start_probe else 1]


def add_probes(binary, specs):
    subprocess.run(["perf", "probe", "-q", "-d", "probe_*:*"], capture_output=True)
    events = []
    for spec, role in specs:
        out = subprocess.run(["perf", "probe", "-x", binary, "-a", spec], capture_output=True, text=True)
        m = re.search(r"(probe_\w+:\w+)", out.stdout + out.stderr)
        if out.returncode != 0 or not m:
            sys.exit(f"perf probe -x {binary} {spec} failed: {out.stderr.strip()}")
        events.append((m.group(1), role))
    return events


LINE = re.compile(r"^\s*(?P<comm>.+?)\s+(?P<tid>\d+)\s+\[\d+\]\s+(?P<time>\d+\.\d+):\s+(?P<event>[\w:]+):\s*(?P<rest>.*)$")


def parse(script_text, roles):
    ev = collections.defaultdict(list)  # event -> [(t, tid, rest)]
    for line in script_text.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        name = m.group("event")
        t = float(m.group("time"))
        ev[roles.get(name, name)].append((t, int(m.group("tid")), m.group("rest")))
    return ev


def p50(xs):
    return statistics.median(xs) if xs else float("nan")


def analyse(ev, dev):
    subs = ev["io_uring:io_uring_submit_req"]
    if not subs:
        sys.exit("no io_uring submissions traced")
    tid = collections.Counter(s[1] for s in subs).most_common(1)[0][0]
    mine = lambda name: [e for e in ev[name] if e[1] == tid]
    starts = [e[0] for e in mine("start")] or None
    ends = [e[0] for e in mine("end")]
    enters = [e[0] for e in mine("syscalls:sys_enter_io_uring_enter")]
    if starts is None:
        starts = enters
    exits = [e[0] for e in mine("syscalls:sys_exit_io_uring_enter")]
    ud = re.compile(r"user_data 0x([0-9a-f]+)")
    rq = re.compile(r"^(\d+,\d+)\s+\S+\s+(?:\d+\s+)?\(.*?\)\s+(\d+)\s+\+\s+(\d+)")
    issues = [(t, rq.match(r)) for t, i, r in ev["block:block_rq_issue"] if i == tid]
    issues = [(t, int(m.group(2))) for t, m in issues if m and m.group(1) == dev]
    issue_times = [t for t, _ in issues]
    done_by_sector = collections.defaultdict(list)
    for t, _, r in ev["block:block_rq_complete"]:
        m = rq.match(r)
        if m and m.group(1) == dev:
            done_by_sector[int(m.group(2))].append(t)
    posted_by_ud = collections.defaultdict(list)
    for t, _, r in mine("io_uring:io_uring_complete"):
        posted_by_ud[ud.search(r).group(1)].append(t)
    for v in done_by_sector.values():
        v.sort()

    def first_after(times, t):
        i = bisect.bisect_right(times, t)
        return times[i] if i < len(times) else None

    def last_before(times, t):
        i = bisect.bisect_left(times, t)
        return times[i - 1] if i > 0 else None

    subs_by_ud = collections.defaultdict(list)
    for t, i, r in subs:
        if i == tid:
            subs_by_ud[ud.search(r).group(1)].append(t)
    rows = []
    inconsistent = 0
    t_sub = [s[0] for s in subs if s[1] == tid]
    lo = t_sub[0] + 0.1 * (t_sub[-1] - t_sub[0])
    hi = t_sub[0] + 0.9 * (t_sub[-1] - t_sub[0])
    for t, i, r in subs:
        if i != tid or not lo <= t <= hi:
            continue
        u = ud.search(r).group(1)
        start = last_before(starts, t)
        enter = last_before(enters, t)
        leave = first_after(exits, t)
        j = bisect.bisect_right(issue_times, t)
        if j >= len(issues) or leave is None or issues[j][0] > leave:
            continue  # no block request in the same enter (not a device IO)
        issue, sector = issues[j]
        done = first_after(done_by_sector.get(sector, []), issue)
        posted = first_after(posted_by_ud.get(u, []), t)
        if None in (start, enter, done, posted):
            continue
        end = first_after(ends, posted)
        posted_exit = first_after(exits, posted)
        if end is None or posted_exit is None:
            continue
        if not issue < done <= posted <= end:
            inconsistent += 1  # an event perf lost (its buffer ran over): not this IO's
            continue
        # The slot's next IO (the same user_data: IOPulse's slot index,
        # fio's io_u) and when the tool started its clock.
        resubmit = first_after(subs_by_ud[u], end)
        restart = last_before(starts, resubmit) if resubmit is not None else None
        if restart is None or restart < end:
            continue
        rows.append(dict(start=start, enter=enter, issue=issue, done=done, posted=posted,
                         posted_exit=posted_exit, end=end, restart=restart))
    us = lambda a, b: [(r[b] - r[a]) * 1e6 for r in rows]
    spans = [
        ("start -> enter (tool's clock before the submitting io_uring_enter)", us("start", "enter")),
        ("enter -> issue (kernel submission to the device)", us("enter", "issue")),
        ("issue -> done (block layer: the device)", us("issue", "done")),
        ("done -> posted (completion work waits to run)", us("done", "posted")),
        ("posted -> its enter returns", us("posted", "posted_exit")),
        ("posted -> end (the tool's reap returns)", us("posted", "end")),
        ("start -> end (the tool's latency, from outside)", us("start", "end")),
        ("enter -> end", us("enter", "end")),
        ("done -> end (the device finished -> the tool's clock ends)", us("done", "end")),
        ("end -> the slot's next start (the slot in the host, outside both)", us("end", "restart")),
    ]
    # Where completions are posted: in an enter that also submitted (the
    # submit's GETEVENTS) or in one that submitted nothing (a reap).
    submit_enters = set(last_before(enters, s) for s in t_sub)
    in_submit = sum(1 for r in rows if last_before(enters, r["posted"]) in submit_enters)
    # The same spans counted in the thread's own submissions (load moves
    # the times, not these counts): submissions of other IOs between the
    # two points.
    def submissions(a, b):
        return [bisect.bisect_left(t_sub, r[b]) - bisect.bisect_right(t_sub, r[a]) for r in rows]
    counts = [
        ("other IOs submitted, done -> end", submissions("done", "end")),
        ("other IOs submitted, start -> end", submissions("start", "end")),
        ("other IOs submitted, end -> the slot's next start", submissions("end", "restart")),
    ]
    # Completion work items run per run, in enters that submitted and in
    # those that did not (a reap's).
    runs = {"submitting": [], "not submitting": []}
    cnt = re.compile(r"count (\d+)")
    for t, _, r in mine("io_uring:io_uring_local_work_run"):
        kind = "submitting" if last_before(enters, t) in submit_enters else "not submitting"
        runs[kind].append(int(cnt.search(r).group(1)))
    for kind, xs in runs.items():
        counts.append((f"completion work items per run, in enters {kind}", xs))
    # Completions per reap that returned some (the IOs sharing one end).
    per_reap = list(collections.Counter(r["end"] for r in rows).values())
    counts.append(("completions per reap (not other IOs)", per_reap))
    run_s = t_sub[-1] - t_sub[0]
    counts.append(("IOs left out: their events out of order (lost by perf)", [inconsistent]))
    return tid, len(rows), spans, counts, in_submit, len(enters) / max(1, len(t_sub)), len(t_sub) / run_s if run_s else 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tool", choices=["iopulse", "fio"], required=True)
    p.add_argument("--plugin", default="build/plugins/iopulse_io_uring.so", help="IOPulse's io_uring plugin")
    p.add_argument("--fio-binary", default="/usr/bin/fio")
    p.add_argument("--dev", default=None, help="major,minor of the disk (default: vda's)")
    p.add_argument("--keep", help="keep perf.data here")
    p.add_argument("--start-probe", action="store_true",
                   help="also probe where the tool starts an IO's clock (once per IO: slows the tool); "
                        "without it the start is the submitting io_uring_enter")
    p.add_argument("command", nargs=argparse.REMAINDER)
    args = p.parse_args()
    cmd = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not cmd:
        sys.exit("no command given")
    dev = args.dev
    if dev is None:
        with open("/sys/block/vda/dev") as f:
            dev = f.read().strip().replace(":", ",")
    binary, specs = probes_for(args)
    probe_events = add_probes(os.path.abspath(binary), specs)
    roles = {name: role for name, role in probe_events}
    # perf.data in memory: written to the disk under test it would be IO
    # of its own on the device being measured.
    with tempfile.TemporaryDirectory(dir="/dev/shm" if os.path.isdir("/dev/shm") else None) as tmp:
        data = args.keep or os.path.join(tmp, "perf.data")
        rec = ["perf", "record", "-q", "-a", "-o", data, "-m", "64M"]
        for e in KERNEL_EVENTS + [n for n, _ in probe_events]:
            rec += ["-e", e]
        # The command in a session of its own (as fio_job_parity.py runs it):
        # with autogroup scheduling it then does not share a CPU share with
        # perf, which runs in this session.
        tool = subprocess.run(rec + ["--", "setsid", "--wait"] + cmd, capture_output=True, text=True)
        subprocess.run(["perf", "probe", "-q", "-d", "probe_*:*"], capture_output=True)
        if tool.returncode != 0:
            sys.exit(f"the command failed: {tool.stderr.strip()[-2000:]}")
        text = subprocess.run(["perf", "script", "--ns", "-i", data, "-F", "comm,tid,cpu,time,event,trace"],
                              capture_output=True, text=True).stdout
    ev = parse(text, roles)
    tid, n, spans, counts, in_submit, enters_per_io, iops = analyse(ev, dev)
    print(f"{args.tool}: IO thread {tid}, {n} IOs followed (middle 80 %), {iops:.0f} IOs/s traced, "
          f"{enters_per_io:.3f} io_uring_enter per IO, "
          f"{100.0 * in_submit / max(1, n):.1f} % of CQEs posted in an enter that submitted")
    for name, xs in spans:
        print(f"  {name:72s} p50 {p50(xs):8.1f} us  mean {statistics.fmean(xs) if xs else float('nan'):8.1f} us")
    for name, xs in counts:
        print(f"  {name:76s} p50 {p50(xs):8.1f}     mean {statistics.fmean(xs) if xs else float('nan'):8.2f}")
    out = tool.stdout
    try:
        doc = json.loads(out[out.index("{"):])
        for job in doc["jobs"]:
            for ddir in ("read", "write"):
                d = job[ddir]
                if d["total_ios"] == 0:
                    continue
                said = ", ".join(f"{k} p50 {d[k]['percentile']['50.000000'] / 1e3:.1f} us mean {d[k]['mean'] / 1e3:.1f} us"
                                 for k in ("lat_ns", "clat_ns") if "percentile" in d.get(k, {}))
                print(f"  the tool says ({ddir}): {d['iops']:.0f} IOPS, {said}")
    except (ValueError, KeyError) as e:
        print(f"  (no fio JSON from the tool: {e})")


if __name__ == "__main__":
    main()
