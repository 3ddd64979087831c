// Response codes (docs/PROTOCOL.md §1.9; RemotingSysResponseCode.java + ResponseCode.java).
// Names follow the Java constants as request_code.h does. Three numbers mean different things
// depending on the request (5.x POP vs 4.x ACL admin); both names are defined.
#pragma once

#include <cstdint>
#include <string_view>

namespace ringmq::remoting {

// Every response code once, in ascending order: X(constant, JAVA_NAME, code). The constants below and
// the name table of response_code_name() (code_names.cc) are both generated from this list.
#define RINGMQ_RESPONSE_CODES(X) \
  X(kSuccess, SUCCESS, 0) \
  X(kSystemError, SYSTEM_ERROR, 1) \
  X(kSystemBusy, SYSTEM_BUSY, 2) \
  X(kRequestCodeNotSupported, REQUEST_CODE_NOT_SUPPORTED, 3) \
  X(kTransactionFailed, TRANSACTION_FAILED, 4) \
  X(kFlushDiskTimeout, FLUSH_DISK_TIMEOUT, 10) \
  X(kSlaveNotAvailable, SLAVE_NOT_AVAILABLE, 11) \
  X(kFlushSlaveTimeout, FLUSH_SLAVE_TIMEOUT, 12) \
  X(kMessageIllegal, MESSAGE_ILLEGAL, 13) \
  X(kServiceNotAvailable, SERVICE_NOT_AVAILABLE, 14) \
  X(kVersionNotSupported, VERSION_NOT_SUPPORTED, 15) \
  X(kNoPermission, NO_PERMISSION, 16) \
  X(kTopicNotExist, TOPIC_NOT_EXIST, 17) \
  X(kTopicExistAlready, TOPIC_EXIST_ALREADY, 18) \
  X(kPullNotFound, PULL_NOT_FOUND, 19) \
  X(kPullRetryImmediately, PULL_RETRY_IMMEDIATELY, 20) \
  X(kPullOffsetMoved, PULL_OFFSET_MOVED, 21) \
  X(kQueryNotFound, QUERY_NOT_FOUND, 22) \
  X(kSubscriptionParseFailed, SUBSCRIPTION_PARSE_FAILED, 23) \
  X(kSubscriptionNotExist, SUBSCRIPTION_NOT_EXIST, 24) \
  X(kSubscriptionNotLatest, SUBSCRIPTION_NOT_LATEST, 25) \
  X(kSubscriptionGroupNotExist, SUBSCRIPTION_GROUP_NOT_EXIST, 26) \
  X(kFilterDataNotExist, FILTER_DATA_NOT_EXIST, 27) \
  X(kFilterDataNotLatest, FILTER_DATA_NOT_LATEST, 28) \
  X(kInvalidParameter, INVALID_PARAMETER, 29) /* 5.x; 4.9 answers SYSTEM_ERROR instead */ \
  X(kTransactionShouldCommit, TRANSACTION_SHOULD_COMMIT, 200) \
  X(kTransactionShouldRollback, TRANSACTION_SHOULD_ROLLBACK, 201) \
  X(kTransactionStateUnknow, TRANSACTION_STATE_UNKNOW, 202) /* sic, as in Java */ \
  X(kTransactionStateGroupWrong, TRANSACTION_STATE_GROUP_WRONG, 203) \
  X(kNoBuyerId, NO_BUYER_ID, 204) \
  X(kNotInCurrentUnit, NOT_IN_CURRENT_UNIT, 205) \
  X(kConsumerNotOnline, CONSUMER_NOT_ONLINE, 206) \
  X(kConsumeMsgTimeout, CONSUME_MSG_TIMEOUT, 207) \
  X(kNoMessage, NO_MESSAGE, 208) \
  X(kPollingFull, POLLING_FULL, 209) /* 5.x POP */ \
  X(kUpdateAndCreateAclConfigFailed, UPDATE_AND_CREATE_ACL_CONFIG_FAILED, 209) /* 4.x ACL admin */ \
  X(kPollingTimeout, POLLING_TIMEOUT, 210) /* 5.x POP */ \
  X(kDeleteAclConfigFailed, DELETE_ACL_CONFIG_FAILED, 210) /* 4.x ACL admin */ \
  X(kBrokerNotExist, BROKER_NOT_EXIST, 211) /* 5.x */ \
  X(kUpdateGlobalWhiteAddrsConfigFailed, UPDATE_GLOBAL_WHITE_ADDRS_CONFIG_FAILED, 211) /* 4.x ACL admin */ \
  X(kBrokerDispatchNotComplete, BROKER_DISPATCH_NOT_COMPLETE, 212) \
  X(kBroadcastConsumption, BROADCAST_CONSUMPTION, 213) \
  X(kFlowControl, FLOW_CONTROL, 215) \
  X(kNotLeaderForQueue, NOT_LEADER_FOR_QUEUE, 501) \
  X(kIllegalOperation, ILLEGAL_OPERATION, 604) \
  X(kGoAway, GO_AWAY, 1500) \
  X(kUserNotExist, USER_NOT_EXIST, 3001) \
  X(kPolicyNotExist, POLICY_NOT_EXIST, 3002)

namespace response_code {

#define RINGMQ_DEFINE_CODE(constant, java_name, code) inline constexpr std::int32_t constant = code;
RINGMQ_RESPONSE_CODES(RINGMQ_DEFINE_CODE)
#undef RINGMQ_DEFINE_CODE

}  // namespace response_code

// The Java constant name of a response code ("PULL_NOT_FOUND"; "POLLING_FULL|UPDATE_AND_CREATE_
// ACL_CONFIG_FAILED" for the overloaded numbers), or "" if unknown. For logs.
std::string_view response_code_name(std::int32_t code);

}  // namespace ringmq::remoting
