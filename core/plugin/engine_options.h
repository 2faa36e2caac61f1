// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// EngineOptionValues: the parsed, typed option values for one engine, in the
// order of the engine's option table, ready to pass to create().
//
// On the command line an engine option is --<engine>.<name>=<value>; the
// caller strips "--<engine>." and hands parse() the (name, text) pairs.
// Options not given take the engine's declared default.  Every error is a
// UsageError naming the option as the user wrote it, the value and what is
// accepted, e.g.
//   --null.delay-us: 'abc' is not an integer; accepted: 0..10000000
//
// Ownership: the object owns every string a value points to.  data() points
// at size() iop_option_value entries whose `s` members point into this
// object; they stay valid, at the same addresses, for the life of the object
// and across moves (moving transfers the storage).  A copy has its own
// storage and its own pointers.  Keep the object alive until every engine
// instance created with data() is destroyed.
#ifndef IOPULSE_PLUGIN_ENGINE_OPTIONS_H_
#define IOPULSE_PLUGIN_ENGINE_OPTIONS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "iopulse/engine.h"

namespace iopulse {

class EngineLibrary;

class EngineOptionValues {
 public:
  // Parses `given` (option name without the engine prefix, text value; an
  // empty text for a BOOL means true) against `lib`'s option table and
  // applies defaults.  Throws UsageError for an unknown option, an option
  // given twice, a value that does not parse or is out of range.
  static EngineOptionValues parse(const EngineLibrary& lib,
                                  const std::vector<std::pair<std::string, std::string>>& given);

  EngineOptionValues(const EngineOptionValues& other);
  EngineOptionValues& operator=(const EngineOptionValues& other);
  EngineOptionValues(EngineOptionValues&&) noexcept = default;
  EngineOptionValues& operator=(EngineOptionValues&&) noexcept = default;
  ~EngineOptionValues() = default;

  // One value per option of the engine, in table order (for
  // iop_engine_config.options); nullptr when the engine has no options.
  const iop_option_value* data() const { return values_.empty() ? nullptr : values_.data(); }
  uint32_t size() const { return static_cast<uint32_t>(values_.size()); }

  // The value of the option called `name`, or nullptr.
  const iop_option_value* find(std::string_view name) const;

  // {"<name>": value, ...}: BOOL as true/false, INT and SIZE as numbers,
  // STRING and ENUM as strings.
  nlohmann::json to_json() const;

 private:
  EngineOptionValues() = default;
  void point_strings();  // sets values_[k].s into text_[k] for STRING/ENUM

  std::vector<std::string> names_;       // option names, table order
  std::vector<uint32_t> types_;          // iop_option_type per option
  std::vector<std::string> text_;        // STRING text / ENUM choice name
  std::vector<iop_option_value> values_; // what the engine receives
};

}  // namespace iopulse

#endif  // IOPULSE_PLUGIN_ENGINE_OPTIONS_H_
