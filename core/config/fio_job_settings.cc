// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "config/fio_job_settings.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <map>
#include <string_view>

#include <fmt/format.h>

#include "job/path_list.h"
#include "job/quantity_parser.h"

namespace iopulse {
namespace {

// A problem with the option being applied: its message without the label.
struct Refusal {
  std::string what;
};

[[noreturn]] void refuse(const std::string& what) { throw Refusal{what}; }

[[noreturn]] void bad_value(const FioIniOption& o, std::string_view accepted) {
  refuse(fmt::format("'{}' is not accepted; accepted: {}", o.value, accepted));
}

[[noreturn]] void missing(std::string_view why) { refuse(fmt::format("not supported by IOPulse: {}", why)); }

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// fio's booleans: no value means 1.
bool fio_bool(const FioIniOption& o) {
  if (!o.has_value) return true;
  const std::string v = lower(o.value);
  if (v == "1" || v == "true" || v == "yes" || v == "on") return true;
  if (v == "0" || v == "false" || v == "no" || v == "off") return false;
  bad_value(o, "0 or 1 (or the option alone for 1)");
}

uint64_t fio_integer(const FioIniOption& o, std::string_view text, uint64_t min, uint64_t max) {
  uint64_t v = 0;
  size_t used = 0;
  try {
    v = std::stoull(std::string(text), &used, 0);
  } catch (const std::exception&) {
    used = 0;
  }
  if (text.empty() || used != text.size() || text.front() == '-' || v < min || v > max) {
    bad_value(o, fmt::format("a whole number from {} to {}", min, max));
  }
  return v;
}

uint64_t fio_count(const FioIniOption& o, uint64_t min, uint64_t max) { return fio_integer(o, o.value, min, max); }

// fio's FIO_OPT_STR_SET options (fixedbufs, hipri, ...): alone 1, else a
// whole number, true unless 0.
bool fio_set(const FioIniOption& o) {
  return !o.has_value || fio_integer(o, o.value, 0, INT32_MAX) != 0;
}

// The multiplier of a size's unit as fio reads it (parse.c,
// __get_mult_bytes), any case: k, m, g, t, p alone or with "b" or "i" are
// powers of kb_base; with "ib" (the IEC spelling) powers of the other base,
// so that with fio's default kb_base=1024 "4k" is 4096 and "4KiB" 4000
// (fio's compatibility rule), and with kb_base=1000 the reverse.  No unit or
// "b": 1.  0 for anything else.
uint64_t fio_unit_multiplier(std::string_view unit, uint32_t kb_base) {
  if (unit.empty() || unit == "b") return 1;
  static constexpr std::string_view kPrefixes = "kmgtp";
  const size_t pow = kPrefixes.find(unit.front());
  const std::string_view rest = unit.substr(1);
  if (pow == std::string_view::npos || !(rest.empty() || rest == "b" || rest == "i" || rest == "ib")) return 0;
  const uint64_t base = rest == "ib" ? (kb_base == 1000 ? 1024 : 1000) : kb_base;
  uint64_t mult = 1;
  for (size_t i = 0; i <= pow; ++i) mult *= base;
  return mult;
}

// fio's sizes: a number with an optional unit (fio_unit_multiplier(), by
// the kb_base in effect where the option was given).  Percentages of a
// device are not taken.
uint64_t fio_size(const FioIniOption& o, std::string_view text) {
  const std::string t = lower(text);
  size_t digits = 0;
  while (digits < t.size() && (std::isdigit(static_cast<unsigned char>(t[digits])) || t[digits] == 'x')) ++digits;
  const uint64_t mult = fio_unit_multiplier(std::string_view(t).substr(digits), o.kb_base);
  if (t.find('%') != std::string::npos) missing("a size as a percentage of the device; give bytes");
  if (digits == 0 || mult == 0) bad_value(o, "a size such as 4096, 4k, 64KiB, 1g");
  const uint64_t n = fio_integer(o, std::string_view(t).substr(0, digits), 0, UINT64_MAX / mult);
  return n * mult;
}

// fio's times: a number with us/usec, ms/msec, s/sec, m/min, h or d; a bare
// number is in `unit_ns` (seconds for runtime, microseconds for thinktime).
uint64_t fio_time_ns(const FioIniOption& o, uint64_t unit_ns) {
  static const std::map<std::string, uint64_t> kUnits = {
      {"ns", 1},           {"nsec", 1},          {"us", 1'000},        {"usec", 1'000},
      {"ms", 1'000'000},   {"msec", 1'000'000},  {"s", 1'000'000'000}, {"sec", 1'000'000'000},
      {"m", 60'000'000'000}, {"min", 60'000'000'000}, {"h", 3'600'000'000'000}, {"d", 86'400'000'000'000}};
  const std::string t = lower(o.value);
  size_t digits = 0;
  while (digits < t.size() && (std::isdigit(static_cast<unsigned char>(t[digits])) || t[digits] == '.')) ++digits;
  const std::string suffix = t.substr(digits);
  uint64_t unit = unit_ns;
  if (!suffix.empty()) {
    const auto it = kUnits.find(suffix);
    if (it == kUnits.end()) bad_value(o, "a time such as 30, 500ms, 2m, 1h");
    unit = it->second;
  }
  double n = 0;
  try {
    size_t used = 0;
    n = std::stod(t.substr(0, digits), &used);
    if (used != digits) n = -1;
  } catch (const std::exception&) {
    n = -1;
  }
  if (digits == 0 || n < 0 || n * static_cast<double>(unit) > 1.8e19) bad_value(o, "a time such as 30, 500ms, 2m, 1h");
  return static_cast<uint64_t>(std::llround(n * static_cast<double>(unit)));
}

// "4k" or "4k,8k" (reads, writes; a third value is for trims).
std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (true) {
    const size_t at = text.find(sep, pos);
    parts.push_back(text.substr(pos, at == std::string_view::npos ? std::string_view::npos : at - pos));
    if (at == std::string_view::npos) return parts;
    pos = at + 1;
  }
}

// The read, write and trim parts of a "r[,w[,t]]" option; one part means
// all three, two mean reads and writes (trims take the write value, as
// fio's do).  An empty part leaves that direction as it was.
struct DirectionParts {
  std::string_view read, write, trim;
};
DirectionParts direction_parts(const FioIniOption& o) {
  const std::vector<std::string_view> parts = split(o.value, ',');
  if (parts.size() > 3) bad_value(o, "a value for reads, or reads,writes[,trims]");
  if (parts.size() == 1) return {parts[0], parts[0], parts[0]};
  return {parts[0], parts[1], parts.size() == 3 ? parts[2] : parts[1]};
}

// bssplit: "4k/10:64k/50:32k/" (an entry without a share takes what is left).
std::string bssplit_mix(const FioIniOption& o, std::string_view text) {
  std::vector<std::pair<uint64_t, int64_t>> entries;  // size, percent (-1: the rest)
  int64_t total = 0, open = 0;
  for (std::string_view item : split(text, ':')) {
    const size_t slash = item.find('/');
    const uint64_t size = fio_size(o, item.substr(0, slash));
    int64_t share = -1;
    if (slash != std::string_view::npos && slash + 1 < item.size()) {
      share = static_cast<int64_t>(fio_integer(o, item.substr(slash + 1), 0, 100));
      total += share;
    } else {
      ++open;
    }
    entries.emplace_back(size, share);
  }
  if (total > 100 || (open == 0 && total != 100)) bad_value(o, "shares that add up to 100");
  const int64_t rest = 100 - total;
  const int64_t each = open != 0 ? rest / open : 0;
  int64_t open_seen = 0;
  std::string mix;
  for (size_t i = 0; i < entries.size(); ++i) {
    int64_t share = entries[i].second;
    if (share < 0) share = each + (++open_seen == open ? rest - each * open : 0);
    if (share == 0) continue;
    mix += fmt::format("{}{}:{}", mix.empty() ? "" : ",", entries[i].first, share);
  }
  if (mix.empty()) bad_value(o, "at least one size with a share above 0");
  return mix;
}

// bsrange: IOPulse's range MIN-MAX, which draws the sizes as fio does
// (job/block_size_mix.h).
// fio takes ':' for the '-' too, and swaps a MIN above MAX.
std::string bsrange_mix(const FioIniOption& o, std::string_view text) {
  const size_t dash = text.find_first_of("-:");
  if (dash == std::string_view::npos) bad_value(o, "MIN-MAX, e.g. 4k-16k");
  uint64_t lo = fio_size(o, text.substr(0, dash)), hi = fio_size(o, text.substr(dash + 1));
  if (hi < lo) std::swap(lo, hi);
  if (lo == 0) bad_value(o, "MIN-MAX with 0 < MIN <= MAX");
  if (lo == hi) return std::to_string(lo);
  return fmt::format("{}-{}", lo, hi);
}

// A rate option's one value: IOPulse's rate limits are for the whole job,
// so "r,w[,t]" must name a single rate (empty parts aside).
std::string_view one_rate(const FioIniOption& o) {
  const DirectionParts parts = direction_parts(o);
  std::string_view rate;
  for (std::string_view part : {parts.read, parts.write, parts.trim}) {
    if (part.empty()) continue;
    if (!rate.empty() && part != rate) missing("separate read, write and trim rates");
    rate = part;
  }
  if (rate.empty()) bad_value(o, "a rate");
  return rate;
}

// The directions a rate option gives a rate (bits: reads, writes, trims).
uint32_t rate_directions(const FioIniOption& o) {
  const DirectionParts parts = direction_parts(o);
  return (parts.read.empty() ? 0u : 1u) | (parts.write.empty() ? 0u : 2u) | (parts.trim.empty() ? 0u : 4u);
}

// A least rate's one value (ratemin, rate_iops_min): IOPulse holds reads,
// writes and trims to one rate, so "r,w[,t]" must give the same rate in
// each place it gives one and leave none out ("ratemin=,1m" would hold
// reads to the writes' rate).
std::string_view one_min_rate(const FioIniOption& o) {
  const DirectionParts parts = direction_parts(o);
  if (o.value.find(',') != std::string::npos && (parts.read.empty() || parts.write.empty())) {
    missing("a least rate for some directions only");
  }
  return one_rate(o);
}

void set_sizes(FioJobSettings& s, const FioIniOption& o, const std::string& label,
               const std::function<std::string(std::string_view)>& mix) {
  const DirectionParts parts = direction_parts(o);
  // fio refuses an empty value ("bs=" or "bs=,"): so does IOPulse, rather
  // than keep the size it had.
  if (parts.read.empty() && parts.write.empty() && parts.trim.empty()) bad_value(o, "a size, or READ,WRITE[,TRIM]");
  if (!parts.read.empty()) s.read_sizes = {mix(parts.read), label};
  if (!parts.write.empty()) s.write_sizes = {mix(parts.write), label};
  if (!parts.trim.empty()) s.trim_sizes = {mix(parts.trim), label};
}

// random_distribution=zoned:A/S:...: IOPulse's --zones text.  As fio, a
// size left out shares what the others leave (integer division), an access
// may not be left out, and reads, writes and trims may not differ (a ','
// part must repeat the first).
std::string zones(const FioIniOption& o, std::string_view text) {
  const size_t comma = text.find(',');
  const std::string_view first = text.substr(0, comma);
  if (comma != std::string_view::npos && text.substr(comma + 1) != first && !text.substr(comma + 1).empty()) {
    missing("zones that differ for reads, writes or trims");
  }
  std::vector<std::pair<int, int>> z;  // -1: left out
  unsigned access = 0, size = 0, access_missing = 0, size_missing = 0;
  for (std::string_view entry : split(first, ':')) {
    const size_t slash = entry.find('/');
    if (slash == std::string_view::npos) bad_value(o, "zoned:ACCESS/SIZE:..., e.g. zoned:50/5:30/15:20/");
    const auto value = [&](std::string_view t, unsigned& sum, unsigned& missing_count) {
      if (t.empty()) {
        ++missing_count;
        return -1;
      }
      const uint64_t v = fio_integer(o, t, 0, 100);
      sum += static_cast<unsigned>(v);
      return static_cast<int>(v);
    };
    const int a = value(entry.substr(0, slash), access, access_missing);
    const int s = value(entry.substr(slash + 1), size, size_missing);
    z.emplace_back(a, s);
  }
  // fio checks the accesses given before it shares out what is left, so an
  // access left out gets nothing.
  if (access_missing != 0) bad_value(o, "an access share for every zone (ACCESS/SIZE)");
  if (access > 100 || size > 100) bad_value(o, "zone percentages adding up to at most 100");
  std::string out;
  for (const auto& [a, s] : z) {
    const int access_share = a >= 0 ? a : static_cast<int>((100 - access) / access_missing);
    const int size_share = s >= 0 ? s : static_cast<int>((100 - size) / size_missing);
    out += fmt::format("{}{}/{}", out.empty() ? "" : ":", access_share, size_share);
  }
  return out;
}

// random_distribution=random | zipf:T | pareto:H | normal:D (| gauss:D),
// each with an optional center (fio's second value), | zoned:A/S:....
std::vector<std::pair<std::string, std::string>> distribution(const FioIniOption& o) {
  const std::vector<std::string_view> parts = split(o.value, ':');
  const std::string kind = lower(parts[0]);
  const auto number = [&](std::string_view t, double lo, double hi) {
    double v = 0;
    try {
      size_t used = 0;
      v = std::stod(std::string(t), &used);
      if (used != t.size()) v = NAN;
    } catch (const std::exception&) {
      v = NAN;
    }
    if (!(v >= lo && v <= hi)) bad_value(o, "random, zipf:THETA, pareto:H or normal:DEV[:CENTER]");
    return v;
  };
  if (kind == "random" && parts.size() == 1) return {{"distribution", "uniform"}};
  if (kind == "zoned") return {{"distribution", "zoned"}, {"zones", zones(o, o.value.substr(o.value.find(':') + 1))}};
  if (parts.size() < 2 || parts.size() > 3) bad_value(o, "random, zipf:THETA, pareto:H or normal:DEV[:CENTER]");
  if (kind == "zipf" || kind == "pareto") {
    if (parts.size() == 3) missing("a center for zipf and pareto (fio's hashed ranks have no IOPulse equivalent)");
    number(parts[1], 0, 10);
    // fio scatters the hot ranks over the file with a hash.
    return {{"distribution", kind}, {kind == "zipf" ? "zipf-theta" : "pareto-h", std::string(parts[1])},
            {"hot-spot-scatter", "true"}};
  }
  if (kind == "normal" || kind == "gauss") {
    // fio's DEV is a percentage of the file; IOPulse's a fraction.
    const double dev = number(parts[1], 0, 100);
    // fio hashes the drawn ranks too (lib/gauss.c), so its hot blocks are
    // scattered over the file, as zipf's are.
    std::vector<std::pair<std::string, std::string>> out = {{"distribution", "gaussian"},
                                                            {"gaussian-stddev", fmt::format("{}", dev / 100)}};
    if (parts.size() == 3) out.emplace_back("gaussian-center", fmt::format("{}", number(parts[2], 0, 1)));
    out.emplace_back("hot-spot-scatter", "true");
    return out;
  }
  if (kind == "zoned_abs") missing("zoned_abs (zones in bytes); give zoned with percentages");
  bad_value(o, "random, zipf:THETA, pareto:H, normal:DEV[:CENTER] or zoned:A/S:...");
}

using Apply = void (*)(FioJobSettings&, const FioIniOption&, const std::string&);

#define FIO \
  []([[maybe_unused]] FioJobSettings & s, [[maybe_unused]] const FioIniOption& o, [[maybe_unused]] const std::string& label)

// fio's options IOPulse honours, one row each (docs/fio-compatibility.md).
const std::map<std::string, Apply, std::less<>> kOptions = {
    {"name", FIO { s.name = o.value; }},
    // (Its effect, on the sizes of its section and the sections after it,
    // is each option's kb_base, which the translation sets.)
    {"kb_base", FIO {
       if (o.value != "1024" && o.value != "1000") bad_value(o, "1024 or 1000");
     }},
    {"description", FIO {}},  // text only
    {"thread", FIO {}},       // IOPulse's workers are always threads
    // An error ends every job of the run in IOPulse (unless
    // continue_on_error=all): exitall_on_error=1 asks fio to end the failing job's
    // reporting group, the same for a file of one group; the differences
    // are in docs/fio-compatibility.md.
    {"exitall_on_error", FIO {
       // (fio takes any number, 0 for off.)
       if (o.has_value && lower(o.value) != "true" && lower(o.value) != "false") {
         (void)fio_integer(o, o.value, 0, UINT64_MAX);
       }
     }},
    // The tiobench profile's thread count: fio reads it only with
    // profile=tiobench (refused here) and runs a job file without the
    // profile as if it were not there; IOPulse's workers are threads anyway.
    {"threads", FIO {}},
    // IO buffers: IOPulse's come from the heap, each aligned to at least 4096
    // bytes (the engine may ask for more): fio's malloc.  fio puts its
    // buffers mem_align bytes past a page boundary, so only multiples of the
    // page are what IOPulse's buffers are.
    {"mem", FIO {
       if (lower(o.value) != "malloc") {
         missing(fmt::format("{}={}: IOPulse's IO buffers come from the heap (fio's malloc); huge pages: the "
                             "sync engine's --sync.hugepages", o.key, o.value));
       }
     }},
    {"mem_align", FIO {
       const uint64_t v = fio_size(o, o.value);
       if (v % 4096 != 0) {
         missing(fmt::format("{}={}: fio places its buffers that many bytes past a page boundary, IOPulse's are "
                             "page-aligned (4096 bytes, or what the engine asks); accepted: 0 or a multiple of 4096",
                             o.key, o.value));
       }
     }},
    {"stonewall", FIO { s.stonewall = {fio_bool(o), label}; }},
    {"wait_for_previous", FIO { s.stonewall = {fio_bool(o), label}; }},
    {"wait_for", FIO { s.wait_for = {o.value, label}; }},
    {"new_group", FIO { s.new_group = {fio_bool(o), label}; }},
    // (fio sets its flag whatever the value, exitall=0 too: FIO_OPT_STR_SET.)
    {"exitall", FIO { s.exitall = {true, label}; }},
    // The fio-format results' percentiles; fio's defaults of the switches
    // that add or remove them are what IOPulse writes.
    {"percentile_list", FIO { s.percentile_list = {o.value, label}; }},
    {"unified_rw_reporting", FIO {
       const std::string v = lower(o.value);
       if (v == "none" || v == "0") s.unified_rw = {"none", label};
       else if (v == "mixed" || v == "1") s.unified_rw = {"mixed", label};
       else if (v == "both" || v == "2") s.unified_rw = {"both", label};
       else bad_value(o, "none, mixed, both, 0, 1, 2");
     }},
    {"clat_percentiles", FIO {
       if (!fio_bool(o)) missing("clat_percentiles=0 (IOPulse's fio-format results always list clat's percentiles)");
     }},
    {"lat_percentiles", FIO {
       if (fio_bool(o)) {
         missing("lat_percentiles=1 (IOPulse's fio-format results list the percentiles of clat, which is IOPulse's one "
                 "latency of an IO)");
       }
     }},
    {"exit_what", FIO {
       // (all: refused with exitall, where it would matter.)
       const std::string v = lower(o.value);
       if (v != "group" && v != "stonewall" && v != "all") bad_value(o, "group, stonewall, all");
       s.exit_what = {v, label};
     }},
    {"unlink", FIO { s.unlink = {fio_bool(o), label}; }},
    {"filename_format", FIO {
       if (lower(o.value).find("$clientuid") != std::string::npos) {
         missing("$clientuid in filename_format (fio's client/server mode)");
       }
       s.filename_format = {o.value, label};
     }},
    {"group_reporting", FIO { s.group_reporting = {fio_bool(o), label}; }},
    {"rw", FIO {
       static const std::map<std::string, std::pair<bool, uint32_t>> kKinds = {
           {"read", {false, 100}},   {"write", {false, 0}},    {"randread", {true, 100}}, {"randwrite", {true, 0}},
           {"rw", {false, 50}},      {"readwrite", {false, 50}}, {"randrw", {true, 50}}};
       std::string v = lower(o.value);
       // An offset modifier: on a sequential kind, bytes from one IO's end
       // to the next one's start (negative: backwards), fio's holed IO.
       s.sequential_skip.reset();
       if (const size_t colon = v.find(':'); colon != std::string::npos) {
         const std::string modifier = v.substr(colon + 1);
         v.resize(colon);
         if (v.starts_with("rand")) {
           missing("an offset modifier on a random rw (a new random offset every N IOs)");
         }
         const bool back = modifier.starts_with("-");
         const uint64_t bytes = fio_size(o, back ? std::string_view(modifier).substr(1) : std::string_view(modifier));
         if (bytes > (uint64_t{1} << 62)) bad_value(o, "an offset modifier up to 4e, or its negative");
         if (bytes != 0) {
           s.sequential_skip = {back ? -static_cast<int64_t>(bytes) : static_cast<int64_t>(bytes), label};
         }
       }
       if (v == "trim" || v == "randtrim" || v == "trimwrite" || v == "randtrimwrite") {
         // Trims only; with trimwrite each trimmed range is then written.
         s.random = {v.starts_with("rand"), label};
         s.read_percent = {0, label};
         s.trim = {true, label};
         s.trim_write = {v.ends_with("write"), label};
         return;
       }
       const auto it = kKinds.find(v);
       if (it == kKinds.end()) {
         bad_value(o, "read, write, randread, randwrite, rw, readwrite, randrw, trim, randtrim, trimwrite, randtrimwrite");
       }
       s.random = {it->second.first, label};
       s.read_percent = {it->second.second, label};
       s.trim.reset();
       s.trim_write.reset();
     }},
    {"rwmixread", FIO { s.rwmixread = {static_cast<uint32_t>(fio_count(o, 0, 100)), label}; }},
    {"rwmixwrite", FIO { s.rwmixread = {100 - static_cast<uint32_t>(fio_count(o, 0, 100)), label}; }},
    {"bs", FIO {
       set_sizes(s, o, label, [&o](std::string_view t) { return std::to_string(fio_size(o, t)); });
     }},
    {"bssplit", FIO {
       set_sizes(s, o, label, [&o](std::string_view t) { return bssplit_mix(o, t); });
     }},
    {"bsrange", FIO {
       set_sizes(s, o, label, [&o](std::string_view t) { return bsrange_mix(o, t); });
     }},
    {"iodepth", FIO { s.iodepth = {static_cast<uint32_t>(fio_count(o, 1, 65536)), label}; }},
    {"iodepth_batch", FIO {
       const uint64_t n = fio_count(o, 0, 65536);
       if (n != 0) s.iodepth_batch = {static_cast<uint32_t>(n), label};
     }},
    {"iodepth_low", FIO { s.iodepth_low = {static_cast<uint32_t>(fio_count(o, 0, 65536)), label}; }},
    {"iodepth_batch_complete_min", FIO {
       s.batch_complete_min = {static_cast<uint32_t>(fio_count(o, 0, 65536)), label};
     }},
    {"iodepth_batch_complete_max", FIO {
       s.batch_complete_max = {static_cast<uint32_t>(fio_count(o, 0, 65536)), label};
     }},
    {"ioengine", FIO {
       const std::string v = lower(o.value);
       if (v == "psync" || v == "sync" || v == "pvsync" || v == "pvsync2") s.engine = {"sync", label};
       else s.engine = {v, label};  // io_uring, libaio, mmap, null or a plugin: checked by the caller
     }},
    // fio's io_uring engine's (its FIO_OPT_STR_SET options: alone 1, else a
    // number, any but 0 true).
    {"fixedbufs", FIO { s.io_uring_options["fixed-buffers"] = {fio_set(o) ? "true" : "false", label}; }},
    {"registerfiles", FIO { s.io_uring_options["fixed-files"] = {fio_set(o) ? "true" : "false", label}; }},
    {"sqthread_poll", FIO { s.io_uring_options["sqpoll"] = {fio_set(o) ? "true" : "false", label}; }},
    {"sqthread_poll_cpu", FIO {
       s.io_uring_options["sqpoll-cpu"] = {std::to_string(fio_count(o, 0, 65535)), label};
     }},
    {"hipri", FIO { s.io_uring_options["iopoll"] = {fio_set(o) ? "true" : "false", label}; }},
    {"nonvectored", FIO {
       // -1 (fio's default: the non-vectored commands where the kernel has
       // them, as every kernel IOPulse runs on does) or any other but 0.
       if (o.value != "-1" && fio_count(o, 0, INT32_MAX) == 0) {
         missing("vectored reads and writes (IORING_OP_READV/WRITEV); IOPulse's io_uring engine issues "
                 "IORING_OP_READ/WRITE, fio's nonvectored=1");
       }
       s.uring_nonvectored = {o.value, label};
     }},
    {"direct", FIO { s.direct = {fio_bool(o), label}; }},
    {"buffered", FIO { s.direct = {!fio_bool(o), label}; }},
    {"size", FIO { s.size = {fio_size(o, o.value), label}; }},
    {"filesize", FIO {
       if (o.value.find('-') != std::string::npos) missing("a range of file sizes");
       s.filesize = {fio_size(o, o.value), label};
     }},
    {"io_size", FIO { s.io_size = {fio_size(o, o.value), label}; }},
    {"offset", FIO { s.offset = {fio_size(o, o.value), label}; }},
    {"offset_increment", FIO { s.offset_increment = {fio_size(o, o.value), label}; }},
    {"io_limit", FIO { s.io_size = {fio_size(o, o.value), label}; }},
    {"filename", FIO {
       // ':' separates files; "\:" is a ':' inside a name.
       const std::vector<std::string> names = split_path_list(o.value);
       for (const std::string& n : names) {
         if (n.empty()) bad_value(o, "file names separated by ':'");
       }
       s.filenames = {names, label};
     }},
    {"directory", FIO {
       if (o.value.find(':') != std::string::npos) missing("several directories");
       if (o.value.empty()) bad_value(o, "a directory");
       s.directory = {o.value, label};
     }},
    {"file_service_type", FIO {
       const std::string v = lower(o.value);
       const size_t colon = v.find(':');
       const std::string kind = v.substr(0, colon);
       if (kind == "zipf" || kind == "pareto" || kind == "normal" || kind == "gauss") {
         missing("choosing files by a " + kind + " distribution");
       }
       if (kind != "random" && kind != "roundrobin" && kind != "sequential") {
         bad_value(o, "random, roundrobin or sequential, with an optional :N");
       }
       uint64_t ios = 1;
       if (colon != std::string::npos) {
         const std::string n = v.substr(colon + 1);
         if (n.empty() || n.find_first_not_of("0123456789") != std::string::npos || std::stoull(n) == 0) {
           bad_value(o, "random, roundrobin or sequential, with an optional :N of 1 or more IOs per file");
         }
         ios = std::stoull(n);
       }
       s.file_service = {{kind, ios}, label};
     }},
    {"nrfiles", FIO { s.nrfiles = {static_cast<uint32_t>(fio_count(o, 1, 10'000'000)), label}; }},
    {"numjobs", FIO { s.numjobs = {static_cast<uint32_t>(fio_count(o, 1, 4096)), label}; }},
    {"ss", FIO { s.steady_state = {lower(o.value), label}; }},
    {"ss_dur", FIO { s.ss_dur_ns = {fio_time_ns(o, 1'000'000'000), label}; }},
    {"ss_ramp", FIO { s.ss_ramp_ns = {fio_time_ns(o, 1'000'000'000), label}; }},
    {"ss_interval", FIO {
       const uint64_t ns = fio_time_ns(o, 1'000'000'000);
       if (ns == 0) bad_value(o, "a time above 0");
       s.ss_interval_ns = {ns, label};
     }},
    {"runtime", FIO {
       const uint64_t ns = fio_time_ns(o, 1'000'000'000);
       if (ns == 0) s.runtime_ns.reset();  // fio: no limit
       else s.runtime_ns = {ns, label};
     }},
    {"time_based", FIO { s.time_based = {fio_bool(o), label}; }},
    {"ramp_time", FIO {
       const uint64_t ns = fio_time_ns(o, 1'000'000'000);
       if (ns == 0) s.ramp_ns.reset();
       else s.ramp_ns = {ns, label};
     }},
    {"startdelay", FIO {
       // fio's irange: a time, or MIN-MAX (each clone draws from it); seconds by default.
       const size_t dash = o.value.find('-');
       FioIniOption part = o;
       part.value = o.value.substr(0, dash);
       const uint64_t low = fio_time_ns(part, 1'000'000'000);
       uint64_t high = low;
       if (dash != std::string::npos) {
         part.value = o.value.substr(dash + 1);
         high = fio_time_ns(part, 1'000'000'000);
         if (high < low) bad_value(o, "a time, or MIN-MAX with MIN <= MAX");
       }
       if (high == 0) s.start_delay_ns.reset();
       else s.start_delay_ns = {{low, high}, label};
     }},
    {"loops", FIO { s.loops = {static_cast<uint32_t>(fio_count(o, 1, 1'000'000)), label}; }},
    {"number_ios", FIO {
       const uint64_t n = fio_count(o, 0, UINT64_MAX);
       if (n != 0) s.number_ios = {n, label};
     }},
    {"rate", FIO {
       const uint64_t v = fio_size(o, one_rate(o));
       if (v != 0) s.rate_bw = {v, label};
       s.rate_directions = rate_directions(o);
     }},
    {"rate_iops", FIO {
       const uint64_t v = fio_integer(o, one_rate(o), 0, UINT64_MAX);
       if (v != 0) s.rate_iops = {v, label};
       s.rate_directions = rate_directions(o);
     }},
    {"rate_min", FIO {
       const uint64_t v = fio_size(o, one_min_rate(o));
       if (v != 0) s.rate_min_bw = {v, label};
     }},
    {"rate_iops_min", FIO {
       const uint64_t v = fio_integer(o, one_min_rate(o), 0, UINT64_MAX);
       if (v != 0) s.rate_min_iops = {v, label};
     }},
    {"rate_process", FIO {
       const std::string v = lower(o.value);
       if (v != "linear" && v != "poisson") bad_value(o, "linear, poisson");
       s.rate_poisson = {v == "poisson", label};
     }},
    {"thinktime", FIO {
       const uint64_t ns = fio_time_ns(o, 1'000);
       if (ns != 0) s.thinktime_ns = {ns, label};
     }},
    {"thinktime_spin", FIO { s.thinktime_spin_ns = {fio_time_ns(o, 1'000), label}; }},
    {"thinktime_blocks", FIO { s.thinktime_blocks = {static_cast<uint32_t>(fio_count(o, 1, UINT32_MAX)), label}; }},
    {"thinktime_blocks_type", FIO {
       if (lower(o.value) == "issue") missing("thinktime_blocks_type=issue (IOPulse pauses after completions)");
       if (lower(o.value) != "complete") bad_value(o, "complete");
     }},
    // IOPulse aligns every offset to the job's smallest block size, fio's
    // default; the translation accepts only that (fio_job_file.cc).
    {"blockalign", FIO {
       const DirectionParts parts = direction_parts(o);
       uint64_t align = 0;
       for (std::string_view part : {parts.read, parts.write, parts.trim}) {
         if (part.empty()) continue;
         const uint64_t v = fio_size(o, part);
         if (align != 0 && v != align) missing("separate alignments for reads, writes and trims");
         align = v;
       }
       if (align == 0) bad_value(o, "a size");
       s.blockalign = {align, label};
     }},
    {"random_distribution", FIO { s.distribution = {distribution(o), label}; }},
    {"randrepeat", FIO { s.randrepeat = {fio_bool(o), label}; }},
    {"randseed", FIO { s.randseed = {fio_count(o, 0, UINT64_MAX), label}; }},
    {"norandommap", FIO { s.norandommap = {fio_bool(o), label}; }},
    {"fsync", FIO {
       const uint64_t n = fio_count(o, 0, UINT32_MAX);
       if (n != 0) s.fsync = {static_cast<uint32_t>(n), label};
     }},
    {"fdatasync", FIO {
       const uint64_t n = fio_count(o, 0, UINT32_MAX);
       if (n != 0) s.fdatasync = {static_cast<uint32_t>(n), label};
     }},
    {"prio", FIO { s.prio = {static_cast<uint32_t>(fio_count(o, 0, 7)), label}; }},
    {"prioclass", FIO { s.prioclass = {static_cast<uint32_t>(fio_count(o, 0, 3)), label}; }},
    {"cmdprio_percentage", FIO {
       if (o.value.find(',') != std::string::npos) missing("separate cmdprio_percentage values for reads and writes");
       s.cmdprio_percentage = {static_cast<uint32_t>(fio_count(o, 0, 100)), label};
     }},
    {"cmdprio_class", FIO {
       if (o.value.find(',') != std::string::npos) missing("separate cmdprio_class values for reads and writes");
       s.cmdprio_class = {static_cast<uint32_t>(fio_count(o, 1, 3)), label};
     }},
    {"cmdprio", FIO {
       if (o.value.find(',') != std::string::npos) missing("separate cmdprio values for reads and writes");
       s.cmdprio = {static_cast<uint32_t>(fio_count(o, 0, 7)), label};
     }},
    {"cmdprio_bssplit", FIO { missing("cmdprio_bssplit (IOPulse gives one share of IOs one priority); use cmdprio_percentage"); }},
    {"end_fsync", FIO { s.end_fsync = {fio_bool(o), label}; }},
    {"verify", FIO {
       static const char* const kChecksums[] = {"md5", "crc64", "crc32c", "crc32c-intel", "crc32", "crc16", "crc7",
                                                "xxhash", "sha512", "sha256", "sha1", "sha3-224", "sha3-256",
                                                "sha3-384", "sha3-512", "meta"};
       const std::string v = lower(o.value);
       if (v == "0" || v == "none") {
         s.verify = {false, label};
         return;
       }
       if (v == "pattern") missing("verify=pattern (IOPulse verifies its own checksummed block format)");
       for (const char* c : kChecksums) {
         if (v == c) {
           s.verify = {true, label};
           return;
         }
       }
       bad_value(o, "none, md5, crc32c, crc64, xxhash, sha256, meta, ...");
     }},
    {"do_verify", FIO { s.do_verify = {fio_bool(o), label}; }},
    {"cpus_allowed", FIO { s.cpus_allowed = {o.value, label}; }},
    {"write_bw_log", FIO { s.bw_log = {o.value.empty() ? s.name : o.value, label}; }},
    {"write_iops_log", FIO { s.iops_log = {o.value.empty() ? s.name : o.value, label}; }},
    {"write_lat_log", FIO { s.lat_log = {o.value.empty() ? s.name : o.value, label}; }},
    {"log_avg_msec", FIO {
       // 0 is fio's default: an entry per IO (IOPulse's --log-per-io).
       s.log_avg_msec = {fio_integer(o, o.value, 0, 86'400'000), label};
     }},
    {"log_offset", FIO { s.log_offset = {fio_bool(o), label}; }},
    {"log_prio", FIO { s.log_prio = {fio_bool(o), label}; }},
    {"log_unix_epoch", FIO { s.log_unix_epoch = {fio_bool(o), label}; }},
    {"log_alternate_epoch", FIO { s.log_alternate_epoch = {fio_bool(o), label}; }},
    {"log_alternate_epoch_clock_id", FIO {
       s.log_epoch_clock = {static_cast<uint32_t>(fio_count(o, 0, INT32_MAX)), label};
     }},
    {"allow_mounted_write", FIO { s.allow_mounted_write = {fio_bool(o), label}; }},
    {"fallocate", FIO {
       const std::string v = lower(o.value);
       if (v == "none" || v == "0") s.preallocate = {false, label};
       else if (v == "posix" || v == "native" || v == "1") s.preallocate = {true, label};
       else missing(fmt::format("fallocate={}", o.value));
     }},
    {"zero_buffers", FIO {
       if (fio_bool(o)) s.buffer_pattern = {0, label};
     }},
    {"buffer_pattern", FIO {
       const uint64_t v = fio_integer(o, o.value, 0, UINT64_MAX);
       if (v > 255) missing("a buffer pattern longer than one byte");
       s.buffer_pattern = {static_cast<uint32_t>(v), label};
     }},
    {"buffer_compress_percentage", FIO {
       s.compress_percent = {static_cast<uint32_t>(fio_count(o, 0, 100)), label};
     }},
    {"buffer_compress_chunk", FIO { s.compress_chunk = {fio_size(o, o.value), label}; }},
    {"dedupe_percentage", FIO { s.dedupe_percent = {static_cast<uint32_t>(fio_count(o, 0, 100)), label}; }},
    {"refill_buffers", FIO {
       if (!fio_bool(o)) missing("refill_buffers=0: IOPulse writes fresh data with every write");
     }},
    {"scramble_buffers", FIO {
       if (!fio_bool(o)) missing("scramble_buffers=0: IOPulse writes fresh data with every write");
     }},
    {"invalidate", FIO { s.invalidate = {fio_bool(o), label}; }},
    {"gtod_reduce", FIO { s.gtod_reduce = {fio_bool(o), label}; }},
    // Options that ask for what IOPulse does at fio's default value.
    {"stats", FIO {
       if (!fio_bool(o)) missing("a job without statistics (stats=0); IOPulse measures every job");
     }},
    {"io_submit_mode", FIO {
       if (o.value != "inline" && o.value != "offload") bad_value(o, "inline or offload");
       s.submit_offload = {o.value == "offload", label};
     }},
    {"per_job_logs", FIO {
       if (!fio_bool(o)) {
         missing("one log file shared by the jobs of a prefix (per_job_logs=0); IOPulse writes each job's own "
                 "(PREFIX_bw.N.log, fio's default)");
       }
     }},
    {"allow_file_create", FIO {
       if (!fio_bool(o)) missing("a job that may not create its files (allow_file_create=0)");
     }},
    {"create_on_open", FIO {
       if (fio_bool(o)) missing("files created when the job opens them (create_on_open=1); IOPulse prepares them first");
     }},
    // Options of fio's own text output (and, for unique_filename, of its
    // client/server mode): no effect on what IOPulse writes (a note).
    {"significant_figures", FIO {
       fio_count(o, 1, 10);
       s.fio_output_only.push_back({o.key, label});
     }},
    {"unit_base", FIO {
       if (o.value != "0" && o.value != "8" && o.value != "1") bad_value(o, "0, 8 or 1");
       s.fio_output_only.push_back({o.key, label});
     }},
    {"unique_filename", FIO {
       if (!fio_bool(o)) s.fio_output_only.push_back({o.key, label});
     }},
    // What fio may leave unmeasured: IOPulse measures it anyway.  Its
    // fio-format results never have slat (N = 0) or fio's bandwidth
    // samples, so disable_slat and disable_bw_measurement change nothing.
    {"disable_clat", FIO {
       if (fio_bool(o) && !s.latency_left_out) s.latency_left_out = {"clat", label};
     }},
    {"disable_lat", FIO {
       if (fio_bool(o) && !s.latency_left_out) s.latency_left_out = {"lat", label};
     }},
    {"disable_slat", FIO { (void)fio_bool(o); }},
    {"disable_bw_measurement", FIO { (void)fio_bool(o); }},
    {"sync", FIO {
       const std::string& v = o.value;  // (fio's values are case-sensitive)
       if (v == "0" || v == "none") s.write_dsync.reset();
       else if (v == "dsync") s.write_dsync = {true, label};
       else if (v == "1" || v == "sync") {
         missing("sync=sync (O_SYNC: each write with its metadata; IOPulse's per-IO flags have dsync, O_DSYNC, only); "
                 "accepted: sync=dsync or none");
       } else {
         bad_value(o, "none, 0, sync, 1, dsync");
       }
     }},
    {"cpus_allowed_policy", FIO {
       const std::string& v = o.value;  // (fio's values are case-sensitive)
       if (v == "shared") s.cpus_split.reset();
       else if (v == "split") s.cpus_split = {true, label};
       else bad_value(o, "shared, split");
     }},
    // fio's disk statistics: IOPulse's fio-format results have none either
    // way (docs/fio-compatibility.md, "fio's JSON").
    {"disk_util", FIO { (void)fio_bool(o); }},
    {"continue_on_error", FIO {
       const std::string v = lower(o.value);
       if (v == "none" || v == "0") s.continue_on_error = {false, label};
       else if (v == "all" || v == "1") s.continue_on_error = {true, label};
       else if (v == "read" || v == "write" || v == "io" || v == "verify") {
         missing(fmt::format("continue_on_error={} (IOPulse's --continue-on-error goes on after every error); use all",
                             v));
       } else {
         bad_value(o, "none, read, write, io, verify, all, 0, 1");
       }
     }},
    {"fadvise_hint", FIO {
       const std::string v = lower(o.value);
       if (!o.has_value || v == "1" || v == "true") s.fadvise_hint = {"1", label};
       else if (v == "0" || v == "false") s.fadvise_hint = {"0", label};
       else if (v == "random" || v == "sequential" || v == "noreuse") s.fadvise_hint = {v, label};
       else bad_value(o, "0, 1, random, sequential, noreuse");
     }},
};

#undef FIO

// fio options that are known and deliberately refused, with the reason.
const std::map<std::string, std::string_view, std::less<>> kRefused = {
    {"fill_device", "IOPulse needs the file size"},
};

}  // namespace

std::optional<std::string> apply_fio_option(FioJobSettings& settings, const FioIniOption& option,
                                            const std::string& label) {
  std::string key = option.key;
  if (key == "readwrite") key = "rw";
  if (key == "iodepth_batch_submit") key = "iodepth_batch";
  if (key == "iodepth_batch_complete") key = "iodepth_batch_complete_min";
  if (key == "disable_bw") key = "disable_bw_measurement";
  if (key == "blocksize") key = "bs";
  // fio's other aliases of options IOPulse takes (options.c's .alias).
  if (key == "blocksize_range") key = "bsrange";
  if (key == "nr_files") key = "nrfiles";
  if (key == "timeout") key = "runtime";
  if (key == "allrandrepeat") key = "randrepeat";
  if (key == "iomem") key = "mem";
  if (key == "iomem_align") key = "mem_align";
  if (key == "ratemin") key = "rate_min";
  if (key == "ba") key = "blockalign";
  if (key == "fileoffset") key = "offset";
  // Aliases of options refused with a reason of their own.
  if (key == "fill_fs") key = "fill_device";
  if (key == "steadystate") key = "ss";
  if (key == "steadystate_duration") key = "ss_dur";
  if (key == "steadystate_ramp_time") key = "ss_ramp";
  if (key == "steadystate_check_interval") key = "ss_interval";
  const auto it = kOptions.find(key);
  if (it == kOptions.end()) {
    if (const auto r = kRefused.find(key); r != kRefused.end()) {
      return fmt::format("{}: not supported by IOPulse: {}", label, r->second);
    }
    return fmt::format("{}: not supported by IOPulse (or not a fio option); see docs/fio-compatibility.md", label);
  }
  try {
    it->second(settings, option, label);
  } catch (const Refusal& r) {
    return fmt::format("{}: {}", label, r.what);
  }
  return std::nullopt;
}

std::vector<std::string> supported_fio_options() {
  std::vector<std::string> names;
  for (const auto& [name, apply] : kOptions) names.push_back(name);
  names.insert(names.end(), {"readwrite", "iodepth_batch_submit", "blocksize", "blocksize_range", "nr_files", "timeout",
                             "allrandrepeat", "iodepth_batch_complete",
                             "disable_bw"});
  std::sort(names.begin(), names.end());
  return names;
}

std::string duration_text(uint64_t ns) {
  if (ns % 1'000'000'000 == 0) return fmt::format("{}s", ns / 1'000'000'000);
  if (ns % 1'000'000 == 0) return fmt::format("{}ms", ns / 1'000'000);
  if (ns % 1'000 == 0) return fmt::format("{}us", ns / 1'000);
  return fmt::format("{}ns", ns);
}

}  // namespace iopulse
