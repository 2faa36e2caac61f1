/* SPDX-License-Identifier: MIT
 * SPDX-FileCopyrightText: 2026 The IOPulse authors */
// option_values.h -- the engine option values of a checker run: the
// engine's defaults, overridden by --option NAME=VALUE, each parsed by
// iop::rules::parse_option_text(), exactly as iopulse parses
// --<engine>.<name>=VALUE, so an engine that passes here gets the same
// values from iopulse.
#ifndef IOPULSE_CONFORMANCE_OPTION_VALUES_H
#define IOPULSE_CONFORMANCE_OPTION_VALUES_H

#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "iopulse/engine.h"

namespace iopcheck {

// One iop_option_value per option of an engine, defaults applied, plus the
// text the string and enum values point at (stable for the object's life).
class OptionValues {
 public:
  // Fills the values from the defaults and `given` (name, text) pairs.
  // Names the engine does not declare are appended to *unknown and
  // otherwise ignored.  Returns "" or the reason a given value is invalid.
  std::string build(const iop_engine_desc& desc,
                    const std::vector<std::pair<std::string, std::string>>& given,
                    std::vector<std::string>* unknown);

  const std::vector<iop_option_value>& values() const { return values_; }

 private:
  std::deque<std::string> text_;  // deque: pointers stay valid as it grows
  std::vector<iop_option_value> values_;
};

}  // namespace iopcheck

#endif  // IOPULSE_CONFORMANCE_OPTION_VALUES_H
