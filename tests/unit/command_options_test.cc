// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The option list that --help, iopulse(1) and the completion scripts are
// generated from, checked against the parser that consumes it.
#include "cli/command_options.h"

#include <set>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/command_line.h"
#include "job/job_options.h"
#include "job/usage_error.h"

namespace iopulse {
namespace {

using ::testing::HasSubstr;

TEST(CommandOptions, EveryJobOptionOnceAndEveryTopicUsed) {
  std::set<std::string> names;
  std::set<OptionTopic> topics;
  for (const CommandOption& o : command_options()) {
    EXPECT_TRUE(names.insert(std::string(o.name)).second) << o.name;
    topics.insert(o.topic);
  }
  for (const JobOption& o : job_options()) EXPECT_EQ(names.count(std::string(o.name)), 1u) << o.name;
  for (OptionTopic t : kAllTopics) EXPECT_EQ(topics.count(t), 1u) << topic_name(t);
}

TEST(CommandOptions, ChoicesComeFromTheValueName) {
  const auto find = [](std::string_view name) {
    for (const CommandOption& o : command_options()) {
      if (o.name == name) return o;
    }
    ADD_FAILURE() << name;
    return command_options().front();
  };
  EXPECT_EQ(option_choices(find("think-mode")), (std::vector<std::string>{"sleep", "spin"}));
  EXPECT_EQ(option_choices(find("submit-batch")), (std::vector<std::string>{"auto"}));
  EXPECT_TRUE(option_choices(find("engine")).empty());
  EXPECT_TRUE(option_choices(find("block-size")).empty());
}

// Every value the table lists is accepted, and the message for a value it
// does not list names exactly the listed ones: the man page and the shell
// completion cannot offer a value the parser refuses, nor miss one it takes.
TEST(CommandOptions, ListedChoicesAreExactlyWhatTheParserAccepts) {
  int checked = 0;
  for (const CommandOption& o : command_options()) {
    const std::vector<std::string> choices = option_choices(o);
    if (o.job_option == nullptr || choices.empty()) continue;
    for (const std::string& c : choices) {
      JobSpecBuilder job;
      EXPECT_NO_THROW(job.apply(o.name, c, "--" + std::string(o.name))) << o.name << " " << c;
    }
    if (o.value_name.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string_view::npos) continue;
    JobSpecBuilder job;
    try {
      job.apply(o.name, "no-such-value", "--" + std::string(o.name));
      ADD_FAILURE() << o.name << " accepted no-such-value";
    } catch (const UsageError& e) {
      std::string listed;
      for (const std::string& c : choices) listed += (listed.empty() ? "" : ", ") + c;
      EXPECT_THAT(e.what(), HasSubstr("accepted: " + listed)) << o.name;
    }
    ++checked;
  }
  EXPECT_GE(checked, 5);
}

// --help shows every option under its topic's heading, and each group short.
TEST(CommandOptions, HelpIsGroupedByTopic) {
  const std::string help = CommandLine::usage();
  size_t last = 0;
  for (OptionTopic t : kAllTopics) {
    const size_t at = help.find(std::string(topic_title(t)) + ":");
    ASSERT_NE(at, std::string::npos) << topic_title(t);
    EXPECT_GT(at, last) << topic_title(t);
    last = at;
    size_t in_group = 0;
    for (const CommandOption& o : command_options()) in_group += o.topic == t;
    EXPECT_LE(in_group, 14u) << topic_name(t);
  }
  for (const CommandOption& o : command_options()) {
    // The option's own line: "  --name ..." or "  -x [ --name ] ...".
    const std::string name(o.name);
    size_t at = o.short_name != 0 ? help.find(std::string("\n  -") + o.short_name + " [ --" + name + " ]")
                                  : help.find("\n  --" + name + " ");
    if (at == std::string::npos && o.short_name == 0) at = help.find("\n  --" + name + "\n");
    ASSERT_NE(at, std::string::npos) << o.name;
    // Listed in its own group: after its heading and before the next one.
    const size_t heading = help.rfind(":\n", at);
    const size_t line_start = help.rfind('\n', heading - 1) + 1;
    EXPECT_EQ(help.substr(line_start, heading - line_start), topic_title(o.topic)) << o.name;
  }
}

// Boost.Program_options fills its messages by replacing %option%-style placeholders until none
// is left; an argument that carries one must still be refused with a line (found by fuzzing).
TEST(CommandOptions, AnArgumentHoldingAMessagePlaceholderIsRefused) {
  for (const char* bad : {"--%option%=", "--%original_token%=", "--%canonical_option%="}) {
    const char* argv[] = {"iopulse", "/tmp/t", bad};
    try {
      CommandLine::parse(3, argv);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const UsageError& e) {
      EXPECT_THAT(e.what(), HasSubstr("\uFF05")) << bad;
    }
  }
}

}  // namespace
}  // namespace iopulse
