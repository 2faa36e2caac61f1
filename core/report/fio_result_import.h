// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// fio's JSON results (fio --output-format=json or json+) read as an IOPulse
// result document, so `iopulse report` puts a fio run beside IOPulse runs
// of the same job on one page, marked by tool.
//
// What is taken from fio's document, all jobs together:
//   read, write, total   total_ios, io_bytes, error counts (total_err),
//                        iops and bandwidth over the run's window
//   latency_ns           fio's lat_ns when it has percentiles
//                        (lat_percentiles=1: from submission, as IOPulse
//                        measures), else clat_ns; min, max and mean merged
//                        exactly; percentiles and the distribution from the
//                        json+ bins (fio's bins and IOPulse's histogram
//                        buckets are the same), else fio's own percentiles
//                        when there is one job, else none
//   window_ns            the longest runtime of each group of jobs
//                        (groupid), the groups one after the other; a
//                        job's runtime is its longest direction's (with
//                        group_reporting fio's job_runtime adds the clones'),
//                        the directions' added for a job that verifies
//                        (its verify reads come after its writes),
//                        job_runtime when it moved no data
//   engine, config       fio's ioengine and every job option
//   tool                 fio's version ("fio-3.33")
// No time series: fio's JSON has none.
#ifndef IOPULSE_REPORT_FIO_RESULT_IMPORT_H_
#define IOPULSE_REPORT_FIO_RESULT_IMPORT_H_

#include <nlohmann/json.hpp>

namespace iopulse {

// Whether `doc` is fio's JSON output: an object with "fio version" and "jobs".
bool is_fio_result(const nlohmann::json& doc);

// The IOPulse result document for fio's output `doc` (docs/json-output.md;
// the members the report reads).  Throws std::invalid_argument naming what
// is missing when `doc` has no job or a job without read and write objects.
nlohmann::json import_fio_result(const nlohmann::json& doc);

}  // namespace iopulse

#endif  // IOPULSE_REPORT_FIO_RESULT_IMPORT_H_
