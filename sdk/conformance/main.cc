// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// iopulse-engine-check -- runs the IOPulse engine contract against any engine
// plugin (.so) and reports one line per check.
//
//   iopulse-engine-check PATH/TO/engine.so [--dir DIR] [--direct]
//                        [--option NAME=VALUE]... [--queue-depth N]
//                        [--only CHECK[,CHECK...]] [--timeout SECONDS]
//                        [--iterations N] [--no-fork] [--keep]
//
// Exit status: 0 when no check failed, 1 when one did, 2 for bad usage, 77
// when the requested configuration does not apply to the engine (--direct
// on an engine without IOP_CAP_DIRECT, an --option the engine does not
// declare): then only the structural checks ran.
//
// The rules of the descriptor, the option table and the option text are
// iopulse/engine_rules.hpp's: the ones the host applies when it loads an
// engine.

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "check.h"
#include "check_runner.h"
#include "descriptor_checks.h"
#include "engine_session.h"
#include "engine_plugin.h"
#include "option_values.h"

namespace iopcheck {
namespace {

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitNotApplicable = 77;  // what ctest's SKIP_RETURN_CODE and automake use

// The command's options, in --help order.  The parser accepts exactly
// these, and --help, --print-man (the iopulse-engine-check(1) page) and
// --print-completion are written from this table.
struct CheckOption {
  const char* name;        // without "--"
  const char* value_name;  // nullptr for a flag
  const char* help;
};
constexpr CheckOption kOptions[] = {
    {"dir", "DIR", "where to create the private work directory (default $TMPDIR or /tmp); it is removed at the end"},
    {"direct", nullptr,
     "open files with O_DIRECT and create instances with IOP_CONFIG_DIRECT (the engine must declare IOP_CAP_DIRECT)"},
    {"option", "NAME=VALUE",
     "engine option passed to create(), parsed per its declared type; repeatable; a bare NAME sets a bool to 1"},
    {"queue-depth", "N", "the deep queue depth (default min(max_queue_depth, 64))"},
    {"only", "LIST", "run only these instance checks (comma-separated names)"},
    {"timeout", "SECONDS", "per check (default 120)"},
    {"iterations", "N", "cycles of the leak checks (default 1000)"},
    {"no-fork", nullptr, "run every check in this process (for a debugger)"},
    {"keep", nullptr, "keep the work directory"},
    {"help", nullptr, "show this help and exit"},
    {"print-man", nullptr, "print the iopulse-engine-check(1) manual page (roff) and exit"},
    {"print-completion", "bash|zsh", "print the shell completion script and exit"},
};

const CheckOption* find_option(const std::string& name) {
  for (const CheckOption& o : kOptions) {
    if (name == o.name) return &o;
  }
  return nullptr;
}

const char kSummary[] =
    "Loads an IOPulse engine plugin and checks it against the engine contract of\n"
    "iopulse/engine.h (ABI 2): descriptor, options, create/destroy, open/close,\n"
    "data round trips (also of engines that store data without files),\n"
    "completions, queue depth, reap timeouts, end of file, IO errors, submit\n"
    "flags, registered buffers, fsync/fdatasync/trim, per-IO flags and\n"
    "priorities, the instance report, the completion fd, engine buffers,\n"
    "control(), error_text(), metadata operations and leaks.\n"
    "Prints 'PASS name', 'FAIL name: reason' or 'SKIP name: reason' per check, then\n"
    "'N passed, M failed[, K skipped]'.\n";

const char kExitText[] =
    "exit status: 0 no check failed, 1 a check failed, 2 bad usage, 77 the\n"
    "configuration does not apply to this engine\n";

// `words` wrapped at `width` columns, each line after the first indented
// by `indent`.
std::string wrap(const std::string& words, size_t indent, size_t width) {
  std::string out, line;
  size_t p = 0;
  while (p < words.size()) {
    const size_t space = std::min(words.find(' ', p), words.size());
    const std::string word = words.substr(p, space - p);
    if (!line.empty() && indent + line.size() + 1 + word.size() > width) {
      out += line + "\n" + std::string(indent, ' ');
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
    p = space + 1;
  }
  return out + line + "\n";
}

std::string usage_text() {
  std::string u = "usage: iopulse-engine-check PATH/TO/engine.so [options]\n\n";
  u += kSummary;
  u += "\noptions:\n";
  for (const CheckOption& o : kOptions) {
    std::string head = std::string("  --") + o.name + (o.value_name != nullptr ? std::string(" ") + o.value_name : "");
    head.resize(std::max<size_t>(head.size() + 2, 24), ' ');
    u += head + wrap(o.help, 24, 80);
  }
  return u + "\n" + kExitText;
}

// `text` as roff body text: hyphens and backslashes escaped, a line that
// starts with a period or an apostrophe made literal.
std::string roff(const std::string& text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    out += c == '-' ? std::string("\\-") : c == '\\' ? std::string("\\e") : std::string(1, c);
    line_start = c == '\n';
  }
  return out;
}

std::string man_page() {
  std::string m = ".\\\" Generated by iopulse-engine-check --print-man from its option table; do not edit.\n";
  m += ".TH IOPULSE\\-ENGINE\\-CHECK 1 \"\" \"IOPulse SDK\" \"User Commands\"\n";
  m += ".SH NAME\niopulse\\-engine\\-check \\- check an IOPulse engine plugin against the engine contract\n";
  m += ".SH SYNOPSIS\n.B iopulse\\-engine\\-check\n.I PATH/TO/engine.so\n[\\fIoptions\\fR]\n";
  m += ".SH DESCRIPTION\n" + roff(kSummary);
  m += ".SH OPTIONS\n";
  for (const CheckOption& o : kOptions) {
    m += ".TP\n\\fB\\-\\-" + roff(o.name) + "\\fR";
    if (o.value_name != nullptr) m += " \\fI" + roff(o.value_name) + "\\fR";
    m += "\n" + roff(o.help) + ".\n";
  }
  m += ".SH EXIT STATUS\n0 when no check failed, 1 when one did, 2 for bad usage, 77 when the requested\n"
       "configuration does not apply to the engine (\\-\\-direct on an engine without IOP_CAP_DIRECT, an\n"
       "\\-\\-option the engine does not declare): then only the structural checks ran.\n";
  m += ".SH EXAMPLES\n.nf\n.RS\niopulse\\-engine\\-check ./iopulse_myengine.so \\-\\-option depth=8\n.RE\n.fi\n";
  m += ".SH SEE ALSO\n.BR iopulse (1)\n";
  return m;
}

std::string completion(const std::string& shell) {
  std::string names;
  for (const CheckOption& o : kOptions) names += std::string(names.empty() ? "" : " ") + "--" + o.name;
  if (shell == "bash") {
    std::string s = "# bash completion for iopulse-engine-check; generated by\n"
                    "# iopulse-engine-check --print-completion bash from its option table.  Do not edit.\n"
                    "_iopulse_engine_check() {\n"
                    "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
                    "  COMPREPLY=()\n"
                    "  case $prev in\n"
                    "    --dir) COMPREPLY=($(compgen -d -- \"$cur\")); return ;;\n"
                    "    --print-completion) COMPREPLY=($(compgen -W 'bash zsh' -- \"$cur\")); return ;;\n";
    for (const CheckOption& o : kOptions) {
      if (o.value_name != nullptr && std::string(o.name) != "dir" && std::string(o.name) != "print-completion") {
        s += std::string("    --") + o.name + ") return ;;\n";
      }
    }
    s += "  esac\n"
         "  if [[ $cur == -* ]]; then\n"
         "    COMPREPLY=($(compgen -W '" + names + "' -- \"$cur\"))\n"
         "  else\n"
         "    COMPREPLY=($(compgen -f -X '!*.so' -- \"$cur\") $(compgen -d -- \"$cur\"))\n"
         "  fi\n"
         "}\n"
         "complete -o filenames -F _iopulse_engine_check iopulse-engine-check\n";
    return s;
  }
  if (shell == "zsh") {
    std::string s = "#compdef iopulse-engine-check\n"
                    "# zsh completion for iopulse-engine-check; generated by\n"
                    "# iopulse-engine-check --print-completion zsh from its option table.  Do not edit.\n"
                    "_arguments -s \\\n";
    for (const CheckOption& o : kOptions) {
      std::string help;
      for (const char* c = o.help; *c != '\0'; ++c) {
        if (*c == '[' || *c == ']' || *c == ':') help += '\\';
        help += *c == '\'' ? std::string("'\\''") : std::string(1, *c);
      }
      std::string value;
      if (o.value_name != nullptr) {
        const std::string name = o.name;
        const char* action = name == "dir" ? "_files -/" : name == "print-completion" ? "(bash zsh)" : " ";
        value = std::string(":") + o.value_name + ":" + action;
      }
      s += std::string("  '") + (std::string(o.name) == "option" ? "*" : "") + "--" + o.name +
           (o.value_name != nullptr ? "=" : "") + "[" + help + "]" + value + "' \\\n";
    }
    s += "  '1:engine plugin:_files -g \"*.so\"'\n";
    return s;
  }
  return {};
}

struct Args {
  std::string plugin;
  std::string dir;
  bool direct = false;
  bool keep = false;
  bool isolate = true;
  unsigned timeout_s = 120;
  uint32_t queue_depth = 0;  // 0: default
  uint32_t iterations = 1000;
  std::vector<std::string> only;
  std::vector<std::pair<std::string, std::string>> options;
};

[[noreturn]] void usage_error(const std::string& why) {
  std::fprintf(stderr, "iopulse-engine-check: %s\n(see iopulse-engine-check --help)\n",
               why.c_str());
  std::exit(kExitUsage);
}

unsigned long parse_count(const std::string& flag, const std::string& text, unsigned long min,
                          unsigned long max) {
  char* end = nullptr;
  errno = 0;
  const unsigned long v = std::strtoul(text.c_str(), &end, 10);
  if (text.empty() || text[0] == '-' || *end != '\0' || errno != 0 || v < min || v > max) {
    usage_error(strf("%s %s: expected a whole number in %lu..%lu", flag.c_str(), text.c_str(),
                     min, max));
  }
  return v;
}

Args parse_args(int argc, char** argv) {
  Args a;
  const char* tmp = std::getenv("TMPDIR");
  a.dir = tmp != nullptr && tmp[0] != '\0' ? tmp : "/tmp";
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string value;
    bool has_value = false;
    if (arg.rfind("--", 0) == 0) {
      if (const size_t eq = arg.find('='); eq != std::string::npos) {
        value = arg.substr(eq + 1);
        arg.resize(eq);
        has_value = true;
      }
    }
    const auto next = [&]() -> std::string {
      if (has_value) return value;
      if (i + 1 >= argc) usage_error(arg + " needs a value");
      return argv[++i];
    };
    if (arg.rfind("--", 0) == 0 && find_option(arg.substr(2)) == nullptr) {
      usage_error("unknown option " + arg);
    }
    if (arg == "-h" || arg == "--help") {
      std::fputs(usage_text().c_str(), stdout);
      std::exit(0);
    } else if (arg == "--print-man") {
      std::fputs(man_page().c_str(), stdout);
      std::exit(0);
    } else if (arg == "--print-completion") {
      const std::string shell = next();
      const std::string script = completion(shell);
      if (script.empty()) usage_error("--print-completion " + shell + ": accepted: bash, zsh");
      std::fputs(script.c_str(), stdout);
      std::exit(0);
    } else if (arg == "--dir") {
      a.dir = next();
    } else if (arg == "--direct") {
      a.direct = true;
    } else if (arg == "--keep") {
      a.keep = true;
    } else if (arg == "--no-fork") {
      a.isolate = false;
    } else if (arg == "--timeout") {
      a.timeout_s = static_cast<unsigned>(parse_count(arg, next(), 1, 86400));
    } else if (arg == "--queue-depth") {
      a.queue_depth = static_cast<uint32_t>(parse_count(arg, next(), 1, 65536));
    } else if (arg == "--iterations") {
      a.iterations = static_cast<uint32_t>(parse_count(arg, next(), 1, 10'000'000));
    } else if (arg == "--only") {
      const std::string list = next();
      for (size_t p = 0; p <= list.size();) {
        const size_t comma = std::min(list.find(',', p), list.size());
        if (comma > p) a.only.push_back(list.substr(p, comma - p));
        p = comma + 1;
      }
    } else if (arg == "--option") {
      const std::string opt = next();
      const size_t eq = opt.find('=');
      if (opt.empty() || eq == 0) usage_error("--option " + opt + ": expected NAME=VALUE");
      if (eq == std::string::npos) {
        a.options.emplace_back(opt, "1");
      } else {
        a.options.emplace_back(opt.substr(0, eq), opt.substr(eq + 1));
      }
    } else if (arg.rfind("-", 0) == 0 && arg != "-") {
      usage_error("unknown option " + arg);
    } else if (a.plugin.empty()) {
      a.plugin = arg;
    } else {
      usage_error("more than one plugin given: " + a.plugin + " and " + arg);
    }
  }
  if (a.plugin.empty()) usage_error("no plugin given");
  return a;
}

std::vector<std::string> known_check_names() {
  std::vector<std::string> names;
  for (const auto* list : {&lifecycle_checks(), &io_checks(), &feature_checks(), &meta_checks()}) {
    for (const CheckDef& c : *list) names.emplace_back(c.name);
  }
  return names;
}

// Ends the run after the structural checks: totals, then the exit status.
int finish(const CheckRunner& runner, int status_if_clean) {
  runner.print_totals();
  return runner.failed() > 0 ? kExitFailed : status_if_clean;
}

int run(const Args& args) {
  for (const std::string& name : args.only) {
    const auto names = known_check_names();
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      std::string all;
      for (const std::string& n : names) all += (all.empty() ? "" : ", ") + n;
      usage_error("--only " + name + ": no such check; checks: " + all);
    }
  }
  CheckRunner runner({args.isolate, args.timeout_s, args.only});
  EnginePlugin plugin(args.plugin);

