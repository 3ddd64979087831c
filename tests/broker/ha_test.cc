// Replication pieces without sockets: the HA frame codec, the slaves' offset bookkeeping, and a
// master store streamed into a slave store with cut_batch + append_replicated.
#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

#include "../store/shard_harness.h"
#include "../store/test_util.h"
#include "broker/ha/ha_frame.h"
#include "broker/ha/ha_master.h"
#include "broker/ha/replica_acks.h"
#include "broker/ha/slave_read.h"

namespace ringmq::broker::ha {
namespace {

using store::testing::message;
using store::testing::ShardHarness;
using store::testing::small_store_options;
using store::testing::TempDir;

Bytes bytes_of(const std::string& s) { return as_bytes(s); }

TEST_CASE("HA header round-trips and is 32 bytes") {
  HaFrame f;
  f.kind = HaKind::data;
  f.shard = 3;
  f.shard_count = 4;
  f.body_bytes = 1234;
  f.offset = (std::int64_t{3} << 48) + 99;
  f.flags = kHaFlagBlankTail;
  const std::string h = encode_ha_header(f);
  REQUIRE(h.size() == kHaHeaderBytes);
  CHECK(static_cast<std::uint8_t>(h[0]) == 0x52);  // "RMHA", big-endian
  auto d = decode_ha_header(bytes_of(h), 4096);
  REQUIRE(d.ok());
  CHECK(d->kind == HaKind::data);
  CHECK(d->shard == 3);
  CHECK(d->shard_count == 4);
  CHECK(d->body_bytes == 1234);
  CHECK(d->offset == f.offset);
  CHECK(d->flags == kHaFlagBlankTail);
}

TEST_CASE("HA header refuses garbage") {
  HaFrame f;
  f.kind = HaKind::report;
  f.offset = 10;
  std::string h = encode_ha_header(f);
  SUBCASE("magic") {
    h[0] = 'G';
    CHECK_FALSE(decode_ha_header(bytes_of(h), 0).ok());
  }
  SUBCASE("version") {
    h[4] = 9;
    CHECK_FALSE(decode_ha_header(bytes_of(h), 0).ok());
  }
  SUBCASE("kind") {
    h[5] = 99;
    CHECK_FALSE(decode_ha_header(bytes_of(h), 0).ok());
  }
  SUBCASE("a body where none belongs") {
    f.body_bytes = 1;
    CHECK_FALSE(decode_ha_header(bytes_of(encode_ha_header(f)), 1 << 20).ok());
  }
  SUBCASE("a data body over the limit") {
    f.kind = HaKind::data;
    f.body_bytes = 4097;
    CHECK_FALSE(decode_ha_header(bytes_of(encode_ha_header(f)), 4096).ok());
    f.body_bytes = 4096;
    CHECK(decode_ha_header(bytes_of(encode_ha_header(f)), 4096).ok());
  }
  SUBCASE("the empty offset outside a hello") {
    f.offset = kHaOffsetEmpty;
    CHECK_FALSE(decode_ha_header(bytes_of(encode_ha_header(f)), 0).ok());
    f.kind = HaKind::hello;
    CHECK(decode_ha_header(bytes_of(encode_ha_header(f)), 0).ok());
  }
  SUBCASE("too short") { CHECK_FALSE(decode_ha_header(bytes_of(h.substr(0, 31)), 0).ok()); }
}

TEST_CASE("HaFrameReader reassembles frames split anywhere") {
  std::string stream;
  for (int i = 0; i < 3; ++i) {
    HaFrame f;
    f.kind = HaKind::data;
    f.offset = i * 100;
    const std::string body(static_cast<std::size_t>(10 + i), static_cast<char>('a' + i));
    f.body_bytes = static_cast<std::uint32_t>(body.size());
    stream += encode_ha_header(f) + body;
  }
  for (std::size_t chunk : {std::size_t{1}, std::size_t{7}, std::size_t{33}, stream.size()}) {
    HaFrameReader reader(1024);
    std::vector<std::pair<std::int64_t, std::string>> got;
    for (std::size_t pos = 0; pos < stream.size(); pos += chunk) {
      reader.append(bytes_of(stream.substr(pos, chunk)));
      for (;;) {
        auto next = reader.next();
        REQUIRE(next.ok());
        if (!*next) break;
        got.emplace_back((*next)->first.offset, std::string(as_string_view((*next)->second)));
      }
    }
    REQUIRE(got.size() == 3);
    CHECK(got[2].first == 200);
    CHECK(got[2].second == std::string(12, 'c'));
    CHECK(reader.buffered() == 0);
  }
  HaFrameReader bad(1024);
  bad.append(bytes_of(std::string(40, 'x')));
  CHECK_FALSE(bad.next().ok());
}

TEST_CASE("ReplicaAcks keeps the best slave and forgets a gone one") {
  ReplicaAcks acks;
  CHECK(acks.max_acked() == -1);
  CHECK_FALSE(acks.any_in_sync(0, 100));
  CHECK(acks.fallbehind(500, 0) == 500);
  acks.update(1, 100);
  acks.update(2, 300);
  acks.update(2, 200);  // offsets never go back
  CHECK(acks.slaves() == 2);
  CHECK(acks.max_acked() == 300);
  CHECK(acks.any_in_sync(350, 100));
  CHECK_FALSE(acks.any_in_sync(400, 100));  // exactly the limit behind: not in sync (RocketMQ: <)
  CHECK(acks.fallbehind(400, 0) == 100);
  acks.forget(2);
  CHECK(acks.max_acked() == 100);
  acks.forget(1);
  CHECK(acks.slaves() == 0);
  CHECK_FALSE(acks.any_in_sync(100, 1000));
}

std::string segment_bytes(const store::CommitLog& log) {
  std::string out;
  for (std::size_t i = 0; i < log.segment_count(); ++i) {
    const auto& seg = log.segment_at(i);
    out.append(reinterpret_cast<const char*>(seg->data()), seg->size());
  }
  return out;
}

// Streams everything `master` has past the slave's end into `slave`, batch by batch.
void replicate(const store::ShardStore& master, store::ShardStore& slave, std::size_t batch_bytes) {
  std::int64_t from = slave.commit_log().segment_count() == 0 ? master.commit_log().min_offset().value
                                                              : slave.commit_log().write_offset().value;
  for (;;) {
    auto b = cut_batch(master.commit_log(), from, batch_bytes);
    REQUIRE(b.ok());
    if (!*b) break;
    auto r = slave.append_replicated(store::PhysicalOffset{from}, (*b)->slice.bytes());
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().to_string()));
    from = (*b)->next;
    CHECK(slave.commit_log().write_offset().value == from);
  }
}

