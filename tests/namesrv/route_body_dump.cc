// Prints the GET_ROUTEINFO_BY_TOPIC body ringmq sends for topic "TopicTest" with broker-a (master
// + slave) and broker-b registered: first as an old client (version 121, ali-ons) gets it, then
// as a 4.9.4 Java client does. alions_route_decode.js feeds both to ali-ons's own route code.
#include <cstdio>

#include "base/hash.h"
#include "base/log.h"
#include "namesrv/namesrv_codes.h"
#include "namesrv/namesrv_processor.h"

namespace {

using ringmq::remoting::RemotingCommand;
using namespace ringmq::namesrv;

RemotingCommand register_request(const char* name, int id, const char* addr) {
  RegisterBrokerBody body;
  body.data_version = {1, 1, std::nullopt};
  body.topic_configs.push_back({"TopicTest", 4, 4, ringmq::protocol::perm::kReadWrite, "SINGLE_TAG", 0, false});
  RemotingCommand cmd = RemotingCommand::request(request_code::kRegisterBroker);
  cmd.body = ringmq::protocol::encode_register_broker_body(body, false);
  cmd.ext_fields.set("brokerName", name);
  cmd.ext_fields.set("brokerAddr", addr);
  cmd.ext_fields.set("clusterName", "DefaultCluster");
  cmd.ext_fields.set("haServerAddr", "127.0.0.1:10912");
  cmd.ext_fields.set_int("brokerId", id);
  return cmd;
}

}  // namespace

int main() {
  ringmq::set_log_level(ringmq::LogLevel::warn);
  NamesrvProcessor processor;
  processor.process(register_request("broker-a", 0, "127.0.0.1:10911"), 1, 0);
  processor.process(register_request("broker-a", 1, "127.0.0.1:10921"), 2, 0);
  processor.process(register_request("broker-b", 0, "127.0.0.1:10931"), 3, 0);
  for (const std::int32_t version : {121, 401}) {
    RemotingCommand route = RemotingCommand::request(request_code::kGetRouteinfoByTopic);
    route.version = version;
    route.ext_fields.set("topic", "TopicTest");
    const RemotingCommand reply = processor.process(route, 4, 0);
    if (reply.code != response_code::kSuccess) return 1;
    std::printf("%s\n", reply.body.c_str());
  }
  return 0;
}
