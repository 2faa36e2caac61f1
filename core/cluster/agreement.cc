// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "cluster/agreement.h"

#include <algorithm>
#include <map>
#include <vector>

#include <fmt/format.h>

#include "job/usage_error.h"

namespace iopulse {
namespace {

// "rank 1 (hostA)", "ranks 0, 2 (hostA, hostB)" or "all 4 ranks".
std::string ranks_text(const std::vector<uint32_t>& ranks, const std::vector<std::string>& hosts, uint32_t size) {
  if (ranks.size() == size && size > 1) return fmt::format("all {} ranks", size);
  std::vector<std::string> where;
  for (uint32_t r : ranks) where.push_back(fmt::format("{} ({})", r, hosts[r]));
  return fmt::format("{} {}", ranks.size() == 1 ? "rank" : "ranks", fmt::join(where, ", "));
}

}  // namespace

void agree_on_errors(ProcessGroup& group, int exit_code, const std::string& local_error) {
  // Each process's "<exit code>\t<host>\t<error>" (empty error: fine).
  const std::vector<std::string> all =
      group.all_gather(fmt::format("{}\t{}\t{}", local_error.empty() ? 0 : exit_code, group.host(), local_error));
  int code = 0;
  std::vector<std::string> hosts;
  std::map<std::string, std::vector<uint32_t>> by_error;  // error -> ranks
  std::vector<std::string> order;
  for (uint32_t r = 0; r < all.size(); ++r) {
    const size_t a = all[r].find('\t'), b = all[r].find('\t', a + 1);
    code = std::max(code, std::stoi(all[r].substr(0, a)));
    hosts.push_back(all[r].substr(a + 1, b - a - 1));
    const std::string error = all[r].substr(b + 1);
    if (error.empty()) continue;
    if (!by_error.contains(error)) order.push_back(error);
    by_error[error].push_back(r);
  }
  if (code == 0) return;
  std::string text;
  for (const std::string& e : order) {
    text += (text.empty() ? "" : "\n") +
            (group.size() == 1 ? e : fmt::format("{}: {}", ranks_text(by_error[e], hosts, group.size()), e));
  }
  throw AgreedFailure(code, text);
}

void agree_on(ProcessGroup& group, const std::function<void()>& step) {
  if (group.size() == 1) {
    step();
    return;
  }
  int code = 0;
  std::string error;
  try {
    step();
  } catch (const AgreedFailure&) {
    throw;
  } catch (const UsageError& e) {
    code = 2;
    error = e.what();
  } catch (const std::exception& e) {
    code = 1;
    error = e.what();
  }
  agree_on_errors(group, code, error);
}

}  // namespace iopulse
