// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "plugin/engine_options.h"

#include <nlohmann/json.hpp>

#include "iopulse/engine_rules.hpp"

#include "job/usage_error.h"
#include "plugin/engine_library.h"

namespace iopulse {

EngineOptionValues EngineOptionValues::parse(
    const EngineLibrary& lib, const std::vector<std::pair<std::string, std::string>>& given) {
  const iop_engine_desc& d = lib.desc();
  const std::string engine(lib.name());
  const auto flag = [&](const std::string& name) { return "--" + engine + "." + name; };

  // The text given for each option, in table order; naming an option twice
  // is an error rather than "last one wins".
  std::vector<const std::string*> chosen(d.num_options, nullptr);
  for (const auto& [name, text] : given) {
    uint32_t k = 0;
    while (k < d.num_options && name != d.options[k].name) ++k;
    if (k == d.num_options) {
      std::string names;
      for (uint32_t j = 0; j < d.num_options; ++j) {
        names += (j == 0 ? "" : ", ");
        names += d.options[j].name;
      }
      throw UsageError(flag(name) + ": unknown option for engine " + engine + "; options: " +
                       (names.empty() ? "none" : names) + " (see iopulse --engine-help " +
                       engine + ")");
    }
    if (chosen[k] != nullptr) throw UsageError(flag(name) + ": given more than once");
    chosen[k] = &text;
  }

  EngineOptionValues out;
  out.names_.reserve(d.num_options);
  out.types_.reserve(d.num_options);
  out.text_.reserve(d.num_options);
  out.values_.reserve(d.num_options);
  for (uint32_t k = 0; k < d.num_options; ++k) {
    const iop_option_desc& opt = d.options[k];
    std::string text = chosen[k] != nullptr ? *chosen[k] : iop::rules::option_default_text(opt);
    if (chosen[k] != nullptr && text.empty()) {
      if (opt.type == IOP_OPT_BOOL) {
        text = "1";
      } else if (opt.type != IOP_OPT_STRING) {
        throw UsageError(flag(opt.name) + ": a value is required; accepted: " +
                         iop::rules::option_accepted_text(opt));
      }
    }
    iop::rules::ParsedOptionValue value;
    if (auto why = iop::rules::parse_option_text(opt, text, &value)) {
      // Defaults were checked when the library loaded, so this is the user's.
      throw UsageError(flag(opt.name) + ": " + *why);
    }
    out.names_.emplace_back(opt.name);
    out.types_.push_back(opt.type);
    out.text_.push_back(std::move(value.s));
    out.values_.push_back({value.i, nullptr});
  }
  out.point_strings();
  return out;
}

EngineOptionValues::EngineOptionValues(const EngineOptionValues& other)
    : names_(other.names_), types_(other.types_), text_(other.text_), values_(other.values_) {
  point_strings();
}

EngineOptionValues& EngineOptionValues::operator=(const EngineOptionValues& other) {
  if (this != &other) {
    names_ = other.names_;
    types_ = other.types_;
    text_ = other.text_;
    values_ = other.values_;
    point_strings();
  }
  return *this;
}

void EngineOptionValues::point_strings() {
  for (size_t k = 0; k < values_.size(); ++k) {
    const bool has_text = types_[k] == IOP_OPT_STRING || types_[k] == IOP_OPT_ENUM;
    values_[k].s = has_text ? text_[k].c_str() : nullptr;
  }
}

const iop_option_value* EngineOptionValues::find(std::string_view name) const {
  for (size_t k = 0; k < names_.size(); ++k) {
    if (names_[k] == name) return &values_[k];
  }
  return nullptr;
}

nlohmann::json EngineOptionValues::to_json() const {
  nlohmann::json j = nlohmann::json::object();
  for (size_t k = 0; k < names_.size(); ++k) {
    switch (types_[k]) {
      case IOP_OPT_BOOL: j[names_[k]] = values_[k].i != 0; break;
      case IOP_OPT_INT:
      case IOP_OPT_SIZE: j[names_[k]] = values_[k].i; break;
      default: j[names_[k]] = text_[k]; break;
    }
  }
  return j;
}

}  // namespace iopulse
