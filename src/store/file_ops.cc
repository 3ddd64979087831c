#include "store/file_ops.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>

namespace ringmq::store {
namespace {

constexpr std::size_t kOps = static_cast<std::size_t>(FileOp::count);

struct Armed {
  FaultSpec spec;
  std::uint64_t calls = 0;  // calls seen since armed
  std::uint64_t hit = 0;    // calls the fault was applied to
  bool on = false;
};

// Any armed fault at all: the fast path of every call is one load of this.
std::atomic<bool> g_any{false};
std::mutex g_mu;
Armed g_armed[kOps];

// Decides whether this call of `op` is faulted; fills `out` with the spec if so.
bool take_fault(FileOp op, FaultSpec& out) {
  if (!g_any.load(std::memory_order_relaxed)) return false;
  std::lock_guard lock(g_mu);
  Armed& a = g_armed[static_cast<std::size_t>(op)];
  if (!a.on) return false;
  const std::uint64_t n = a.calls++;
  if (n < a.spec.skip || n - a.spec.skip >= a.spec.times) return false;
  ++a.hit;
  out = a.spec;
  return true;
}

void recompute_any() {
  bool any = false;
  for (const Armed& a : g_armed) any = any || a.on;
  g_any.store(any, std::memory_order_relaxed);
}

// Applies a fault to a call that moves `n` bytes: -1/errno, or a shortened length.
bool fault_io(FileOp op, std::size_t& n) {
  FaultSpec f;
  if (!take_fault(op, f)) return false;
  if (f.kind == FaultKind::short_write) {
    n = n > 1 ? n / 2 : n;
    return false;  // the call proceeds with fewer bytes
  }
  errno = f.err;
  return true;
}

bool fault_call(FileOp op) {
  std::size_t unused = 0;
  return fault_io(op, unused);
}

}  // namespace

void arm_fault(FileOp op, const FaultSpec& spec) {
  std::lock_guard lock(g_mu);
  g_armed[static_cast<std::size_t>(op)] = Armed{spec, 0, 0, true};
  recompute_any();
}

void disarm_fault(FileOp op) {
  std::lock_guard lock(g_mu);
  g_armed[static_cast<std::size_t>(op)].on = false;
  recompute_any();
}

void disarm_all_faults() {
  std::lock_guard lock(g_mu);
  for (Armed& a : g_armed) a.on = false;
  recompute_any();
}

std::uint64_t faults_hit(FileOp op) {
  std::lock_guard lock(g_mu);
  return g_armed[static_cast<std::size_t>(op)].hit;
}

namespace fileops {

int fallocate(int fd, int mode, off_t offset, off_t len) {
  if (fault_call(FileOp::fallocate)) return -1;
  return ::fallocate(fd, mode, offset, len);
}

ssize_t pwrite(int fd, const void* buf, std::size_t n, off_t offset) {
  if (fault_io(FileOp::pwrite, n)) return -1;
  return ::pwrite(fd, buf, n, offset);
}

ssize_t write(int fd, const void* buf, std::size_t n) {
  if (fault_io(FileOp::write, n)) return -1;
  return ::write(fd, buf, n);
}

int fdatasync(int fd) {
  if (fault_call(FileOp::fdatasync)) return -1;
  return ::fdatasync(fd);
}

int fsync(int fd) {
  if (fault_call(FileOp::fsync)) return -1;
  return ::fsync(fd);
}

int ftruncate(int fd, off_t length) {
  if (fault_call(FileOp::ftruncate)) return -1;
  return ::ftruncate(fd, length);
}

}  // namespace fileops
}  // namespace ringmq::store
