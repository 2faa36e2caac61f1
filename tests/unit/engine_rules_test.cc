// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// iopulse/engine_rules.hpp, the loading rules the host and
// iopulse-engine-check share, driven with descriptors built here: the
// frozen prefix and versions, the entry call that asks an ABI 1 engine again,
// the zero-extended copy of a descriptor and of option tables of another
// size, the optional functions and their capabilities, and the instance
// report.
#include "iopulse/engine_rules.hpp"

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace {

namespace rules = iop::rules;

int32_t ok_create(const iop_engine_config*, iop_engine**, iop_error*) { return 0; }
void ok_destroy(iop_engine*) {}
int32_t ok_open(iop_engine*, const iop_file_desc*, iop_error*) { return 0; }
int32_t ok_close(iop_engine*, int32_t, iop_error*) { return 0; }
int32_t ok_submit(iop_engine*, iop_io* const*, uint32_t, uint32_t) { return 0; }
int32_t ok_reap(iop_engine*, iop_cqe*, uint32_t, uint32_t, uint64_t) { return 0; }
int32_t ok_cfd(iop_engine*, iop_error*) { return 3; }
int32_t ok_alloc(iop_engine*, uint64_t, iop_buffer*, iop_error*) { return 0; }
void ok_free(iop_engine*, const iop_buffer*) {}

iop_engine_desc valid_desc() {
  iop_engine_desc d{};
  d.struct_size = sizeof d;
  d.abi_major = IOP_ABI_MAJOR;
  d.abi_minor = IOP_ABI_MINOR;
  d.name = "rules";
  d.version = "1";
  d.description = "a descriptor for the rules";
  d.max_queue_depth = 8;
  d.create = ok_create;
  d.destroy = ok_destroy;
  d.open_file = ok_open;
  d.close_file = ok_close;
  d.submit = ok_submit;
  d.reap = ok_reap;
  return d;
}

TEST(EngineRules, PrefixNamesBothVersionsAndWhatToRebuildAgainst) {
  iop_engine_desc d = valid_desc();
  EXPECT_EQ(rules::check_prefix(d, "this host"), "");
  d.abi_major = 1;
  d.abi_minor = 0;
  EXPECT_EQ(rules::check_prefix(d, "this host"),
            "engine ABI 1.0 is older than this host (ABI 2.1): rebuild the engine against the "
            "IOPulse SDK of ABI 2 (iopulse/engine.h with IOP_ABI_MAJOR 2)");
  d.abi_major = 3;
  d.abi_minor = 4;
  EXPECT_EQ(rules::check_prefix(d, "this host"),
            "engine ABI 3.4 is newer than this host (ABI 2.1): use an iopulse of ABI 3, or "
            "rebuild the engine against the IOPulse SDK of ABI 2");
  d = valid_desc();
  d.min_host_abi_minor = 3;
  EXPECT_EQ(rules::check_prefix(d, "this host"),
            "engine needs iopulse ABI 2.3 or newer (this host has ABI 2.1)");
  d.struct_size = 20;
  EXPECT_EQ(rules::check_prefix(d, "this host"),
            "descriptor struct_size 20 is smaller than the frozen prefix (24 bytes)");
}

// An ABI 1 entry refuses any other major with -EPROTO.
const iop_engine_desc* g_old_desc = nullptr;
int g_calls = 0;
int32_t abi1_entry(const iop_host_info* host, const iop_engine_desc** out) {
  ++g_calls;
  if (host->abi_major != 1) return -EPROTO;
  *out = g_old_desc;
  return 0;
}
int32_t failing_entry(const iop_host_info*, const iop_engine_desc**) { return -ENOTSUP; }

TEST(EngineRules, AnEntryThatRefusesIsAskedAgainAsAbi1) {
  static iop_engine_desc old = valid_desc();
  old.abi_major = 1;
  g_old_desc = &old;
  g_calls = 0;
  const iop_host_info host = {sizeof(iop_host_info), IOP_ABI_MAJOR, IOP_ABI_MINOR, "t", nullptr,
                              nullptr};
  const rules::EntryResult r = rules::call_entry(abi1_entry, &host);
  EXPECT_EQ(r.rc, -EPROTO);
  EXPECT_TRUE(r.probed);
  EXPECT_EQ(r.desc, &old);
  EXPECT_EQ(g_calls, 2);
  // Other failures are not retried.
  const rules::EntryResult f = rules::call_entry(failing_entry, &host);
  EXPECT_EQ(f.rc, -ENOTSUP);
  EXPECT_FALSE(f.probed);
  EXPECT_EQ(f.desc, nullptr);
}

// Option descriptors of a later minor are longer: the copy steps by their
// struct_size and keeps what this header knows.
TEST(EngineRules, OptionTablesAreCopiedAtTheirOwnStride) {
  struct Longer {
    iop_option_desc base;
    uint64_t added[2];
  };
  Longer opts[2] = {};
  opts[0].base = {sizeof(Longer), IOP_OPT_INT, "one", "first", "1", 1, 5, nullptr, {0, 0}};
  opts[1].base = {sizeof(Longer), IOP_OPT_BOOL, "two", "second", "on", 0, 0, nullptr, {0, 0}};
  opts[0].added[0] = opts[1].added[0] = 0xdead;
  iop_engine_desc d = valid_desc();
  d.num_options = 2;
  d.options = &opts[0].base;
  rules::DescriptorCopy copy;
  ASSERT_EQ(rules::copy_descriptor(d, &copy), "");
  ASSERT_NE(copy.desc.options, d.options);
  EXPECT_STREQ(copy.desc.options[1].name, "two");
  EXPECT_STREQ(copy.desc.options[1].default_value, "on");
  EXPECT_EQ(rules::check_option_table(copy.desc), "");

  opts[1].base.struct_size = sizeof(iop_option_desc);
  EXPECT_EQ(rules::copy_descriptor(d, &copy), "option 1: struct_size 72 differs from the table's 88");
  opts[0].base.struct_size = 16;
  EXPECT_EQ(rules::copy_descriptor(d, &copy),
            "option 0: struct_size 16 is not the size of an option descriptor (ABI 2.0's is 72)");
}

// A shorter descriptor (a host of a later minor reading this one, in the
// other direction) reads as zero past its end.
TEST(EngineRules, ShortDescriptorReadsAsZeroPastItsEnd) {
  iop_engine_desc d = valid_desc();
  d.completion_fd = ok_cfd;
  d.struct_size = offsetof(iop_engine_desc, completion_fd);
  rules::DescriptorCopy copy;
  ASSERT_EQ(rules::copy_descriptor(d, &copy), "");
  EXPECT_EQ(copy.desc.completion_fd, nullptr);
  EXPECT_EQ(copy.desc.reap, ok_reap);
}

TEST(EngineRules, OptionalFunctionsGoWithTheirCapabilities) {
  iop_engine_desc d = valid_desc();
  EXPECT_EQ(rules::check_descriptor(d, "this host"), "");
  d.caps = IOP_CAP_COMPLETION_FD;
  EXPECT_EQ(rules::check_descriptor(d, "this host"),
            "declares completion-fd but completion_fd() is missing");
  d.completion_fd = ok_cfd;
  EXPECT_EQ(rules::check_descriptor(d, "this host"), "");
  d.alloc_buffer = ok_alloc;
  EXPECT_EQ(rules::check_descriptor(d, "this host"),
            "provides alloc_buffer() but does not declare engine-buffers");
  d.caps |= IOP_CAP_ENGINE_BUFFERS;
  EXPECT_EQ(rules::check_descriptor(d, "this host"),
            "declares engine-buffers but free_buffer() is missing");
  d.free_buffer = ok_free;
  EXPECT_EQ(rules::check_descriptor(d, "this host"), "");
}

// Unknown informational bits are not the host's concern (it ignores them);
// unknown required bits are refused, and a later minor is named.
TEST(EngineRules, UnknownRequiredCapabilitiesAreRefused) {
  iop_engine_desc d = valid_desc();
  d.caps = uint64_t{1} << 62;
  EXPECT_EQ(rules::check_descriptor(d, "this host"), "");
  EXPECT_EQ(rules::check_descriptor_quality(d),
            "capability bits 0x4000000000000000 are not defined by ABI 2.1");
  d.caps = 0;
  d.required_caps = IOP_REQ_DISKLESS | (uint64_t{1} << 5);
  EXPECT_EQ(rules::check_descriptor(d, "this host"),
            "requires capability bits 0x20 that this host (ABI 2.1) does not know");
  d.abi_minor = IOP_ABI_MINOR + 2;
  EXPECT_EQ(rules::check_descriptor(d, "this host"),
            "requires capability bits 0x20 that this host (ABI 2.1) does not know; it needs an "
            "iopulse of ABI 2.3 or newer");
}

TEST(EngineRules, StoresDataIsForDisklessEngines) {
  iop_engine_desc d = valid_desc();
  d.caps = IOP_CAP_STORES_DATA;
  EXPECT_EQ(rules::check_descriptor_quality(d),
            "declares stores-data without diskless (an engine with files stores its data in them)");
  d.required_caps = IOP_REQ_DISKLESS;
  EXPECT_EQ(rules::check_descriptor_quality(d), "");
}

TEST(EngineRules, ReportCapabilitiesAreASubsetAndSettingsAreNamed) {
  iop_engine_desc d = valid_desc();
  d.caps = IOP_CAP_FSYNC | IOP_CAP_TRIM;
  iop_instance_report r{};
  r.struct_size = sizeof r;
  r.caps = IOP_CAP_FSYNC;
  const iop_setting good[] = {{"ring", "on"}, {"sq-entries", "8"}};
  r.settings = good;
  r.num_settings = 2;
  EXPECT_EQ(rules::check_report(d, r), "");
  r.caps = IOP_CAP_FSYNC | IOP_CAP_POLLED;
  EXPECT_EQ(rules::check_report(d, r), "reports capabilities the descriptor does not declare: polled");
  r.caps = IOP_CAP_FSYNC;
  const iop_setting twice[] = {{"a", "1"}, {"a", "2"}};
  r.settings = twice;
  EXPECT_EQ(rules::check_report(d, r), "setting 'a' appears twice");
  const iop_setting bad_name[] = {{"Bad Name", "1"}};
  r.settings = bad_name;
  r.num_settings = 1;
  EXPECT_EQ(rules::check_report(d, r), "setting 0: name 'Bad Name' is not [a-z0-9][a-z0-9_-]*");
  const iop_setting two_lines[] = {{"a", "x\ny"}};
  r.settings = two_lines;
  EXPECT_EQ(rules::check_report(d, r), "setting 'a' is more than one line");
}

TEST(EngineRules, OptionTextIsParsedAsTheHostParsesIt) {
  const iop_option_desc size = {sizeof(iop_option_desc), IOP_OPT_SIZE, "size", "", "4k", 512, 1 << 20,
                                nullptr, {0, 0}};
  rules::ParsedOptionValue v;
  EXPECT_EQ(rules::parse_option_text(size, "64KiB", &v), std::nullopt);
  EXPECT_EQ(v.i, 65536);
  EXPECT_EQ(rules::parse_option_text(size, "2m", &v), "2m is out of range; accepted: 512..1m");
  EXPECT_EQ(rules::parse_option_text(size, "-1", &v),
            "'-1' is not a size; accepted: 512..1m (suffixes k/m/g/t, powers of 1024)");
  EXPECT_EQ(rules::format_size(1 << 20), "1m");
  EXPECT_EQ(rules::capability_name(IOP_CAP_META_OPEN_CLOSE), "open-close");
  EXPECT_EQ(rules::bits_text(IOP_CAP_ASYNC | (uint64_t{1} << 63), rules::capability_table()),
            "async, 0x8000000000000000");
}

}  // namespace