  // Structural checks.  Each first runs in a child (a crash there fails the
  // check), then again here to keep the result.
  const auto structural = [&](const char* name, auto&& step) {
    const Outcome o = runner.run(
        name, [&] { if (const std::string why = step(); !why.empty()) fail(why); }, true);
    if (o.verdict != Verdict::kPass) return false;
    return runner.run_here([&] { if (const std::string why = step(); !why.empty()) fail(why); })
               .verdict == Verdict::kPass;
  };
  if (!structural("load", [&] {
        std::string why = plugin.open_library();
        return why.empty() ? plugin.call_entry() : why;
      })) {
    return finish(runner, 0);
  }
  if (!structural("abi_version", [&] { return plugin.copy_descriptor(); })) {
    return finish(runner, 0);
  }
  const iop_engine_desc& desc = plugin.desc();
  if (!structural("descriptor", [&] { return check_descriptor(desc); })) {
    return finish(runner, 0);
  }
  std::fprintf(stderr, "engine %s %s (ABI %u.%u) from %s\n  caps: %s; max queue depth %u; "
               "min buffer alignment %u; io_priv_size %u\n",
               desc.name, desc.version, desc.abi_major, desc.abi_minor, args.plugin.c_str(),
               caps_text(desc.caps, desc.required_caps).c_str(), desc.max_queue_depth,
               desc.min_buf_align, desc.io_priv_size);
  if (!structural("options", [&] { return check_option_table(desc); })) {
    return finish(runner, 0);
  }
  runner.run(
      "exports",
      [&] {
        std::vector<std::string> extra;
        if (const std::string why = plugin.extra_exports(&extra); !why.empty()) {
          skip("cannot read the symbol table: " + why);
        }
        if (extra.empty()) return;
        std::string names;
        for (size_t k = 0; k < extra.size() && k < 8; ++k) names += (k ? ", " : "") + extra[k];
        if (extra.size() > 8) names += strf(", ... (%zu in all)", extra.size());
        fail("exports symbols besides " IOP_ENTRY_SYMBOL ": " + names +
             " (build with -fvisibility=hidden)");
      },
      true);

