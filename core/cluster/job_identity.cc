// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "cluster/job_identity.h"

#include <fmt/format.h>

#include "cluster/agreement.h"

namespace iopulse {

using nlohmann::json;

std::vector<std::string> check_same_job(ProcessGroup& group, const JobIdentity& mine) {
  const std::vector<std::string> all =
      group.all_gather(json{{"host", group.host()}, {"software", mine.software}, {"job", mine.job}}.dump());
  std::vector<json> ids;
  std::vector<std::string> hosts;
  for (const std::string& a : all) {
    ids.push_back(json::parse(a));
    hosts.push_back(ids.back().at("host").get<std::string>());
  }
  const auto who = [&](size_t r) { return fmt::format("rank {} ({})", r, hosts[r]); };
  for (size_t r = 1; r < ids.size(); ++r) {
    if (ids[r].at("software") != ids[0].at("software")) {
      throw AgreedFailure(2, fmt::format("the ranks run different software: {} runs {}, {} runs {}; every rank must "
                                         "run the same iopulse and engine versions",
                                         who(0), ids[0].at("software").get<std::string>(), who(r),
                                         ids[r].at("software").get<std::string>()));
    }
  }
  for (size_t r = 1; r < ids.size(); ++r) {
    const json patch = json::diff(ids[0].at("job"), ids[r].at("job"));
    if (patch.empty()) continue;
    const json& first = patch.front();
    const std::string path = first.at("path").get<std::string>();
    const json theirs = first.contains("value") ? first.at("value") : json("(absent)");
    const json ours = ids[0].at("job").contains(json::json_pointer(path)) ? ids[0].at("job").at(json::json_pointer(path))
                                                                           : json("(absent)");
    throw AgreedFailure(2, fmt::format("{} was given a different job than {}: {} is {} there and {} on rank 0; "
                                       "start every rank with the same options",
                                       who(r), who(0), path, theirs.dump(), ours.dump()));
  }
  return hosts;
}

}  // namespace iopulse
