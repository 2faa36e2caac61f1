// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "config/job_file.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "job/job_options.h"
#include "job/usage_error.h"

namespace iopulse {
namespace {

constexpr std::string_view kPhaseKey = "phase";
constexpr std::string_view kNameKey = "name";
constexpr std::string_view kGroupKey = "group";
constexpr std::string_view kEngineOptionsKey = "engine-options";

// Whether setting `later` in a later layer removes `earlier` of an earlier
// one: the option itself, one of its group (OptionRules::replaces), and
// --block-size both kinds' sizes.
bool replaces(std::string_view later, std::string_view earlier) {
  if (later == earlier) return true;
  if (later == "block-size" && (earlier == "read-block-size" || earlier == "write-block-size")) return true;
  const JobOption* a = find_job_option(later);
  const JobOption* b = find_job_option(earlier);
  return a != nullptr && b != nullptr && !a->rules.replaces.empty() && a->rules.replaces == b->rules.replaces;
}

// "block_size" -> "block-size".
std::string hyphenated(std::string_view key) {
  std::string out(key);
  std::replace(out.begin(), out.end(), '_', '-');
  return out;
}

// Engine names are [a-z0-9_]+ (sdk/include/iopulse/engine.h).
bool engine_name_like(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// The engine option key for `engine` and an option name as written; option
// names are [a-z0-9][a-z0-9-]*, so "fixed_buffers" means "fixed-buffers".
std::string engine_key(std::string_view engine, std::string_view option) {
  return fmt::format("{}.{}", engine, hyphenated(option));
}

std::string_view engine_part(std::string_view key) { return key.substr(0, key.find('.')); }
std::string_view option_part(std::string_view key) { return key.substr(key.find('.') + 1); }

// What a value that is not a plain value is, for messages.
std::string type_phrase(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "this value";
  }
}

// A string, integer, float or boolean as command-line text.
std::optional<std::string> scalar_text(const toml::node& node) {
  if (const auto* s = node.as_string()) return s->get();
  if (const auto* i = node.as_integer()) return std::to_string(i->get());
  if (const auto* f = node.as_floating_point()) {
    // Shortest exact form, but a float stays a float: 2.0 is "2.0", which a
    // whole-number option refuses, never "2".
    std::string text = fmt::format("{}", f->get());
    if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
    return text;
  }
  if (const auto* b = node.as_boolean()) return std::string(b->get() ? "true" : "false");
  return std::nullopt;
}

// A value in a message: strings quoted, other values as written, tables,
// arrays and dates by their kind.
std::string shown(const toml::node& node) {
  if (const auto* s = node.as_string()) return fmt::format("'{}'", s->get());
  if (std::optional<std::string> text = scalar_text(node)) return *text;
  return type_phrase(node);
}

// The members of a table in file order (toml++ keeps them sorted by key), so
// the first problem in the file is the one reported.
std::vector<std::pair<const toml::key*, const toml::node*>> in_file_order(const toml::table& table) {
  std::vector<std::pair<const toml::key*, const toml::node*>> items;
  for (auto&& [k, node] : table) items.emplace_back(&k, &node);
  std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) {
    const toml::source_position& x = a.first->source().begin;
    const toml::source_position& y = b.first->source().begin;
    return std::tie(x.line, x.column) < std::tie(y.line, y.column);
  });
  return items;
}

// What a job option accepts, for type messages.
std::string accepted_for(const JobOption& option) {
  if (option.value_name.empty()) return "true or false";
  if (option.name == "plugin-dir") return "a directory (a string) or a list of directories";
  return fmt::format("one {} value, as a string or a number (e.g. {} = \"...\")", option.value_name, option.name);
}

// An entry with its place in the file, for putting entries in file order.
struct Placed {
  uint32_t line = 0, column = 0;
  JobFileEntry entry;
};

// Reads the TOML tree into entries; every error names file and line.
class TreeReader {
 public:
  explicit TreeReader(const std::string& path) : path_(path) {}

