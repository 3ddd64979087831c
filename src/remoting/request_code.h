// Request codes (docs/PROTOCOL.md §2 and Appendix A; RequestCode.java). Codes above 32767 fit
// only a JSON header (§1.5). "5.x" marks codes absent from 4.9.8. Names are the Java constants in
// PascalCase, split only at underscores (GET_ROUTEINFO_BY_TOPIC -> kGetRouteinfoByTopic), so a
// reader can grep either tree.
#pragma once

#include <cstdint>
#include <string_view>

namespace ringmq::remoting {

// Every request code once, in ascending order: X(constant, JAVA_NAME, code). The constants below and
// the name table of request_code_name() (code_names.cc) are both generated from this list.
#define RINGMQ_REQUEST_CODES(X) \
  X(kSendMessage, SEND_MESSAGE, 10) \
  X(kPullMessage, PULL_MESSAGE, 11) \
  X(kQueryMessage, QUERY_MESSAGE, 12) \
  X(kQueryBrokerOffset, QUERY_BROKER_OFFSET, 13) \
  X(kQueryConsumerOffset, QUERY_CONSUMER_OFFSET, 14) \
  X(kUpdateConsumerOffset, UPDATE_CONSUMER_OFFSET, 15) \
  X(kUpdateAndCreateTopic, UPDATE_AND_CREATE_TOPIC, 17) \
  X(kUpdateAndCreateTopicList, UPDATE_AND_CREATE_TOPIC_LIST, 18) /* 5.x */ \
  X(kGetAllTopicConfig, GET_ALL_TOPIC_CONFIG, 21) \
  X(kGetTopicConfigList, GET_TOPIC_CONFIG_LIST, 22) \
  X(kGetTopicNameList, GET_TOPIC_NAME_LIST, 23) \
  X(kUpdateBrokerConfig, UPDATE_BROKER_CONFIG, 25) \
  X(kGetBrokerConfig, GET_BROKER_CONFIG, 26) \
  X(kTriggerDeleteFiles, TRIGGER_DELETE_FILES, 27) \
  X(kGetBrokerRuntimeInfo, GET_BROKER_RUNTIME_INFO, 28) \
  X(kSearchOffsetByTimestamp, SEARCH_OFFSET_BY_TIMESTAMP, 29) \
  X(kGetMaxOffset, GET_MAX_OFFSET, 30) \
  X(kGetMinOffset, GET_MIN_OFFSET, 31) \
  X(kGetEarliestMsgStoretime, GET_EARLIEST_MSG_STORETIME, 32) \
  X(kViewMessageById, VIEW_MESSAGE_BY_ID, 33) \
  X(kHeartBeat, HEART_BEAT, 34) \
  X(kUnregisterClient, UNREGISTER_CLIENT, 35) \
  X(kConsumerSendMsgBack, CONSUMER_SEND_MSG_BACK, 36) \
  X(kEndTransaction, END_TRANSACTION, 37) \
  X(kGetConsumerListByGroup, GET_CONSUMER_LIST_BY_GROUP, 38) \
  X(kCheckTransactionState, CHECK_TRANSACTION_STATE, 39) \
  X(kNotifyConsumerIdsChanged, NOTIFY_CONSUMER_IDS_CHANGED, 40) \
  X(kLockBatchMq, LOCK_BATCH_MQ, 41) \
  X(kUnlockBatchMq, UNLOCK_BATCH_MQ, 42) \
  X(kGetAllConsumerOffset, GET_ALL_CONSUMER_OFFSET, 43) \
  X(kGetAllDelayOffset, GET_ALL_DELAY_OFFSET, 45) \
  X(kCheckClientConfig, CHECK_CLIENT_CONFIG, 46) \
  X(kGetClientConfig, GET_CLIENT_CONFIG, 47) /* 5.x */ \
  X(kUpdateAndCreateAclConfig, UPDATE_AND_CREATE_ACL_CONFIG, 50) /* 4.x – 5.3.2 (ACL 1.0; removed in 5.3.3) */ \
  X(kDeleteAclConfig, DELETE_ACL_CONFIG, 51) /* 4.x – 5.3.2 (ACL 1.0; removed in 5.3.3) */ \
  X(kGetBrokerClusterAclInfo, GET_BROKER_CLUSTER_ACL_INFO, 52) /* 4.x – 5.3.2 (ACL 1.0; removed in 5.3.3) */ \
  X(kUpdateGlobalWhiteAddrsConfig, UPDATE_GLOBAL_WHITE_ADDRS_CONFIG, 53) /* 4.x – 5.3.2 (ACL 1.0; removed in 5.3.3) */ \
  X(kGetTimerCheckPoint, GET_TIMER_CHECK_POINT, 60) /* 5.x */ \
  X(kGetTimerMetrics, GET_TIMER_METRICS, 61) /* 5.x */ \
  X(kPutKvConfig, PUT_KV_CONFIG, 100) \
  X(kGetKvConfig, GET_KV_CONFIG, 101) \
  X(kDeleteKvConfig, DELETE_KV_CONFIG, 102) \
  X(kRegisterBroker, REGISTER_BROKER, 103) \
  X(kUnregisterBroker, UNREGISTER_BROKER, 104) \
  X(kGetRouteinfoByTopic, GET_ROUTEINFO_BY_TOPIC, 105) \
  X(kGetBrokerClusterInfo, GET_BROKER_CLUSTER_INFO, 106) \
  X(kUpdateAndCreateSubscriptiongroup, UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, 200) \
  X(kGetAllSubscriptiongroupConfig, GET_ALL_SUBSCRIPTIONGROUP_CONFIG, 201) \
  X(kGetTopicStatsInfo, GET_TOPIC_STATS_INFO, 202) \
  X(kGetConsumerConnectionList, GET_CONSUMER_CONNECTION_LIST, 203) \
  X(kGetProducerConnectionList, GET_PRODUCER_CONNECTION_LIST, 204) \
  X(kWipeWritePermOfBroker, WIPE_WRITE_PERM_OF_BROKER, 205) \
  X(kGetAllTopicListFromNameserver, GET_ALL_TOPIC_LIST_FROM_NAMESERVER, 206) \
  X(kDeleteSubscriptiongroup, DELETE_SUBSCRIPTIONGROUP, 207) \
  X(kGetConsumeStats, GET_CONSUME_STATS, 208) \
  X(kSuspendConsumer, SUSPEND_CONSUMER, 209) \
  X(kResumeConsumer, RESUME_CONSUMER, 210) \
  X(kResetConsumerOffsetInConsumer, RESET_CONSUMER_OFFSET_IN_CONSUMER, 211) \
  X(kResetConsumerOffsetInBroker, RESET_CONSUMER_OFFSET_IN_BROKER, 212) \
  X(kAdjustConsumerThreadPool, ADJUST_CONSUMER_THREAD_POOL, 213) \
  X(kWhoConsumeTheMessage, WHO_CONSUME_THE_MESSAGE, 214) \
  X(kDeleteTopicInBroker, DELETE_TOPIC_IN_BROKER, 215) \
  X(kDeleteTopicInNamesrv, DELETE_TOPIC_IN_NAMESRV, 216) \
  X(kRegisterTopicInNamesrv, REGISTER_TOPIC_IN_NAMESRV, 217) /* 5.x */ \
  X(kGetKvlistByNamespace, GET_KVLIST_BY_NAMESPACE, 219) \
  X(kResetConsumerClientOffset, RESET_CONSUMER_CLIENT_OFFSET, 220) \
  X(kGetConsumerStatusFromClient, GET_CONSUMER_STATUS_FROM_CLIENT, 221) \
  X(kInvokeBrokerToResetOffset, INVOKE_BROKER_TO_RESET_OFFSET, 222) \
  X(kInvokeBrokerToGetConsumerStatus, INVOKE_BROKER_TO_GET_CONSUMER_STATUS, 223) \
  X(kGetTopicsByCluster, GET_TOPICS_BY_CLUSTER, 224) \
  X(kUpdateAndCreateSubscriptiongroupList, UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST, 225) /* 5.x */ \
  X(kQueryTopicConsumeByWho, QUERY_TOPIC_CONSUME_BY_WHO, 300) \
  X(kRegisterFilterServer, REGISTER_FILTER_SERVER, 301) \
  X(kRegisterMessageFilterClass, REGISTER_MESSAGE_FILTER_CLASS, 302) \
  X(kQueryConsumeTimeSpan, QUERY_CONSUME_TIME_SPAN, 303) \
  X(kGetSystemTopicListFromNs, GET_SYSTEM_TOPIC_LIST_FROM_NS, 304) \
  X(kGetSystemTopicListFromBroker, GET_SYSTEM_TOPIC_LIST_FROM_BROKER, 305) \
  X(kCleanExpiredConsumequeue, CLEAN_EXPIRED_CONSUMEQUEUE, 306) \
  X(kGetConsumerRunningInfo, GET_CONSUMER_RUNNING_INFO, 307) \
  X(kQueryCorrectionOffset, QUERY_CORRECTION_OFFSET, 308) \
  X(kConsumeMessageDirectly, CONSUME_MESSAGE_DIRECTLY, 309) \
  X(kSendMessageV2, SEND_MESSAGE_V2, 310) \
  X(kGetUnitTopicList, GET_UNIT_TOPIC_LIST, 311) \
  X(kGetHasUnitSubTopicList, GET_HAS_UNIT_SUB_TOPIC_LIST, 312) \
  X(kGetHasUnitSubUnunitTopicList, GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST, 313) \
  X(kCloneGroupOffset, CLONE_GROUP_OFFSET, 314) \
  X(kViewBrokerStatsData, VIEW_BROKER_STATS_DATA, 315) \
  X(kCleanUnusedTopic, CLEAN_UNUSED_TOPIC, 316) \
  X(kGetBrokerConsumeStats, GET_BROKER_CONSUME_STATS, 317) \
  X(kUpdateNamesrvConfig, UPDATE_NAMESRV_CONFIG, 318) \
  X(kGetNamesrvConfig, GET_NAMESRV_CONFIG, 319) \
  X(kSendBatchMessage, SEND_BATCH_MESSAGE, 320) \
  X(kQueryConsumeQueue, QUERY_CONSUME_QUEUE, 321) \
  X(kQueryDataVersion, QUERY_DATA_VERSION, 322) \
  X(kResumeCheckHalfMessage, RESUME_CHECK_HALF_MESSAGE, 323) \
  X(kSendReplyMessage, SEND_REPLY_MESSAGE, 324) \
  X(kSendReplyMessageV2, SEND_REPLY_MESSAGE_V2, 325) \
  X(kPushReplyMessageToClient, PUSH_REPLY_MESSAGE_TO_CLIENT, 326) \
  X(kAddWritePermOfBroker, ADD_WRITE_PERM_OF_BROKER, 327) \
  X(kGetAllProducerInfo, GET_ALL_PRODUCER_INFO, 328) \
  X(kDeleteExpiredCommitlog, DELETE_EXPIRED_COMMITLOG, 329) \
  X(kQueryTopicsByConsumer, QUERY_TOPICS_BY_CONSUMER, 343) /* 5.x */ \
  X(kQuerySubscriptionByConsumer, QUERY_SUBSCRIPTION_BY_CONSUMER, 345) /* 5.x */ \
  X(kGetTopicConfig, GET_TOPIC_CONFIG, 351) /* 5.x */ \
  X(kGetSubscriptiongroupConfig, GET_SUBSCRIPTIONGROUP_CONFIG, 352) /* 5.x */ \
  X(kUpdateAndGetGroupForbidden, UPDATE_AND_GET_GROUP_FORBIDDEN, 353) /* 5.x */ \
  X(kCheckRocksdbCqWriteProgress, CHECK_ROCKSDB_CQ_WRITE_PROGRESS, 354) /* 5.x */ \
  X(kExportRocksdbConfigToJson, EXPORT_ROCKSDB_CONFIG_TO_JSON, 355) /* 5.x */ \
  X(kLitePullMessage, LITE_PULL_MESSAGE, 361) /* 5.x */ \
  X(kRecallMessage, RECALL_MESSAGE, 370) /* 5.x */ \
  X(kQueryAssignment, QUERY_ASSIGNMENT, 400) /* 5.x */ \
  X(kSetMessageRequestMode, SET_MESSAGE_REQUEST_MODE, 401) /* 5.x */ \
  X(kGetAllMessageRequestMode, GET_ALL_MESSAGE_REQUEST_MODE, 402) /* 5.x */ \
  X(kUpdateAndCreateStaticTopic, UPDATE_AND_CREATE_STATIC_TOPIC, 513) /* 5.x */ \
  X(kGetBrokerMemberGroup, GET_BROKER_MEMBER_GROUP, 901) /* 5.x */ \
  X(kAddBroker, ADD_BROKER, 902) /* 5.x */ \
  X(kRemoveBroker, REMOVE_BROKER, 903) /* 5.x */ \
  X(kBrokerHeartbeat, BROKER_HEARTBEAT, 904) /* 5.x */ \
  X(kNotifyMinBrokerIdChange, NOTIFY_MIN_BROKER_ID_CHANGE, 905) /* 5.x */ \
  X(kExchangeBrokerHaInfo, EXCHANGE_BROKER_HA_INFO, 906) /* 5.x */ \
  X(kGetBrokerHaStatus, GET_BROKER_HA_STATUS, 907) /* 5.x */ \
  X(kResetMasterFlushOffset, RESET_MASTER_FLUSH_OFFSET, 908) /* 5.x */ \
  X(kControllerAlterSyncStateSet, CONTROLLER_ALTER_SYNC_STATE_SET, 1001) /* 5.x */ \
  X(kControllerElectMaster, CONTROLLER_ELECT_MASTER, 1002) /* 5.x */ \
  X(kControllerRegisterBroker, CONTROLLER_REGISTER_BROKER, 1003) /* 5.x */ \
  X(kControllerGetReplicaInfo, CONTROLLER_GET_REPLICA_INFO, 1004) /* 5.x */ \
  X(kControllerGetMetadataInfo, CONTROLLER_GET_METADATA_INFO, 1005) /* 5.x */ \
  X(kControllerGetSyncStateData, CONTROLLER_GET_SYNC_STATE_DATA, 1006) /* 5.x */ \
  X(kGetBrokerEpochCache, GET_BROKER_EPOCH_CACHE, 1007) /* 5.x */ \
  X(kNotifyBrokerRoleChanged, NOTIFY_BROKER_ROLE_CHANGED, 1008) /* 5.x */ \
  X(kUpdateControllerConfig, UPDATE_CONTROLLER_CONFIG, 1009) /* 5.x */ \
  X(kGetControllerConfig, GET_CONTROLLER_CONFIG, 1010) /* 5.x */ \
  X(kCleanBrokerData, CLEAN_BROKER_DATA, 1011) /* 5.x */ \
  X(kControllerGetNextBrokerId, CONTROLLER_GET_NEXT_BROKER_ID, 1012) /* 5.x */ \
  X(kControllerApplyBrokerId, CONTROLLER_APPLY_BROKER_ID, 1013) /* 5.x */ \
  X(kUpdateColdDataFlowCtrConfig, UPDATE_COLD_DATA_FLOW_CTR_CONFIG, 2001) /* 5.x */ \
  X(kRemoveColdDataFlowCtrConfig, REMOVE_COLD_DATA_FLOW_CTR_CONFIG, 2002) /* 5.x */ \
  X(kGetColdDataFlowCtrInfo, GET_COLD_DATA_FLOW_CTR_INFO, 2003) /* 5.x */ \
  X(kSetCommitlogReadMode, SET_COMMITLOG_READ_MODE, 2004) /* 5.x */ \
  X(kAuthCreateUser, AUTH_CREATE_USER, 3001) /* 5.x */ \
  X(kAuthUpdateUser, AUTH_UPDATE_USER, 3002) /* 5.x */ \
  X(kAuthDeleteUser, AUTH_DELETE_USER, 3003) /* 5.x */ \
  X(kAuthGetUser, AUTH_GET_USER, 3004) /* 5.x */ \
  X(kAuthListUser, AUTH_LIST_USER, 3005) /* 5.x */ \
  X(kAuthCreateAcl, AUTH_CREATE_ACL, 3006) /* 5.x */ \
  X(kAuthUpdateAcl, AUTH_UPDATE_ACL, 3007) /* 5.x */ \
  X(kAuthDeleteAcl, AUTH_DELETE_ACL, 3008) /* 5.x */ \
  X(kAuthGetAcl, AUTH_GET_ACL, 3009) /* 5.x */ \
  X(kAuthListAcl, AUTH_LIST_ACL, 3010) /* 5.x */ \
  X(kPopMessage, POP_MESSAGE, 200050) /* 5.x */ \
  X(kAckMessage, ACK_MESSAGE, 200051) /* 5.x */ \
  X(kPeekMessage, PEEK_MESSAGE, 200052) /* 5.x */ \
  X(kChangeMessageInvisibletime, CHANGE_MESSAGE_INVISIBLETIME, 200053) /* 5.x */ \
  X(kNotification, NOTIFICATION, 200054) /* 5.x */ \
  X(kPollingInfo, POLLING_INFO, 200055) /* 5.x */ \
  X(kPopRollback, POP_ROLLBACK, 200056) /* 5.x */ \
  X(kBatchAckMessage, BATCH_ACK_MESSAGE, 200151) /* 5.x */

namespace request_code {

#define RINGMQ_DEFINE_CODE(constant, java_name, code) inline constexpr std::int32_t constant = code;
RINGMQ_REQUEST_CODES(RINGMQ_DEFINE_CODE)
#undef RINGMQ_DEFINE_CODE

}  // namespace request_code

// The Java constant name of a request code ("SEND_MESSAGE_V2"), or "" if unknown. For logs.
std::string_view request_code_name(std::int32_t code);

}  // namespace ringmq::remoting
