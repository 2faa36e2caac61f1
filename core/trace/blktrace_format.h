// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The blktrace binary format, as the kernel's blktrace_api.h defines it and
// blktrace writes it (one file per CPU, NAME.blktrace.N) or blkparse -d
// dumps it (one file): records of a fixed 48-byte struct blk_io_trace, each
// followed by pdu_len bytes of payload, in the byte order of the machine
// that traced (a reader detects it from the magic).
//
// Only what a replay takes is named here: the action's low 16 bits are the
// event (__BLK_TA_QUEUE: a bio entered the block layer), the high 16 bits
// its categories (BLK_TC_*: read, write, flush, FUA, discard, notify).
#ifndef IOPULSE_TRACE_BLKTRACE_FORMAT_H_
#define IOPULSE_TRACE_BLKTRACE_FORMAT_H_

#include <cstddef>
#include <cstdint>

namespace iopulse {

inline constexpr uint32_t kBlkMagic = 0x65617400;    // "eat\0" in the top 24 bits
inline constexpr uint32_t kBlkVersion = 0x07;        // the low 8 bits
inline constexpr size_t kBlkRecordBytes = 48;        // sizeof(struct blk_io_trace)
inline constexpr uint32_t kBlkSectorBytes = 512;     // sector is in 512-byte units

// Categories (BLK_TC_*), shifted into the action's high half.
inline constexpr uint32_t kBlkTcShift = 16;
inline constexpr uint32_t kBlkTcRead = 1u << 0;
inline constexpr uint32_t kBlkTcWrite = 1u << 1;
inline constexpr uint32_t kBlkTcFlush = 1u << 2;
inline constexpr uint32_t kBlkTcSync = 1u << 3;
inline constexpr uint32_t kBlkTcQueue = 1u << 4;
inline constexpr uint32_t kBlkTcIssue = 1u << 6;
inline constexpr uint32_t kBlkTcComplete = 1u << 7;
inline constexpr uint32_t kBlkTcFs = 1u << 8;
inline constexpr uint32_t kBlkTcNotify = 1u << 10;
inline constexpr uint32_t kBlkTcDiscard = 1u << 13;
inline constexpr uint32_t kBlkTcFua = 1u << 15;
constexpr uint32_t blk_tc_act(uint32_t category) { return category << kBlkTcShift; }

// Events (__BLK_TA_*), the action's low 16 bits.
inline constexpr uint32_t kBlkTaQueue = 1;
inline constexpr uint32_t kBlkTaIssue = 7;
inline constexpr uint32_t kBlkTaComplete = 8;
// Notify records (__BLK_TN_*, with BLK_TC_NOTIFY set).
inline constexpr uint32_t kBlkTnProcess = 0;

// struct blk_io_trace, decoded into host byte order.
struct BlkEvent {
  uint32_t magic = 0;     // kBlkMagic | version
  uint32_t sequence = 0;
  uint64_t time_ns = 0;   // since the trace started
  uint64_t sector = 0;
  uint32_t bytes = 0;
  uint32_t action = 0;
  uint32_t pid = 0;
  uint32_t device = 0;    // the kernel's dev_t: major << 20 | minor
  uint32_t cpu = 0;
  uint16_t error = 0;
  uint16_t pdu_len = 0;
};

// True when `magic` (read in host order) is blktrace's, in either byte
// order; *swapped says which.
bool is_blk_magic(uint32_t magic, bool* swapped);
// Decodes the 48 bytes at `p`, byte-swapping every field when `swapped`.
BlkEvent decode_blk_event(const unsigned char* p, bool swapped);
// The major and minor numbers of a kernel dev_t.
inline uint32_t blk_major(uint32_t device) { return device >> 20; }
inline uint32_t blk_minor(uint32_t device) { return device & ((1u << 20) - 1); }

}  // namespace iopulse

#endif  // IOPULSE_TRACE_BLKTRACE_FORMAT_H_
