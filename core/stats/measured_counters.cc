// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "stats/measured_counters.h"

namespace iopulse {

// Every member, by type: a member added to MeasuredCounters fails this
// until it is added here, to merge() below, to the wire codec
// (cluster/result_wire.cc) and to tests/unit/measured_counters_test.cc.
// (The struct is padded to its alignment, 16: a member smaller than what
// padding is left slips through, so count it here by hand.)
constexpr size_t kMemberBytes = 4 * sizeof(OpStats) + sizeof(OpStatsSet) + sizeof(PrioritySplit) +
                                4 * sizeof(LatencyHistogram) + 2 * sizeof(uint64_t) + sizeof(int);
static_assert(sizeof(MeasuredCounters) ==
                  (kMemberBytes + alignof(MeasuredCounters) - 1) / alignof(MeasuredCounters) * alignof(MeasuredCounters),
              "MeasuredCounters gained a member: merge it, carry it on the wire and test both");

void MeasuredCounters::assign_ops(const OpStatsSet& set) {
  read = set[OpKind::kRead];
  write = set[OpKind::kWrite];
  sync = set[OpKind::kSync];
  trim = set[OpKind::kTrim];
  meta = OpStatsSet{};
  for (size_t k = kFirstMetaKind; k < kNumOpKinds; ++k) meta.kinds[k] = set.kinds[k];
  priority = set.priority;
}

void MeasuredCounters::merge(const MeasuredCounters& o) {
  read.merge(o.read);
  write.merge(o.write);
  sync.merge(o.sync);
  trim.merge(o.trim);
  meta.merge(o.meta);
  priority.merge(o.priority);
  read_intended.merge(o.read_intended);
  write_intended.merge(o.write_intended);
  schedule_lag.merge(o.schedule_lag);
  replay_lag.merge(o.replay_lag);
  verify_failures += o.verify_failures;
  lock_conflicts += o.lock_conflicts;
  if (first_error == 0) first_error = o.first_error;
}

}  // namespace iopulse
