// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "job/metadata_spec.h"

#include <fmt/format.h>

#include "job/quantity_parser.h"
#include "job/usage_error.h"

namespace iopulse {
namespace {

// The ops a mix may draw: they keep the tree's shape (create re-creates an
// existing name of the tree, so the set of names stays what removal expects).
constexpr OpKind kMixKinds[] = {OpKind::kStat,      OpKind::kOpen,   OpKind::kReadFile,
                                OpKind::kWriteFile, OpKind::kCreate, OpKind::kList};

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> items;
  size_t pos = 0;
  for (;;) {
    const size_t comma = text.find(',', pos);
    items.push_back(text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    if (comma == std::string::npos) return items;
    pos = comma + 1;
  }
}

std::string phase_names() {
  std::string all;
  for (const MetaPhaseInfo& p : kMetaPhases) all += (all.empty() ? "" : ", ") + std::string(p.name);
  return all;
}

std::string mix_names() {
  std::string all;
  for (OpKind k : kMixKinds) all += (all.empty() ? "" : ", ") + std::string(to_string(k));
  return all;
}

}  // namespace

const MetaPhaseInfo& info(MetaPhase phase) { return kMetaPhases[static_cast<size_t>(phase)]; }

std::vector<MetaPhase> MetadataSpec::parse_phases(std::string_view label, const std::string& text) {
  std::vector<MetaPhase> phases;
  for (const std::string& item : split(text)) {
    const MetaPhaseInfo* found = nullptr;
    for (const MetaPhaseInfo& p : kMetaPhases) found = item == p.name ? &p : found;
    if (found == nullptr) {
      throw UsageError(fmt::format("{}: '{}' is not accepted; accepted: a comma-separated list of {}", label,
                                   text, phase_names()));
    }
    phases.push_back(found->phase);
  }
  return phases;
}

std::vector<MetaMixEntry> MetadataSpec::parse_mix(std::string_view label, const std::string& text) {
  std::vector<MetaMixEntry> mix;
  for (const std::string& item : split(text)) {
    const size_t colon = item.find(':');
    const std::string name = item.substr(0, colon);
    const OpKind* kind = nullptr;
    for (const OpKind& k : kMixKinds) kind = name == to_string(k) ? &k : kind;
    if (kind == nullptr || colon == std::string::npos) {
      throw UsageError(fmt::format("{}: '{}' is not accepted; accepted: OP:WEIGHT,... with OP one of {}, e.g. "
                                   "stat:70,read_file:20,create:10",
                                   label, text, mix_names()));
    }
    const uint32_t weight = static_cast<uint32_t>(parse_count(label, item.substr(colon + 1), 1, 1000000));
    for (const MetaMixEntry& e : mix) {
      if (e.kind == *kind) throw UsageError(fmt::format("{}: '{}' names {} twice", label, text, name));
    }
    mix.push_back({*kind, weight});
  }
  return mix;
}

std::string MetadataSpec::mix_string() const {
  std::string s;
  for (const MetaMixEntry& e : mix) s += fmt::format("{}{}:{}", s.empty() ? "" : ",", to_string(e.kind), e.weight);
  return s;
}

nlohmann::json MetadataSpec::to_json() const {
  nlohmann::json j;
  nlohmann::json names = nlohmann::json::array();
  for (MetaPhase p : phases) names.push_back(info(p).name);
  j["phases"] = names;
  j["items"] = items;
  j["depth"] = depth;
  j["branching"] = branching;
  j["shared_dir"] = shared_dir;
  j["leaf_only"] = leaf_only;
  j["file_bytes"] = file_bytes;
  j["read_bytes"] = read_bytes != 0 ? read_bytes : file_bytes;
  if (!mix.empty()) j["mix"] = mix_string();
  if (fsync) j["fsync"] = true;
  if (allow_nonempty) j["allow_nonempty"] = true;
  if (adopt_claims) j["adopt_claims"] = true;
  if (rename_replace) j["rename_replace"] = true;
  if (stride != 0) j["stride"] = stride;
  return j;
}

}  // namespace iopulse