  // The configuration this run asks for.
  OptionValues options;
  std::vector<std::string> unknown;
  if (const std::string why = options.build(desc, args.options, &unknown); !why.empty()) {
    usage_error(strf("engine %s: %s", desc.name, why.c_str()));
  }
  if (!unknown.empty()) {
    std::string declared;
    for (uint32_t k = 0; k < desc.num_options; ++k) {
      declared += (k ? ", " : "") + std::string(desc.options[k].name);
    }
    for (const std::string& name : unknown) {
      runner.report("configuration",
                    {Verdict::kSkip, strf("engine %s declares no option '%s' (options: %s)",
                                          desc.name, name.c_str(),
                                          declared.empty() ? "none" : declared.c_str())});
    }
    return finish(runner, kExitNotApplicable);
  }
  if (args.direct && (desc.caps & IOP_CAP_DIRECT) == 0) {
    runner.report("configuration",
                  {Verdict::kSkip, strf("--direct: engine %s does not declare IOP_CAP_DIRECT",
                                        desc.name)});
    return finish(runner, kExitNotApplicable);
  }

  std::string work = args.dir + "/iopulse-engine-check.XXXXXX";
  if (mkdtemp(work.data()) == nullptr) {
    usage_error(strf("--dir %s: cannot create a work directory there: %s", args.dir.c_str(),
                     std::strerror(errno)));
  }

