// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The human summary printed at the end of a run: the engine, the measured
// window and why it ended, then read, write and total (read or write left
// out when it saw neither an IO nor an error; total always shown) with ops,
// IOPS, bandwidth, bytes, errors and latency (min, mean, max, stddev and
// p50/p90/p99/p99.9/p99.99), then CPU time and the first IO error texts.
// An interrupted run is marked INTERRUPTED at the top.
#ifndef IOPULSE_REPORT_TEXT_REPORT_H_
#define IOPULSE_REPORT_TEXT_REPORT_H_

#include <ostream>

#include "stats/run_result.h"

namespace iopulse {

void write_text_summary(std::ostream& out, const RunResult& result);

}  // namespace iopulse

#endif  // IOPULSE_REPORT_TEXT_REPORT_H_
