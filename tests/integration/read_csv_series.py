#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The IOPulse authors
"""Reads an IOPulse CSV time series the way users do, with Python's csv
module (strict) and with pandas (default settings), and prints what each
found as one JSON object:

  {"header": [...], "widths": [fields of each record],
   "csv": [[worker, index, phase, read_ops, write_ops, sync_ops,
            write_lat_p99_ns], ...],
   "pandas": the same rows as pandas read them (a missing value as ""),
   "pandas_columns": n}

Used by tests/integration/time_series_test.cc as an observer independent of
IOPulse's own writer."""
import csv
import json
import math
import sys

import pandas

FIELDS = ["worker", "index", "phase", "read_ops", "write_ops", "sync_ops", "write_lat_p99_ns"]
path = sys.argv[1]
with open(path, newline="") as f:
    records = list(csv.reader(f, strict=True))
header = records[0]
col = {name: i for i, name in enumerate(header)}
out = {"header": header, "widths": [len(r) for r in records],
       "csv": [[r[col[name]] for name in FIELDS] for r in records[1:]]}


def text(value):
    if isinstance(value, float):
        return "" if math.isnan(value) else str(int(value)) if value == int(value) else str(value)
    return str(value)


frame = pandas.read_csv(path, dtype={"phase": str, "worker": str})
out["pandas_columns"] = len(frame.columns)
out["pandas"] = [[text(row[name]) for name in FIELDS] for _, row in frame.iterrows()]
print(json.dumps(out))
