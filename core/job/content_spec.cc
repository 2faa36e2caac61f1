// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "job/content_spec.h"

namespace iopulse {

nlohmann::json ContentSpec::to_json() const {
  return {{"compress_percent", compress_percent},
          {"dedupe_percent", dedupe_percent},
          {"dedupe_unit", unit},
          {"dedupe_working_set", working_set}};
}

}  // namespace iopulse