  JobFile read(const toml::table& root) {
    JobFile file;
    file.path = path_;
    const toml::node* phases = nullptr;
    const toml::key* phases_key = nullptr;
    std::vector<JobFileGroup> groups;
    file.global = read_layer(root, /*in_phase=*/false, nullptr, &phases, &phases_key, &groups);
    if (phases == nullptr) {
      file.phases.push_back({"phase-1", {}, "", std::move(groups)});
    } else {
      if (!groups.empty()) {
        throw UsageError(fmt::format("{}: group: top-level [[group]] tables cannot be used with [[phase]]; "
                                     "accepted: [[phase.group]] tables inside each phase", path_));
      }
      read_phases(*phases_key, *phases, file.phases);
    }
    return file;
  }

 private:
  std::string where(const toml::key& k) const { return fmt::format("{}:{}", path_, k.source().begin.line); }
  std::string where(const toml::node& n) const { return fmt::format("{}:{}", path_, n.source().begin.line); }

  [[noreturn]] void fail(const std::string& at, std::string_view written, const std::string& what) const {
    throw UsageError(fmt::format("{}: {}: {}", at, written, what));
  }

  // One table of settings: the top level (in_phase false) or one [[phase]].
  // The top level hands back its `phase` array; a phase its `name`.
  std::vector<JobFileEntry> read_layer(const toml::table& table, bool in_phase, std::string* name,
                                       const toml::node** phases, const toml::key** phases_key,
                                       std::vector<JobFileGroup>* groups, bool in_group = false) {
    std::vector<Placed> placed;
    seen_.clear();
    for (const auto& [key_ptr, node_ptr] : in_file_order(table)) {
      const toml::key& k = *key_ptr;
      const toml::node& node = *node_ptr;
      const std::string_view written = k.str();
      if (written == kPhaseKey) {
        if (in_phase) fail(where(k), written, "phases cannot be nested; accepted: [[phase]] tables at the top level");
        *phases = &node;
        *phases_key = &k;
        continue;
      }
      if (written == kGroupKey) {
        if (in_group) fail(where(k), written, "groups cannot be nested");
        read_groups(k, node, *groups);
        continue;
      }
      if (in_phase && written == kNameKey) {
        const toml::value<std::string>* s = node.as_string();
        if (s == nullptr || s->get().empty()) {
          fail(where(k), written, fmt::format("{} is not accepted; accepted: a non-empty string", shown(node)));
        }
        *name = s->get();
        continue;
      }
      if (hyphenated(written) == kEngineOptionsKey) {
        const toml::table* options = node.as_table();
        if (options == nullptr) {
          fail(where(k), written, fmt::format("{} is not accepted; accepted: a table of <engine>.<option> = value",
                                              type_phrase(node)));
        }
        read_engine_options_table(*options, placed);
        continue;
      }
      if (written.find('.') != std::string_view::npos) {  // "io_uring.sqpoll" = true
        add_engine_option(k, written, engine_key(engine_part(written), option_part(written)), node, placed);
        continue;
      }
      const std::string key = hyphenated(written);
      if (const JobOption* option = find_job_option(key)) {
        if (in_phase) {
          if (!scope_reason(option->rules.scope).empty()) {
            fail(where(k), written, fmt::format("not accepted inside a phase: {}; accepted: a global setting "
                                                "(before the first [[phase]]) or the command line",
                                                scope_reason(option->rules.scope)));
          }
        }
        add_job_option(k, written, *option, node, placed);
        // A trace named in a job file travels with it: a relative path is
        // taken from the job file's directory.
        if (key == "replay") {
          std::string& text = placed.back().entry.text;
          const std::filesystem::path dir = std::filesystem::path(path_).parent_path();
          if (!text.empty() && text.front() != '/' && !dir.empty()) text = (dir / text).string();
        }
        continue;
      }
      if (node.is_table() && engine_name_like(written)) {  // io_uring.sqpoll = true, or [io_uring]
        read_engine_table(written, *node.as_table(), placed);
        continue;
      }
      fail(where(k), written, "unknown key; see iopulse --help for the options");
    }
    std::stable_sort(placed.begin(), placed.end(), [](const Placed& a, const Placed& b) {
      return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    std::vector<JobFileEntry> entries;
    entries.reserve(placed.size());
    for (Placed& p : placed) entries.push_back(std::move(p.entry));
    return entries;
  }

  // [engine-options]: io_uring.sqpoll = true, "io_uring.sqpoll" = true or
  // [engine-options.io_uring].
  void read_engine_options_table(const toml::table& table, std::vector<Placed>& placed) {
    for (const auto& [k, node] : in_file_order(table)) {
      const std::string_view written = k->str();
      if (const toml::table* sub = node->as_table()) {
        read_engine_table(written, *sub, placed);
      } else if (written.find('.') != std::string_view::npos) {
        add_engine_option(*k, written, engine_key(engine_part(written), option_part(written)), *node, placed);
      } else {
        fail(where(*k), written, "an engine option needs its engine; accepted: <engine>.<option> = value, "
                                "e.g. io_uring.sqpoll = true");
      }
    }
  }

  // The options of one engine: [io_uring] sqpoll = true.
  void read_engine_table(std::string_view engine, const toml::table& table, std::vector<Placed>& placed) {
    for (const auto& [k, node] : in_file_order(table)) {
      const std::string written = fmt::format("{}.{}", engine, k->str());
      add_engine_option(*k, written, engine_key(engine, k->str()), *node, placed);
    }
  }

  void add_engine_option(const toml::key& k, std::string_view written, std::string key, const toml::node& node,
                         std::vector<Placed>& placed) {
    note_key(key, k, written);
    const std::optional<std::string> text = scalar_text(node);
    if (!text) {
      fail(where(k), written, fmt::format("{} is not accepted; accepted: one value (a string, number or boolean)",
                                          type_phrase(node)));
    }
    placed.push_back({k.source().begin.line, k.source().begin.column,
                      {std::move(key), *text, fmt::format("{}: {}", where(k), written)}});
  }

  void add_job_option(const toml::key& k, std::string_view written, const JobOption& option,
                      const toml::node& node, std::vector<Placed>& placed) {
    const std::string key(option.name);
    note_key(key, k, written);
    if (const toml::array* list = node.as_array(); list != nullptr && key == "plugin-dir") {
      for (const toml::node& item : *list) {
        const toml::value<std::string>* dir = item.as_string();
        if (dir == nullptr) {
          fail(where(item), written, fmt::format("{} is not accepted; accepted: {}", shown(item), accepted_for(option)));
        }
        placed.push_back({item.source().begin.line, item.source().begin.column,
                          {key, dir->get(), fmt::format("{}: {}", where(item), written)}});
      }
      return;
    }
    const std::optional<std::string> text = scalar_text(node);
    if (!text) {
      fail(where(k), written, fmt::format("{} is not accepted; accepted: {}", type_phrase(node), accepted_for(option)));
    }
    // A flag is a TOML boolean: `random = 1` is refused rather than read as
    // the command line's "1" (TOML has true and false for it).
    if (option.value_name.empty() && node.is_integer()) {
      fail(where(k), written, fmt::format("{} is not accepted; accepted: {}", shown(node), accepted_for(option)));
    }
    placed.push_back({k.source().begin.line, k.source().begin.column,
                      {key, *text, fmt::format("{}: {}", where(k), written)}});
  }

  // One key in two spellings (block-size and block_size), or an engine
  // option both at the top and in [engine-options]: the later line is
  // reported.  Called once per TOML key (a plugin-dir list is one key).
  void note_key(const std::string& key, const toml::key& k, std::string_view written) {
    const uint32_t line = k.source().begin.line;
    std::string label = fmt::format("{}: {}", where(k), written);
    auto [it, inserted] = seen_.emplace(key, std::make_pair(line, label));
    if (inserted) return;
    const auto& [other_line, other_label] = it->second;
    const bool this_later = line > other_line;
    throw UsageError(fmt::format("{}: given twice in one table (also at line {}); accepted: once",
                                 this_later ? label : other_label, this_later ? other_line : line));
  }

  void read_phases(const toml::key& k, const toml::node& node, std::vector<JobFilePhase>& out) {
    const toml::array* list = node.as_array();
    if (list == nullptr) {
      fail(where(k), k.str(), fmt::format("{} is not accepted; accepted: [[phase]] tables, one per phase",
                                          node.is_table() ? "a single [phase] table" : shown(node)));
    }
    if (list->empty()) fail(where(k), k.str(), "an empty list is not accepted; accepted: one or more [[phase]] tables");
    std::map<std::string, std::string> names;  // name -> where it was given
    for (size_t i = 0; i < list->size(); ++i) {
      const toml::node& item = *list->get(i);
      const toml::table* table = item.as_table();
      if (table == nullptr) {
        fail(where(item), k.str(), fmt::format("{} is not accepted; accepted: [[phase]] tables, one per phase",
                                               shown(item)));
      }
      std::string name;
      std::vector<JobFileGroup> groups;
      std::vector<JobFileEntry> entries = read_layer(*table, /*in_phase=*/true, &name, nullptr, nullptr, &groups);
      if (name.empty()) name = fmt::format("phase-{}", i + 1);
      const std::string at = where(item);
      if (auto [it, inserted] = names.emplace(name, at); !inserted) {
        throw UsageError(fmt::format("{}: name: '{}' is already the name of the phase at {}; accepted: a name "
                                     "used once", at, name, it->second));
      }
      std::string label = fmt::format("{}: phase '{}'", at, name);
      out.push_back({std::move(name), std::move(entries), std::move(label), std::move(groups)});
    }
  }

  // [[group]] / [[phase.group]]: concurrent groups of workers.  A group
  // takes the keys a phase takes (it runs inside one), not nested groups.
  void read_groups(const toml::key& k, const toml::node& node, std::vector<JobFileGroup>& out) {
    const toml::array* list = node.as_array();
    if (list == nullptr || list->empty()) {
      fail(where(k), k.str(), fmt::format("{} is not accepted; accepted: [[group]] tables, one per group of workers",
                                          shown(node)));
    }
    std::map<std::string, std::string> names;
    for (size_t i = 0; i < list->size(); ++i) {
      const toml::node& item = *list->get(i);
      const toml::table* table = item.as_table();
      if (table == nullptr) {
        fail(where(item), k.str(), fmt::format("{} is not accepted; accepted: [[group]] tables", shown(item)));
      }
      std::string name;
      const auto saved = seen_;  // a group is a table of its own
      std::vector<JobFileEntry> entries =
          read_layer(*table, /*in_phase=*/true, &name, nullptr, nullptr, nullptr, /*in_group=*/true);
      seen_ = saved;
      if (name.empty()) name = fmt::format("group-{}", i + 1);
      const std::string at = where(item);
      if (auto [it, inserted] = names.emplace(name, at); !inserted) {
        throw UsageError(fmt::format("{}: name: '{}' is already the name of the group at {}", at, name, it->second));
      }
      out.push_back({name, std::move(entries), fmt::format("{}: group '{}'", at, name)});
    }
  }

  const std::string& path_;
  std::map<std::string, std::pair<uint32_t, std::string>> seen_;  // key -> (line, label), this table
};

// A setting of an earlier layer that a later layer does not replace.
bool kept(const JobFileEntry& entry, const std::vector<const std::vector<JobFileEntry>*>& later,
          const JobSpecBuilder& command_line, const std::vector<std::string>& command_line_engine_options) {
  const bool engine_option = entry.key.find('.') != std::string::npos;
  for (const auto* layer : later) {
    for (const JobFileEntry& e : *layer) {
      if (replaces(e.key, entry.key)) return false;
    }
  }
  if (engine_option) {
    return std::find(command_line_engine_options.begin(), command_line_engine_options.end(),
                     option_part(entry.key)) == command_line_engine_options.end();
  }
  for (const JobOption& o : job_options()) {
    if (command_line.given(o.name) && replaces(o.name, entry.key)) return false;
  }
  return true;
}

// (label, option) of settings of a job file.
using SettingSet = std::set<std::pair<std::string, std::string>>;

// Applies the settings of one layer that `later` layers and the command
// line do not replace, but those in `leave_out` (added to `skipped`);
// `inherited`: the layer is above the job's own (see
// JobSpecBuilder::set_inheriting), as is an entry marked so.
void apply_entries(JobSpecBuilder& builder, const std::vector<JobFileEntry>& entries, const std::string& engine,
                   const std::vector<const std::vector<JobFileEntry>*>& later, const JobSpecBuilder& command_line,
                   const std::vector<std::string>& command_line_engine_options, bool inherited,
                   const SettingSet& leave_out, std::vector<const JobFileEntry*>& skipped) {
  for (const JobFileEntry& e : entries) {
    if (!kept(e, later, command_line, command_line_engine_options)) continue;
    if (leave_out.count({e.label, e.key}) != 0) {
      skipped.push_back(&e);
      continue;
    }
    builder.set_inheriting(inherited || e.inherited);
    if (e.key.find('.') == std::string::npos) {
      builder.apply(e.key, e.text, e.label);
    } else if (engine_part(e.key) == engine) {
      builder.add_engine_option(std::string(option_part(e.key)), e.text);
    }
  }
  builder.set_inheriting(false);
}

}  // namespace

std::vector<std::string> JobFile::global_values(std::string_view key) const {
  std::vector<std::string> values;
  for (const JobFileEntry& e : global) {
    if (e.key == key) values.push_back(e.text);
  }
  return values;
}

JobFile parse_job_file(std::string_view toml_text, const std::string& path) {
  toml::table root;
  try {
    root = toml::parse(toml_text, path);
  } catch (const toml::parse_error& e) {
    throw UsageError(fmt::format("{}:{}:{}: {}", path, e.source().begin.line, e.source().begin.column,
                                 e.description()));
  }
  return TreeReader(path).read(root);
}

std::string read_job_file_text(const std::string& path, std::string_view option, std::string_view accepted) {
  constexpr size_t kMaxBytes = size_t{16} << 20;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw UsageError(fmt::format("{}: '{}' is a directory; accepted: {}", option, path, accepted));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw UsageError(fmt::format("{}: '{}' cannot be read: {}; accepted: {}", option, path, std::strerror(errno),
                                 accepted));
  }
  std::string text;
  char chunk[65536];
  while (text.size() <= kMaxBytes && in.read(chunk, sizeof chunk).gcount() > 0) {
    text.append(chunk, static_cast<size_t>(in.gcount()));
  }
  if (text.size() > kMaxBytes) {
    throw UsageError(fmt::format("{}: '{}' cannot be a job file: more than {} bytes; accepted: {}", option, path,
                                 kMaxBytes, accepted));
  }
  return text;
}

