// The store's file system calls that can fail for lack of space or a bad disk (fallocate, pwrite,
// write, fdatasync, fsync, ftruncate), behind one seam, and a fault injector over that seam so
// tests can make them fail (EIO, ENOSPC, short writes, a failing fsync) without a broken disk.
//
// Each call returns what the system call returns (-1 with errno set, or a byte count); the
// callers keep their own error handling. The injector is process-wide and off unless a test arms
// it; when off, each call costs one relaxed atomic load.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace ringmq::store {

enum class FileOp : unsigned { fallocate, pwrite, write, fdatasync, fsync, ftruncate, count };

// How an armed fault behaves.
enum class FaultKind {
  fail,         // the call fails with `err`
  short_write,  // pwrite/write move at most half the bytes asked for (at least one)
};

struct FaultSpec {
  FaultKind kind = FaultKind::fail;
  int err = 0;             // errno for FaultKind::fail
  std::uint64_t skip = 0;  // calls that pass before the fault starts
  std::uint64_t times = UINT64_MAX;  // calls the fault applies to once started
};

// Arms `spec` for `op` (replacing an earlier one); disarm() clears it. For tests.
void arm_fault(FileOp op, const FaultSpec& spec);
void disarm_fault(FileOp op);
void disarm_all_faults();
// Calls of `op` a fault was applied to since it was armed.
std::uint64_t faults_hit(FileOp op);

// RAII arming for a test scope.
class ScopedFault {
 public:
  ScopedFault(FileOp op, const FaultSpec& spec) : op_(op) { arm_fault(op, spec); }
  ~ScopedFault() { disarm_fault(op_); }
  ScopedFault(const ScopedFault&) = delete;
  ScopedFault& operator=(const ScopedFault&) = delete;

 private:
  FileOp op_;
};

namespace fileops {
int fallocate(int fd, int mode, off_t offset, off_t len);
ssize_t pwrite(int fd, const void* buf, std::size_t n, off_t offset);
ssize_t write(int fd, const void* buf, std::size_t n);
int fdatasync(int fd);
int fsync(int fd);
int ftruncate(int fd, off_t length);
}  // namespace fileops

}  // namespace ringmq::store
