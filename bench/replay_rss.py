#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The IOPulse authors
"""Peak memory of a replay of a large trace, measured from outside.

Writes a synthetic IOPulse iolog of --size bytes (default 2 GiB: about 45
million 4 KiB reads over a 1 GiB target, docs/replay.md has the format),
replays it as fast as possible on the null engine under /usr/bin/time -v and
checks the kernel's "Maximum resident set size" against --limit-mib (64).
Exit 0 when below, 1 when not.  The trace is streamed, so the peak stays
near the host's own baseline whatever the trace's size.

    python3 bench/replay_rss.py --iopulse build/iopulse [--size 2G] [--dir /tmp]
"""
import argparse
import json
import os
import re
import struct
import subprocess
import sys
import tempfile

RECORD = struct.Struct("<QQQqIIIB3x")  # issue_ns offset latency_ns result len file worker op


def header(target, target_size):
    path = target.encode()
    files = struct.pack("<QI", target_size, len(path)) + path
    files += b"\0" * ((8 - len(files) % 8) % 8)
    fixed = b"IOPIOLOG" + struct.pack("<IIIIIIQ", 1, 40 + len(files), RECORD.size, 1, 1, 0, 0)
    return fixed + files


def write_trace(path, target, size):
    target_size = 1 << 30
    records = size // RECORD.size
    per_chunk = 65536
    with open(path, "wb") as out:
        out.write(header(target, target_size))
        done = 0
        while done < records:
            n = min(per_chunk, records - done)
            out.write(b"".join(RECORD.pack(done + i, ((done + i) * 4096) % target_size, 1000, 4096, 4096, 0, 0, 0)
                               for i in range(n)))
            done += n
    return records


def parse_size(text):
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    if text[-1].lower() in units:
        return int(text[:-1]) * units[text[-1].lower()]
    return int(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--iopulse", default="build/iopulse")
    ap.add_argument("--size", default="2G", help="trace size (default 2G)")
    ap.add_argument("--limit-mib", type=float, default=64)
    ap.add_argument("--dir", default=None, help="where the trace is written (default: a temporary directory)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        trace = os.path.join(tmp, "big.iolog")
        target = os.path.join(tmp, "target")
        records = write_trace(trace, target, parse_size(args.size))
        out_json = os.path.join(tmp, "out.json")
        cmd = ["/usr/bin/time", "-v", args.iopulse, target, "--engine", "null", "--file-size", "1G",
               "--replay", trace, "--replay-speed", "max", "--json-output", out_json, "-q"]
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode != 0:
            print(run.stderr, file=sys.stderr)
            return 1
        rss_kib = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr).group(1))
        ops = json.load(open(out_json))["read"]["ops"]
        trace_mib = os.path.getsize(trace) / (1 << 20)
        print(f"trace {trace_mib:.0f} MiB, {records} IOs, replayed {ops}; peak RSS {rss_kib / 1024:.1f} MiB "
              f"(limit {args.limit_mib:.0f} MiB)")
        if ops != records:
            print("not every IO of the trace was replayed", file=sys.stderr)
            return 1
        return 0 if rss_kib < args.limit_mib * 1024 else 1


if __name__ == "__main__":
    sys.exit(main())
