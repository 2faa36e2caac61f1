// The clock of the measurement: CLOCK_MONOTONIC in nanoseconds, read through
// the vDSO (no system call).  Workers read it once per submit batch and once
// per reap batch, never per IO.
#ifndef IOPULSE_RUN_MONOTONIC_CLOCK_H_
#define IOPULSE_RUN_MONOTONIC_CLOCK_H_

#include <time.h>

#include <cstdint>

namespace iopulse {

inline uint64_t monotonic_now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ULL + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace iopulse

#endif  // IOPULSE_RUN_MONOTONIC_CLOCK_H_
