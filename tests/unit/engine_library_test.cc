// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// EngineLibrary: loading the fixture plugins from tests/fixtures.  Every
// broken fixture must be refused with one exact line naming its path and
// the reason; the good one must load with its descriptor intact.
#include "plugin/engine_library.h"

#include <filesystem>
#include <memory>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "iopulse/version.h"
#include "job/usage_error.h"
#include "plugin/plugin_error.h"
#include "fixture_path.h"

namespace iopulse {
namespace {

namespace fs = std::filesystem;

using iopulse::test::fixture;

// The PluginError message loading `path` produces, or "" (and a failure)
// when it loads.
std::string load_error(const std::string& path) {
  try {
    EngineLibrary::load(path);
  } catch (const PluginError& e) {
    return e.what();
  }
  ADD_FAILURE() << path << " loaded but should not have";
  return "";
}

// Sends spdlog's default logger into a string for the life of the object.
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    auto logger = std::make_shared<spdlog::logger>("capture", sink);
    logger->set_pattern("%l %v");
    logger->set_level(spdlog::level::debug);
    spdlog::set_default_logger(logger);
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST(EngineLibraryTest, LoadsGoodFixtureAndCopiesDescriptor) {
  const std::string path = fixture("good/iopulse_fixture_good.so");
  std::unique_ptr<EngineLibrary> lib = EngineLibrary::load(path);
  ASSERT_NE(lib, nullptr);
  EXPECT_EQ(lib->path(), fs::canonical(path));
  EXPECT_EQ(lib->name(), "fixture_good");
  EXPECT_EQ(lib->version(), "1.2.3");
  EXPECT_EQ(lib->description(), "Minimal diskless engine for the IOPulse tests");
  EXPECT_EQ(lib->abi_string(), "2.1");
  EXPECT_EQ(lib->caps(), IOP_CAP_BATCH_SUBMIT);
  EXPECT_EQ(lib->required_caps(), IOP_REQ_DISKLESS);
  EXPECT_TRUE(lib->diskless());
  EXPECT_FALSE(lib->has_cap(IOP_CAP_ASYNC));
  const iop_engine_desc& d = lib->desc();
  EXPECT_EQ(d.struct_size, sizeof(iop_engine_desc));
  EXPECT_EQ(d.max_queue_depth, 4096u);
  EXPECT_EQ(d.min_buf_align, 512u);
  ASSERT_EQ(d.num_options, 5u);
  EXPECT_STREQ(d.options[0].name, "verbose");
  EXPECT_STREQ(d.options[4].name, "mode");
  EXPECT_EQ(d.options[4].struct_size, sizeof(iop_option_desc));
  EXPECT_NE(d.create, nullptr);
  EXPECT_EQ(d.register_buffers, nullptr);
}

TEST(EngineLibraryTest, EntryGetsHostInfoAndItsLogReachesSpdlog) {
  LogCapture log;
  EngineLibrary::load(fixture("good/iopulse_fixture_good.so"));
  EXPECT_EQ(log.text(),
            "debug fixture_good: loaded by iopulse " IOPULSE_VERSION " (ABI 2.1)\n");
}

TEST(EngineLibraryTest, SecondLoadOfSameFileOutlivesTheFirst) {
  const std::string path = fixture("good/iopulse_fixture_good.so");
  auto first = EngineLibrary::load(path);
  auto second = EngineLibrary::load(path);
  first.reset();  // must not unload the code `second` points into
  EXPECT_EQ(second->name(), "fixture_good");
  iop_option_value values[5] = {{0, nullptr}, {4, nullptr}, {4096, nullptr},
                                {0, "x"},     {0, "fast"}};
  iop_engine_config config{};
  config.struct_size = sizeof config;
  config.queue_depth = 2;
  config.num_workers = 1;
  config.num_options = 5;
  config.options = values;
  iop_engine* engine = nullptr;
  iop_error err{};
  ASSERT_EQ(second->desc().create(&config, &engine, &err), 0) << err.message;
  second->desc().destroy(engine);
}

TEST(EngineLibraryTest, NotAnElfFileGetsTheLoaderReason) {
  const std::string path = fixture("not_elf/garbage.so");
  EXPECT_EQ(load_error(path), "plugin " + path + ": cannot load: invalid ELF header");
}

TEST(EngineLibraryTest, MissingEntrySymbol) {
  const std::string path = fixture("no_entry/iopulse_no_entry.so");
  EXPECT_EQ(load_error(path),
            "plugin " + path + ": no entry function iopulse_engine_entry (not an IOPulse engine)");
}

TEST(EngineLibraryTest, NewerAbiMajorNamesBothVersions) {
  const std::string path = fixture("abi_major/iopulse_abi_major.so");
  EXPECT_EQ(load_error(path),
            "plugin " + path + ": engine ABI 3.0 is newer than this iopulse (ABI 2.1): use an "
            "iopulse of ABI 3, or rebuild the engine against the IOPulse SDK of ABI 2");
}

// An ABI 1 engine refuses this host in its entry (-EPROTO): the loader asks
// it again stating ABI 1, only to read its version for the message.
TEST(EngineLibraryTest, Abi1EngineIsRefusedNamingBothVersionsAndWhatToRebuildAgainst) {
  const std::string path = fixture("abi1/iopulse_abi1.so");
  EXPECT_EQ(load_error(path),
            "plugin " + path + ": engine ABI 1.0 is older than this iopulse (ABI 2.1): rebuild "
            "the engine against the IOPulse SDK of ABI 2 (iopulse/engine.h with IOP_ABI_MAJOR 2)");
}

// A later minor of ABI 2 appends members to the descriptor and to each
// option descriptor and may declare capabilities this host does not know:
// the engine loads, its options are read at their own stride, and the
// unknown capability is dropped.
TEST(EngineLibraryTest, LaterMinorLoadsWithItsLongerOptionDescriptorsAndUnknownCapsIgnored) {
  std::unique_ptr<EngineLibrary> lib = EngineLibrary::load(fixture("future_minor/iopulse_future_minor.so"));
  ASSERT_NE(lib, nullptr);
  EXPECT_EQ(lib->abi_string(), "2.2");
  EXPECT_EQ(lib->caps(), IOP_CAP_BATCH_SUBMIT);
  EXPECT_EQ(lib->desc().struct_size, sizeof(iop_engine_desc) + 16);
  ASSERT_EQ(lib->desc().num_options, 2u);
  EXPECT_STREQ(lib->desc().options[0].name, "first");
  EXPECT_EQ(lib->desc().options[0].max_value, 9);
  EXPECT_STREQ(lib->desc().options[1].name, "second");
  EXPECT_EQ(lib->desc().options[1].type, static_cast<uint32_t>(IOP_OPT_BOOL));
  EXPECT_STREQ(lib->desc().options[1].default_value, "on");
}

TEST(EngineLibraryTest, EntryFailureShowsErrnoText) {
  const std::string path = fixture("entry_fails/iopulse_entry_fails.so");
  EXPECT_EQ(load_error(path), "plugin " + path + ": entry function failed: Operation not supported");
}

TEST(EngineLibraryTest, MissingRequiredFunctionIsNamed) {
  const std::string path = fixture("missing_function/iopulse_missing_function.so");
  EXPECT_EQ(load_error(path),
            "plugin " + path + ": engine missing_function: required function submit() is missing");
}

TEST(EngineLibraryTest, NonexistentPath) {
  EXPECT_EQ(load_error("/nonexistent/iopulse_x.so"),
            "plugin /nonexistent/iopulse_x.so: cannot open: No such file or directory");
}

TEST(EngineLibraryTest, DirectoryIsNotAPlugin) {
  const std::string path = fixture("good");
  EXPECT_EQ(load_error(path), "plugin " + path + ": not a regular file");
}

TEST(EngineLibraryTest, PluginErrorIsAUsageError) {
  EXPECT_THROW(EngineLibrary::load(fixture("not_elf/garbage.so")), UsageError);
}

struct InvalidCase {
  const char* name;    // invalid/iopulse_invalid_<name>.so
  const char* reason;  // everything after "plugin <path>: "
};

class InvalidDescriptorTest : public testing::TestWithParam<InvalidCase> {};

TEST_P(InvalidDescriptorTest, IsRefusedWithItsReason) {
  const std::string path =
      fixture(std::string("invalid/iopulse_invalid_") + GetParam().name + ".so");
  EXPECT_EQ(load_error(path), "plugin " + path + ": " + GetParam().reason);
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, InvalidDescriptorTest,
    testing::Values(
        InvalidCase{"bad_name", "engine name 'Bad-Name' is not made of [a-z0-9_] only"},
        InvalidCase{"unknown_required_cap",
                    "engine invalid: requires capability bits 0x10000000000 that this iopulse "
                    "(ABI 2.1) does not know"},
        InvalidCase{"regbuf_cap_no_fn",
                    "engine invalid: declares registered-buffers but register_buffers() is "
                    "missing"},
        InvalidCase{"regbuf_fn_no_cap",
                    "engine invalid: provides register_buffers() but does not declare "
                    "registered-buffers"},
        InvalidCase{"cfd_cap_no_fn",
                    "engine invalid: declares completion-fd but completion_fd() is missing"},
        InvalidCase{"cfd_fn_no_cap",
                    "engine invalid: provides completion_fd() but does not declare "
                    "completion-fd"},
        InvalidCase{"alloc_without_free",
                    "engine invalid: declares engine-buffers but free_buffer() is missing"},
        InvalidCase{"option_size",
                    "engine invalid: option 0: struct_size 40 is not the size of an option "
                    "descriptor (ABI 2.0's is 72)"},
        InvalidCase{"zero_queue_depth", "engine invalid: max_queue_depth is 0"},
        InvalidCase{"bad_align", "engine invalid: min_buf_align 48 is not a power of two"},
        InvalidCase{"bad_option_name",
                    "engine invalid: option 0: name 'Depth' is not [a-z0-9][a-z0-9-]*"},
        InvalidCase{"dup_option", "engine invalid: option 'depth' is declared twice"},
        InvalidCase{"enum_no_choices", "engine invalid: option 'depth': enum has no choices"},
        InvalidCase{"bad_option_type", "engine invalid: option 'depth': unknown type 9"},
        InvalidCase{"bad_default",
                    "engine invalid: option 'depth': default 'abc' is not an integer; "
                    "accepted: 1..10"},
        InvalidCase{"default_out_of_range",
                    "engine invalid: option 'depth': default 20 is out of range; accepted: "
                    "1..10"},
        InvalidCase{"empty_range", "engine invalid: option 'depth': range 10..1 is empty"},
        InvalidCase{"options_null", "engine invalid: num_options is 1 but options is NULL"},
        InvalidCase{"short_prefix",
                    "descriptor struct_size 16 is smaller than the frozen prefix (24 bytes)"},
        // Only the prefix is copied: every function reads as NULL.
        InvalidCase{"prefix_only", "engine invalid: required function create() is missing"},
        InvalidCase{"host_too_old",
                    "engine needs iopulse ABI 2.7 or newer (this iopulse has ABI 2.1)"},
        InvalidCase{"null_desc", "entry function returned no descriptor"}),
    [](const testing::TestParamInfo<InvalidCase>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace iopulse
