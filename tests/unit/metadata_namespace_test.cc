// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The namespace a metadata worker works on, its options, its op kinds in the
// Prometheus view, and the record of what it created: in-process.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "job/job_options.h"
#include "job_spec_of.h"
#include "job/usage_error.h"
#include "report/prometheus_text.h"
#include "target/metadata_record.h"
#include "workload/metadata_namespace.h"

namespace iopulse {
namespace {

MetadataSpec shape(uint32_t depth, uint32_t branching, uint32_t items) {
  MetadataSpec s;
  s.phases = {MetaPhase::kTreeCreate};
  s.depth = depth;
  s.branching = branching;
  s.items = items;
  return s;
}

TEST(MetadataNamespace, BreadthFirstTreeWithParentsFirstAndConsecutiveChildren) {
  const MetadataNamespace ns(shape(3, 3, 2), 5, 8);
  ASSERT_EQ(ns.num_dirs(), 1u + 3u + 9u);
  EXPECT_STREQ(ns.dir(0), "md.5");
  EXPECT_STREQ(ns.dir(1), "md.5/dir.0");
  EXPECT_STREQ(ns.dir(12), "md.5/dir.2/dir.2");
  for (uint32_t d = 1; d < ns.num_dirs(); ++d) {
    EXPECT_LT(ns.parent(d), d);
    const uint32_t p = ns.parent(d);
    EXPECT_GE(d, ns.first_child(p));
    EXPECT_LT(d, ns.first_child(p) + ns.num_children(p));
    EXPECT_EQ(std::string(ns.dir(d)).rfind(std::string(ns.dir(p)) + "/", 0), 0u);
  }
  ASSERT_EQ(ns.num_files(), 26u);
  EXPECT_STREQ(ns.file(0), "md.5/f.5.0");
  EXPECT_STREQ(ns.file(25), "md.5/dir.2/dir.2/f.5.25");
  EXPECT_STREQ(ns.renamed(25), "md.5/dir.2/dir.2/f.5.25.r");
  EXPECT_EQ(ns.dir_of_file(25), 12u);
  std::set<std::string> names;
  for (uint64_t f = 0; f < ns.num_files(); ++f) names.insert(ns.file(f));
  EXPECT_EQ(names.size(), 26u);
}

TEST(MetadataNamespace, LeafOnlyAndSharedTrees) {
  MetadataSpec s = shape(2, 4, 3);
  s.leaf_only = true;
  s.shared_dir = true;
  const MetadataNamespace zero(s, 0, 2), one(s, 1, 2);
  EXPECT_TRUE(zero.owns_tree());
  EXPECT_FALSE(one.owns_tree());
  EXPECT_STREQ(one.dir(0), "md.shared");
  ASSERT_EQ(one.num_files(), 12u);  // 3 in each of the 4 leaves, none in md.shared itself
  EXPECT_STREQ(one.file(0), "md.shared/dir.0/f.1.0");
  EXPECT_EQ(zero.shape(), one.shape());
  EXPECT_NE(zero.shape(), MetadataNamespace(shape(2, 4, 3), 0, 2).shape());
  // The shape without building the namespace (the target check's) is the same.
  EXPECT_EQ(MetadataNamespace::shape_of(s, 2), zero.shape());
  EXPECT_NE(MetadataNamespace::shape_of(s, 3), zero.shape());
}

JobSpec build(const JobOptionTexts& options) { return job_spec_of("/tmp/x", options); }

TEST(MetadataOptions, PhasesMixAndShape) {
  const JobSpec s = build({{"md-phases", "tree-create,file-create,mix"}, {"md-items", "7"}, {"md-depth", "2"},
                           {"md-mix", "stat:70,read_file:20,create:10"}});
  ASSERT_EQ(s.metadata.phases.size(), 3u);
  EXPECT_EQ(s.metadata.phases[2], MetaPhase::kMix);
  EXPECT_EQ(s.metadata.mix_string(), "stat:70,read_file:20,create:10");
  EXPECT_EQ(job_config(s)["metadata"]["items"], 7);
}

TEST(MetadataOptions, RefusedCombinationsNameTheOption) {
  const auto refused = [](const JobOptionTexts& options, const char* says) {
    try {
      build(options);
      ADD_FAILURE() << "accepted; expected: " << says;
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
    }
  };
  refused({{"md-items", "3"}}, "give --md-phases too");
  refused({{"md-phases", "file-create"}}, "--md-items 1 or more");
  refused({{"md-phases", "tree-create"}, {"md-depth", "0"}, {"md-items", "3"}}, "--md-depth 0");
  refused({{"md-phases", "mix"}, {"md-items", "3"}}, "--md-mix");
  refused({{"md-phases", "stat"}, {"md-items", "3"}, {"md-mix", "stat:1"}}, "add mix");
  refused({{"md-phases", "mix"}, {"md-items", "3"}, {"md-mix", "unlink:1"}}, "OP:WEIGHT");
  refused({{"md-phases", "stat"}, {"md-items", "3"}, {"direct", ""}}, "--direct: a data-IO option");
  refused({{"md-phases", "tree-create"}, {"md-depth", "32"}, {"md-branching", "10"}}, "10,000,000");
  // --random without a mix, and the data options.
  const JobOptionTexts trees{{"md-phases", "tree-create,tree-remove"}, {"md-items", "3"}};
  const auto with = [](JobOptionTexts base, const std::string& option, const std::string& text) {
    base.push_back({option, text});
    return base;
  };
  refused(with(trees, "random", ""), "--random: chooses the files of the mix phase");
  refused(with(with(trees, "random", ""), "distribution", "zipf"), "--random: chooses the files of the mix phase");
  for (const char* data : {"file-prefix", "compress-percent", "dedupe-percent", "submit-batch"}) {
    refused(with(trees, data, std::string(data) == "file-prefix" ? "x" : "2"), "a data-IO option");
  }
  // Where they apply they are taken.
  EXPECT_TRUE(build({{"md-phases", "mix"}, {"md-items", "3"}, {"md-mix", "stat:1"}, {"random", ""}}).random);
}

TEST(MetadataPrometheus, EachMetadataKindIsItsOwnOpLabel) {
  MetricsSnapshot snap;
  OpStats stat;
  stat.ops = 42;
  for (int i = 0; i < 42; ++i) stat.latency.record(1000);
  snap.job[OpKind::kStat] = MetricsSnapshot::OpMetrics::from(stat, stat, 1.0);
  const std::string text = render_prometheus_text(snap);
  EXPECT_NE(text.find("iopulse_ops_total{op=\"stat\"} 42"), std::string::npos) << text;
  EXPECT_EQ(text.find("op=\"mkdir\""), std::string::npos) << "only kinds that happened";
}

TEST(MetadataRecord, StoredReadBackAndDeletedWhenEmpty) {
  char tmpl[] = "/tmp/iopulse-md-record-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  EXPECT_FALSE(MetadataRecord::read(dir, false, 3));
  MetadataRecord r{"depth=1", 5, 2, 9};
  r.store(dir, false, 3);
  const std::optional<MetadataRecord> back = MetadataRecord::read(dir, false, 3);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->shape, "depth=1");
  EXPECT_EQ(back->dirs, 5u);
  EXPECT_EQ(back->files_begin, 2u);
  EXPECT_EQ(back->files_end, 9u);
  EXPECT_FALSE(MetadataRecord::read(dir, true, 3)) << "the shared tree's records are apart";
  MetadataRecord{"depth=1", 0, 9, 9}.store(dir, false, 3);
  EXPECT_FALSE(std::filesystem::exists(MetadataRecord::path(dir, false, 3)));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace iopulse