TEST_CASE("a master's log streamed in batches makes a byte-identical slave with the same queues") {
  TempDir dm, ds;
  ShardHarness master(dm.path(), small_store_options());
  ShardHarness slave(ds.path(), small_store_options());
  std::vector<std::string> bodies;
  for (int i = 0; i < 120; ++i) bodies.push_back(std::string(50 + (i * 37) % 300, static_cast<char>('a' + i % 26)));
  const std::string tags = std::string("TAGS\001t\002");
  for (int i = 0; i < 60; ++i) REQUIRE(master.shard->put(message("T", i % 2, bodies[i], tags), 1700000000000 + i).ok());
  replicate(*master.shard, *slave.shard, 700);
  for (int i = 60; i < 120; ++i) REQUIRE(master.shard->put(message("T", i % 2, bodies[i], tags), 1700000000000 + i).ok());
  replicate(*master.shard, *slave.shard, 1);  // one record per batch
  REQUIRE(master.shard->commit_log().segment_count() > 3);  // crossed segment ends
  CHECK(slave.shard->commit_log().write_offset() == master.shard->commit_log().write_offset());
  CHECK(segment_bytes(slave.shard->commit_log()) == segment_bytes(master.shard->commit_log()));
  for (int q = 0; q < 2; ++q) {
    CHECK(slave.shard->max_offset("T", store::QueueId{q}) == store::QueueOffset{60});
    auto got = slave.shard->get_messages("T", store::QueueId{q}, store::QueueOffset{59}, 1, 1 << 20, {});
    REQUIRE(got.status == store::GetStatus::found);
    CHECK(got.messages[0].offset.value > 0);
  }
  // A restarted slave resumes from its own end.
  slave.close_clean();
  slave.open();
  for (int i = 0; i < 10; ++i) REQUIRE(master.shard->put(message("T", 0, bodies[i], tags), 1700000001000 + i).ok());
  replicate(*master.shard, *slave.shard, 4096);
  CHECK(segment_bytes(slave.shard->commit_log()) == segment_bytes(master.shard->commit_log()));
  CHECK(slave.shard->max_offset("T", store::QueueId{0}) == store::QueueOffset{70});
}

