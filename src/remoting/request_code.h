// Request codes (ROCKETMQ-PROTOCOL.md §2 and Appendix A; RequestCode.java). Codes above 32767 fit
// only a JSON header (§1.5). "5.x" marks codes absent from 4.9.8. Names are the Java constants in
// PascalCase, split only at underscores (GET_ROUTEINFO_BY_TOPIC -> kGetRouteinfoByTopic), so a
// reader can grep either tree.
#pragma once

#include <cstdint>
#include <string_view>

namespace ringmq::remoting {

namespace request_code {

inline constexpr std::int32_t kSendMessage = 10;
inline constexpr std::int32_t kPullMessage = 11;
inline constexpr std::int32_t kQueryMessage = 12;
inline constexpr std::int32_t kQueryBrokerOffset = 13;
inline constexpr std::int32_t kQueryConsumerOffset = 14;
inline constexpr std::int32_t kUpdateConsumerOffset = 15;
inline constexpr std::int32_t kUpdateAndCreateTopic = 17;
inline constexpr std::int32_t kUpdateAndCreateTopicList = 18;  // 5.x
inline constexpr std::int32_t kGetAllTopicConfig = 21;
inline constexpr std::int32_t kGetTopicConfigList = 22;
inline constexpr std::int32_t kGetTopicNameList = 23;
inline constexpr std::int32_t kUpdateBrokerConfig = 25;
inline constexpr std::int32_t kGetBrokerConfig = 26;
inline constexpr std::int32_t kTriggerDeleteFiles = 27;
inline constexpr std::int32_t kGetBrokerRuntimeInfo = 28;
inline constexpr std::int32_t kSearchOffsetByTimestamp = 29;
inline constexpr std::int32_t kGetMaxOffset = 30;
inline constexpr std::int32_t kGetMinOffset = 31;
inline constexpr std::int32_t kGetEarliestMsgStoretime = 32;
inline constexpr std::int32_t kViewMessageById = 33;
inline constexpr std::int32_t kHeartBeat = 34;
inline constexpr std::int32_t kUnregisterClient = 35;
inline constexpr std::int32_t kConsumerSendMsgBack = 36;
inline constexpr std::int32_t kEndTransaction = 37;
inline constexpr std::int32_t kGetConsumerListByGroup = 38;
inline constexpr std::int32_t kCheckTransactionState = 39;
inline constexpr std::int32_t kNotifyConsumerIdsChanged = 40;
inline constexpr std::int32_t kLockBatchMq = 41;
inline constexpr std::int32_t kUnlockBatchMq = 42;
inline constexpr std::int32_t kGetAllConsumerOffset = 43;
inline constexpr std::int32_t kGetAllDelayOffset = 45;
inline constexpr std::int32_t kCheckClientConfig = 46;
inline constexpr std::int32_t kGetClientConfig = 47;  // 5.x
inline constexpr std::int32_t kUpdateAndCreateAclConfig = 50;  // 4.x – 5.3.2 (ACL 1.0; removed in 5.3.3)
inline constexpr std::int32_t kDeleteAclConfig = 51;  // 4.x – 5.3.2 (ACL 1.0; removed in 5.3.3)
inline constexpr std::int32_t kGetBrokerClusterAclInfo = 52;  // 4.x – 5.3.2 (ACL 1.0; removed in 5.3.3)
inline constexpr std::int32_t kUpdateGlobalWhiteAddrsConfig = 53;  // 4.x – 5.3.2 (ACL 1.0; removed in 5.3.3)
inline constexpr std::int32_t kGetTimerCheckPoint = 60;  // 5.x
inline constexpr std::int32_t kGetTimerMetrics = 61;  // 5.x
inline constexpr std::int32_t kPutKvConfig = 100;
inline constexpr std::int32_t kGetKvConfig = 101;
inline constexpr std::int32_t kDeleteKvConfig = 102;
inline constexpr std::int32_t kRegisterBroker = 103;
inline constexpr std::int32_t kUnregisterBroker = 104;
inline constexpr std::int32_t kGetRouteinfoByTopic = 105;
inline constexpr std::int32_t kGetBrokerClusterInfo = 106;
inline constexpr std::int32_t kUpdateAndCreateSubscriptiongroup = 200;
inline constexpr std::int32_t kGetAllSubscriptiongroupConfig = 201;
inline constexpr std::int32_t kGetTopicStatsInfo = 202;
inline constexpr std::int32_t kGetConsumerConnectionList = 203;
inline constexpr std::int32_t kGetProducerConnectionList = 204;
inline constexpr std::int32_t kWipeWritePermOfBroker = 205;
inline constexpr std::int32_t kGetAllTopicListFromNameserver = 206;
inline constexpr std::int32_t kDeleteSubscriptiongroup = 207;
inline constexpr std::int32_t kGetConsumeStats = 208;
inline constexpr std::int32_t kSuspendConsumer = 209;
inline constexpr std::int32_t kResumeConsumer = 210;
inline constexpr std::int32_t kResetConsumerOffsetInConsumer = 211;
inline constexpr std::int32_t kResetConsumerOffsetInBroker = 212;
inline constexpr std::int32_t kAdjustConsumerThreadPool = 213;
inline constexpr std::int32_t kWhoConsumeTheMessage = 214;
inline constexpr std::int32_t kDeleteTopicInBroker = 215;
inline constexpr std::int32_t kDeleteTopicInNamesrv = 216;
inline constexpr std::int32_t kRegisterTopicInNamesrv = 217;  // 5.x
inline constexpr std::int32_t kGetKvlistByNamespace = 219;
inline constexpr std::int32_t kResetConsumerClientOffset = 220;
inline constexpr std::int32_t kGetConsumerStatusFromClient = 221;
inline constexpr std::int32_t kInvokeBrokerToResetOffset = 222;
inline constexpr std::int32_t kInvokeBrokerToGetConsumerStatus = 223;
inline constexpr std::int32_t kGetTopicsByCluster = 224;
inline constexpr std::int32_t kUpdateAndCreateSubscriptiongroupList = 225;  // 5.x
inline constexpr std::int32_t kQueryTopicConsumeByWho = 300;
inline constexpr std::int32_t kRegisterFilterServer = 301;
inline constexpr std::int32_t kRegisterMessageFilterClass = 302;
inline constexpr std::int32_t kQueryConsumeTimeSpan = 303;
inline constexpr std::int32_t kGetSystemTopicListFromNs = 304;
inline constexpr std::int32_t kGetSystemTopicListFromBroker = 305;
inline constexpr std::int32_t kCleanExpiredConsumequeue = 306;
inline constexpr std::int32_t kGetConsumerRunningInfo = 307;
inline constexpr std::int32_t kQueryCorrectionOffset = 308;
inline constexpr std::int32_t kConsumeMessageDirectly = 309;
inline constexpr std::int32_t kSendMessageV2 = 310;
inline constexpr std::int32_t kGetUnitTopicList = 311;
inline constexpr std::int32_t kGetHasUnitSubTopicList = 312;
inline constexpr std::int32_t kGetHasUnitSubUnunitTopicList = 313;
inline constexpr std::int32_t kCloneGroupOffset = 314;
inline constexpr std::int32_t kViewBrokerStatsData = 315;
inline constexpr std::int32_t kCleanUnusedTopic = 316;
inline constexpr std::int32_t kGetBrokerConsumeStats = 317;
inline constexpr std::int32_t kUpdateNamesrvConfig = 318;
inline constexpr std::int32_t kGetNamesrvConfig = 319;
inline constexpr std::int32_t kSendBatchMessage = 320;
inline constexpr std::int32_t kQueryConsumeQueue = 321;
inline constexpr std::int32_t kQueryDataVersion = 322;
inline constexpr std::int32_t kResumeCheckHalfMessage = 323;
inline constexpr std::int32_t kSendReplyMessage = 324;
inline constexpr std::int32_t kSendReplyMessageV2 = 325;
inline constexpr std::int32_t kPushReplyMessageToClient = 326;
inline constexpr std::int32_t kAddWritePermOfBroker = 327;
inline constexpr std::int32_t kGetAllProducerInfo = 328;
inline constexpr std::int32_t kDeleteExpiredCommitlog = 329;
inline constexpr std::int32_t kQueryTopicsByConsumer = 343;  // 5.x
inline constexpr std::int32_t kQuerySubscriptionByConsumer = 345;  // 5.x
inline constexpr std::int32_t kGetTopicConfig = 351;  // 5.x
inline constexpr std::int32_t kGetSubscriptiongroupConfig = 352;  // 5.x
inline constexpr std::int32_t kUpdateAndGetGroupForbidden = 353;  // 5.x
inline constexpr std::int32_t kCheckRocksdbCqWriteProgress = 354;  // 5.x
inline constexpr std::int32_t kExportRocksdbConfigToJson = 355;  // 5.x
inline constexpr std::int32_t kLitePullMessage = 361;  // 5.x
inline constexpr std::int32_t kRecallMessage = 370;  // 5.x
inline constexpr std::int32_t kQueryAssignment = 400;  // 5.x
inline constexpr std::int32_t kSetMessageRequestMode = 401;  // 5.x
inline constexpr std::int32_t kGetAllMessageRequestMode = 402;  // 5.x
inline constexpr std::int32_t kUpdateAndCreateStaticTopic = 513;  // 5.x
inline constexpr std::int32_t kGetBrokerMemberGroup = 901;  // 5.x
inline constexpr std::int32_t kAddBroker = 902;  // 5.x
inline constexpr std::int32_t kRemoveBroker = 903;  // 5.x
inline constexpr std::int32_t kBrokerHeartbeat = 904;  // 5.x
inline constexpr std::int32_t kNotifyMinBrokerIdChange = 905;  // 5.x
inline constexpr std::int32_t kExchangeBrokerHaInfo = 906;  // 5.x
inline constexpr std::int32_t kGetBrokerHaStatus = 907;  // 5.x
inline constexpr std::int32_t kResetMasterFlushOffset = 908;  // 5.x
inline constexpr std::int32_t kControllerAlterSyncStateSet = 1001;  // 5.x
inline constexpr std::int32_t kControllerElectMaster = 1002;  // 5.x
inline constexpr std::int32_t kControllerRegisterBroker = 1003;  // 5.x
inline constexpr std::int32_t kControllerGetReplicaInfo = 1004;  // 5.x
inline constexpr std::int32_t kControllerGetMetadataInfo = 1005;  // 5.x
inline constexpr std::int32_t kControllerGetSyncStateData = 1006;  // 5.x
inline constexpr std::int32_t kGetBrokerEpochCache = 1007;  // 5.x
inline constexpr std::int32_t kNotifyBrokerRoleChanged = 1008;  // 5.x
inline constexpr std::int32_t kUpdateControllerConfig = 1009;  // 5.x
inline constexpr std::int32_t kGetControllerConfig = 1010;  // 5.x
inline constexpr std::int32_t kCleanBrokerData = 1011;  // 5.x
inline constexpr std::int32_t kControllerGetNextBrokerId = 1012;  // 5.x
inline constexpr std::int32_t kControllerApplyBrokerId = 1013;  // 5.x
inline constexpr std::int32_t kUpdateColdDataFlowCtrConfig = 2001;  // 5.x
inline constexpr std::int32_t kRemoveColdDataFlowCtrConfig = 2002;  // 5.x
inline constexpr std::int32_t kGetColdDataFlowCtrInfo = 2003;  // 5.x
inline constexpr std::int32_t kSetCommitlogReadMode = 2004;  // 5.x
inline constexpr std::int32_t kAuthCreateUser = 3001;  // 5.x
inline constexpr std::int32_t kAuthUpdateUser = 3002;  // 5.x
inline constexpr std::int32_t kAuthDeleteUser = 3003;  // 5.x
inline constexpr std::int32_t kAuthGetUser = 3004;  // 5.x
inline constexpr std::int32_t kAuthListUser = 3005;  // 5.x
inline constexpr std::int32_t kAuthCreateAcl = 3006;  // 5.x
inline constexpr std::int32_t kAuthUpdateAcl = 3007;  // 5.x
inline constexpr std::int32_t kAuthDeleteAcl = 3008;  // 5.x
inline constexpr std::int32_t kAuthGetAcl = 3009;  // 5.x
inline constexpr std::int32_t kAuthListAcl = 3010;  // 5.x
inline constexpr std::int32_t kPopMessage = 200050;  // 5.x
inline constexpr std::int32_t kAckMessage = 200051;  // 5.x
inline constexpr std::int32_t kPeekMessage = 200052;  // 5.x
inline constexpr std::int32_t kChangeMessageInvisibletime = 200053;  // 5.x
inline constexpr std::int32_t kNotification = 200054;  // 5.x
inline constexpr std::int32_t kPollingInfo = 200055;  // 5.x
inline constexpr std::int32_t kPopRollback = 200056;  // 5.x
inline constexpr std::int32_t kBatchAckMessage = 200151;  // 5.x
}  // namespace request_code

// The Java constant name of a request code ("SEND_MESSAGE_V2"), or "" if unknown. For logs.
std::string_view request_code_name(std::int32_t code);

}  // namespace ringmq::remoting
