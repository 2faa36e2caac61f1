// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
/*
 * iopulse/engine.hpp -- optional C++17 helpers for writing an IOPulse engine
 * in C++.
 *
 * Licence: an engine built against these SDK headers may carry any licence,
 * open or proprietary, and be distributed on its own.  The MIT terms (see
 * LICENSE) apply to the headers themselves: keep their notice when you
 * redistribute the headers.
 *
 * The ABI in iopulse/engine.h is C: no exception may cross it and errors
 * travel as a negative errno plus, on the control plane, a message written
 * into the caller's fixed iop_error buffer.  These helpers keep a C++ engine
 * honest about both rules:
 *
 *   int32_t my_open_file(iop_engine *e, const iop_file_desc *f, iop_error *err) {
 *     return iop::guard(err, [&] { return static_cast<Engine *>(e)->open(*f, err); });
 *   }
 *   int32_t my_submit(iop_engine *e, iop_io *const *ios, uint32_t n, uint32_t flags) {
 *     return iop::guard_noerr([&] { return static_cast<Engine *>(e)->submit(ios, n, flags); });
 *   }
 *
 * Header-only, needs nothing but the C++17 standard library, allocates
 * nothing.  Using it is optional; an engine written in C never needs it.
 */
#ifndef IOPULSE_ENGINE_HPP
#define IOPULSE_ENGINE_HPP

#include <cerrno>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <type_traits>
#include <utility>

#include "iopulse/engine.h"

namespace iop {

/* Writes a printf-style message into err->message, truncated to
 * IOP_ERROR_MESSAGE_MAX-1 bytes and always NUL-terminated.  Does nothing when
 * err is NULL.  Never allocates and never throws, so it is safe inside a
 * catch block and on any path.  Keep messages to one line without a
 * trailing newline: the host prints them after the engine name. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
inline void set_error(iop_error *err, const char *fmt, ...) noexcept {
  if (err == nullptr) return;
  if (fmt == nullptr) {
    err->message[0] = '\0';
    return;
  }
  va_list ap;
  va_start(ap, fmt);
  int n = std::vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  if (n < 0) err->message[0] = '\0'; /* encoding error: leave an empty line */
  err->message[sizeof err->message - 1] = '\0';
}

namespace detail {

/* The message of the exception currently being handled: e.what() for a
 * std::exception, a fixed text for anything else.  Only call inside a
 * catch block. */
inline const char *current_exception_what() noexcept {
  try {
    throw;
  } catch (const std::exception &e) {
    const char *w = e.what();
    return w != nullptr ? w : "exception";
  } catch (...) {
    return "unknown C++ exception";
  }
}

}  // namespace detail

/* Runs f() for a control-plane entry point (create, open_file, close_file,
 * register_buffers) and returns what it returns, converted to int32_t; when
 * f returns void, returns 0.  If f throws anything, the exception stops here:
 * guard returns -EIO and writes "<e.what()>" (or a fixed text for a
 * non-std exception) into err.  f itself should report expected failures by
 * returning -errno after calling set_error(). */
template <class F>
int32_t guard(iop_error *err, F &&f) noexcept {
  try {
    if constexpr (std::is_void_v<std::invoke_result_t<F &&>>) {
      std::forward<F>(f)();
      return 0;
    } else {
      return static_cast<int32_t>(std::forward<F>(f)());
    }
  } catch (...) {
    set_error(err, "%s", detail::current_exception_what());
    return -EIO;
  }
}

/* Runs f() for an entry point that has no iop_error (submit, reap; destroy
 * and the entry function too) and returns what it returns.  If f throws,
 * the exception stops here and guard_noerr returns -EIO converted to f's
 * return type, or simply returns when f returns void (destroy).  The
 * exception's message is lost: data-plane functions report -errno only. */
template <class F>
auto guard_noerr(F &&f) noexcept -> std::invoke_result_t<F &&> {
  using R = std::invoke_result_t<F &&>;
  static_assert(std::is_void_v<R> || std::is_integral_v<R>,
                "guard_noerr wraps functions returning void or an integer (-errno)");
  try {
    return std::forward<F>(f)();
  } catch (...) {
    if constexpr (std::is_void_v<R>) {
      return;
    } else {
      return static_cast<R>(-EIO);
    }
  }
}

}  // namespace iop

#endif /* IOPULSE_ENGINE_HPP */