JobFile load_job_file(const std::string& path) {
  return parse_job_file(read_job_file_text(path, "--config", "a TOML job file"), path);
}

PhasedJob build_phased_job(const JobFile& file, const std::string& engine,
                           const std::function<void(JobSpecBuilder&)>& apply_command_line,
                           std::vector<LeftOutSetting>* left_out) {
  // What the command line sets, to take it out of the file's layers.
  JobSpecBuilder command_line;
  apply_command_line(command_line);
  std::vector<std::string> command_line_engine_options;
  for (const auto& [option, text] : command_line.spec().engine_options) command_line_engine_options.push_back(option);

  PhasedJob job;
  std::vector<std::string> thread_labels;
  std::optional<JobSpecBuilder> first_builder;  // the run's settings are its
  std::vector<std::string> problems;            // of every phase and group, said together

  // The settings of one phase or group come in layers, lowest first.
  struct Layer {
    const std::vector<JobFileEntry>* entries;
    bool inherited;  // a layer above the phase's or group's own
  };
  // A builder with the settings of `layers` but those in `leave_out`, then
  // the command line's.  A value that is not accepted is a SettingError: it
  // ends the build at once, said as the builder said it (its label names
  // the file and line).
  struct SettingError {
    UsageError error;
  };
  // `skipped`: the entries of the last layer (the phase's or group's own)
  // that `leave_out` left out.
  const auto fill = [&](const std::vector<Layer>& layers, const SettingSet& leave_out,
                        std::vector<const JobFileEntry*>& skipped) {
    JobSpecBuilder b;
    try {
      for (size_t i = 0; i < layers.size(); ++i) {
        std::vector<const std::vector<JobFileEntry>*> later;
        for (size_t j = i + 1; j < layers.size(); ++j) later.push_back(layers[j].entries);
        std::vector<const JobFileEntry*> skipped_here;
        apply_entries(b, *layers[i].entries, engine, later, command_line, command_line_engine_options,
                      layers[i].inherited, leave_out, skipped_here);
        if (i + 1 == layers.size()) skipped = std::move(skipped_here);
      }
      apply_command_line(b);
    } catch (const UsageError& e) {
      throw SettingError{e};
    }
    return b;
  };
  // An inherited setting that shapes what a phase or group does not do
  // (JobSpecBuilder::IdleSetting) is left out of it: it is built again
  // without such settings.  One is refused only when no phase or group that
  // inherits it uses it (`idle`, said in the file's order; `used`).
  std::vector<JobSpecBuilder::IdleSetting> idle;
  SettingSet idle_seen, used;
  // Builds the job of a phase or group into `builder`.  Throws UsageError.
  const auto build_layers = [&](const std::vector<Layer>& layers, JobSpecBuilder& builder) -> JobSpec {
    // Built again without them until none of the settings left is idle
    // (a safeguard: no setting's effect depends on another that is judged
    // idle alone today); each round leaves out more, so this ends.
    SettingSet leave_out;
    std::vector<const JobFileEntry*> skipped;
    std::map<std::pair<std::string, std::string>, std::string> reasons;  // this phase's, of leave_out
    for (;;) {
      builder = fill(layers, leave_out, skipped);
      std::optional<JobSpec> spec;
      std::optional<UsageError> failure;  // perhaps from a setting the next round leaves out
      try {
        spec = builder.build();
      } catch (const UsageError& e) {
        failure = e;
      }
      bool more = false;
      for (const JobSpecBuilder::IdleSetting& n : builder.idle_settings()) {
        more |= leave_out.emplace(n.label, n.name).second;
        reasons.emplace(std::pair{n.label, n.name}, n.message);
        if (idle_seen.emplace(n.label, n.name).second) idle.push_back(n);
      }
      if (more) continue;
      // (A build that failed before it looked has no notes: its inherited
      // settings count as used, so no refusal claims otherwise.)
      for (const auto& setting : builder.inherited_settings()) used.insert(setting);
      if (failure) throw *failure;
      if (left_out != nullptr) {
        for (const JobFileEntry* e : skipped) left_out->push_back({e, reasons[{e->label, e->key}]});
      }
      return *spec;
    }
  };
  // A group's job: global < phase < group < command line, each group on
  // its own; nullopt (its problem kept) when it does not build.
  const auto build_group = [&](const JobFilePhase& phase, const JobFileGroup& group) -> std::optional<JobSpec> {
    JobSpecBuilder g;
    try {
      return build_layers({{&file.global, true}, {&phase.entries, true}, {&group.entries, false}}, g);
    } catch (const UsageError& e) {
      problems.push_back(fmt::format("{}: {}", group.label, e.what()));
      return std::nullopt;
    }
  };

  try {
    for (const JobFilePhase& phase : file.phases) {
      // A phase of groups is its groups: its own settings (the run's, and
      // the phase's workload) are its first group's, which may name the files
      // the phase leaves out.
      const JobFileGroup* first_group = phase.groups.empty() ? nullptr : &phase.groups.front();
      // A file without [[phase]] or groups is one phase of the global
      // settings: they are its own.
      const std::vector<Layer> layers =
          first_group == nullptr
              ? std::vector<Layer>{{&file.global, !phase.label.empty()}, {&phase.entries, false}}
              : std::vector<Layer>{{&file.global, true}, {&phase.entries, true}, {&first_group->entries, false}};
      JobSpecBuilder builder;
      try {
        const JobSpec spec = build_layers(layers, builder);
        // Options of the run are not accepted inside a phase: every phase has
        // the first one's.  A phase with other files than the first has them
        // as its own.
        if (job.phases.empty()) {
          job.run = spec.run();
          job.target = spec.target();
        }
        job.phases.push_back({phase.name, spec.workload(), {}});
        if (spec.target() != job.target) job.phases.back().workload.own_files = spec.target();
      } catch (const UsageError& e) {
        // A combination may come from settings the phase inherits: say which
        // phase (or first group) it is.  Every phase's and group's problem is
        // said at once (below); a phase that failed has no groups built.
        if (first_group != nullptr) {
          problems.push_back(fmt::format("{}: {}", first_group->label, e.what()));
        } else {
          problems.push_back(phase.label.empty() ? e.what() : fmt::format("{}: {}", phase.label, e.what()));
        }
        for (size_t g = 1; g < phase.groups.size(); ++g) (void)build_group(phase, phase.groups[g]);
        continue;
      }
      thread_labels.push_back(builder.label_of("threads"));
      if (!first_builder) first_builder = builder;
      for (const JobFileGroup& group : phase.groups) {
        if (std::optional<JobSpec> spec = build_group(phase, group)) {
          job.phases.back().groups.emplace_back(group.name, spec->workload());
          if (spec->target() != job.target) job.phases.back().groups.back().second.own_files = spec->target();
        }
      }
      if (!job.phases.back().groups.empty()) job.phases.back().workload = job.phases.back().groups.front().second;
    }
  } catch (const SettingError& e) {
    throw e.error;
  }
  // In the file's order.
  std::map<std::pair<std::string, std::string>, size_t> position;
  const auto number = [&position](const std::vector<JobFileEntry>& entries) {
    for (const JobFileEntry& e : entries) position.emplace(std::pair{e.label, e.key}, position.size());
  };
  number(file.global);
  for (const JobFilePhase& phase : file.phases) {
    number(phase.entries);
    for (const JobFileGroup& group : phase.groups) number(group.entries);
  }
  const auto place = [&position](const JobSpecBuilder::IdleSetting& n) {
    const auto it = position.find({n.label, n.name});
    return it != position.end() ? it->second : position.size();
  };
  std::stable_sort(idle.begin(), idle.end(), [&place](const auto& a, const auto& b) { return place(a) < place(b); });
  // (One line of the file may give several settings, a fio option: it is
  // refused once.)
  std::set<std::string> refused_labels;
  for (const JobSpecBuilder::IdleSetting& n : idle) {
    if (used.count({n.label, n.name}) != 0 || !refused_labels.insert(n.label).second) continue;
    problems.push_back(n.message + " (no phase or group of the file uses it)");
  }
  // (Phases made from one job, a fio job's loops, say its problem once.)
  std::set<std::string> said;
  std::erase_if(problems, [&said](const std::string& p) { return !said.insert(p).second; });
  if (problems.size() == 1) throw UsageError(problems.front());
  if (!problems.empty()) {
    std::string message = fmt::format("{} problems with this job file:", problems.size());
    for (const std::string& p : problems) message += "\n  " + p;
    throw UsageError(message);
  }

  // The logs' shape needs a workload that writes a log.
  bool logs = false;
  const auto logs_of = [](const WorkloadSpec& w) {
    return !w.fio_bw_log.empty() || !w.fio_iops_log.empty() || !w.fio_lat_log.empty();
  };
  for (const PhaseSpec& p : job.phases) {
    logs |= logs_of(p.workload);
    for (const auto& [name, w] : p.groups) logs |= logs_of(w);
  }
  first_builder->check_log_shape(logs);

  // One file per worker under generated names (TARGET.<worker>): another
  // number of threads would name other files, a set of files of its own
  // that shares some of the first's.  (A --file-list names the files
  // whatever the threads: each phase splits it among its own workers.)
  for (size_t i = 1; i < job.phases.size(); ++i) {
    const PhaseSpec& phase = job.phases[i];
    const TargetSpec files = job.job(phase.workload).target();
    if (files.file_distribution != FileDistribution::kPerWorker || !files.file_list.empty()) continue;
    for (size_t j = 0; j < i; ++j) {
      const PhaseSpec& first = job.phases[j];
      if (job.job(first.workload).target() != files) continue;
      if (phase.workload.threads != first.workload.threads) {
        const std::string& label = thread_labels[i].rfind("--", 0) == 0 ? thread_labels[j] : thread_labels[i];
        throw UsageError(fmt::format(
            "{}: {} in phase '{}' but {} in phase '{}'; accepted: the same number of threads in every phase "
            "on the same files with file-distribution per-worker (one file per worker)",
            label, phase.workload.threads, phase.name, first.workload.threads, first.name));
      }
      break;
    }
  }
  return job;
}

void check_engine_options(
    const JobFile& file,
    const std::function<void(const std::string& engine, const std::string& option, const std::string& text)>&
        check_option) {
  const auto check = [&](const JobFileEntry& e) {
    if (e.key.find('.') == std::string::npos) return;
    try {
      check_option(std::string(engine_part(e.key)), std::string(option_part(e.key)), e.text);
    } catch (const UsageError& err) {
      const std::string prefix = "--" + e.key + ": ";
      const std::string message = err.what();
      if (message.rfind(prefix, 0) != 0) throw;
      throw UsageError(fmt::format("{}: {}", e.label, message.substr(prefix.size())));
    }
  };
  for (const JobFileEntry& e : file.global) check(e);
  for (const JobFilePhase& phase : file.phases) {
    for (const JobFileEntry& e : phase.entries) check(e);
    for (const JobFileGroup& group : phase.groups) {
      for (const JobFileEntry& e : group.entries) check(e);
    }
  }
}

}  // namespace iopulse
