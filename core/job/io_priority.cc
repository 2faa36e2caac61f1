// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "job/io_priority.h"

#include <fmt/format.h>

#include "iopulse/engine.h"
#include "job/usage_error.h"

namespace iopulse {
namespace {

struct ClassName {
  unsigned cls;
  const char* name;
};
constexpr ClassName kClasses[] = {
    {IOP_IOPRIO_CLASS_RT, "rt"}, {IOP_IOPRIO_CLASS_BE, "be"}, {IOP_IOPRIO_CLASS_IDLE, "idle"}};

struct FlagName {
  uint32_t bit;
  const char* name;
};
constexpr FlagName kFlags[] = {
    {IOP_IO_FUA, "fua"}, {IOP_IO_DSYNC, "dsync"}, {IOP_IO_HIPRI, "hipri"}, {IOP_IO_NOWAIT, "nowait"}};

static_assert(kWriteOnlyIoFlags == (IOP_IO_FUA | IOP_IO_DSYNC));

constexpr unsigned kDefaultLevel = 4;  // the kernel's level for a class given without one

}  // namespace

uint16_t parse_io_priority(const std::string& label, const std::string& text) {
  const auto fail = [&]() {
    return UsageError(fmt::format(
        "{}: '{}' is not accepted; accepted: CLASS[:LEVEL], CLASS rt, be or idle, LEVEL 0 (highest) to 7, e.g. be:2",
        label, text));
  };
  const size_t colon = text.find(':');
  const std::string cls_text = text.substr(0, colon);
  const ClassName* cls = nullptr;
  for (const ClassName& c : kClasses) {
    if (cls_text == c.name) cls = &c;
  }
  if (cls == nullptr) throw fail();
  unsigned level = cls->cls == IOP_IOPRIO_CLASS_IDLE ? 0 : kDefaultLevel;
  if (colon != std::string::npos && cls->cls == IOP_IOPRIO_CLASS_IDLE) {
    // The kernel ignores an idle-class level: two such priorities would be
    // one, printed alike ("idle").
    throw UsageError(fmt::format("{}: '{}' is not accepted: the idle class has no levels; accepted: idle", label,
                                 text));
  }
  if (colon != std::string::npos) {
    const std::string lv = text.substr(colon + 1);
    if (lv.size() != 1 || lv[0] < '0' || lv[0] > '7') throw fail();
    level = static_cast<unsigned>(lv[0] - '0');
  }
  return IOP_IOPRIO_VALUE(cls->cls, level);
}

std::string io_priority_text(uint16_t prio) {
  if (prio == 0) return "";
  for (const ClassName& c : kClasses) {
    if (c.cls == IOP_IOPRIO_CLASS(prio)) {
      if (c.cls == IOP_IOPRIO_CLASS_IDLE) return c.name;
      return fmt::format("{}:{}", c.name, IOP_IOPRIO_LEVEL(prio));
    }
  }
  return fmt::format("{}:{}", IOP_IOPRIO_CLASS(prio), IOP_IOPRIO_LEVEL(prio));
}

uint32_t parse_io_flags(const std::string& label, const std::string& text) {
  uint32_t flags = 0;
  size_t pos = 0;
  for (;;) {
    const size_t comma = text.find(',', pos);
    const std::string item = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    uint32_t bit = 0;
    for (const FlagName& f : kFlags) {
      if (item == f.name) bit = f.bit;
    }
    if (bit == 0) {
      throw UsageError(fmt::format(
          "{}: '{}' is not accepted; accepted: a comma-separated list of fua, dsync (writes only), hipri, nowait",
          label, text));
    }
    flags |= bit;
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return flags;
}

std::string io_flags_text(uint32_t flags) {
  std::string out;
  for (const FlagName& f : kFlags) {
    if ((flags & f.bit) == 0) continue;
    if (!out.empty()) out += ',';
    out += f.name;
  }
  return out;
}

}  // namespace iopulse
