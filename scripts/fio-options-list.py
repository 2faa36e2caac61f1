#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The IOPulse authors
"""Prints the list of fio's options that docs/fio-compatibility.md's option
table does not name, each with what IOPulse does with it.

Usage: scripts/fio-options-list.py IOPULSE FIO_SOURCE_DIR [DOC]

Reads every option name and alias from fio's options.c (`.name = "..."`,
`.alias = "..."`), leaves out those the option table of DOC (default
docs/fio-compatibility.md, the first column's `names`) already names, and
asks IOPULSE about each of the rest: `IOPULSE convert` on a one-job file
that sets the option.  It prints one Markdown paragraph of the refused ones
(the translation answered "not supported by IOPulse", or did not read the
line as an option) and, if any option was not refused, a line naming it:
the tables should then say what it does.
"""

import os
import re
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def fio_options(source):
    text = open(os.path.join(source, "options.c"), encoding="utf-8").read()
    return sorted(set(re.findall(r'\.(?:name|alias)\s*=\s*"([^"]+)"', text)))


def documented(doc):
    """The names in the first column of the structure table ("| fio |") and
    of the option table ("| fio option |")."""
    names = set()
    in_table = False
    for line in open(doc, encoding="utf-8"):
        if line.startswith("| fio option |") or line.startswith("| fio |"):
            in_table = True
            continue
        if in_table:
            if not line.startswith("|"):
                in_table = False
                continue
            names.update(re.findall(r"`([a-z_0-9-]+)", line.split("|")[1]))
    return names


def refused(iopulse, name, scratch):
    path = os.path.join(scratch, "job.fio")
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"[a]\nfilename={scratch}/data\nsize=1m\n{name}=1\n")
    r = subprocess.run([iopulse, "convert", path], capture_output=True, text=True)
    # Refused as an option IOPulse does not take, or (a name with "-", as
    # fio's hugepage-size) not read as an option at all.
    return r.returncode == 2 and (f"job.fio:4: {name}: not supported by IOPulse" in r.stderr or
                                  f"job.fio:4: '{name}=1' is not an option" in r.stderr)


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    iopulse, source = sys.argv[1], sys.argv[2]
    doc = sys.argv[3] if len(sys.argv) == 4 else os.path.join(REPO, "docs", "fio-compatibility.md")
    named = documented(doc)
    rest = [n for n in fio_options(source) if n not in named]
    with tempfile.TemporaryDirectory() as scratch:
        no = [n for n in rest if refused(iopulse, n, scratch)]
    others = [n for n in rest if n not in no]
    print(f"Refused ({len(no)} of fio's {len(fio_options(source))} option names and aliases; each is reported with "
          "its line, exit code 2): " + ", ".join(f"`{n}`" for n in no) + ".")
    if others:
        print("\nNot refused, and not in the table: " + ", ".join(f"`{n}`" for n in others))


if __name__ == "__main__":
    main()
