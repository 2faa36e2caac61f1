// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "output/kernel_interface.h"

#include <linux/magic.h>
#include <sys/statfs.h>

namespace iopulse {

const char* kernel_interface_of(const std::string& path) {
  struct statfs fs {};
  if (statfs(path.c_str(), &fs) != 0) return nullptr;
  switch (static_cast<unsigned long>(fs.f_type)) {
    case PROC_SUPER_MAGIC: return "proc";
    case SYSFS_MAGIC: return "sysfs";
    case DEBUGFS_MAGIC: return "debugfs";
    case TRACEFS_MAGIC: return "tracefs";
    case CGROUP_SUPER_MAGIC: return "cgroup";
    case CGROUP2_SUPER_MAGIC: return "cgroup2";
    case SECURITYFS_MAGIC: return "securityfs";
    case SELINUX_MAGIC: return "selinuxfs";
    case BPF_FS_MAGIC: return "bpf";
    case PSTOREFS_MAGIC: return "pstore";
    case EFIVARFS_MAGIC: return "efivarfs";
    case 0x62656570UL: return "configfs";  // CONFIGFS_MAGIC, not in <linux/magic.h>
    case BINFMTFS_MAGIC: return "binfmt_misc";
    case SMACK_MAGIC: return "smackfs";
    case RDTGROUP_SUPER_MAGIC: return "resctrl";
    case NSFS_MAGIC: return "nsfs";
    // Not in <linux/magic.h>: the kernel's own sources define them.
    case 0x6e667364UL: return "nfsd";        // /proc/fs/nfsd: the NFS server's settings
    case 0x65735543UL: return "fusectl";     // /sys/fs/fuse/connections
    case 0x67596969UL: return "rpc_pipefs";
    case 0x19800202UL: return "mqueue";
    default: return nullptr;
  }
}

}  // namespace iopulse
