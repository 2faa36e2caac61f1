# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The IOPulse authors
# Read by cpack (CPACK_PROJECT_CONFIG_FILE) before it builds packages.
#
# Debian: each package's Description starts with its own synopsis, the first
# line of CPACK_COMPONENT_<component>_DESCRIPTION.  CPackDeb would put the
# project summary in front of it as a common synopsis unless the summary is
# CPack's default, so hand it the default.
if(CPACK_GENERATOR STREQUAL "DEB")
  set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CPACK_DEFAULT_PACKAGE_DESCRIPTION_SUMMARY}")
endif()
