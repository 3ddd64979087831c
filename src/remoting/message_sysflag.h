// Bit fields carried in integers of the send and pull headers and of stored records.
//   message_sysflag: MessageSysFlag.java (docs/PROTOCOL.md §4.4), send header `sysFlag`/`f`
//                    and the CommitLog record's SYSFLAG.
//   pull_sysflag:    PullSysFlag.java, PULL_MESSAGE header `sysFlag`.
#pragma once

#include <cstdint>

#include "protocol/stored_message.h"

namespace ringmq::remoting {

namespace message_sysflag {

inline constexpr std::int32_t kCompressed = 0x1;
inline constexpr std::int32_t kMultiTags = 0x2;
inline constexpr std::int32_t kTransactionNotType = 0x0;
inline constexpr std::int32_t kTransactionPreparedType = 0x4;
inline constexpr std::int32_t kTransactionCommitType = 0x8;
inline constexpr std::int32_t kTransactionRollbackType = 0xC;
inline constexpr std::int32_t kTransactionTypeMask = 0xC;
// The layout bits, defined with the stored-message layout.
inline constexpr std::int32_t kBornHostV6 = protocol::kSysFlagBornHostV6;
inline constexpr std::int32_t kStoreHostAddressV6 = protocol::kSysFlagStoreHostV6;
inline constexpr std::int32_t kNeedUnwrap = 0x40;
inline constexpr std::int32_t kInnerBatch = 0x80;
// Compression type in bits 8-10; 0 (clients before 4.9.4) means zlib, like kCompressionZlib.
inline constexpr std::int32_t kCompressionTypeMask = 0x700;
inline constexpr std::int32_t kCompressionLz4 = 0x100;
inline constexpr std::int32_t kCompressionZstd = 0x200;
inline constexpr std::int32_t kCompressionZlib = 0x300;

constexpr std::int32_t transaction_type(std::int32_t sys_flag) { return sys_flag & kTransactionTypeMask; }
constexpr std::int32_t reset_transaction_type(std::int32_t sys_flag, std::int32_t type) {
  return (sys_flag & ~kTransactionTypeMask) | type;
}

enum class Compression { zlib, lz4, zstd, unknown };
// Meaningful only when kCompressed is set.
constexpr Compression compression(std::int32_t sys_flag) {
  switch (sys_flag & kCompressionTypeMask) {
    case 0:
    case kCompressionZlib: return Compression::zlib;
    case kCompressionLz4: return Compression::lz4;
    case kCompressionZstd: return Compression::zstd;
    default: return Compression::unknown;
  }
}

}  // namespace message_sysflag

namespace pull_sysflag {

inline constexpr std::int32_t kCommitOffset = 0x1;
inline constexpr std::int32_t kSuspend = 0x2;
inline constexpr std::int32_t kSubscription = 0x4;
inline constexpr std::int32_t kClassFilter = 0x8;
inline constexpr std::int32_t kLitePull = 0x10;

}  // namespace pull_sysflag

}  // namespace ringmq::remoting
