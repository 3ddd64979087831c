// Every limit of the reactor, in one place. A limit that is hit returns an error (busy, too_large,
// no_space) or is logged; nothing in the reactor grows without bound.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace ringmq::reactor {

// io_uring sizes per core. The CQ is larger than the SQ because multishot operations post many
// completions per submission; overflow is not lost on 6.x kernels (IORING_FEAT_NODROP) but is slow.
inline constexpr unsigned kSubmissionQueueEntries = 1024;
inline constexpr unsigned kCompletionQueueEntries = 8192;
// Completions copied out of the CQ per pass before any callback runs.
inline constexpr std::size_t kCompletionBatchMax = 256;

// Largest number of cores (threads, rings) an Engine runs.
inline constexpr unsigned kCoresMax = 256;
// Open connections (accepted plus outgoing) per core by default (EngineOptions::connections_max,
// broker --connections-per-core); an accept beyond it is closed at once. The option may not exceed
// kConnectionsPerCoreLimit, which bounds the connection table.
inline constexpr std::size_t kConnectionsPerCoreMax = 16384;
inline constexpr std::size_t kConnectionsPerCoreLimit = 1 << 20;
// Listening sockets per core.
inline constexpr std::size_t kListenersPerCoreMax = 8;
inline constexpr int kListenBacklog = 4096;
// After accept fails hard (EMFILE, ENFILE) the listener waits this long before accepting again.
inline constexpr std::int64_t kAcceptRetryDelayMs = 100;
// An outgoing connect that has not completed by then fails with Errc::timeout.
inline constexpr std::int64_t kConnectTimeoutMs = 3000;

// Provided buffer ring for multishot receive, one per core, shared by its connections. A buffer is
// handed back to the kernel as soon as the data callback returns, so the count bounds bursts, not
// connections. The count must be a power of two (the ring's index mask).
inline constexpr std::uint16_t kRecvBufferGroupId = 0;
inline constexpr unsigned kRecvBufferCount = 512;
inline constexpr std::size_t kRecvBufferBytes = 16 * 1024;
static_assert((kRecvBufferCount & (kRecvBufferCount - 1)) == 0, "buffer ring size must be a power of two");
static_assert(kRecvBufferCount <= 32768, "io_uring buffer rings hold at most 32768 entries");

// Bytes queued for sending on one connection (owned and borrowed together). A send beyond it
// fails with Errc::busy; the caller decides whether to drop, wait or close. Large enough for a few
// maximum-size (16 MiB) frames.
inline constexpr std::size_t kSendQueueBytesMax = 64 * 1024 * 1024;
// iovecs gathered into one sendmsg.
inline constexpr std::size_t kSendIovecsMax = 64;
// Small writes are copied into one buffer up to this size, so a burst of responses is one iovec.
inline constexpr std::size_t kSendCoalesceBytesMax = 64 * 1024;
// Owned send buffers are at least this big, so their bytes live on the heap (not in a small-string
// buffer) and stay put while the queue vector moves its elements.
inline constexpr std::size_t kSendBufferBytesMin = 256;
// Emptied send buffers kept per connection for reuse (no allocation in the steady state).
inline constexpr std::size_t kSpareSendBuffersMax = 4;

// Zero-copy sends (IORING_OP_SENDMSG_ZC). A sendmsg whose borrowed bytes (mapped CommitLog
// slices of a pull reply) reach the threshold goes out without the kernel copying them; the
// borrowed memory stays pinned until the kernel's notification says the NIC (or the loopback's
// receiver) is done with it. Below the threshold the copy is cheaper than the page pinning and the
// extra completion. 0 turns zero-copy off (EngineOptions::zerocopy_send_min_bytes, broker
// --zerocopy-send-bytes). Loopback peers never get zero-copy sends: the receiving side copies
// anyway, and measured on loopback (a consumer draining 16 KiB messages) the broker spent 0.9 ms
// of CPU per MiB with zero-copy against 0.3-0.6 ms with copies. 64 KiB follows the kernel's
// MSG_ZEROCOPY guidance (worth it above ~10 KB per send); a real NIC was not available to tune it.
inline constexpr std::size_t kZeroCopySendBytesMinDefault = 64 * 1024;
// Zero-copy sends whose notification has not arrived yet, per core; past it sends copy.
inline constexpr std::size_t kZeroCopySendsInFlightMax = 1024;

