// Response codes (ROCKETMQ-PROTOCOL.md §1.9; RemotingSysResponseCode.java + ResponseCode.java).
// Names follow the Java constants as request_code.h does. Three numbers mean different things
// depending on the request (5.x POP vs 4.x ACL admin); both names are defined.
#pragma once

#include <cstdint>
#include <string_view>

namespace ringmq::remoting {

namespace response_code {

inline constexpr std::int32_t kSuccess = 0;
inline constexpr std::int32_t kSystemError = 1;
inline constexpr std::int32_t kSystemBusy = 2;
inline constexpr std::int32_t kRequestCodeNotSupported = 3;
inline constexpr std::int32_t kTransactionFailed = 4;
inline constexpr std::int32_t kFlushDiskTimeout = 10;
inline constexpr std::int32_t kSlaveNotAvailable = 11;
inline constexpr std::int32_t kFlushSlaveTimeout = 12;
inline constexpr std::int32_t kMessageIllegal = 13;
inline constexpr std::int32_t kServiceNotAvailable = 14;
inline constexpr std::int32_t kVersionNotSupported = 15;
inline constexpr std::int32_t kNoPermission = 16;
inline constexpr std::int32_t kTopicNotExist = 17;
inline constexpr std::int32_t kTopicExistAlready = 18;
inline constexpr std::int32_t kPullNotFound = 19;
inline constexpr std::int32_t kPullRetryImmediately = 20;
inline constexpr std::int32_t kPullOffsetMoved = 21;
inline constexpr std::int32_t kQueryNotFound = 22;
inline constexpr std::int32_t kSubscriptionParseFailed = 23;
inline constexpr std::int32_t kSubscriptionNotExist = 24;
inline constexpr std::int32_t kSubscriptionNotLatest = 25;
inline constexpr std::int32_t kSubscriptionGroupNotExist = 26;
inline constexpr std::int32_t kFilterDataNotExist = 27;
inline constexpr std::int32_t kFilterDataNotLatest = 28;
inline constexpr std::int32_t kInvalidParameter = 29;  // 5.x; 4.9 answers SYSTEM_ERROR instead
inline constexpr std::int32_t kTransactionShouldCommit = 200;
inline constexpr std::int32_t kTransactionShouldRollback = 201;
inline constexpr std::int32_t kTransactionStateUnknow = 202;  // sic, as in Java
inline constexpr std::int32_t kTransactionStateGroupWrong = 203;
inline constexpr std::int32_t kNoBuyerId = 204;
inline constexpr std::int32_t kNotInCurrentUnit = 205;
inline constexpr std::int32_t kConsumerNotOnline = 206;
inline constexpr std::int32_t kConsumeMsgTimeout = 207;
inline constexpr std::int32_t kNoMessage = 208;
inline constexpr std::int32_t kPollingFull = 209;                      // 5.x POP
inline constexpr std::int32_t kUpdateAndCreateAclConfigFailed = 209;   // 4.x ACL admin
inline constexpr std::int32_t kPollingTimeout = 210;                   // 5.x POP
inline constexpr std::int32_t kDeleteAclConfigFailed = 210;            // 4.x ACL admin
inline constexpr std::int32_t kBrokerNotExist = 211;                   // 5.x
inline constexpr std::int32_t kUpdateGlobalWhiteAddrsConfigFailed = 211;  // 4.x ACL admin
inline constexpr std::int32_t kBrokerDispatchNotComplete = 212;
inline constexpr std::int32_t kBroadcastConsumption = 213;
inline constexpr std::int32_t kFlowControl = 215;
inline constexpr std::int32_t kNotLeaderForQueue = 501;
inline constexpr std::int32_t kIllegalOperation = 604;
inline constexpr std::int32_t kGoAway = 1500;
inline constexpr std::int32_t kUserNotExist = 3001;
inline constexpr std::int32_t kPolicyNotExist = 3002;

}  // namespace response_code

// The Java constant name of a response code ("PULL_NOT_FOUND"; "POLLING_FULL|UPDATE_AND_CREATE_
// ACL_CONFIG_FAILED" for the overloaded numbers), or "" if unknown. For logs.
std::string_view response_code_name(std::int32_t code);

}  // namespace ringmq::remoting
