// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "option_values.h"

#include "check.h"
#include "iopulse/engine_rules.hpp"

namespace iopcheck {

std::string OptionValues::build(const iop_engine_desc& desc,
                                const std::vector<std::pair<std::string, std::string>>& given,
                                std::vector<std::string>* unknown) {
  std::vector<const std::string*> chosen(desc.num_options, nullptr);
  for (const auto& [name, text] : given) {
    uint32_t k = 0;
    while (k < desc.num_options && name != desc.options[k].name) ++k;
    if (k == desc.num_options) {
      unknown->push_back(name);
      continue;
    }
    if (chosen[k] != nullptr) return "option " + name + " is given more than once";
    chosen[k] = &text;
  }
  values_.clear();
  text_.clear();
  for (uint32_t k = 0; k < desc.num_options; ++k) {
    const iop_option_desc& opt = desc.options[k];
    const std::string text =
        chosen[k] != nullptr ? *chosen[k] : iop::rules::option_default_text(opt);
    iop::rules::ParsedOptionValue v;
    if (auto why = iop::rules::parse_option_text(opt, text, &v)) {
      return strf("option %s%s: %s", opt.name, chosen[k] != nullptr ? "" : " (its default)",
                  why->c_str());
    }
    text_.push_back(std::move(v.s));
    const bool has_text = opt.type == IOP_OPT_STRING || opt.type == IOP_OPT_ENUM;
    values_.push_back({v.i, has_text ? text_.back().c_str() : nullptr});
  }
  return "";
}

}  // namespace iopcheck