TEST_CASE("append_replicated refuses misplaced or broken bytes and writes nothing") {
  TempDir dm, ds;
  ShardHarness master(dm.path(), small_store_options());
  ShardHarness slave(ds.path(), small_store_options());
  const std::string body(100, 'x');
  for (int i = 0; i < 3; ++i) REQUIRE(master.shard->put(message("T", 0, body), 1700000000000 + i).ok());
  auto b = cut_batch(master.shard->commit_log(), 0, 1 << 20);
  REQUIRE(b.ok());
  REQUIRE(*b);
  const Bytes all = (*b)->slice.bytes();
  SUBCASE("not at the slave's end") {
    CHECK_FALSE(slave.shard->append_replicated(store::PhysicalOffset{8192}, all).ok());  // a later segment
    REQUIRE(slave.shard->append_replicated(store::PhysicalOffset{0}, all.subspan(0, all.size() / 3)).ok());
    CHECK_FALSE(slave.shard->append_replicated(store::PhysicalOffset{0}, all).ok());
  }
  SUBCASE("a cut record") {
    CHECK_FALSE(slave.shard->append_replicated(store::PhysicalOffset{0}, all.subspan(0, all.size() - 1)).ok());
    CHECK(slave.shard->commit_log().segment_count() == 0);
  }
  SUBCASE("records that say they live elsewhere") {
    const std::size_t one = all.size() / 3;
    CHECK_FALSE(slave.shard->append_replicated(store::PhysicalOffset{0}, all.subspan(one, one)).ok());
  }
  SUBCASE("garbage") {
    std::string junk(64, '\x7f');
    CHECK_FALSE(slave.shard->append_replicated(store::PhysicalOffset{0}, as_bytes(junk)).ok());
    CHECK(slave.shard->commit_log().write_offset().value == 0);
  }
}

}  // namespace
}  // namespace ringmq::broker::ha

namespace ringmq::broker::ha {
namespace {

TEST_CASE("suggestWhichBrokerId follows RocketMQ's slaveReadEnable rule") {
  BrokerConfig config;
  protocol::SubscriptionGroupConfig group;
  group.broker_id = 0;
  group.which_broker_when_consume_slowly = 2;
  store::GetResult r;
  store::MessageRange m;
  m.offset = store::PhysicalOffset{1000};
  r.messages.push_back(m);
  const std::int64_t ram = 10'000;  // 40 % of it: 4000 bytes
  CHECK(suggest_broker_id(config, GroupReadTargets::of(&group), r, 100'000, ram) == 0);  // slaveReadEnable off: the master
  config.slave_read_enable = true;
  CHECK(suggest_broker_id(config, GroupReadTargets::of(&group), r, 100'000, ram) == 2);  // lagging: the slow-consumer broker
  CHECK(suggest_broker_id(config, GroupReadTargets::of(&group), r, 5000, ram) == 0);     // 4000 behind: not past the ratio
  CHECK(suggest_broker_id(config, GroupReadTargets::of(&group), r, 5001, ram) == 2);
  CHECK(suggest_broker_id(config, GroupReadTargets::of(nullptr), r, 100'000, ram) == 1);  // no group config: RocketMQ's defaults
  store::GetResult none;
  CHECK(suggest_broker_id(config, GroupReadTargets::of(&group), none, 100'000, ram) == 0);  // nothing read: not lagging
  group.broker_id = 1;
  CHECK(suggest_broker_id(config, GroupReadTargets::of(&group), none, 100'000, ram) == 1);  // the group's preferred broker
}

}  // namespace
}  // namespace ringmq::broker::ha
