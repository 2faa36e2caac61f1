// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// EngineRegistry and the engine catalog (--list-engines, --engine-help):
// search order, duplicates, explicit paths, unknown names, and the text the
// user sees.  Only the fixture plugins are used: the install directory and
// the build tree are switched off except where the directory list itself is
// the subject.
#include "plugin/engine_registry.h"

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "plugin/engine_catalog.h"
#include "plugin/engine_library.h"
#include "plugin/plugin_error.h"

namespace iopulse {
namespace {

namespace fs = std::filesystem;

const std::string kFixtures = IOPULSE_BUILD_TREE_DIR "/tests/fixtures";

std::string dir(const std::string& name) { return kFixtures + "/" + name; }
std::string canon(const std::string& path) { return fs::canonical(path).string(); }

PluginSearch only_dirs(std::vector<std::string> dirs, std::string env = "") {
  PluginSearch search;
  search.plugin_dirs = std::move(dirs);
  search.env_path = std::move(env);
  search.include_install_dir = false;
  search.include_build_tree = false;
  return search;
}

std::vector<std::string> names(const EngineRegistry& registry) {
  std::vector<std::string> out;
  for (const EngineLibrary* lib : registry.engines()) out.emplace_back(lib->name());
  return out;
}

std::string plugin_error(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const PluginError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no PluginError";
  return "";
}

// A fresh directory under /tmp, removed with its contents afterwards.
class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/iopulse-registry-XXXXXX";
    path_ = mkdtemp(pattern);
  }
  ~TempDir() { fs::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

TEST(EngineRegistryTest, DiscoversDirectoriesInOrder) {
  EngineRegistry registry(only_dirs({dir("good"), dir("create_fails")}));
  EXPECT_TRUE(registry.engines().empty());
  registry.discover();
  EXPECT_EQ(names(registry), (std::vector<std::string>{"fixture_good", "create_fails"}));
  EXPECT_EQ(registry.searched_dirs(),
            (std::vector<std::string>{dir("good"), dir("create_fails")}));
  ASSERT_NE(registry.find("create_fails"), nullptr);
  EXPECT_EQ(registry.find("create_fails")->path(),
            fs::path(canon(dir("create_fails/iopulse_create_fails.so"))));
  EXPECT_EQ(registry.find("nope"), nullptr);
  EXPECT_TRUE(registry.warnings().empty());
  registry.discover();  // a second call changes nothing
  EXPECT_EQ(registry.engines().size(), 2u);
}

TEST(EngineRegistryTest, DuplicateNameFirstWinsAndWarnsWithBothPaths) {
  const std::string a = canon(dir("dup_a/iopulse_dupe.so"));
  const std::string b = canon(dir("dup_b/iopulse_dupe.so"));
  {
    std::ostringstream log;
    auto previous = spdlog::default_logger();
    auto logger = std::make_shared<spdlog::logger>(
        "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
    logger->set_pattern("%l %v");
    spdlog::set_default_logger(logger);
    EngineRegistry registry(only_dirs({dir("dup_a"), dir("dup_b")}));
    registry.discover();
    spdlog::set_default_logger(previous);

    ASSERT_EQ(registry.engines().size(), 1u);
    EXPECT_EQ(registry.find("dupe")->description(), "Duplicate fixture engine, variant a");
    const std::string warning = "duplicate engine 'dupe': using " + a + ", ignoring " + b;
    EXPECT_EQ(registry.warnings(), std::vector<std::string>{warning});
    EXPECT_EQ(log.str(), "warning " + warning + "\n");
  }
  EngineRegistry reversed(only_dirs({dir("dup_b"), dir("dup_a")}));
  reversed.discover();
  EXPECT_EQ(reversed.find("dupe")->description(), "Duplicate fixture engine, variant b");
  EXPECT_EQ(reversed.warnings(),
            std::vector<std::string>{"duplicate engine 'dupe': using " + b + ", ignoring " + a});
}

TEST(EngineRegistryTest, EnvPathComesAfterPluginDirsAndSkipsEmptyEntries) {
  EngineRegistry registry(only_dirs({dir("dup_b")}, "::" + dir("dup_a") + ":" + dir("good") + ":"));
  EXPECT_EQ(registry.searched_dirs(),
            (std::vector<std::string>{dir("dup_b"), dir("dup_a"), dir("good")}));
  registry.discover();
  EXPECT_EQ(names(registry), (std::vector<std::string>{"dupe", "fixture_good"}));
  EXPECT_EQ(registry.find("dupe")->description(), "Duplicate fixture engine, variant b");
}

TEST(EngineRegistryTest, ExplicitPathOutranksDirectories) {
  const std::string a = canon(dir("dup_a/iopulse_dupe.so"));
  const std::string b = canon(dir("dup_b/iopulse_dupe.so"));
  // Before discovery.
  EngineRegistry before(only_dirs({dir("good"), dir("dup_a")}));
  const EngineLibrary& explicit_b = before.add_explicit(dir("dup_b/iopulse_dupe.so"));
  before.discover();
  EXPECT_EQ(before.find("dupe"), &explicit_b);
  EXPECT_EQ(names(before), (std::vector<std::string>{"dupe", "fixture_good"}));
  EXPECT_EQ(before.warnings(),
            std::vector<std::string>{"duplicate engine 'dupe': using " + b + ", ignoring " + a});

  // After discovery (require with a path): still ahead of every directory.
  EngineRegistry after(only_dirs({dir("good"), dir("dup_a")}));
  after.discover();
  const EngineLibrary& required = after.require(dir("dup_b/iopulse_dupe.so"));
  EXPECT_EQ(required.description(), "Duplicate fixture engine, variant b");
  EXPECT_EQ(after.find("dupe"), &required);
  EXPECT_EQ(names(after), (std::vector<std::string>{"dupe", "fixture_good"}));
  EXPECT_EQ(after.warnings(),
            std::vector<std::string>{"duplicate engine 'dupe': using " + b + ", ignoring " + a});
}

TEST(EngineRegistryTest, SameFileReachedTwiceLoadsOnce) {
  EngineRegistry registry(only_dirs({dir("good"), dir("good/")}, dir("good")));
  EXPECT_EQ(registry.searched_dirs(), std::vector<std::string>{dir("good")});
  const EngineLibrary& lib = registry.add_explicit(dir("good/iopulse_fixture_good.so"));
  registry.discover();
  EXPECT_EQ(&registry.require(dir("good/../good/iopulse_fixture_good.so")), &lib);
  EXPECT_EQ(registry.engines().size(), 1u);
  EXPECT_TRUE(registry.warnings().empty());
}

TEST(EngineRegistryTest, MissingPluginDirIsAnError) {
  EngineRegistry registry(only_dirs({dir("good"), "/nonexistent/plugins"}));
  EXPECT_EQ(plugin_error([&] { registry.discover(); }),
            "--plugin-dir: '/nonexistent/plugins' does not exist; accepted: a directory of engine plugins");
  EXPECT_TRUE(registry.engines().empty()) << "nothing is loaded before the check";
  const std::string file = dir("not_elf/garbage.so");
  EngineRegistry not_dir(only_dirs({file}));
  EXPECT_EQ(plugin_error([&] { not_dir.discover(); }),
            "--plugin-dir: '" + file + "' is not a directory; accepted: a directory of engine plugins");
  EngineRegistry empty(only_dirs({""}));
  EXPECT_EQ(plugin_error([&] { empty.discover(); }),
            "--plugin-dir: '' is not a directory; accepted: a directory of engine plugins");
}

TEST(EngineRegistryTest, MissingEnvDirIsSkipped) {
  EngineRegistry registry(only_dirs({}, "/nonexistent/a:" + dir("good")));
  registry.discover();
  EXPECT_EQ(names(registry), std::vector<std::string>{"fixture_good"});
  EXPECT_TRUE(registry.warnings().empty());
}

TEST(EngineRegistryTest, BrokenPluginInADirectoryIsSkippedAndRemembered) {
  EngineRegistry registry(only_dirs({dir("good"), dir("not_elf")}));
  registry.discover();
  EXPECT_EQ(names(registry), std::vector<std::string>{"fixture_good"});
  ASSERT_EQ(registry.broken().size(), 1u);
  EXPECT_EQ(registry.broken()[0].path, fs::path(dir("not_elf") + "/garbage.so"));
  EXPECT_EQ(registry.broken()[0].reason,
            "plugin " + dir("not_elf") + "/garbage.so: cannot load: invalid ELF header");
  EngineRegistry abi(only_dirs({}, dir("abi_major")));
  abi.discover();
  ASSERT_EQ(abi.broken().size(), 1u);
  EXPECT_EQ(abi.broken()[0].reason,
            "plugin " + dir("abi_major") +
                "/iopulse_abi_major.so: engine ABI 3.0 is newer than this iopulse (ABI 2.1): use an "
                "iopulse of ABI 3, or rebuild the engine against the IOPulse SDK of ABI 2");
  // Given by path, the same plugin is an error.
  EngineRegistry explicit_path(only_dirs({}));
  EXPECT_EQ(plugin_error([&] { explicit_path.require(dir("not_elf") + "/garbage.so"); }),
            "plugin " + dir("not_elf") + "/garbage.so: cannot load: invalid ELF header");
}

TEST(EngineRegistryTest, OnlyRegularSoFilesSortedByName) {
  TempDir tmp;
  // a.so (variant b) sorts before b.so (variant a), so variant b wins.
  fs::copy_file(dir("dup_a/iopulse_dupe.so"), tmp.file("b.so"));
  fs::copy_file(dir("dup_b/iopulse_dupe.so"), tmp.file("a.so"));
  fs::create_symlink(canon(dir("good/iopulse_fixture_good.so")), tmp.file("link.so"));
  fs::copy_file(dir("not_elf/garbage.so"), tmp.file("libgarbage.so.1"));
  fs::copy_file(dir("not_elf/garbage.so"), tmp.file("garbage.so.txt"));
  std::ofstream(tmp.file("notes.txt")) << "not a plugin\n";
  fs::create_directory(tmp.file("folder.so"));
  EngineRegistry registry(only_dirs({tmp.path()}));
  registry.discover();
  EXPECT_EQ(names(registry), (std::vector<std::string>{"dupe", "fixture_good"}));
  EXPECT_EQ(registry.find("dupe")->description(), "Duplicate fixture engine, variant b");
  EXPECT_EQ(registry.warnings(),
            std::vector<std::string>{"duplicate engine 'dupe': using " + canon(tmp.file("a.so")) +
                                     ", ignoring " + canon(tmp.file("b.so"))});
}

TEST(EngineRegistryTest, UnknownEngineListsEnginesAndDirectories) {
  EngineRegistry registry(only_dirs({dir("good"), dir("create_fails")}, "/nonexistent/env"));
  // require() by name discovers first.
  EXPECT_EQ(plugin_error([&] { registry.require("no_such_engine"); }),
            "unknown engine 'no_such_engine'; engines found: fixture_good, create_fails; "
            "directories searched: " + dir("good") + ", " + dir("create_fails") +
                ", /nonexistent/env (install the iopulse-engine-no-such-engine package or use "
                "--plugin-dir)");
  EXPECT_EQ(registry.require("create_fails").name(), "create_fails");

  EngineRegistry empty(only_dirs({}));
  EXPECT_EQ(plugin_error([&] { empty.require("io_uring"); }),
            "unknown engine 'io_uring'; engines found: none; directories searched: none "
            "(install the iopulse-engine-io-uring package or use --plugin-dir)");
}

TEST(EngineRegistryTest, RequireTreatsSlashOrSoSuffixAsAPath) {
  EngineRegistry registry(only_dirs({dir("good")}));
  // Not looked up by name, and never searched for in the current directory.
  EXPECT_EQ(plugin_error([&] { registry.require("iopulse_fixture_good.so"); }),
            "plugin iopulse_fixture_good.so: cannot open: No such file or directory");
  EXPECT_EQ(plugin_error([&] { registry.require(dir("missing_function/iopulse_missing_function.so")); }),
            "plugin " + dir("missing_function/iopulse_missing_function.so") +
                ": engine missing_function: required function submit() is missing");
  const EngineLibrary& lib = registry.require(dir("create_fails/iopulse_create_fails.so"));
  EXPECT_EQ(lib.name(), "create_fails");
  EXPECT_EQ(registry.find("create_fails"), &lib);
}

TEST(EngineRegistryTest, DefaultSearchAddsInstallDirAndBuildTree) {
  // The unit test binary runs from the build tree, so both are searched,
  // install directory first.  (Nothing is loaded here.)
  EngineRegistry registry(PluginSearch{});
  EXPECT_EQ(registry.searched_dirs(),
            (std::vector<std::string>{IOPULSE_INSTALL_PLUGIN_DIR, IOPULSE_BUILD_TREE_PLUGIN_DIR}));
  PluginSearch search;
  search.plugin_dirs = {dir("good")};
  search.env_path = dir("dup_a");
  search.include_install_dir = false;
  EngineRegistry no_install(search);
  EXPECT_EQ(no_install.searched_dirs(),
            (std::vector<std::string>{dir("good"), dir("dup_a"), IOPULSE_BUILD_TREE_PLUGIN_DIR}));
  EXPECT_TRUE(EngineRegistry(only_dirs({}, ":")).searched_dirs().empty());
}

TEST(EngineRegistryTest, MovedInstallSearchesBesideTheExecutable) {
  // An install moved away from the configured prefix: <prefix>/bin/iopulse
  // with its engines in <prefix>/<plugin dir>.  The directory beside the
  // executable comes first, then the compiled-in one; no build tree.
  TempDir prefix;
  const fs::path exe = fs::path(prefix.path()) / "bin" / "iopulse";
  const fs::path plugins = (exe.parent_path() / IOPULSE_PLUGIN_DIR_FROM_BINDIR).lexically_normal();
  fs::create_directories(plugins);
  fs::copy_file(dir("good/iopulse_fixture_good.so"), plugins / "iopulse_fixture_good.so");

  PluginSearch search;
  search.executable = exe.string();
  EngineRegistry registry(search);
  EXPECT_EQ(registry.searched_dirs(),
            (std::vector<std::string>{plugins.string(), IOPULSE_INSTALL_PLUGIN_DIR}));
  const EngineLibrary& lib = registry.require("fixture_good");
  EXPECT_EQ(lib.path(), fs::canonical(plugins / "iopulse_fixture_good.so"));

  // --plugin-dir and IOPULSE_PLUGIN_PATH still come first.
  search.plugin_dirs = {dir("create_fails")};
  search.env_path = dir("dup_a");
  EXPECT_EQ(EngineRegistry(search).searched_dirs(),
            (std::vector<std::string>{dir("create_fails"), dir("dup_a"), plugins.string(),
                                      IOPULSE_INSTALL_PLUGIN_DIR}));

  // Both install directories are switched off together.
  search.include_install_dir = false;
  EXPECT_EQ(EngineRegistry(search).searched_dirs(),
            (std::vector<std::string>{dir("create_fails"), dir("dup_a")}));

  // An executable in the build tree searches the build tree, never a
  // directory beside itself.
  PluginSearch in_tree;
  in_tree.executable = IOPULSE_BUILD_TREE_DIR "/iopulse";
  EXPECT_EQ(EngineRegistry(in_tree).searched_dirs(),
            (std::vector<std::string>{IOPULSE_INSTALL_PLUGIN_DIR, IOPULSE_BUILD_TREE_PLUGIN_DIR}));
}

TEST(EngineCatalogTest, CapabilityNames) {
  EXPECT_EQ(capability_names(IOP_CAP_KNOWN_2_0),
            (std::vector<std::string>{
                "async", "batch-submit", "registered-buffers", "fixed-files", "polled", "fsync",
                "fdatasync", "trim", "memory-mapped", "direct", "stores-data", "io-fua",
                "io-dsync", "io-hipri", "io-nowait", "io-priority", "completion-fd",
                "engine-buffers", "control", "error-text", "report", "mkdir", "rmdir", "create",
                "open-close", "stat", "read-file", "write-file", "rename", "unlink", "list"}));
  EXPECT_EQ(capability_names(IOP_CAP_TRIM | IOP_CAP_ASYNC | (uint64_t{1} << 63)),
            (std::vector<std::string>{"async", "trim"}));
  EXPECT_TRUE(capability_names(0).empty());
  EXPECT_EQ(required_capability_names(IOP_REQ_KNOWN_2_0),
            (std::vector<std::string>{"diskless", "opens-by-path"}));
}

TEST(EngineCatalogTest, EngineList) {
  EngineRegistry registry(only_dirs({dir("good"), dir("create_fails")}));
  registry.discover();
  EXPECT_EQ(format_engine_list(registry),
            "fixture_good 1.2.3 (ABI 2.1)\n"
            "  Minimal diskless engine for the IOPulse tests\n"
            "  capabilities: batch-submit\n"
            "  requires: diskless\n"
            "  max queue depth: 4096\n"
            "  buffer alignment: 512\n"
            "  path: " + canon(dir("good/iopulse_fixture_good.so")) + "\n"
            "\n"
            "create_fails 1.0.0 (ABI 2.1)\n"
            "  Fixture engine whose create() fails\n"
            "  capabilities: batch-submit\n"
            "  requires: diskless\n"
            "  max queue depth: 1024\n"
            "  path: " + canon(dir("create_fails/iopulse_create_fails.so")) + "\n");

  EngineRegistry empty(only_dirs({}, "/nonexistent/a:/nonexistent/b"));
  empty.discover();
  EXPECT_EQ(format_engine_list(empty),
            "no engines found; directories searched: /nonexistent/a, /nonexistent/b\n");
}

TEST(EngineCatalogTest, EngineHelp) {
  auto good = EngineLibrary::load(dir("good/iopulse_fixture_good.so"));
  EXPECT_EQ(format_engine_help(*good),
            "fixture_good 1.2.3 (ABI 2.1): Minimal diskless engine for the IOPulse tests\n"
            "capabilities: batch-submit\n"
            "requires: diskless\n"
            "max queue depth: 4096\n"
            "buffer alignment: 512\n"
            "path: " + canon(dir("good/iopulse_fixture_good.so")) + "\n"
            "\n"
            "options:\n"
            "  --fixture_good.verbose=BOOL\n"
            "      Log every call.\n"
            "      default: false\n"
            "  --fixture_good.depth=INT\n"
            "      Pretend pipeline depth.\n"
            "      default: 4; range: 1..64\n"
            "  --fixture_good.block=SIZE\n"
            "      Pretend block size.\n"
            "      default: 4k; range: 512..1m\n"
            "  --fixture_good.label=STRING\n"
            "      Free text.\n"
            "      default: \"fixture\"\n"
            "  --fixture_good.mode=ENUM\n"
            "      How to pretend.\n"
            "      default: fast; choices: fast, slow, balanced\n");

  auto dupe = EngineLibrary::load(dir("dup_a/iopulse_dupe.so"));
  EXPECT_EQ(format_engine_help(*dupe),
            "dupe 1.0.0-a (ABI 2.1): Duplicate fixture engine, variant a\n"
            "capabilities: none\n"
            "requires: diskless\n"
            "max queue depth: 64\n"
            "path: " + canon(dir("dup_a/iopulse_dupe.so")) + "\n"
            "\n"
            "options: none\n");
}

}  // namespace
}  // namespace iopulse
