// Result<T>: a value or an Error, the project's replacement for exceptions and std::expected
// (C++23, unavailable with g++ 12). Every fallible call returns one.
#pragma once

#include <cerrno>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include "base/assert.h"

namespace ringmq {

// Broad error classes. Callers branch on these; the detail string is for humans and logs.
enum class Errc : unsigned short {
  io,                // a system call failed; sys_errno says which
  invalid_argument,  // the caller passed something unusable
  malformed,         // bytes from outside (network, disk) do not parse
  too_large,         // a named limit was exceeded
  not_found,
  already_exists,
  corrupt,           // stored data failed a check (CRC, magic, length)
  no_space,          // disk or a bounded queue is full
  timeout,
  closed,            // the peer or the object is gone
  busy,              // try again later
  unsupported,
};

const char* errc_name(Errc code);

struct Error {
  Errc code = Errc::io;
  int sys_errno = 0;
  std::string detail;

  // "io (errno 2: No such file or directory): open /x" — for log lines.
  std::string to_string() const;
};

inline Error make_error(Errc code, std::string detail) { return Error{code, 0, std::move(detail)}; }
// From a failed system call: pass the positive errno (or -ret of io_uring results).
inline Error make_sys_error(int sys_errno, std::string detail) {
  return Error{sys_errno == ENOSPC ? Errc::no_space : Errc::io, sys_errno, std::move(detail)};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit on purpose
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    RINGMQ_ASSERT(ok());
    return std::get<0>(state_);
  }
  const T& value() const& {
    RINGMQ_ASSERT(ok());
    return std::get<0>(state_);
  }
  T&& value() && {
    RINGMQ_ASSERT(ok());
    return std::get<0>(std::move(state_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    RINGMQ_ASSERT(!ok());
    return std::get<1>(state_);
  }
  Error&& take_error() {
    RINGMQ_ASSERT(!ok());
    return std::get<1>(std::move(state_));
  }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const {
    RINGMQ_ASSERT(failed_);
    return error_;
  }
  Error&& take_error() {
    RINGMQ_ASSERT(failed_);
    return std::move(error_);
  }

 private:
  Error error_;
  bool failed_ = false;
};

using Status = Result<void>;

}  // namespace ringmq

// Propagate an error: RINGMQ_TRY(expr) for Result<void>; RINGMQ_TRY_ASSIGN(var, expr) for values.
#define RINGMQ_CONCAT_INNER(a, b) a##b
#define RINGMQ_CONCAT(a, b) RINGMQ_CONCAT_INNER(a, b)

#define RINGMQ_TRY(expr)                                   \
  do {                                                     \
    auto ringmq_try_result_ = (expr);                      \
    if (!ringmq_try_result_.ok()) return ringmq_try_result_.take_error(); \
  } while (0)

#define RINGMQ_TRY_ASSIGN(lhs, expr) RINGMQ_TRY_ASSIGN_IMPL(RINGMQ_CONCAT(ringmq_try_, __LINE__), lhs, expr)
#define RINGMQ_TRY_ASSIGN_IMPL(tmp, lhs, expr)      \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.take_error();           \
  lhs = std::move(tmp).value()
