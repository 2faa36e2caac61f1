// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// iopulse(1), iopulse-engine-check(1) and the bash and zsh completion are
// written from the option tables; these tests hold them to what the parsers
// really accept: every option a page or a script names is one the program
// takes, every option the program lists is in the page and the scripts,
// the completion offers what the loader finds, the pages are clean roff (as
// groff's warnings see it), and the installed copies are the ones the
// binaries write now.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "run_support.h"

namespace iopulse::test {
namespace {

namespace fs = std::filesystem;

const fs::path kBuildDir = fs::path(IOPULSE_BINARY).parent_path();
const std::string kEngineCheck = (kBuildDir / "sdk/conformance/iopulse-engine-check").string();

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every "--name" in `text` (help output: the first column of option lines),
// with whether it takes a value (a second word in that column).
std::map<std::string, bool> help_option_values(const std::string& text) {
  std::map<std::string, bool> names;
  const std::regex option(R"((?:^|[\s\[])--([a-z][a-z0-9-]*)( \]?)?( [A-Za-z])?)");
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    // Only the option column: help text mentions other options too.
    if (line.rfind("  -", 0) != 0) continue;
    const std::string column = line.substr(0, line.find("  ", 2));
    for (std::sregex_iterator it(column.begin(), column.end(), option), end; it != end; ++it) {
      names[(*it)[1]] = (*it)[3].matched;
    }
  }
  return names;
}

std::set<std::string> help_options(const std::string& text) {
  std::set<std::string> names;
  for (const auto& [name, value] : help_option_values(text)) names.insert(name);
  return names;
}

// Runs `program --option ['']` for every option of `help` and expects none
// to be refused as unknown (the parsers name unknown options).  No target
// is given and an empty value is refused, so nothing runs.
void expect_parser_takes(const std::string& program, const std::string& help) {
  for (const auto& [name, takes_value] : help_option_values(help)) {
    std::vector<std::string> argv = {program, "--" + name};
    if (takes_value) argv.push_back("");
    const RunOutcome r = run_command(argv);
    EXPECT_EQ(r.err.find("unknown option"), std::string::npos) << name << ": " << r.err;
  }
}

// Every option a man page documents: "\fB\-\-name\fR" at the start of a .TP tag.
std::set<std::string> man_options(const std::string& page) {
  std::set<std::string> names;
  const std::regex tag(R"(\\fB\\-\\-([a-z][a-z0-9\\-]*)\\fR)");
  std::istringstream lines(page);
  std::string previous;
  for (std::string line; std::getline(lines, line); previous = line) {
    if (previous != ".TP") continue;
    for (std::sregex_iterator it(line.begin(), line.end(), tag), end; it != end; ++it) {
      names.insert(std::regex_replace((*it)[1].str(), std::regex(R"(\\-)"), "-"));
    }
  }
  return names;
}

// What the bash completion offers for the command line `line` (words, the
// last one being completed), sourcing `script` in a clean bash.
std::vector<std::string> bash_complete(const std::string& script, const std::vector<std::string>& line,
                                       const std::vector<std::string>& env = {}) {
  std::string words;
  for (const std::string& w : line) words += " '" + w + "'";
  const std::string program = line.front() == "iopulse" ? "_iopulse" : "_iopulse_engine_check";
  const std::string code = "source '" + script + "'; COMP_WORDS=(" + words + "); COMP_CWORD=" +
                           std::to_string(line.size() - 1) + "; " + program +
                           "; printf '%s\\n' \"${COMPREPLY[@]}\"";
  const RunOutcome r = run_command({"/bin/bash", "--norc", "--noprofile", "-c", code}, env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  std::vector<std::string> offered;
  std::istringstream lines(r.out);
  for (std::string l; std::getline(lines, l);) {
    if (!l.empty()) offered.push_back(l);
  }
  return offered;
}

bool offers(const std::vector<std::string>& offered, const std::string& word) {
  return std::find(offered.begin(), offered.end(), word) != offered.end();
}

TEST(GeneratedDocs, InstalledCopiesAreWhatTheBinariesWriteNow) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> generated = {
      {{IOPULSE_BINARY, "--print-man"}, "iopulse.1"},
      {{IOPULSE_BINARY, "--print-completion", "bash"}, "iopulse.bash"},
      {{IOPULSE_BINARY, "--print-completion", "zsh"}, "_iopulse"},
      {{kEngineCheck, "--print-man"}, "iopulse-engine-check.1"},
      {{kEngineCheck, "--print-completion", "bash"}, "iopulse-engine-check.bash"},
      {{kEngineCheck, "--print-completion", "zsh"}, "_iopulse-engine-check"},
  };
  for (const auto& [argv, file] : generated) {
    const RunOutcome r = run_command(argv);
    ASSERT_EQ(r.exit_code, 0) << file << r.err;
    EXPECT_EQ(r.out, read_file(kBuildDir / "generated-docs" / file)) << file;
  }
  const RunOutcome bad = run_iopulse({"--print-completion", "fish"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--print-completion: 'fish' is not accepted; accepted: bash, zsh"), std::string::npos)
      << bad.err;
}

// The man pages name exactly the options --help lists, and the parser takes
// each of them (it reports unknown options by name).
TEST(GeneratedDocs, ManPagesListExactlyTheOptionsTheParsersTake) {
  const RunOutcome help = run_iopulse({"--help"});
  ASSERT_EQ(help.exit_code, 0);
  const std::set<std::string> listed = help_options(help.out);
  ASSERT_GT(listed.size(), 60u);
  const RunOutcome report_help = run_iopulse({"report", "--help"});
  ASSERT_EQ(report_help.exit_code, 0);
  std::set<std::string> expected = listed;
  for (const std::string& o : help_options(report_help.out)) expected.insert(o);
  const RunOutcome page = run_iopulse({"--print-man"});
  EXPECT_EQ(man_options(page.out), expected);
  expect_parser_takes(IOPULSE_BINARY, help.out);
  const RunOutcome unknown = run_iopulse({"--no-such-option", "x"});
  EXPECT_NE(unknown.err.find("unknown option"), std::string::npos) << unknown.err;

  const RunOutcome check_help = run_command({kEngineCheck, "--help"});
  ASSERT_EQ(check_help.exit_code, 0);
  const RunOutcome check_page = run_command({kEngineCheck, "--print-man"});
  EXPECT_EQ(man_options(check_page.out), help_options(check_help.out));
  expect_parser_takes(kEngineCheck, check_help.out);
  const RunOutcome check_unknown = run_command({kEngineCheck, "--no-such-option"});
  EXPECT_NE(check_unknown.err.find("unknown option --no-such-option"), std::string::npos) << check_unknown.err;
}

// groff -ww reports every roff problem (unknown requests, bad escapes).
TEST(GeneratedDocs, ManPagesAreCleanRoff) {
  for (const std::string file : {"iopulse.1", "iopulse-engine-check.1"}) {
    const RunOutcome r = run_command(
        {"/bin/sh", "-c", "groff -man -Tutf8 -ww -z \"$1\"", "sh", (kBuildDir / "generated-docs" / file).string()});
    EXPECT_EQ(r.exit_code, 0) << file;
    EXPECT_EQ(r.err, "") << file;
  }
}

TEST(GeneratedDocs, BashCompletionOffersOptionsValuesAndEngines) {
  const std::string script = (kBuildDir / "generated-docs" / "iopulse.bash").string();
  // Every option --help lists.
  const RunOutcome help = run_iopulse({"--help"});
  const std::vector<std::string> all = bash_complete(script, {"iopulse", "--"});
  for (const std::string& o : help_options(help.out)) EXPECT_TRUE(offers(all, "--" + o)) << o;
  EXPECT_EQ(bash_complete(script, {"iopulse", "--think-m"}), (std::vector<std::string>{"--think-mode"}));
  // Literal values, exactly those the parser takes.
  EXPECT_EQ(bash_complete(script, {"iopulse", "--think-mode", ""}), (std::vector<std::string>{"sleep", "spin"}));
  EXPECT_EQ(bash_complete(script, {"iopulse", "--lock-mode", "f"}), (std::vector<std::string>{"full"}));
  for (const std::string& v : bash_complete(script, {"iopulse", "--file-distribution", ""})) {
    ScratchDir dir;
    const RunOutcome r = run_iopulse({dir.path() + "/f", "--file-size", "64k", "--file-distribution", v,
                                      "--dry-run"});
    EXPECT_EQ(r.exit_code, 0) << v << ": " << r.err;
  }
  // Engine names: what the loader lists from the same directory.
  const RunOutcome listed = run_iopulse({"--list-engines"});
  ASSERT_EQ(listed.exit_code, 0);
  const std::string plugins = (kBuildDir / "plugins").string();
  std::vector<std::string> engines =
      bash_complete(script, {"iopulse", "--plugin-dir", plugins, "--engine", ""}, {"IOPULSE_PLUGIN_PATH="});
  ASSERT_GE(engines.size(), 3u);
  for (const std::string& e : engines) {
    EXPECT_NE(listed.out.find(e), std::string::npos) << e << " is not in --list-engines:\n" << listed.out;
  }
  EXPECT_TRUE(offers(engines, "sync"));
  EXPECT_TRUE(offers(engines, "null"));
  engines = bash_complete(script, {"iopulse", "--engine-help", "nu"}, {"IOPULSE_PLUGIN_PATH=" + plugins});
  EXPECT_EQ(engines, (std::vector<std::string>{"null"}));
  // The report command's own options.
  EXPECT_EQ(bash_complete(script, {"iopulse", "report", "a.json", "--ti"}), (std::vector<std::string>{"--title"}));
  // The checker's.
  const std::string check_script = (kBuildDir / "generated-docs" / "iopulse-engine-check.bash").string();
  EXPECT_EQ(bash_complete(check_script, {"iopulse-engine-check", "x.so", "--no-f"}),
            (std::vector<std::string>{"--no-fork"}));
}

// zsh parses the scripts, and each names every option.
TEST(GeneratedDocs, ZshCompletionParsesAndNamesEveryOption) {
  const RunOutcome help = run_iopulse({"--help"});
  for (const auto& [file, options] :
       std::vector<std::pair<std::string, std::set<std::string>>>{
           {"_iopulse", help_options(help.out)},
           {"_iopulse-engine-check", help_options(run_command({kEngineCheck, "--help"}).out)}}) {
    const std::string path = (kBuildDir / "generated-docs" / file).string();
    const RunOutcome r = run_command({"/usr/bin/zsh", "-n", path});
    EXPECT_EQ(r.exit_code, 0) << file << ": " << r.err;
    const std::string text = read_file(path);
    for (const std::string& o : options) EXPECT_NE(text.find("--" + o), std::string::npos) << file << " " << o;
  }
}

}  // namespace
}  // namespace iopulse::test
