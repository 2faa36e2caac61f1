// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// PluginError: an engine plugin could not be found, loaded or accepted.
// The message is one line that names the plugin path (or the engine name
// that was asked for) and the reason.  It is a UsageError, so main() prints
// it and exits with code 2 before any file is touched.
#ifndef IOPULSE_PLUGIN_PLUGIN_ERROR_H_
#define IOPULSE_PLUGIN_PLUGIN_ERROR_H_

#include <string>

#include "job/usage_error.h"

namespace iopulse {

class PluginError : public UsageError {
 public:
  explicit PluginError(const std::string& message) : UsageError(message) {}
};

}  // namespace iopulse

#endif  // IOPULSE_PLUGIN_PLUGIN_ERROR_H_
