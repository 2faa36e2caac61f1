// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "job/block_size_mix.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include <fmt/format.h>

#include "job/quantity_parser.h"
#include "job/usage_error.h"

namespace iopulse {
namespace {

constexpr std::string_view kSyntax =
    "a size, sizes with weights that sum to 100 like 4k:70,64k:30, or a range MIN-MAX like 4k-64k";

std::string size_text(uint64_t bytes) {
  static constexpr struct {
    unsigned shift;
    char suffix;
  } kUnits[] = {{30, 'g'}, {20, 'm'}, {10, 'k'}};
  for (const auto& u : kUnits) {
    if (bytes != 0 && bytes % (uint64_t{1} << u.shift) == 0) {
      return fmt::format("{}{}", bytes >> u.shift, u.suffix);
    }
  }
  return fmt::format("{}", bytes);
}

}  // namespace

BlockSizeMix::BlockSizeMix(uint32_t size) {
  if (size == 0 || size > kMaxSize) {
    throw std::invalid_argument(fmt::format("BlockSizeMix: size {}", size));
  }
  entries_[0] = {size, 100};
  count_ = 1;
  min_size_ = max_size_ = size;
}

BlockSizeMix BlockSizeMix::parse(std::string_view option, std::string_view text) {
  if (text.empty()) {
    throw UsageError(fmt::format("{}: '' is not accepted; accepted: {}", option, kSyntax));
  }
  BlockSizeMix mix;
  mix.count_ = 0;
  if (const size_t dash = text.find('-'); dash != std::string_view::npos) {
    const std::string_view lo_text = text.substr(0, dash), hi_text = text.substr(dash + 1);
    if (text.find_first_of(",:") != std::string_view::npos || lo_text.empty() || hi_text.empty()) {
      throw UsageError(fmt::format("{}: '{}' is not accepted; accepted: {}", option, text, kSyntax));
    }
    const uint64_t lo = parse_size(option, lo_text), hi = parse_size(option, hi_text);
    for (const auto& [part, size] : {std::pair{lo_text, lo}, std::pair{hi_text, hi}}) {
      if (size == 0 || size > kMaxSize) {
        throw UsageError(fmt::format("{}: '{}' is not accepted; accepted: 1 byte to 1G", option, part));
      }
    }
    if (lo >= hi) {
      throw UsageError(fmt::format("{}: '{}' is not accepted; accepted: a range MIN-MAX with MIN below MAX",
                                   option, text));
    }
    mix.min_size_ = static_cast<uint32_t>(lo);
    mix.max_size_ = static_cast<uint32_t>(hi);
    return mix;
  }
  uint32_t total = 0;
  bool any_without_weight = false;
  std::string_view missing_weight;
  size_t pos = 0;
  while (true) {
    const size_t comma = text.find(',', pos);
    const std::string_view entry =
        text.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    if (entry.empty()) {
      throw UsageError(
          fmt::format("{}: '{}' has an empty entry; accepted: {}", option, text, kSyntax));
    }
    if (mix.count_ == kMaxEntries) {
      throw UsageError(fmt::format("{}: '{}' has more than {} sizes; accepted: at most {}", option,
                                   text, kMaxEntries, kMaxEntries));
    }
    const size_t colon = entry.find(':');
    const std::string_view size_part = entry.substr(0, colon);
    const uint64_t size = parse_size(option, size_part);
    if (size == 0 || size > kMaxSize) {
      throw UsageError(
          fmt::format("{}: '{}' is not accepted; accepted: 1 byte to 1G", option, size_part));
    }
    uint32_t weight = 100;
    if (colon == std::string_view::npos) {
      any_without_weight = true;
      if (missing_weight.empty()) missing_weight = entry;
    } else {
      const std::string_view w = entry.substr(colon + 1);
      uint32_t value = 0;
      auto [ptr, ec] = std::from_chars(w.data(), w.data() + w.size(), value);
      if (w.empty() || ec != std::errc() || ptr != w.data() + w.size() || value < 1 ||
          value > 100) {
        throw UsageError(fmt::format(
            "{}: weight '{}' of {} is not accepted; accepted: a whole number from 1 to 100",
            option, w, size_part));
      }
      weight = value;
    }
    for (size_t i = 0; i < mix.count_; ++i) {
      if (mix.entries_[i].size == size) {
        throw UsageError(fmt::format("{}: {} appears twice in '{}'; accepted: each size once",
                                     option, size_text(size), text));
      }
    }
    mix.entries_[mix.count_++] = {static_cast<uint32_t>(size), weight};
    total += weight;
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }

  if (mix.count_ > 1 && any_without_weight) {
    throw UsageError(fmt::format(
        "{}: '{}' has no weight; accepted: size:weight entries whose weights sum to 100, e.g. "
        "4k:70,64k:30",
        option, missing_weight));
  }
  if (total != 100) {
    throw UsageError(
        fmt::format("{}: weights add up to {}; accepted: weights that sum to 100", option, total));
  }

  mix.min_size_ = mix.max_size_ = mix.entries_[0].size;
  for (size_t i = 0; i < mix.count_; ++i) {
    mix.min_size_ = std::min(mix.min_size_, mix.entries_[i].size);
    mix.max_size_ = std::max(mix.max_size_, mix.entries_[i].size);
  }
  return mix;
}

uint32_t BlockSizeMix::size_not_multiple_of(uint32_t align) const {
  if (align == 0) throw std::invalid_argument("BlockSizeMix: alignment 0");
  // A range draws multiples of its MIN and its MAX.
  if (range()) return min_size_ % align != 0 ? min_size_ : max_size_ % align != 0 ? max_size_ : 0;
  for (const Entry& e : entries()) {
    if (e.size % align != 0) return e.size;
  }
  return 0;
}

void BlockSizeMix::require_multiple_of(uint32_t align, std::string_view option) const {
  if (const uint32_t size = size_not_multiple_of(align); size != 0) {
    throw UsageError(fmt::format("{}: {} ({} bytes) is not a multiple of {}; accepted: multiples of {}", option,
                                 size_text(size), size, align, align));
  }
}

double BlockSizeMix::mean_size() const {
  if (range()) {
    // M multiples of MIN at MIN / MAX each, and MAX at (MAX mod MIN) / MAX.
    const double lo = min_size_, hi = max_size_;
    const double m = static_cast<double>(max_size_ / min_size_);
    return lo * lo / hi * m * (m + 1) / 2 + (hi - m * lo);
  }
  double sum = 0;
  for (const Entry& e : entries()) sum += static_cast<double>(e.size) * e.weight;
  return sum / 100.0;
}

std::string BlockSizeMix::to_string() const {
  if (range()) return size_text(min_size_) + "-" + size_text(max_size_);
  if (count_ == 1) return size_text(entries_[0].size);
  std::string s;
  for (const Entry& e : entries()) {
    if (!s.empty()) s += ',';
    s += fmt::format("{}:{}", size_text(e.size), e.weight);
  }
  return s;
}

}  // namespace iopulse