  Target t;
  t.plugin_path = args.plugin;
  t.desc = &desc;
  t.options = options.values();
  t.work_dir = work;
  t.direct = args.direct;
  t.buffer_align = std::max<uint32_t>(4096, desc.min_buf_align);
  t.block_size = t.buffer_align;
  t.deep_queue_depth = std::min<uint32_t>(desc.max_queue_depth,
                                          args.queue_depth != 0 ? args.queue_depth : 64);
  t.leak_iterations = args.iterations;
  // What an instance of this configuration really does (report()), for the
  // checks of abilities an option can switch off.  Asked in a child first:
  // an engine that crashes there only loses the narrowing (the report
  // check then fails on its own).
  t.instance_caps = desc.caps;
  if ((desc.caps & IOP_CAP_REPORT) != 0) {
    const auto probe = [&t, &desc](uint64_t* caps) {
      EngineSession s(t, t.deep_queue_depth);
      iop_instance_report r{};
      r.struct_size = sizeof r;
      iop_error err{};
      if (desc.report(s.engine(), &r, &err) == 0 && (r.caps & ~desc.caps) == 0) *caps = r.caps;
    };
    uint64_t in_child = 0;
    if (runner.run_isolated([&] { probe(&in_child); }).verdict == Verdict::kPass) {
      runner.run_here([&] { probe(&t.instance_caps); });
    }
  }
  std::fprintf(stderr, "  work directory %s%s; block size %u; deep queue depth %u\n",
               work.c_str(), t.direct ? " (O_DIRECT)" : "", t.block_size, t.deep_queue_depth);

  for (const auto* list : {&lifecycle_checks(), &io_checks(), &feature_checks(), &meta_checks()}) {
    for (const CheckDef& c : *list) runner.run(c.name, [&] { c.fn(t); });
  }

  if (!args.keep) {
    std::error_code ec;
    std::filesystem::remove_all(work, ec);
  }
  return finish(runner, 0);
}

}  // namespace
}  // namespace iopcheck

int main(int argc, char** argv) {
  const iopcheck::Args args = iopcheck::parse_args(argc, argv);
  return iopcheck::run(args);
}
