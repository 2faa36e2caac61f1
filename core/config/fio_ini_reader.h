// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// FioIniReader: the syntax of fio's job files (an INI dialect), nothing of
// their meaning (that is fio_job_file.h).
//
//   ; a comment (also '#'), on its own line or after a value: "bs=4k ; note"
//   [global]          a section: [global] or a job's name
//   bs=4k             an option with a value; blanks around '=' are dropped
//   time_based        an option without a value (fio reads it as "1")
//   size=${SIZE}      ${NAME} is replaced by the environment variable NAME
//
// Debian's inih (libinih) was tried first: it refuses value-less options
// such as "time_based" (its INI_ALLOW_NO_VALUE is off in Debian's build) and
// does not pass line numbers to its handler, and boost::property_tree's INI
// parser refuses them too, so this small reader exists.
//
// Every problem (a line outside any section, an unset variable, a malformed
// header, an "include" line) is collected with its line number; the reader
// never stops at the first.
#ifndef IOPULSE_CONFIG_FIO_INI_READER_H_
#define IOPULSE_CONFIG_FIO_INI_READER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace iopulse {

struct FioIniOption {
  std::string key;     // as written, e.g. "rwmixread"
  std::string value;   // after ${...} expansion; empty when value-less
  bool has_value = false;
  uint32_t line = 0;   // 1-based
  // fio's kb_base where the option is read (1024, fio's default, or 1000):
  // what its size units mean.  Set by the translation (config/fio_job_file.cc),
  // which knows the sections' order; the reader leaves the default.
  uint32_t kb_base = 1024;
};

struct FioIniSection {
  std::string name;    // "global" or the job's name
  uint32_t line = 0;
  std::vector<FioIniOption> options;  // in file order
};

struct FioIniFile {
  std::vector<FioIniSection> sections;  // in file order
  // "<path>:<line>: <what>" for each problem, in file order.
  std::vector<std::string> problems;
};

// Reads `text`; `path` is used in messages.  `getenv` looks up ${NAME}
// (std::getenv by default, a map in tests); it returns nullopt for an unset
// variable.
FioIniFile read_fio_ini(std::string_view text, const std::string& path,
                        const std::function<std::optional<std::string>(const std::string&)>& getenv = {});

// Whether `text` has the shape of a fio job file: its first line that is not
// blank or a comment is a "[name]" header (not "[[...]]"), and every other
// such line is a header or "key", "key=value" with a key of letters, digits
// and '_'.  Used to recognise a fio job file given where a TOML job file or
// a target could be.
bool has_fio_ini_shape(std::string_view text);

}  // namespace iopulse

#endif  // IOPULSE_CONFIG_FIO_INI_READER_H_