// Cross-core single-producer/single-consumer ring capacity (tasks) for each (source, target) pair.
// A full ring makes post() return Errc::busy.
inline constexpr std::size_t kCrossCoreRingCapacity = 4096;
// Tasks posted from threads that are not cores (client API, main) queued per core.
inline constexpr std::size_t kExternalInboxCapacity = 65536;
// Bytes a posted task or timer callback may capture inline (larger state goes in a unique_ptr).
inline constexpr std::size_t kTaskCaptureBytes = 48;
// Tasks run from one inbox before the loop looks at I/O again.
inline constexpr std::size_t kInboxBatchMax = 256;
// After handling cross-core traffic, a core may poll its inboxes before sleeping: a waking hop
// costs tens of microseconds on VMs, a short spin that catches the next task much less. The spin
// is adaptive (Reactor::wait_and_dispatch): a spin that ends with nothing to do halves the
// budget, a sleep that a posted task ends within the maximum doubles it (from the minimum). So a
// core whose peers answer quickly spins up to kIdleSpinNs, and one that only wastes CPU (e.g. on
// an oversubscribed machine, where the spinner steals the time its peer needs) stops spinning.
inline constexpr std::int64_t kIdleSpinNs = 20 * 1000;
inline constexpr std::int64_t kIdleSpinMinNs = 2 * 1000;
// Inbox polls between two clock reads while spinning (a clock read costs more than a poll).
inline constexpr unsigned kIdleSpinPollsPerClockRead = 16;
// ... but only while traffic is recent: a core that saw no cross-core task for this long sleeps at
// once instead of burning the CPU.
inline constexpr std::int64_t kIdleSpinWindowNs = 20 * 1000 * 1000;
// Idle polling (EngineOptions::idle_poll_ns, the broker's --idle-poll-us): before sleeping, a core
// may poll its ring and inboxes for up to this long. On a VM a halted vCPU's wake-up costs tens of
// microseconds, so with one request in flight a short poll that catches the next one saves more
// than it burns (Seastar's --idle-poll-time-us is the same idea). It pauses by itself while other
// threads want the core's CPU (IdlePollGovernor). The broker polls for 50 us by default (measured
// on the 2-vCPU test VM: 1 sync producer 2-3x faster, the busier rows unchanged); an embedded
// engine (tests, the client's I/O thread) does not poll unless asked.
inline constexpr std::int64_t kIdlePollNsBrokerDefault = 50 * 1000;
inline constexpr std::int64_t kIdlePollNsMax = 1000 * 1000;
// While polling, a core reads how often its thread was preempted every this long ...
inline constexpr std::int64_t kIdlePollSampleNs = 10 * 1000 * 1000;
// ... and more preemptions per second than this mean other threads want its CPU: polling pauses
// for kIdlePollPauseNs. Measured on the 2-vCPU test VM, broker beside the bench client: one sync
// producer with 50 us polls ~120/s; 16 sync producers ~460/s without polling, ~1,650/s with it.
inline constexpr std::int64_t kIdlePollPreemptionsPerSecondMax = 300;
inline constexpr std::int64_t kIdlePollPauseNs = 100 * 1000 * 1000;
// The reactor's own busy ratio (ReactorStats::busy_ratio) is computed over windows of this length:
// the share of the window not spent waiting (blocked in io_uring_enter or spinning on the inboxes).
inline constexpr std::int64_t kBusyRatioWindowNs = 1000 * 1000 * 1000;

// fsync/fdatasync operations in flight per core (Reactor::fsync). Their records live in a fixed pool,
// so a flush round allocates nothing; a submission beyond it fails with Errc::busy.
inline constexpr std::size_t kFsyncsInFlightMax = 256;
// A background fsync's result waits this long before offering itself again to a core whose
// external inbox is full (BackgroundSyncer -> Reactor::post_external).
inline constexpr std::chrono::microseconds kBackgroundSyncRetryDelay{200};

// Live timers per core.
inline constexpr std::size_t kTimersPerCoreMax = 1 << 20;

// On stop, a core waits at most this long for its connections to finish closing.
inline constexpr std::int64_t kShutdownDrainMs = 2000;

}  // namespace ringmq::reactor
