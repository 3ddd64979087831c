// AdminSession: what every `ringmq admin` command talks through (Java's DefaultMQAdminExt). It owns
// a ClientInstance (NameServers from -n, else $NAMESRV_ADDR, as mqadmin), makes synchronous calls
// to NameServers and brokers, and turns a refused call into an error that names the peer and the
// RocketMQ response code, e.g. "broker 127.0.0.1:10911: TOPIC_NOT_EXIST (17): topic[x] not exist".
//
// Threading: the command's thread only (the ClientInstance does the I/O on its own thread).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "client/client_instance.h"
#include "client/mq_admin.h"
#include "client/topic_route.h"
#include "protocol/fastjson.h"
#include "remoting/acl_signature.h"
#include "remoting/command.h"

namespace ringmq::cli {

// Admin replies are read with the one fastjson reader.
using protocol::JsonValue;
using protocol::parse_fastjson;

// mqadmin's default RPC timeout (DefaultMQAdminExt#timeoutMillis).
inline constexpr std::int64_t kAdminCallTimeoutMs = 5000;

struct ClusterInfo {
  // brokerName -> its BrokerData (cluster, addresses by id)
  std::map<std::string, client::BrokerData> brokers;
  // clusterName -> brokerNames
  std::map<std::string, std::vector<std::string>> clusters;
};

class AdminSession {
 public:
  // `namesrv_domain`: the address server asked when neither -n nor $NAMESRV_ADDR names one.
  // `credentials` sign every request (ACL 1.0); without an access key the environment's are used.
  static Result<std::unique_ptr<AdminSession>> open(const std::string& namesrv_addr, const std::string& namesrv_domain,
                                                    const remoting::AclCredentials& credentials = {});
  ~AdminSession();

  client::ClientInstance& instance() { return *instance_; }
  // The last refused call, for --json error output.
  const std::optional<client::AdminCallFailure>& last_failure() const { return failure_; }
  // A refusal seen by a call made through the client library (client/mq_admin.h).
  void note_failure(client::AdminCallFailure f) { failure_ = std::move(f); }

  // The answer if its code is SUCCESS (or one of `also_ok`); otherwise an error naming the peer
  // and the code. A transport failure names the peer too.
  Result<remoting::RemotingCommand> call_broker(const std::string& addr, remoting::RemotingCommand request,
                                                std::vector<std::int32_t> also_ok = {});
  Result<remoting::RemotingCommand> call_namesrv(remoting::RemotingCommand request,
                                                 std::vector<std::int32_t> also_ok = {});
  // One given NameServer (writes that every NameServer must see, e.g. DELETE_TOPIC_IN_NAMESRV).
  Result<remoting::RemotingCommand> call_namesrv_at(const std::string& addr, remoting::RemotingCommand request);
  std::vector<std::string> namesrv_addrs() const { return instance_->namesrv_addrs(); }

  Result<ClusterInfo> cluster_info();
  Result<client::TopicRouteData> topic_route(const std::string& topic);
  // The master addresses of every broker group of `cluster` (CommandUtil#fetchMasterAddrByClusterName).
  Result<std::vector<std::string>> master_addrs_of_cluster(const std::string& cluster);
  // Every address (masters and slaves) of `cluster`.
  Result<std::vector<std::string>> broker_addrs_of_cluster(const std::string& cluster);
  // The brokerName serving `addr`, or the address itself if the NameServer does not know it.
  std::string broker_name_of(const std::string& addr);

  // A JSON body parsed (fastjson forms accepted); errors name the request's peer.
  static Result<JsonValue> parse_body(const remoting::RemotingCommand& response, const std::string& what);

  // A request with our serialization and empty extFields.
  static remoting::RemotingCommand request(std::int32_t code);

 private:
  explicit AdminSession(std::shared_ptr<client::ClientInstance> instance) : instance_(std::move(instance)) {}
  Result<remoting::RemotingCommand> check(const std::string& peer, Result<remoting::RemotingCommand> response,
                                          const std::vector<std::int32_t>& also_ok);

  std::shared_ptr<client::ClientInstance> instance_;
  std::optional<client::AdminCallFailure> failure_;
  std::optional<ClusterInfo> cluster_cache_;
};

}  // namespace ringmq::cli
