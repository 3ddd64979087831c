"""Broker send path against real `ringmq standalone` / `ringmq broker` processes on 127.0.0.1:
sends through the codec read back from the store (VIEW_MESSAGE_BY_ID), batches, validation codes,
topic admin, offset queries, restart, a slave, and a NameServer with two brokers."""
import signal
import sys
import time

import harness as h
from harness import test, run_tests
from broker_util import *  # noqa: F403


def check_stored(conn, reply, topic, body, expect_props):
    rec = view(conn, reply["extFields"]["msgId"])
    assert rec["topic"] == topic and rec["body"] == body, rec
    assert rec["queue_id"] == int(reply["extFields"]["queueId"]), rec
    assert rec["queue_offset"] == int(reply["extFields"]["queueOffset"]), rec
    p = properties_dict(rec["properties"])
    for k, v in expect_props.items():
        assert p.get(k) == v, (k, p)
    assert "WAIT" not in p and p.get("CLUSTER") == "DefaultCluster", p
    return rec


@test
def send_v1_v2_and_read_back_from_store():
    with standalone() as srv:
        port = srv.port
        c = h.Connection(port)
        create_topic(c, "TopicTest")
        for q in range(4):
            for i in range(3):
                r = send_v2(c, "TopicTest", q, b"v2-%d-%d" % (q, i), props(TAGS="TagA", KEYS=f"k{q}-{i}", WAIT="true"))
                assert r["code"] == 0 and int(r["extFields"]["queueOffset"]) == i, r
                assert r["extFields"]["MSG_REGION"] == "DefaultRegion" and r["extFields"]["TRACE_ON"] == "true"
                ip, p, _ = decode_msg_id(r["extFields"]["msgId"])
                assert (ip, p) == ("127.0.0.1", port)
                check_stored(c, r, "TopicTest", b"v2-%d-%d" % (q, i), {"TAGS": "TagA", "KEYS": f"k{q}-{i}"})
        ext = {"producerGroup": "pg", "topic": "TopicTest", "defaultTopic": "TBW102", "defaultTopicQueueNums": 4,
               "queueId": 1, "sysFlag": 0, "bornTimestamp": 1, "flag": 7, "properties": props(UNIQ_KEY="ABC", TAGS="T")}
        r = c.request(SEND_V1, ext, body=b"v1")
        assert r["code"] == 0 and r["extFields"]["transactionId"] == "ABC", r
        rec = check_stored(c, r, "TopicTest", b"v1", {"UNIQ_KEY": "ABC"})
        assert rec["flag"] == 7
        # A ROCKETMQ binary header request gets a binary reply.
        c.opaque += 1
        c.send_raw(h.encode_frame(SEND_V2, {"a": "pg", "b": "TopicTest", "c": "TBW102", "d": "4", "e": "2", "f": "0",
                                            "g": "1", "h": "0", "i": props(TAGS="B")}, b"bin", opaque=c.opaque,
                                  serialize=h.ROCKETMQ))
        f = c.read_frame()
        assert f["serialize"] == h.ROCKETMQ and f["code"] == 0, f
        for q in range(4):
            assert max_offset(c, "TopicTest", q) == 3 + (q == 1) + (q == 2)


@test
def batches_as_320_and_as_310_with_m():
    with standalone() as srv:
        port = srv.port
        c = h.Connection(port)
        create_topic(c, "BatchTest")
        for code, batch in ((SEND_BATCH, None), (SEND_V2, True)):
            msgs = [(b"batch-%d" % i, props(KEYS=f"OrderID{i}", UNIQ_KEY=f"U{code}{i}", WAIT="true", TAGS="Tag"))
                    for i in range(5)]
            before = max_offset(c, "BatchTest", 1)
            r = send_v2(c, "BatchTest", 1, batch_body(msgs), props(WAIT="true"), batch=batch, code=code)
            assert r["code"] == 0, r
            ids = r["extFields"]["msgId"].split(",")
            assert len(ids) == 5 and int(r["extFields"]["queueOffset"]) == before
            for i, mid in enumerate(ids):
                rec = view(c, mid)
                assert rec["body"] == msgs[i][0] and rec["queue_offset"] == before + i, rec
                assert properties_dict(rec["properties"])["UNIQ_KEY"] == f"U{code}{i}"
            assert max_offset(c, "BatchTest", 1) == before + 5


@test
def validation_answers_rocketmq_codes():
    with standalone(extra=["--max-message-bytes", "1024"]) as srv:
        port = srv.port
        c = h.Connection(port)
        create_topic(c, "V")
        create_topic(c, "ReadOnly", perm=4)
        assert send_v2(c, "V", 0, b"x" * 1025)["code"] == 13           # MESSAGE_ILLEGAL: too large
        assert send_v2(c, "bad topic!", 0, b"x")["code"] == 13         # MESSAGE_ILLEGAL: bad name
        assert send_v2(c, "V", 0, b"x", "K\x01" + "v" * 40000 + "\x02")["code"] == 13  # properties too long
        assert send_v2(c, "SCHEDULE_TOPIC_XXXX", 0, b"x")["code"] == 16  # NO_PERMISSION
        assert send_v2(c, "ReadOnly", 0, b"x")["code"] == 16
        assert send_v2(c, "V", 9, b"x")["code"] == 1                    # queue id out of range
        r = c.request(SEND_V2, {"a": "pg"}, body=b"x")
        assert r["code"] == 1 and "null" in r["remark"], r             # missing required field
        r = c.request(SEND_V2, {"a": "pg", "b": "Nope", "c": "NoTemplate", "d": 4, "e": 0, "f": 0, "g": 1, "h": 0},
                      body=b"x")
        assert r["code"] == 17, r                                      # TOPIC_NOT_EXIST
        assert c.request(9999)["code"] == 3


