// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Human-readable numbers for reports and the live progress line: rates,
// sizes and times scaled to a unit that keeps about three significant digits
// ("123k", "1.23k", "4.71 GiB", "80.5 us").  A value that rounds up to the
// next unit moves to it ("1.00k", never "1000").  Integral values in the base
// unit print without decimals ("512 B", "7 ns").  Negative, NaN and infinite
// inputs print as plain numbers; they mean a bug upstream, not a format.
#ifndef IOPULSE_REPORT_UNITS_H_
#define IOPULSE_REPORT_UNITS_H_

#include <cstdint>
#include <string>

namespace iopulse {

// IOs per second with a decimal suffix: "950", "12.3k", "1.23M", "4.56G".
std::string format_iops(double iops);

// Bytes per second in binary units: "512 B/s", "1.50 KiB/s", "482 MiB/s",
// "2.34 GiB/s", "1.10 TiB/s".
std::string format_bandwidth(double bytes_per_sec);

// A byte count in binary units: "0 B", "512 B", "4.00 KiB", "4.71 GiB",
// up to PiB and EiB.
std::string format_bytes(uint64_t bytes);

// A latency given in nanoseconds: "0 ns", "850 ns", "12.3 us", "1.23 ms",
// "4.57 s"; seconds are the largest unit ("3600 s").
std::string format_latency_ns(double ns);

// An elapsed time: below a second as format_latency_ns ("250 ms"), then
// "12.34 s", "2m 03s", "1h 02m 03s" (truncated, never rounded up to "60s").
std::string format_duration_ns(uint64_t ns);

}  // namespace iopulse

#endif  // IOPULSE_REPORT_UNITS_H_
