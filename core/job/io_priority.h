// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The text forms of an IO priority (--io-priority CLASS[:LEVEL], as
// ioprio_set(2) and ionice name them) and of per-IO flags (--io-flags
// fua,dsync,hipri,nowait), parsed once into the engine ABI's encodings
// (IOP_IOPRIO_VALUE, IOP_IO_*) and written back for the results.
//
//   class  rt (real-time), be (best effort), idle
//   level  0 (highest) .. 7 (lowest); default 4 for rt and be (the kernel's
//          default level), none for idle (the kernel ignores it: 0, and
//          idle:N is refused)
//   flags  fua and dsync apply to writes only, hipri and nowait to reads
//          and writes
#ifndef IOPULSE_JOB_IO_PRIORITY_H_
#define IOPULSE_JOB_IO_PRIORITY_H_

#include <cstdint>
#include <string>

namespace iopulse {

// "be:2" -> IOP_IOPRIO_VALUE(BE, 2).  Throws UsageError naming `label`, the
// text and what is accepted.
uint16_t parse_io_priority(const std::string& label, const std::string& text);
// "be:2", "idle"; "" for 0.
std::string io_priority_text(uint16_t prio);

// "dsync,nowait" -> IOP_IO_DSYNC | IOP_IO_NOWAIT.  Throws UsageError.
uint32_t parse_io_flags(const std::string& label, const std::string& text);
// "dsync,nowait" in bit order; "" for 0.
std::string io_flags_text(uint32_t flags);

// The flags that apply to writes only (FUA, DSYNC).
inline constexpr uint32_t kWriteOnlyIoFlags = (1u << 0) | (1u << 1);

}  // namespace iopulse

#endif  // IOPULSE_JOB_IO_PRIORITY_H_
