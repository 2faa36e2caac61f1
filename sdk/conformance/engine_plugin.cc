// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "engine_plugin.h"

#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstring>

#include "check.h"

namespace iopcheck {
namespace {

// How the checker names itself in messages about versions.
constexpr const char* kWho = "this checker";

void log_to_stderr(void* /*ctx*/, int32_t level, const char* engine, const char* message) {
  static const char* const kLevels[] = {"debug", "info", "warn", "error"};
  const char* lvl = level >= 0 && level <= 3 ? kLevels[level] : "?";
  std::fprintf(stderr, "engine log [%s] %s: %s\n", lvl, engine != nullptr ? engine : "?",
               message != nullptr ? message : "(null)");
}

const iop_host_info kHostInfo = {
    sizeof(iop_host_info), IOP_ABI_MAJOR, IOP_ABI_MINOR, "iopulse-engine-check",
    &log_to_stderr,        nullptr,
};

// A read-only mapping of a whole file, unmapped on destruction.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path) {
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    struct stat st;
    if (fstat(fd, &st) == 0 && st.st_size > 0) {
      void* p = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
      if (p != MAP_FAILED) {
        data_ = static_cast<const unsigned char*>(p);
        size_ = static_cast<size_t>(st.st_size);
      }
    }
    close(fd);
  }
  ~MappedFile() {
    if (data_ != nullptr) munmap(const_cast<unsigned char*>(data_), size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const unsigned char* data() const { return data_; }
  size_t size() const { return size_; }
  // A pointer to n bytes at offset, or nullptr when they are not all inside.
  const void* at(uint64_t offset, uint64_t n) const {
    if (offset > size_ || n > size_ - offset) return nullptr;
    return data_ + offset;
  }

 private:
  const unsigned char* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace

const iop_host_info& EnginePlugin::host_info() { return kHostInfo; }

std::string EnginePlugin::open_library() {
  // dlopen() searches the library path for a bare name; a path given on the
  // command line means a file.
  const std::string file = path_.find('/') == std::string::npos ? "./" + path_ : path_;
  dlerror();
  handle_ = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle_ == nullptr) {
    const char* err = dlerror();
    return strf("dlopen failed: %s", err != nullptr ? err : "unknown error");
  }
  return "";
}

std::string EnginePlugin::call_entry() {
  dlerror();
  void* sym = dlsym(handle_, IOP_ENTRY_SYMBOL);
  if (sym == nullptr) return "no entry function " IOP_ENTRY_SYMBOL " (not an IOPulse engine)";
  entry_ = reinterpret_cast<iop_engine_entry_fn>(sym);

  const iop::rules::EntryResult r = iop::rules::call_entry(entry_, &kHostInfo);
  if (r.probed) {
    // An engine of another major that refuses this one: its descriptor is
    // only read for abi_version's message.
    raw_ = r.desc;
    entry_rc_ = r.rc;
    return "";
  }
  if (r.rc == -EPROTO) {
    return strf("entry function refused %s (ABI %u.%u): %s; an engine must return its "
                "descriptor to a host of any major (the host names the mismatch)",
                kWho, IOP_ABI_MAJOR, IOP_ABI_MINOR, errno_text(r.rc).c_str());
  }
  if (r.rc != 0) return "entry function failed: " + errno_text(r.rc);
  const iop_engine_desc* d = r.desc;
  if (d == nullptr) return "entry function returned 0 but no descriptor";

  // The descriptor goes to a host of any major: only the host can name a
  // mismatch to the user.
  static const iop_host_info kNextMajor = {
      sizeof(iop_host_info), IOP_ABI_MAJOR + 1, 0, "iopulse-engine-check", &log_to_stderr, nullptr,
  };
  const iop_engine_desc* other = nullptr;
  const int32_t rc_other = entry_(&kNextMajor, &other);
  if (rc_other != 0 || other != d) {
    return strf("the entry function answered a host of ABI %u.0 with %s and descriptor %p (the "
                "first call: %p); it must return its descriptor to a host of any major, which "
                "then names the mismatch",
                IOP_ABI_MAJOR + 1, errno_text(rc_other).c_str(), static_cast<const void*>(other),
                static_cast<const void*>(d));
  }

  // The descriptor is static and immutable: a second call gives the same.
  const iop_engine_desc* again = nullptr;
  const int32_t rc2 = entry_(&kHostInfo, &again);
  if (rc2 != 0 || again != d) {
    return strf("a second call of the entry function returned %d and descriptor %p, the first "
                "0 and %p (the descriptor must be static)",
                rc2, static_cast<const void*>(again), static_cast<const void*>(d));
  }
  raw_ = d;
  return "";
}

std::string EnginePlugin::copy_descriptor() {
  const iop_engine_desc& r = *raw_;
  if (std::string why = iop::rules::check_prefix(r, kWho); !why.empty()) return why;
  if (entry_rc_ != 0) {
    return strf("the entry function refused ABI %u.%u (%s) although the engine states ABI %u.%u",
                IOP_ABI_MAJOR, IOP_ABI_MINOR, errno_text(entry_rc_).c_str(), r.abi_major,
                r.abi_minor);
  }
  if (r.min_host_abi_minor > r.abi_minor) {
    return strf("min_host_abi_minor %u is newer than the engine's own ABI minor %u",
                r.min_host_abi_minor, r.abi_minor);
  }
  // The same minor means the same layout; a newer minor only appends.
  if (r.abi_minor == IOP_ABI_MINOR && r.struct_size != sizeof(iop_engine_desc)) {
    return strf("struct_size %u differs from sizeof(iop_engine_desc) %zu of ABI %u.%u",
                r.struct_size, sizeof(iop_engine_desc), IOP_ABI_MAJOR, IOP_ABI_MINOR);
  }
  if (r.abi_minor > IOP_ABI_MINOR && r.struct_size < sizeof(iop_engine_desc)) {
    return strf("ABI %u.%u descriptor is shorter (%u bytes) than ABI %u.%u's (%zu)", r.abi_major,
                r.abi_minor, r.struct_size, IOP_ABI_MAJOR, IOP_ABI_MINOR,
                sizeof(iop_engine_desc));
  }
  if (r.reserved0 != 0 || r.reserved1 != 0) return "reserved0/reserved1 are not 0";
  return iop::rules::copy_descriptor(r, &copy_);
}

std::string EnginePlugin::extra_exports(std::vector<std::string>* out) const {
  out->clear();
  const std::string file = path_.find('/') == std::string::npos ? "./" + path_ : path_;
  MappedFile f(file);
  const auto* eh = static_cast<const Elf64_Ehdr*>(f.at(0, sizeof(Elf64_Ehdr)));
  if (eh == nullptr || std::memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
      eh->e_ident[EI_CLASS] != ELFCLASS64) {
    return "not a 64-bit ELF file";
  }
  if (eh->e_shentsize != sizeof(Elf64_Shdr)) return "unexpected ELF section header size";
  const auto* sh = static_cast<const Elf64_Shdr*>(
      f.at(eh->e_shoff, uint64_t{eh->e_shnum} * sizeof(Elf64_Shdr)));
  if (sh == nullptr) return "ELF section headers out of bounds";
  for (unsigned k = 0; k < eh->e_shnum; ++k) {
    if (sh[k].sh_type != SHT_DYNSYM) continue;
    if (sh[k].sh_link >= eh->e_shnum || sh[k].sh_entsize != sizeof(Elf64_Sym)) {
      return "malformed .dynsym";
    }
    const Elf64_Shdr& strtab = sh[sh[k].sh_link];
    const auto* syms = static_cast<const Elf64_Sym*>(f.at(sh[k].sh_offset, sh[k].sh_size));
    const auto* names = static_cast<const char*>(f.at(strtab.sh_offset, strtab.sh_size));
    if (syms == nullptr || names == nullptr) return ".dynsym out of bounds";
    const size_t count = sh[k].sh_size / sizeof(Elf64_Sym);
    for (size_t i = 1; i < count; ++i) {
      const Elf64_Sym& s = syms[i];
      const unsigned bind = ELF64_ST_BIND(s.st_info);
      const unsigned type = ELF64_ST_TYPE(s.st_info);
      if (s.st_shndx == SHN_UNDEF) continue;
      if (bind != STB_GLOBAL && bind != STB_WEAK && bind != STB_GNU_UNIQUE) continue;
      if (type != STT_FUNC && type != STT_OBJECT && type != STT_GNU_IFUNC && type != STT_TLS) {
        continue;
      }
      const unsigned vis = ELF64_ST_VISIBILITY(s.st_other);
      if (vis != STV_DEFAULT && vis != STV_PROTECTED) continue;
      if (s.st_name >= strtab.sh_size) return ".dynsym name out of bounds";
      const char* name = names + s.st_name;
      if (std::strcmp(name, IOP_ENTRY_SYMBOL) != 0) out->emplace_back(name);
    }
    return "";
  }
  return "no dynamic symbol table";
}

}  // namespace iopcheck
