// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "plugin/shared_object_check.h"

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include <fmt/format.h>

namespace iopulse {
namespace {

// ElfW(...) names the structures of this machine's class (Elf64_* here).
using Ehdr = ElfW(Ehdr);
using Phdr = ElfW(Phdr);
#if __SIZEOF_POINTER__ == 8
constexpr unsigned char kClass = ELFCLASS64;
#else
constexpr unsigned char kClass = ELFCLASS32;
#endif

bool read_at(int fd, void* out, size_t len, uint64_t off) {
  auto* p = static_cast<char*>(out);
  for (size_t done = 0; done < len;) {
    const ssize_t n = pread(fd, p + done, len - done, static_cast<off_t>(off + done));
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

std::string shared_object_defect(const std::filesystem::path& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";  // the loader says why it cannot be opened
  struct stat st;
  Ehdr eh{};
  std::string defect;
  const bool ok = fstat(fd, &st) == 0 && static_cast<uint64_t>(st.st_size) >= sizeof eh &&
                  read_at(fd, &eh, sizeof eh, 0) && std::memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0 &&
                  eh.e_ident[EI_CLASS] == kClass;
  if (ok) {
    const uint64_t size = static_cast<uint64_t>(st.st_size);
    const uint64_t table_end = eh.e_phoff + uint64_t{eh.e_phnum} * eh.e_phentsize;
    if (eh.e_phentsize != sizeof(Phdr) || eh.e_phnum == 0) {
      defect = "not a loadable ELF object (no program headers)";
    } else if (eh.e_phoff > size || table_end > size) {
      defect = fmt::format("truncated: {} bytes, but its program headers end at byte {}", size, table_end);
    } else {
      std::vector<Phdr> ph(eh.e_phnum);
      if (!read_at(fd, ph.data(), ph.size() * sizeof(Phdr), eh.e_phoff)) {
        defect = "cannot read its program headers";
      }
      uint64_t needed = 0;
      for (const Phdr& p : ph) {
        if (p.p_type != PT_LOAD && p.p_type != PT_DYNAMIC) continue;
        const uint64_t end = p.p_offset + p.p_filesz;
        if (end < p.p_offset) {
          defect = "a segment's size overflows";
          break;
        }
        needed = std::max(needed, end);
      }
      if (defect.empty() && needed > size) {
        defect = fmt::format("truncated: {} bytes, but its segments need {}", size, needed);
      }
    }
  }
  close(fd);
  return defect;
}

}  // namespace iopulse
