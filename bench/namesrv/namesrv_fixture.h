// Shared by the NameServer benchmarks: a NamesrvProcessor holding `topic_count` topics, each
// served by `broker_count` master brokers, registered the way brokers do it (a REGISTER_BROKER
// request with a plain JSON body and its CRC).
#pragma once

#include <fmt/format.h>

#include <string>
#include <vector>

#include "base/hash.h"
#include "namesrv/namesrv_codes.h"
#include "namesrv/namesrv_processor.h"

namespace ringmq::namesrv::bench {

inline constexpr int kTopicCount = 10'000;
inline constexpr int kBrokerCount = 4;
inline constexpr std::int64_t kNowMs = 1'795'275'133'590;

inline std::string topic_name(int i) { return fmt::format("BenchTopic-{:05d}", i); }

inline remoting::RemotingCommand register_request(int broker, int topic_count, std::int64_t counter) {
  RegisterBrokerBody body;
  body.data_version = {counter, kNowMs, std::nullopt};
  body.topic_configs.reserve(static_cast<std::size_t>(topic_count));
  for (int i = 0; i < topic_count; ++i) {
    body.topic_configs.push_back({topic_name(i), 8, 8, protocol::perm::kReadWrite, "SINGLE_TAG", 0, false});
  }
  remoting::RemotingCommand cmd = remoting::RemotingCommand::request(request_code::kRegisterBroker);
  cmd.body = protocol::encode_register_broker_body(body, false);
  const char name = static_cast<char>('a' + broker);
  cmd.ext_fields.set("brokerName", fmt::format("broker-{}", name));
  cmd.ext_fields.set("brokerAddr", fmt::format("10.0.0.{}:10911", broker + 1));
  cmd.ext_fields.set("clusterName", "DefaultCluster");
  cmd.ext_fields.set("haServerAddr", fmt::format("10.0.0.{}:10912", broker + 1));
  cmd.ext_fields.set("brokerId", "0");
  cmd.ext_fields.set("compressed", "false");
  cmd.ext_fields.set_int("bodyCrc32", crc32(cmd.body) & 0x7FFFFFFFu);
  return cmd;
}

// Registers every broker; returns false if any register failed.
inline bool register_all(NamesrvProcessor& processor, int topic_count = kTopicCount, int broker_count = kBrokerCount) {
  for (int b = 0; b < broker_count; ++b) {
    const auto reply = processor.process(register_request(b, topic_count, 1), static_cast<ConnectionId>(b + 1), kNowMs);
    if (reply.code != response_code::kSuccess) return false;
  }
  return true;
}

inline remoting::RemotingCommand route_request(const std::string& topic, std::int32_t version) {
  remoting::RemotingCommand cmd = remoting::RemotingCommand::request(request_code::kGetRouteinfoByTopic);
  cmd.version = version;
  cmd.ext_fields.set("topic", topic);
  return cmd;
}

}  // namespace ringmq::namesrv::bench
