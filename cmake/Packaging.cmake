# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The IOPulse authors
# Install rules that need every target.  What `cmake --install` lays out, by
# install component (debian/*.install put each in its Debian package):
#
#   host          bin/iopulse, its man page and bash/zsh completion
#   mpi           lib/iopulse/iopulse_mpi.so, the MPI module (IOPULSE_WITH_MPI)
#   sdk           include/iopulse/, lib/cmake/IOPulseSDK/,
#                 lib/pkgconfig/iopulse-sdk.pc, bin/iopulse-engine-check and
#                 its man page and completion
#   engine-<name> lib/iopulse/plugins/iopulse_<name>.so, one per
#                 iopulse_add_engine()
#
# Debian packages come from debian/ (dpkg-buildpackage -us -uc -b), the way
# distributions build them; docs/packaging.md says why there is no CPack.

if(TARGET iopulse-engine-check)
  install(TARGETS iopulse-engine-check RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT sdk)
endif()
