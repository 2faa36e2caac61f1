// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "descriptor_checks.h"

#include "iopulse/engine_rules.hpp"

namespace iopcheck {

std::string caps_text(uint64_t caps, uint64_t required_caps) {
  std::string text = iop::rules::bits_text(caps, iop::rules::capability_table());
  if (required_caps != 0) {
    text += "; requires " + iop::rules::bits_text(required_caps,
                                                   iop::rules::required_capability_table());
  }
  return text;
}

std::string check_descriptor(const iop_engine_desc& d) {
  // The option table has a check of its own; here only the rest.
  iop_engine_desc without_options = d;
  without_options.num_options = 0;
  without_options.options = nullptr;
  if (std::string why = iop::rules::check_descriptor(without_options, "this checker"); !why.empty()) {
    return why;
  }
  return iop::rules::check_descriptor_quality(without_options);
}

std::string check_option_table(const iop_engine_desc& d) {
  if (std::string why = iop::rules::check_option_table(d); !why.empty()) return why;
  for (uint32_t k = 0; k < d.num_options; ++k) {
    if (d.options[k].help == nullptr || d.options[k].help[0] == '\0') {
      return "option '" + std::string(d.options[k].name) + "' has no help text";
    }
  }
  return "";
}

}  // namespace iopcheck
