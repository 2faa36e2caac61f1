// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// EngineOptionValues: parsing --<engine>.<option> values against the
// fixture_good option table (verbose BOOL, depth INT 1..64, block SIZE
// 512..1m, label STRING, mode ENUM fast/slow/balanced), and handing the
// typed values to the engine's create().
#include "plugin/engine_options.h"

#include <cerrno>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "job/usage_error.h"
#include "plugin/engine_library.h"
#include "plugin/plugin_error.h"
#include "fixture_path.h"

namespace iopulse {
namespace {

using Given = std::vector<std::pair<std::string, std::string>>;

using iopulse::test::fixture;

class EngineOptionsTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    good_ = EngineLibrary::load(fixture("good/iopulse_fixture_good.so")).release();
    dupe_ = EngineLibrary::load(fixture("dup_a/iopulse_dupe.so")).release();
  }
  static void TearDownTestSuite() {
    delete good_;
    delete dupe_;
  }

  // The UsageError message parsing `given` produces, or "" (and a failure).
  static std::string parse_error(const Given& given) {
    try {
      EngineOptionValues::parse(*good_, given);
    } catch (const PluginError& e) {
      ADD_FAILURE() << "a bad option value is a UsageError, not a PluginError: " << e.what();
      return "";
    } catch (const UsageError& e) {
      return e.what();
    }
    ADD_FAILURE() << "parsed but should not have";
    return "";
  }

  // Option `index` after parsing a single (name, text), copied out of the
  // EngineOptionValues (whose strings die with it).
  struct Value {
    int64_t i;
    std::string s;  // "(null)" when the value has no string
  };
  static Value parse_one(const std::string& name, const std::string& text, uint32_t index) {
    EngineOptionValues values = EngineOptionValues::parse(*good_, {{name, text}});
    const iop_option_value& v = values.data()[index];
    return {v.i, v.s != nullptr ? v.s : "(null)"};
  }

  static inline EngineLibrary* good_ = nullptr;
  static inline EngineLibrary* dupe_ = nullptr;
};

TEST_F(EngineOptionsTest, DefaultsApplyInTableOrder) {
  EngineOptionValues values = EngineOptionValues::parse(*good_, {});
  ASSERT_EQ(values.size(), 5u);
  const iop_option_value* v = values.data();
  EXPECT_EQ(v[0].i, 0);  // verbose "off"
  EXPECT_EQ(v[0].s, nullptr);
  EXPECT_EQ(v[1].i, 4);
  EXPECT_EQ(v[2].i, 4096);  // "4k"
  EXPECT_STREQ(v[3].s, "fixture");
  EXPECT_EQ(v[4].i, 0);  // NULL default: the first choice
  EXPECT_STREQ(v[4].s, "fast");
  EXPECT_EQ(values.to_json(), nlohmann::json::parse(R"({"verbose": false, "depth": 4,
      "block": 4096, "label": "fixture", "mode": "fast"})"));
}

TEST_F(EngineOptionsTest, EveryTypeParses) {
  EngineOptionValues values = EngineOptionValues::parse(
      *good_,
      {{"mode", "balanced"}, {"verbose", ""}, {"block", "64K"}, {"label", "hello world"},
       {"depth", "+7"}});
  const iop_option_value* v = values.data();
  EXPECT_EQ(v[0].i, 1);
  EXPECT_EQ(v[1].i, 7);
  EXPECT_EQ(v[2].i, 65536);
  EXPECT_STREQ(v[3].s, "hello world");
  EXPECT_EQ(v[4].i, 2);
  EXPECT_STREQ(v[4].s, "balanced");
  EXPECT_EQ(values.find("depth"), &v[1]);
  EXPECT_EQ(values.find("nope"), nullptr);
  EXPECT_EQ(values.to_json(), nlohmann::json::parse(R"({"verbose": true, "depth": 7,
      "block": 65536, "label": "hello world", "mode": "balanced"})"));
}

TEST_F(EngineOptionsTest, BoolSpellings) {
  for (const char* yes : {"", "1", "true", "TRUE", "yes", "Yes", "on", "ON"}) {
    EXPECT_EQ(parse_one("verbose", yes, 0).i, 1) << "'" << yes << "'";
  }
  for (const char* no : {"0", "false", "False", "no", "NO", "off", "Off"}) {
    EXPECT_EQ(parse_one("verbose", no, 0).i, 0) << "'" << no << "'";
  }
}

