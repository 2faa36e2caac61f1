/* SPDX-License-Identifier: MIT
 * SPDX-FileCopyrightText: 2026 The IOPulse authors */
// descriptor_checks.h -- the rules for a loaded engine's descriptor that need
// no instance: names, functions, capabilities, limits and the option table.
#ifndef IOPULSE_CONFORMANCE_DESCRIPTOR_CHECKS_H
#define IOPULSE_CONFORMANCE_DESCRIPTOR_CHECKS_H

#include <string>

#include "iopulse/engine.h"

namespace iopcheck {

// "" when the descriptor (the zero-extended copy) is well formed: name
// [a-z0-9_]+, a version and a description, every required function,
// register_buffers() exactly when IOP_CAP_REGISTERED_BUFFERS is declared,
// no capability bit outside IOP_CAP_KNOWN_V1, max_queue_depth >= 1,
// min_buf_align 0 or a power of two.  Else the first problem found.
std::string check_descriptor(const iop_engine_desc& d);

// "" when the option table is well formed: options non-NULL when
// num_options > 0, names valid and unique, every option well formed (see
// check_option_desc).  Else the first problem found.
std::string check_option_table(const iop_engine_desc& d);

// The capability bits as names, e.g. "FSYNC|FDATASYNC|DIRECT".
std::string caps_text(uint64_t caps);

}  // namespace iopcheck

#endif  // IOPULSE_CONFORMANCE_DESCRIPTOR_CHECKS_H
