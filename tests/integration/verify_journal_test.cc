// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Verification across runs, phases and crashes (--verify-journal), checked
// against the bytes on disk: block headers read back with plain preads,
// copies of the data file taken between runs, and faultfs
// (tests/fixtures/faultfs), whose log lists every write it threw away after
// a storage cut and every fsync that followed.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "filesystem_support.h"
#include "json_support.h"
#include "run_support.h"

namespace iopulse::test {
namespace {

constexpr uint64_t kBlock = 4096;

std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

uint64_t le64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

// The generation field of the verify header of the block at `offset`.
uint64_t generation_on_disk(const std::string& data, uint64_t offset) { return le64(data.data() + offset + 32); }

// Non-zero entries of a journal file, read without IOPulse's loader:
// entry pages of 511 entries after a 4096-byte header.
uint64_t journal_entries(const std::string& journal) {
  const std::string b = bytes_of(journal);
  uint64_t n = 0;
  for (size_t page = 4096; page + 4096 <= b.size(); page += 4096) {
    for (size_t i = 0; i < 511; ++i) n += le64(b.data() + page + 8 * i) != 0;
  }
  return n;
}

TEST(VerifyReuse, SameVerifyJobTwiceOnOneFilePasses) {
  ScratchDir dir;
  const std::vector<std::string> job{dir.file("d"), "--file-size", "1M", "--verify", "--random", "--write-percent",
                                     "50", "--total-ops", "4000", "--seed", "7", "-q"};
  for (int run = 0; run < 3; ++run) {
    const RunOutcome r = run_iopulse(job);
    EXPECT_EQ(r.exit_code, 0) << "run " << run << ": " << r.err;
    EXPECT_EQ(r.err.find("wrong generation"), std::string::npos) << r.err;
  }
}

TEST(VerifyReuse, ChainedVerifyPhasesInOneJobFilePass) {
  ScratchDir dir;
  std::ofstream(dir.file("job.toml")) << "target = \"" << dir.file("d") << "\"\n"
                                      << "file-size = \"1M\"\nverify = true\nseed = 9\nrandom = true\n"
                                      << "[[phase]]\nwrite-percent = 50\ntotal-ops = 3000\n"
                                      << "[[phase]]\nwrite-percent = 30\ntotal-ops = 3000\n"
                                      << "[[phase]]\nwrite-percent = 10\ntotal-ops = 256\n";
  const RunOutcome r = run_iopulse({"--config", dir.file("job.toml"), "--json-output", dir.file("o.json"), "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = read_json(dir.file("o.json"));
  ASSERT_EQ(j["phases"].size(), 3u);
  EXPECT_EQ(j["verify"]["failures"], 0);
  EXPECT_GT(j["phases"][1]["write"]["ops"].get<uint64_t>(), 0u);
  EXPECT_GT(j["phases"][2]["read"]["ops"].get<uint64_t>(), 200u);
}

// Two journaled runs chain; then the second run's writes are taken away
// (the file put back as the first run left it): exactly the blocks the
// second run changed, found by comparing the two files, are lost writes.
TEST(VerifyJournal, ChainsRunsAndReportsExactlyTheLostBlocks) {
  ScratchDir dir;
  const std::string data = dir.file("d"), journal = dir.file("j");
  auto write_run = [&](const char* ops) {
    return run_iopulse({data, "--file-size", "1M", "--verify", "--random", "--write-percent", "60", "--total-ops",
                        ops, "--fdatasync-every", "16", "--seed", "3", "--verify-journal", journal, "-q",
                        "--json-output", dir.file("w.json")});
  };
  RunOutcome r = write_run("300");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_json(dir.file("w.json"))["verify"]["journal"]["epoch"], 1);
  std::filesystem::copy_file(data, dir.file("after-first"));
  r = write_run("200");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto w = read_json(dir.file("w.json"));
  EXPECT_EQ(w["verify"]["journal"]["epoch"], 2);
  EXPECT_EQ(w["verify"]["failures"], 0);

  r = run_iopulse({data, "--verify-only", "--seed", "3", "--verify-journal", journal, "-q"});
  EXPECT_EQ(r.exit_code, 0) << r.err;

  const std::string first = bytes_of(dir.file("after-first")), second = bytes_of(data);
  std::set<uint64_t> changed;
  for (uint64_t off = 0; off < second.size(); off += kBlock) {
    if (first.compare(off, kBlock, second, off, kBlock) != 0) changed.insert(off);
  }
  ASSERT_FALSE(changed.empty());
  std::filesystem::copy_file(dir.file("after-first"), data, std::filesystem::copy_options::overwrite_existing);
  r = run_iopulse({data, "--verify-only", "--seed", "3", "--verify-journal", journal, "--continue-on-error", "-q",
                   "--json-output", dir.file("v.json")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(read_json(dir.file("v.json"))["verify"]["failures"].get<uint64_t>(), changed.size());
  // The messages (the first few) name lost writes at changed blocks only.
  std::istringstream lines(r.err);
  int named = 0;
  for (std::string line; std::getline(lines, line);) {
    const size_t at = line.find("offset ");
    if (line.find("verify failed") == std::string::npos || at == std::string::npos) continue;
    EXPECT_NE(line.find("lost write"), std::string::npos) << line;
    EXPECT_TRUE(changed.count(std::stoull(line.substr(at + 7)))) << line;
    ++named;
  }
  EXPECT_GT(named, 0);
}

// SIGKILL in the middle of a write job with syncs: everything the journal
// holds as durable is there (the page cache survives a killed process), and
// nothing the journal did not know about is called lost.  Putting back the
// file as it was before the run then makes exactly the journal's durable
// blocks lost writes.
TEST(VerifyCrash, SigkillDuringASyncedWriteJob) {
  ScratchDir dir;
  const std::string data = dir.file("d"), journal = dir.file("j");
  // The file as prepared (every block at generation 0), and nothing
  // written: a write here would carry the first epoch, as the killed run's
  // first write of a block does with a new journal, and that block would
  // then pass for the journal's below.  (A job of reads only would have
  // nothing to check; with this seed the one IO is a read.)
  RunOutcome r = run_iopulse({data, "--file-size", "4M", "--verify", "--read-percent", "99", "--total-ops", "1",
                              "--seed", "5", "-q", "--json-output", dir.file("p.json")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(read_json(dir.file("p.json"))["write"]["ops"], 0);
  std::filesystem::remove(dir.file("p.json"));
  std::filesystem::copy_file(data, dir.file("before"));

  r = run_iopulse_and_signal_when({data, "--file-size", "4M", "--verify", "--random", "--write-percent", "70",
                                   "--fsync-every", "8", "--duration", "60s", "--seed", "5", "--queue-depth", "4",
                                   "--verify-journal", journal},
                                  [&] { return std::filesystem::exists(journal) && journal_entries(journal) >= 50; },
                                  SIGKILL);
  EXPECT_EQ(r.exit_code, 128 + SIGKILL);
  const uint64_t durable = journal_entries(journal);
  ASSERT_GE(durable, 50u);

  r = run_iopulse({data, "--verify-only", "--seed", "5", "--verify-journal", journal, "-q", "--json-output",
                   dir.file("v.json")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto v = read_json(dir.file("v.json"));
  EXPECT_EQ(v["verify"]["failures"], 0);
  EXPECT_EQ(v["verify"]["journal"]["durable_blocks"].get<uint64_t>(), durable);

  std::filesystem::copy_file(dir.file("before"), data, std::filesystem::copy_options::overwrite_existing);
  r = run_iopulse({data, "--verify-only", "--seed", "5", "--verify-journal", journal, "-q", "--continue-on-error",
                   "--json-output", dir.file("v.json")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(read_json(dir.file("v.json"))["verify"]["failures"].get<uint64_t>(), durable);
}

struct CutLog {
  std::map<uint64_t, uint64_t> dropped;  // offset -> newest generation thrown away
  int fsyncs = 0;
};

CutLog read_cut_log(const std::string& path) {
  CutLog log;
  std::istringstream in(bytes_of(path));
  for (std::string word; in >> word;) {
    if (word == "drop") {
      uint64_t off = 0, len = 0, gen = 0;
      in >> off >> len >> gen;
      log.dropped[off] = gen;
    } else if (word == "fsync") {
      in >> word;
      ++log.fsyncs;
    }
  }
  return log;
}

// A job of 64 random 4 KiB writes with an fsync after every 4, on faultfs
// cut after the preparation and 58 of the writes.
std::vector<std::string> cut_job(const std::string& data, const std::string& journal) {
  return {data, "--file-size", "1M", "--verify", "--random", "--write-percent", "100", "--total-ops", "64",
          "--fsync-every", "4", "--seed", "11", "--verify-journal", journal, "-q"};
}

// A storage that lies (dm-flakey drop_writes): writes after the cut are
// acknowledged, fsync succeeds, nothing is stored.  Exactly the blocks whose
// synced writes were thrown away are reported, as lost writes.
TEST(VerifyCrash, StorageCutThatDropsSyncedWrites) {
  ScratchDir dir;
  const std::string mnt = dir.file("mnt"), log = dir.file("cut.log");
  FaultFs fs(mnt, ~0ULL, "EIO",
             {"--cut-after=" + std::to_string((1 << 20) + 58 * kBlock), "--cut-mode=drop", "--cut-log=" + log});
  if (!fs.ok()) GTEST_SKIP() << fs.why();
  const std::string data = mnt + "/d", journal = dir.file("j");
  RunOutcome r = run_iopulse(cut_job(data, journal));
  ASSERT_EQ(r.exit_code, 0) << r.err;  // the storage reported success for everything
  const CutLog cut = read_cut_log(log);
  ASSERT_FALSE(cut.dropped.empty());
  EXPECT_GE(cut.fsyncs, 2);  // the job's fsyncs after the cut and the one at the end

  r = run_iopulse({data, "--verify-only", "--seed", "11", "--verify-journal", journal, "--continue-on-error", "-q",
                   "--json-output", dir.file("v.json")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(read_json(dir.file("v.json"))["verify"]["failures"].get<uint64_t>(), cut.dropped.size()) << r.err;
  std::set<uint64_t> reported;
  std::istringstream lines(r.err);
  for (std::string line; std::getline(lines, line);) {
    const size_t at = line.find("' offset ");
    if (line.find("verify failed") == std::string::npos || at == std::string::npos) continue;
    EXPECT_NE(line.find("lost write"), std::string::npos) << line;
    reported.insert(std::stoull(line.substr(at + 9)));
  }
  std::set<uint64_t> expected;
  for (const auto& [off, gen] : cut.dropped) expected.insert(off);
  EXPECT_EQ(reported, expected);
}

// A storage that goes away (a power cut): writes after the cut are lost and
// fsync fails from then on, so the run ends with the fsync's error and none
// of the lost writes was ever reported synced.  --verify-only accepts the
// older generation those blocks still hold and reports no loss.
TEST(VerifyCrash, PowerCutLosesOnlyUnsyncedWrites) {
  ScratchDir dir;
  const std::string mnt = dir.file("mnt"), log = dir.file("cut.log");
  FaultFs fs(mnt, ~0ULL, "EIO",
             {"--cut-after=" + std::to_string((1 << 20) + 58 * kBlock), "--cut-mode=power", "--cut-log=" + log});
  if (!fs.ok()) GTEST_SKIP() << fs.why();
  const std::string data = mnt + "/d", journal = dir.file("j");
  RunOutcome r = run_iopulse(cut_job(data, journal));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("Input/output error"), std::string::npos) << r.err;
  const CutLog cut = read_cut_log(log);
  ASSERT_FALSE(cut.dropped.empty());

  // The blocks whose writes were thrown away hold an older generation.
  const std::string on_disk = bytes_of(data);
  for (const auto& [off, gen] : cut.dropped) EXPECT_LT(generation_on_disk(on_disk, off), gen) << off;

  r = run_iopulse({data, "--verify-only", "--seed", "11", "--verify-journal", journal, "-q", "--json-output",
                   dir.file("v.json")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto v = read_json(dir.file("v.json"));
  EXPECT_EQ(v["verify"]["failures"], 0);
  EXPECT_GT(v["verify"]["journal"]["durable_blocks"].get<uint64_t>(), 0u);
}

// Bad journals: exit 2, one line, and neither the data, the journal nor any
// output is touched.
TEST(VerifyJournal, BadJournalsAreRefusedBeforeAnythingIsTouched) {
  ScratchDir dir;
  const std::string data = dir.file("d"), journal = dir.file("j");
  RunOutcome r = run_iopulse({data, "--file-size", "1M", "--verify", "--random", "--write-percent", "50",
                              "--total-ops", "500", "--seed", "4", "--verify-journal", journal, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string good = bytes_of(journal);
  const std::string data_before = bytes_of(data);

  auto refused = [&](const std::string& journal_bytes, std::vector<std::string> args, const std::string& why) {
    { std::ofstream(journal, std::ios::binary | std::ios::trunc) << journal_bytes; }
    args.insert(args.end(), {"--json-output", dir.file("out.json"), "-q"});
    const RunOutcome o = run_iopulse(args);
    EXPECT_EQ(o.exit_code, 2) << why << ": " << o.err;
    EXPECT_EQ(lines(o.err), 1u) << o.err;
    EXPECT_NE(o.err.find("--verify-journal"), std::string::npos) << o.err;
    EXPECT_NE(o.err.find(why), std::string::npos) << o.err;
    EXPECT_EQ(bytes_of(journal), journal_bytes) << why;
    EXPECT_EQ(bytes_of(data), data_before) << why;
    EXPECT_FALSE(std::filesystem::exists(dir.file("out.json"))) << why;
  };
  const std::vector<std::string> rw{data, "--file-size", "1M", "--verify", "--random", "--write-percent", "50",
                                    "--total-ops", "500", "--verify-journal", journal};
  std::vector<std::string> other_seed = rw;
  other_seed.insert(other_seed.end(), {"--seed", "5"});
  refused(good, other_seed, "belongs to a job with --seed 4; this job has --seed 5");
  std::vector<std::string> seed4 = rw;
  seed4.insert(seed4.end(), {"--seed", "4"});
  std::vector<std::string> other_size = seed4;
  other_size[2] = "2M";
  refused(good, other_size, "belongs to another dataset");
  // Other data content is another dataset: preparing it would refill the
  // file the journal records (and a later --verify-only would cry wolf).
  std::vector<std::string> deduped = seed4;
  deduped.insert(deduped.end(), {"--dedupe-percent", "30"});
  refused(good, deduped, "belongs to another dataset");
  std::vector<std::string> compressed = seed4;
  compressed.insert(compressed.end(), {"--compress-percent", "50"});
  refused(good, compressed, "belongs to another dataset");
  std::string corrupt = good;
  corrupt[4096 + 8] ^= 0x10;
  refused(corrupt, seed4, "is corrupt");
  refused(good.substr(0, good.size() - 100), seed4, "is truncated");
  refused(std::string(8192, 'z'), seed4, "is not an IOPulse verify journal");
  refused(corrupt, {data, "--verify-only", "--seed", "4", "--verify-journal", journal}, "is corrupt");

  std::filesystem::remove(journal);
  r = run_iopulse({data, "--verify-only", "--seed", "4", "--verify-journal", journal, "-q"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(journal));
  r = run_iopulse({data, "--verify-journal", journal, "-q"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("needs --verify or --verify-only"), std::string::npos) << r.err;
  r = run_iopulse({data, "--verify", "--write-percent", "50", "--verify-journal", data, "-q"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(bytes_of(data), data_before);

  // A journal that cannot be created: refused before the data is written,
  // not when the run's first write would have made it.
  const std::string fresh = dir.file("fresh");
  r = run_iopulse({fresh, "--file-size", "64k", "--verify", "--write-percent", "100", "--total-ops", "16",
                   "--verify-journal", dir.file("no-such-dir/j"), "-q"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(lines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("cannot be created in"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(fresh)) << "the target was created";
  r = run_iopulse({data, "--file-size", "1M", "--verify", "--write-percent", "100", "--total-ops", "16", "--seed", "4",
                   "--verify-journal", dir.file("no-such-dir/j"), "-q"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(bytes_of(data), data_before) << "the data was written";
}

}  // namespace
}  // namespace iopulse::test