TEST_F(EngineOptionsTest, BadBool) {
  EXPECT_EQ(parse_error({{"verbose", "maybe"}}),
            "--fixture_good.verbose: 'maybe' is not a boolean; accepted: 1/0, true/false, "
            "yes/no, on/off");
  EXPECT_EQ(parse_error({{"verbose", "2"}}),
            "--fixture_good.verbose: '2' is not a boolean; accepted: 1/0, true/false, yes/no, "
            "on/off");
}

TEST_F(EngineOptionsTest, Integers) {
  EXPECT_EQ(parse_one("depth", "1", 1).i, 1);
  EXPECT_EQ(parse_one("depth", "64", 1).i, 64);
  for (const char* bad : {"abc", "4.5", "0x10", " 4", "4 ", "-", "+", "+-3", "4k"}) {
    EXPECT_EQ(parse_error({{"depth", bad}}),
              "--fixture_good.depth: '" + std::string(bad) + "' is not an integer; accepted: 1..64");
  }
  EXPECT_EQ(parse_error({{"depth", "65"}}),
            "--fixture_good.depth: 65 is out of range; accepted: 1..64");
  EXPECT_EQ(parse_error({{"depth", "0"}}),
            "--fixture_good.depth: 0 is out of range; accepted: 1..64");
  EXPECT_EQ(parse_error({{"depth", "-3"}}),
            "--fixture_good.depth: -3 is out of range; accepted: 1..64");
  EXPECT_EQ(parse_error({{"depth", "99999999999999999999"}}),
            "--fixture_good.depth: 99999999999999999999 is out of range; accepted: 1..64");
  EXPECT_EQ(parse_error({{"depth", ""}}),
            "--fixture_good.depth: a value is required; accepted: 1..64");
}

TEST_F(EngineOptionsTest, Sizes) {
  EXPECT_EQ(parse_one("block", "512", 2).i, 512);
  EXPECT_EQ(parse_one("block", "2k", 2).i, 2048);
  EXPECT_EQ(parse_one("block", "2KiB", 2).i, 2048);
  EXPECT_EQ(parse_one("block", "3kb", 2).i, 3072);
  EXPECT_EQ(parse_one("block", "1M", 2).i, 1048576);
  EXPECT_EQ(parse_one("block", "1024b", 2).i, 1024);
  const std::string accepted = "; accepted: 512..1m (suffixes k/m/g/t, powers of 1024)";
  for (const char* bad : {"12x", "-4k", "k", "1.5k", "4kk", "+4k", "4 k"}) {
    EXPECT_EQ(parse_error({{"block", bad}}),
              "--fixture_good.block: '" + std::string(bad) + "' is not a size" + accepted);
  }
  EXPECT_EQ(parse_error({{"block", "2m"}}),
            "--fixture_good.block: 2m is out of range; accepted: 512..1m");
  EXPECT_EQ(parse_error({{"block", "256"}}),
            "--fixture_good.block: 256 is out of range; accepted: 512..1m");
  EXPECT_EQ(parse_error({{"block", "9999999t"}}),  // overflows int64
            "--fixture_good.block: 9999999t is out of range; accepted: 512..1m");
}

TEST_F(EngineOptionsTest, StringsAndEnums) {
  EXPECT_EQ(parse_one("label", "", 3).s, "");
  EXPECT_EQ(parse_one("label", "a=b, c", 3).s, "a=b, c");
  Value slow = parse_one("mode", "slow", 4);
  EXPECT_EQ(slow.i, 1);
  EXPECT_EQ(slow.s, "slow");
  EXPECT_EQ(parse_one("depth", "5", 1).s, "(null)");
  EXPECT_EQ(parse_one("verbose", "1", 0).s, "(null)");
  EXPECT_EQ(parse_error({{"mode", "turbo"}}),
            "--fixture_good.mode: 'turbo' is not a choice; accepted: fast, slow, balanced");
  EXPECT_EQ(parse_error({{"mode", "Slow"}}),
            "--fixture_good.mode: 'Slow' is not a choice; accepted: fast, slow, balanced");
  EXPECT_EQ(parse_error({{"mode", ""}}),
            "--fixture_good.mode: a value is required; accepted: fast, slow, balanced");
}

