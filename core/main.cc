// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The `iopulse` executable: everything lives in the core/ layers (iopulse_core).
#include "cli/application.h"

int main(int argc, char** argv) { return iopulse::run_application(argc, argv); }
