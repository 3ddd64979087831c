#include "broker_seam.h"

#include <pthread.h>
#include <signal.h>

#include <utility>

#include "base/clock.h"
#include "base/log.h"
#include "broker/broker_runtime.h"
#include "core_check.h"
#include "protocol/perm.h"
#include "remoting/codec.h"
#include "remoting/message_properties.h"
#include "remoting/message_sysflag.h"
#include "remoting/pull_message_header.h"
#include "remoting/request_code.h"
#include "remoting/send_message_header.h"
#include "remoting/topic_validator.h"

namespace ringmq::broker::testing {

namespace req = remoting::request_code;

void ReplyCapture::on_reply(remoting::RemotingCommand response, std::span<const Bytes> borrowed) {
  // The bytes a connection would carry: one frame, the borrowed slices as its body.
  std::string frame;
  if (borrowed.empty()) {
    if (!CORE_CHECK(remoting::encode_frame(response, frame).ok())) return;
  } else {
    std::size_t body_bytes = 0;
    for (const Bytes& slice : borrowed) body_bytes += slice.size();
    if (!CORE_CHECK(remoting::encode_frame_prefix(response, body_bytes, frame).ok())) return;
    for (const Bytes& slice : borrowed) frame.append(reinterpret_cast<const char*>(slice.data()), slice.size());
  }
  auto decoded = remoting::decode_frame(as_bytes(frame));
  if (!CORE_CHECK(decoded.ok())) return;
  std::lock_guard lock(mutex_);
  const std::int32_t opaque = decoded->opaque;
  CORE_CHECK(!replies_.contains(opaque));  // one reply per request
  replies_.emplace(opaque, std::move(decoded).value());
  order_.push_back(opaque);
  cv_.notify_all();
}

std::optional<remoting::RemotingCommand> ReplyCapture::wait_for(std::int32_t opaque, std::chrono::milliseconds wait) {
  std::unique_lock lock(mutex_);
  if (!cv_.wait_for(lock, wait, [&] { return replies_.contains(opaque); })) return std::nullopt;
  return replies_.at(opaque);
}

bool ReplyCapture::arrived(std::int32_t opaque) {
  std::lock_guard lock(mutex_);
  return replies_.contains(opaque);
}

std::vector<std::int32_t> ReplyCapture::arrival_order() {
  std::lock_guard lock(mutex_);
  return order_;
}

BrokerSeam::BrokerSeam(unsigned cores, const std::function<void(BrokerConfig&)>& tune) {
  config_.store_dir = dir_.sub("store");
  config_.listen_host = "127.0.0.1";
  config_.listen_port = 0;  // the kernel picks; nobody connects
  config_.cores = static_cast<int>(cores);
  config_.commit_log_segment_bytes = kSeamSegmentBytes;
  if (tune) tune(config_);
}

BrokerSeam::~BrokerSeam() { (void)stop(); }

Status BrokerSeam::start() {
  runtime_ = std::make_unique<BrokerRuntime>(config_, StandaloneOptions{});
  started_ = true;
  // start() blocks SIGINT/SIGTERM for its own sigwait (every broker thread inherits the mask); the
  // test thread gets its mask back, so the test binary still stops on Ctrl-C.
  sigset_t before;
  pthread_sigmask(SIG_SETMASK, nullptr, &before);
  Status started = runtime_->start();
  pthread_sigmask(SIG_SETMASK, &before, nullptr);
  return started;
}

Status BrokerSeam::stop() {
  if (!started_ || stopped_) return {};
  stopped_ = true;
  runtime_->request_stop();
  return runtime_->shutdown();
}

std::int32_t BrokerSeam::submit(remoting::RemotingCommand request, unsigned core, std::function<void()> after) {
  const std::int32_t opaque = next_opaque_++;
  request.opaque = opaque;
  auto run = [this, core, r = std::move(request), a = std::move(after)]() mutable {
    Status handled = runtime_->core_state(core).server->dispatch_in_process(std::move(r), capture_);
    CORE_CHECK(handled.ok());
    if (a) a();
  };
  auto task = std::make_unique<std::function<void()>>(std::move(run));
  const Status posted = runtime_->engine().post(core, [t = std::move(task)] { (*t)(); });
  CORE_CHECK(posted.ok());  // the test thread: a refused post shows up as a missing reply too
  return opaque;
}

bool BrokerSeam::run_on_core(unsigned core, std::function<void()> fn) {
  struct Done {
    std::mutex mutex;
    std::condition_variable cv;
    bool ran = false;
  };
  // Shared: if the wait gives up, the task may still run later.
  auto done = std::make_shared<Done>();
  auto task = std::make_unique<std::function<void()>>([done, f = std::move(fn)] {
    f();
    std::lock_guard lock(done->mutex);
    done->ran = true;
    done->cv.notify_all();
  });
  if (!runtime_->engine().post(core, [t = std::move(task)] { (*t)(); }).ok()) return false;
  std::unique_lock lock(done->mutex);
  return done->cv.wait_for(lock, kSeamWaitMax, [&] { return done->ran; });
}

remoting::RemotingCommand send_request(std::string_view topic, std::int32_t queue_id, std::string_view body,
                                       std::string_view properties, std::int32_t code) {
  if (code == 0) code = req::kSendMessageV2;
  remoting::SendMessageRequestHeader h;
  h.producer_group = "seam_producer";
  h.topic = std::string(topic);
  h.default_topic = std::string(remoting::system_topic::kAutoCreateTopicKey);
  h.default_topic_queue_nums = 4;
  h.queue_id = queue_id;
  h.born_timestamp = wall_clock_ms();
  h.properties = std::string(properties);
  auto request = remoting::RemotingCommand::request(code);
  request.has_ext_fields = true;
  remoting::write_send_message_header(code, h, request.ext_fields);
  request.body = std::string(body);
  return request;
}

remoting::RemotingCommand pull_request(std::string_view group, std::string_view topic, std::int32_t queue_id,
                                       std::int64_t offset, std::int32_t max_msg_nums, std::int64_t suspend_ms) {
  namespace psf = remoting::pull_sysflag;
  remoting::PullMessageRequestHeader h;
  h.consumer_group = std::string(group);
  h.topic = std::string(topic);
  h.queue_id = queue_id;
  h.queue_offset = offset;
  h.max_msg_nums = max_msg_nums;
  h.sys_flag = psf::kSubscription | (suspend_ms > 0 ? psf::kSuspend : 0);
  h.suspend_timeout_ms = suspend_ms;
  h.subscription = std::string(1, '*');  // (not = "*": g++ 12 warns -Wrestrict on it, wrongly)
  auto request = remoting::RemotingCommand::request(req::kPullMessage);
  request.has_ext_fields = true;
  remoting::write_pull_message_header(h, request.ext_fields);
  return request;
}

remoting::RemotingCommand send_back_request(std::int64_t offset, std::string_view group, std::int32_t delay_level,
                                            std::int32_t max_reconsume_times) {
  // ConsumerSendMsgBackRequestHeader, field for field as the Java consumer (and src/client) sends it.
  auto request = remoting::RemotingCommand::request(req::kConsumerSendMsgBack);
  request.has_ext_fields = true;
  auto& ext = request.ext_fields;
  ext.set_int("offset", offset);
  ext.append("group", group);
  ext.set_int("delayLevel", delay_level);
  ext.append("unitMode", "false");
  ext.set_int("maxReconsumeTimes", max_reconsume_times);
  return request;
}

remoting::RemotingCommand create_topic_request(std::string_view topic, std::int32_t queues) {
  auto request = remoting::RemotingCommand::request(req::kUpdateAndCreateTopic);
  request.has_ext_fields = true;
  auto& ext = request.ext_fields;
  ext.append("topic", topic);
  ext.append("defaultTopic", remoting::system_topic::kAutoCreateTopicKey);
  ext.set_int("readQueueNums", queues);
  ext.set_int("writeQueueNums", queues);
  ext.set_int("perm", protocol::perm::kReadWrite);
  ext.append("topicFilterType", "SINGLE_TAG");
  return request;
}

Result<std::vector<protocol::StoredMessage>> decode_records(const std::string& body) {
  std::vector<protocol::StoredMessage> out;
  Bytes rest = as_bytes(body);
  while (!rest.empty()) {
    RINGMQ_TRY_ASSIGN(protocol::StoredMessage m, protocol::decode_stored_message(rest));
    rest = rest.subspan(m.total_size);
    out.push_back(m);
  }
  return out;
}

std::string property_of(const protocol::StoredMessage& m, std::string_view key) {
  return std::string(remoting::find_property(m.properties, key).value_or(""));
}

}  // namespace ringmq::broker::testing
