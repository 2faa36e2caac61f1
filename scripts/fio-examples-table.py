#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The IOPulse authors
"""Prints the table of fio's example job files in docs/fio-compatibility.md.

Usage: scripts/fio-examples-table.py IOPULSE FIO_EXAMPLES_DIR

Runs `IOPULSE convert` on every *.fio in FIO_EXAMPLES_DIR (fio's repository's
examples/) and prints one Markdown row per file: "translated" when no option
is refused, else "refused" and what IOPulse refused, in the order the
translation reported it (and a target IOPulse cannot work on, such as a
character device, from a --dry-run of the translated file).  A file whose
jobs take the size of a device or file this machine lacks (/dev/fioa) is
judged with a sparse stand-in file in its place: fio would refuse it here
too.  A value the file leaves to the environment
(${VAR} unset) is given a plausible value of its kind first, so that the
option is judged on its own.
"""
import os
import re
import subprocess
import sys
import tempfile

# (pattern on "KEY: message", what the table says); the first match wins.
PHRASES = [
    (re.compile(r"^ioengine: engine .* differs from"), "jobs with different engines"),
    (re.compile(r"^time_based: time_based needs runtime"), "time_based without runtime"),
    (re.compile(r"^job '.*': no size, filesize"), "no size"),
    (re.compile(r"^filename: no size or filesize"), "no size"),
    (re.compile(r"^ioengine: '([^']+)' is neither"), r"`ioengine=\1`"),
    (re.compile(r"^rw: .*offset modifier"), "rw offset modifier"),
    (re.compile(r"^rw: .*\(rw=(\w+)\)"), r"`rw=\1`"),
    (re.compile(r"^(?:bs|blocksize): .*rw=trimwrite with a write size"), "`rw=trimwrite` with write and trim sizes that differ"),
    (re.compile(r"^verify: .*read-back pass"), "`verify` with fio's read-back pass (`do_verify=1`)"),
    (re.compile(r"^size: .*percentage"), "`size` as a percentage"),
    (re.compile(r"^([a-z_0-9]+): '([^']*)' is not accepted"), r"`\1=\2`"),
    (re.compile(r"^([a-z_0-9]+): "), r"`\1`"),
]


def plausible(var):
    """A value for an unset ${VAR} of the kind its name says, so that the
    option holding it is judged on its own."""
    name = var.upper()
    if "RW" in name:
        return "randread"
    if "BS" in name or "SIZE" in name:
        return "4k"
    if "DEPTH" in name or "JOBS" in name or "NUM" in name:
        return "1"
    if "DIR" in name or "PATH" in name:
        return "/tmp"
    return "x"


def convert(iopulse, path):
    """`iopulse convert` on `path`, with every ${VAR} the file leaves unset
    given a plausible value."""
    env = dict(os.environ)
    for _ in range(4):
        r = subprocess.run([iopulse, "convert", os.path.basename(path)], cwd=os.path.dirname(path),
                           capture_output=True, text=True, env=env)
        unset = re.findall(r"the environment variable (\w+) is not set", r.stderr)
        if not unset:
            return r, env
        for var in unset:
            env[var] = plausible(var)
    return r, env


def target_refusals(iopulse, path, env):
    """What a translated file's targets are refused for (a character device
    such as /dev/null), from `iopulse FILE --dry-run`, which plans the files
    and touches nothing; a file or directory the file leaves to the machine
    is not judged here."""
    with tempfile.TemporaryDirectory() as cwd:
        r = subprocess.run([os.path.abspath(iopulse), os.path.abspath(path), "--dry-run"], cwd=cwd,
                           capture_output=True, text=True, env=env)
    m = re.search(r"target '([^']*)' is neither a regular file nor a block device", r.stderr)
    return [f"a character device as `filename` (`{m.group(1)}`)"] if m else []


MISSING_TARGET = re.compile(r"no size or filesize, and '([^']+)' is no existing file or device")


def with_stand_ins(iopulse, path):
    """A file meant for a device or file this machine lacks (`/dev/fioa`),
    whose jobs take its size: the targets it names and IOPulse found
    missing, and the refusals of the same file naming a sparse 1 GiB
    stand-in file for each instead (None when nothing was missing)."""
    r, _ = convert(iopulse, path)
    missing = sorted(set(MISSING_TARGET.findall(r.stderr)))
    if not missing:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        stand_ins = {}
        for i, target in enumerate(missing):
            stand_ins[target] = os.path.join(tmp, f"stand-in-{i}")
            with open(stand_ins[target], "wb") as f:
                f.truncate(1 << 30)
        # Only whole names in filename= lines (not comments, not longer names).
        lines, replaced = [], False
        with open(path) as f:
            for line in f:
                m = re.match(r"^(\s*filename\s*=\s*)(.*?)(\s*)$", line)
                if m:
                    names = [stand_ins.get(n, n) for n in m.group(2).split(":")]
                    replaced |= names != m.group(2).split(":")
                    line = m.group(1) + ":".join(names) + m.group(3)
                lines.append(line)
        if not replaced:  # the name comes from elsewhere (a directory= prefix)
            return None
        text = "".join(lines)
        copy = os.path.join(tmp, os.path.basename(path))
        with open(copy, "w") as f:
            f.write(text)
        return missing, refusals(iopulse, copy)


def refusals(iopulse, path):
    r, env = convert(iopulse, path)
    if r.returncode == 0:
        return target_refusals(iopulse, path, env)
    said = []
    lines = r.stderr.splitlines()
    problems = [re.sub(r"^  [^:]+:\d+: ", "", line) for line in lines[1:] if line.startswith("  ")]
    if not problems:  # one refusal on the first line
        problems = [re.sub(r"^iopulse: error: (?:[^:]+: )?", "", lines[0])] if lines else ["?"]
    for problem in problems:
        for pattern, phrase in PHRASES:
            m = pattern.search(problem)
            if m:
                text = m.expand(phrase)
                if text not in said:
                    said.append(text)
                break
        else:
            said.append(problem)
    return said


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    iopulse, examples = sys.argv[1], sys.argv[2]
    print("| example | status | what IOPulse refuses |")
    print("|---------|--------|----------------------|")
    for name in sorted(f for f in os.listdir(examples) if f.endswith(".fio")):
        said = refusals(iopulse, os.path.join(examples, name))
        stand_ins = with_stand_ins(iopulse, os.path.join(examples, name))
        if stand_ins is not None:
            missing, said = stand_ins
            where = " and ".join(f"`{t}`" for t in missing)
            if not said:
                print(f"| `{name}` | translated | where {where} exists (its size is the jobs'; checked with a "
                      f"stand-in file) |")
                continue
        if not said:
            print(f"| `{name}` | translated | |")
        else:
            print(f"| `{name}` | refused | {', '.join(said)} |")


if __name__ == "__main__":
    main()