TEST_F(EngineOptionsTest, UnknownOptionListsTheEnginesOptions) {
  EXPECT_EQ(parse_error({{"bogus", "1"}}),
            "--fixture_good.bogus: unknown option for engine fixture_good; options: verbose, "
            "depth, block, label, mode (see iopulse --engine-help fixture_good)");
}

TEST_F(EngineOptionsTest, SameOptionTwiceIsAnError) {
  EXPECT_EQ(parse_error({{"depth", "3"}, {"depth", "3"}}),
            "--fixture_good.depth: given more than once");
}

TEST_F(EngineOptionsTest, EngineWithoutOptions) {
  EngineOptionValues values = EngineOptionValues::parse(*dupe_, {});
  EXPECT_EQ(values.size(), 0u);
  EXPECT_EQ(values.data(), nullptr);
  EXPECT_EQ(values.to_json(), nlohmann::json::object());
  try {
    EngineOptionValues::parse(*dupe_, {{"x", "1"}});
    ADD_FAILURE() << "unknown option accepted";
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(),
                 "--dupe.x: unknown option for engine dupe; options: none (see iopulse "
                 "--engine-help dupe)");
  }
}

TEST_F(EngineOptionsTest, StringPointersSurviveMoveAndCopy) {
  const std::string long_label(100, 'x');  // heap-allocated, unlike "ab"
  for (const std::string& label : {std::string("ab"), long_label}) {
    auto original =
        std::make_unique<EngineOptionValues>(EngineOptionValues::parse(*good_, {{"label", label}}));
    const char* original_s = original->data()[3].s;

    EngineOptionValues moved(std::move(*original));
    EXPECT_EQ(moved.data()[3].s, original_s) << "a move must not relocate the strings";

    EngineOptionValues copy(moved);
    EXPECT_NE(copy.data()[3].s, moved.data()[3].s) << "a copy points at its own strings";
    EngineOptionValues assigned = EngineOptionValues::parse(*good_, {});
    assigned = copy;
    original.reset();
    { EngineOptionValues gone = std::move(moved); }
    EXPECT_STREQ(copy.data()[3].s, label.c_str());
    EXPECT_STREQ(copy.data()[4].s, "fast");
    EXPECT_STREQ(assigned.data()[3].s, label.c_str());
    EXPECT_NE(assigned.data()[3].s, copy.data()[3].s);
  }
}

// The values reach the engine exactly: fixture_good's create() refuses a
// label of "echo" with a message listing every value it received.
TEST_F(EngineOptionsTest, CreateReceivesTheTypedValues) {
  EngineOptionValues values = EngineOptionValues::parse(
      *good_, {{"label", "echo"}, {"depth", "9"}, {"block", "1m"}, {"verbose", "yes"},
               {"mode", "balanced"}});
  iop_engine_config config{};
  config.struct_size = sizeof config;
  config.queue_depth = 4;
  config.num_workers = 1;
  config.num_options = values.size();
  config.options = values.data();
  iop_engine* engine = nullptr;
  iop_error err{};
  EXPECT_EQ(good_->desc().create(&config, &engine, &err), -ECANCELED);
  EXPECT_STREQ(err.message, "verbose=1 depth=9 block=1048576 label=echo mode=balanced(2)");

  // With the defaults it creates, and the instance does (pretend) IO.
  EngineOptionValues defaults = EngineOptionValues::parse(*good_, {});
  config.options = defaults.data();
  ASSERT_EQ(good_->desc().create(&config, &engine, &err), 0) << err.message;
  iop_io io{};
  io.user_data = 42;
  io.len = 4096;
  io.op = IOP_OP_READ;
  iop_io* ios[] = {&io};
  EXPECT_EQ(good_->desc().submit(engine, ios, 1, 0), 1);
  iop_cqe cqe[4];
  ASSERT_EQ(good_->desc().reap(engine, cqe, 4, 1, 0), 1);
  EXPECT_EQ(cqe[0].user_data, 42u);
  EXPECT_EQ(cqe[0].res, 4096);
  good_->desc().destroy(engine);
}

}  // namespace
}  // namespace iopulse
