// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "config/fio_ini_reader.h"

#include <cctype>
#include <cstdlib>

#include <fmt/format.h>

namespace iopulse {
namespace {

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// As fio's strip_blank_end(): a ';' or '#' anywhere starts a comment.
std::string_view without_comment(std::string_view line) {
  const size_t at = line.find_first_of(";#");
  return trimmed(at == std::string_view::npos ? line : line.substr(0, at));
}

bool key_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

bool valid_key(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    if (!key_char(c)) return false;
  }
  return true;
}

// A section header: "[name]" with a name that is not empty and holds no '['.
std::optional<std::string_view> header_name(std::string_view line) {
  if (line.size() < 3 || line.front() != '[' || line.back() != ']') return std::nullopt;
  const std::string_view name = trimmed(line.substr(1, line.size() - 2));
  if (name.empty() || name.find_first_of("[]") != std::string_view::npos) return std::nullopt;
  return name;
}

// Replaces every ${NAME}; an unset NAME or an unclosed "${" is a problem.
std::optional<std::string> expand(std::string_view value, std::string& problem,
                                  const std::function<std::optional<std::string>(const std::string&)>& getenv) {
  std::string out;
  size_t pos = 0;
  while (pos < value.size()) {
    const size_t open = value.find("${", pos);
    if (open == std::string_view::npos) break;
    const size_t close = value.find('}', open + 2);
    if (close == std::string_view::npos) {
      problem = fmt::format("'{}': '${{' without '}}'; accepted: ${{NAME}} for the environment variable NAME", value);
      return std::nullopt;
    }
    const std::string name(value.substr(open + 2, close - open - 2));
    const std::optional<std::string> v = getenv(name);
    if (!v) {
      problem = fmt::format("${{{}}}: the environment variable {} is not set", name, name);
      return std::nullopt;
    }
    out.append(value.substr(pos, open - pos));
    out += *v;
    pos = close + 1;
  }
  out.append(value.substr(pos));
  return out;
}

std::optional<std::string> system_getenv(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

}  // namespace

FioIniFile read_fio_ini(std::string_view text, const std::string& path,
                        const std::function<std::optional<std::string>(const std::string&)>& getenv) {
  const auto& lookup = getenv ? getenv : std::function<std::optional<std::string>(const std::string&)>(system_getenv);
  FioIniFile file;
  uint32_t number = 0;
  size_t pos = 0;
  const auto problem = [&](const std::string& what) {
    file.problems.push_back(fmt::format("{}:{}: {}", path, number, what));
  };
  while (pos <= text.size()) {
    const size_t end = std::min(text.find('\n', pos), text.size());
    const std::string_view raw = text.substr(pos, end - pos);
    pos = end + 1;
    ++number;
    const std::string_view line = without_comment(raw);
    if (line.empty()) continue;
    if (line.front() == '[') {
      const std::optional<std::string_view> name = header_name(line);
      if (!name) {
        problem(fmt::format("'{}' is not a section header; accepted: [global] or [job-name]", line));
        continue;
      }
      file.sections.push_back({std::string(*name), number, {}});
      continue;
    }
    const size_t eq = line.find('=');
    const std::string_view key = trimmed(line.substr(0, eq));
    if (key == "include" || key.starts_with("include ")) {
      problem("include: other job files are not read; accepted: one self-contained job file");
      continue;
    }
    if (!valid_key(key)) {
      problem(fmt::format("'{}' is not an option; accepted: name=value or a name alone", line));
      continue;
    }
    if (file.sections.empty()) {
      problem(fmt::format("{}: outside any section; accepted: options after [global] or [job-name]", key));
      continue;
    }
    FioIniOption option{std::string(key), "", eq != std::string_view::npos, number};
    if (option.has_value) {
      std::string why;
      std::optional<std::string> value = expand(trimmed(line.substr(eq + 1)), why, lookup);
      if (!value) {
        problem(fmt::format("{}: {}", key, why));
        continue;
      }
      option.value = std::move(*value);
    }
    file.sections.back().options.push_back(std::move(option));
  }
  return file;
}

bool has_fio_ini_shape(std::string_view text) {
  bool first = true;
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t end = std::min(text.find('\n', pos), text.size());
    const std::string_view line = without_comment(text.substr(pos, end - pos));
    pos = end + 1;
    if (line.empty()) continue;
    if (line.front() == '[') {
      if (!header_name(line)) return false;
    } else if (first) {
      return false;
    } else if (!valid_key(trimmed(line.substr(0, line.find('='))))) {
      return false;
    }
    first = false;
  }
  return !first;
}

}  // namespace iopulse
