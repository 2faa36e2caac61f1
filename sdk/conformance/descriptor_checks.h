/* SPDX-License-Identifier: MIT
 * SPDX-FileCopyrightText: 2026 The IOPulse authors */
// descriptor_checks.h -- the rules for a loaded engine's descriptor that need
// no instance: names, functions, capabilities, limits and the option table.
// They are iopulse/engine_rules.hpp's, the ones the host applies when it
// loads an engine, plus the checker's own demands on what the host merely
// tolerates (iop::rules::check_descriptor_quality()).
#ifndef IOPULSE_CONFORMANCE_DESCRIPTOR_CHECKS_H
#define IOPULSE_CONFORMANCE_DESCRIPTOR_CHECKS_H

#include <string>

#include "iopulse/engine.h"

namespace iopcheck {

// "" when the descriptor (the zero-extended copy) is one the host loads
// (iop::rules::check_descriptor(), the option table aside) and passes the
// checker's own rules: a version, a description, reserved fields 0, only
// capability bits its ABI minor defines, stores-data only with diskless.
std::string check_descriptor(const iop_engine_desc& d);

// "" when the option table is well formed (iop::rules::check_option_table())
// and every option has help text.
std::string check_option_table(const iop_engine_desc& d);

// The capability bits as names, e.g. "fsync, fdatasync, direct; requires
// diskless".
std::string caps_text(uint64_t caps, uint64_t required_caps);

}  // namespace iopcheck

#endif  // IOPULSE_CONFORMANCE_DESCRIPTOR_CHECKS_H
