// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The latency percentiles every report shows, with the key each is printed
// and stored under ("p99.9" in text, "99.9" in JSON).  One list, so the text
// summary, the JSON and the live line never disagree.
#ifndef IOPULSE_REPORT_PERCENTILES_H_
#define IOPULSE_REPORT_PERCENTILES_H_

#include <string_view>

namespace iopulse {

struct ReportedPercentile {
  std::string_view key;  // decimal text of p, e.g. "99.9"
  double p;              // in (0, 100]
};

inline constexpr ReportedPercentile kReportedPercentiles[] = {
    {"50", 50.0}, {"90", 90.0}, {"99", 99.0}, {"99.9", 99.9}, {"99.99", 99.99}};

}  // namespace iopulse

#endif  // IOPULSE_REPORT_PERCENTILES_H_
