// The request and response codes the NameServer serves (ROCKETMQ-PROTOCOL.md §2, §3). Local until
// src/remoting/request_code.h and response_code.h exist; then these become aliases of those.
#pragma once

#include <cstdint>

namespace ringmq::namesrv {

namespace request_code {
inline constexpr std::int32_t kPutKvConfig = 100;
inline constexpr std::int32_t kGetKvConfig = 101;
inline constexpr std::int32_t kDeleteKvConfig = 102;
inline constexpr std::int32_t kRegisterBroker = 103;
inline constexpr std::int32_t kUnregisterBroker = 104;
inline constexpr std::int32_t kGetRouteinfoByTopic = 105;
inline constexpr std::int32_t kGetBrokerClusterInfo = 106;
inline constexpr std::int32_t kWipeWritePermOfBroker = 205;
inline constexpr std::int32_t kGetAllTopicListFromNameserver = 206;
inline constexpr std::int32_t kDeleteTopicInNamesrv = 216;
inline constexpr std::int32_t kGetKvlistByNamespace = 219;
inline constexpr std::int32_t kGetTopicsByCluster = 224;
inline constexpr std::int32_t kGetSystemTopicListFromNs = 304;
inline constexpr std::int32_t kGetUnitTopicList = 311;
inline constexpr std::int32_t kGetHasUnitSubTopicList = 312;
inline constexpr std::int32_t kGetHasUnitSubUnunitTopicList = 313;
inline constexpr std::int32_t kQueryDataVersion = 322;
inline constexpr std::int32_t kAddWritePermOfBroker = 327;
inline constexpr std::int32_t kBrokerHeartbeat = 904;
}  // namespace request_code

namespace response_code {
inline constexpr std::int32_t kSuccess = 0;
inline constexpr std::int32_t kSystemError = 1;
inline constexpr std::int32_t kRequestCodeNotSupported = 3;
inline constexpr std::int32_t kTopicNotExist = 17;
inline constexpr std::int32_t kQueryNotFound = 22;
}  // namespace response_code

// Client versions (MQVersion.Version ordinals, §1.8) the NameServer branches on.
inline constexpr std::int32_t kVersionV3_0_11 = 37;   // first broker sending RegisterBrokerBody
inline constexpr std::int32_t kVersionV4_9_4 = 401;   // first client given standard route JSON

}  // namespace ringmq::namesrv