@test
def auto_create_topic_and_admin_requests():
    with standalone() as srv:
        ns, port = srv.ns, srv.port
        c = h.Connection(port)
        r = send_v2(c, "AutoTopic", -1, b"auto")
        assert r["code"] == 0, r
        body = c.request(21)["body"].decode()
        for t in ("TBW102", "AutoTopic", "SELF_TEST_TOPIC", "BenchmarkTest", "OFFSET_MOVED_EVENT", "SCHEDULE_TOPIC_XXXX",
                  "DefaultCluster", "DefaultCluster_REPLY_TOPIC", "broker-a"):
            assert f'"{t}"' in body, t
        wait_route(ns, "AutoTopic", ["broker-a"])
        stats = c.request(202, {"topic": "AutoTopic"})
        assert stats["code"] == 0 and stats["body"].count(b'"queueId"') == 4, stats
        assert c.request(202, {"topic": "Missing"})["code"] == 17
        info = c.request(28)
        assert info["code"] == 0 and b'"msgPutTotalTodayNow":"1"' in info["body"], info["body"]
        t0 = int(time.time() * 1000)
        assert c.request(29, {"topic": "AutoTopic", "queueId": int(r["extFields"]["queueId"]), "timestamp": 0})["code"] == 0
        e = c.request(32, {"topic": "AutoTopic", "queueId": int(r["extFields"]["queueId"])})
        assert 0 < int(e["extFields"]["timestamp"]) <= t0 + 1000, e
        assert c.request(31, {"topic": "AutoTopic", "queueId": 0})["extFields"]["offset"] == "0"
        assert c.request(215, {"topic": "AutoTopic"})["code"] == 0
        assert '"AutoTopic"' not in c.request(21)["body"].decode()


@test
def update_topic_replies_only_after_the_nameserver_has_the_new_queue_counts():
    # BenchmarkTest starts with 1024 queues; a client that shrinks it and then asks for the route
    # must not be handed the old counts (it would send to queues the broker no longer has).
    with standalone() as srv:
        ns, port = srv.ns, srv.port
        c, n = h.Connection(port), h.Connection(ns)
        wait_route(ns, "BenchmarkTest", ["broker-a"])
        for queues in (8, 16, 8, 3):
            create_topic(c, "BenchmarkTest", queues)
            route = n.request(105, {"topic": "BenchmarkTest"})
            assert route["code"] == 0, route
            assert f'"writeQueueNums":{queues}'.encode() in route["body"], (queues, route["body"])


@test
def restart_keeps_topics_and_messages():
    with standalone(cores=2) as proc:
        store = proc.store
        c = h.Connection(proc.port)
        create_topic(c, "Durable", queues=3)
        replies = [send_v2(c, "Durable", i % 3, b"m%d" % i, props(TAGS="T")) for i in range(30)]
        assert all(r["code"] == 0 for r in replies)
        c.close()
        assert proc.stop(signal.SIGTERM) == 0, proc.log_text()
    # Restart asking for 1 core: the store's recorded shard count (2) wins.
    with standalone(store=store, cores=1) as proc2:
        c = h.Connection(proc2.port)
        assert '"Durable"' in c.request(21)["body"].decode()
        for i, r in enumerate(replies):
            _, _, off = decode_msg_id(r["extFields"]["msgId"])
            rec = parse_record(c.request(VIEW_MESSAGE_BY_ID, {"offset": off})["body"])
            assert rec["body"] == b"m%d" % i and rec["queue_offset"] == int(r["extFields"]["queueOffset"])
        assert [max_offset(c, "Durable", q) for q in range(3)] == [10, 10, 10]
        assert "created with 2 shards" in proc2.log_text(), proc2.log_text()


@test
def slave_refuses_sends():
    with standalone() as srv, broker(srv.ns, "broker-a", extra=["--broker-id", "1", "--role", "slave"]) as slave:
        sport = slave.port
        c = h.Connection(sport)
        create_topic(c, "S")
        r = send_v2(c, "S", 0, b"x")
        assert r["code"] == 14, r  # SERVICE_NOT_AVAILABLE


@test
def namesrv_with_two_brokers():
    with standalone() as a, broker(a.ns, "broker-b") as pb:
        ns, port_a, port_b = a.ns, a.port, pb.port
        for port in (port_a, port_b):
            c = h.Connection(port)
            create_topic(c, "TwoBrokers")
            assert send_v2(c, "TwoBrokers", 0, b"x")["code"] == 0
        wait_route(ns, "TwoBrokers", ["broker-a", "broker-b"])
        n = h.Connection(ns)
        assert pb.stop(signal.SIGTERM) == 0
        # broker-b unregistered on its clean stop
        route = n.request(105, {"topic": "TwoBrokers"})
        assert b"broker-b" not in route["body"], route


if __name__ == "__main__":
    sys.exit(run_tests())
