"""Broker consumer side with raw frames (issue 5): PULL_MESSAGE statuses and long polling, tag
filtering, consumer offsets (also across a restart), heartbeats / consumer lists /
NOTIFY_CONSUMER_IDS_CHANGED, send-back to the retry topic and the DLQ, delay levels (and that a
restart does not repeat a delivery), subscription group admin."""
import json
import sys
import threading
import time

import harness as h
from harness import test, run_tests
from broker_util import *  # noqa: F403
from consumer_util import *  # noqa: F403

FAST_LEVELS = ["--delay-levels", "1s 2s 1s 1s 1s"]


def fill(conn, topic, queue, n, tag="TagA", prefix="m"):
    for i in range(n):
        r = send_v2(conn, topic, queue, f"{prefix}{i}".encode(), props(TAGS=tag))
        assert r["code"] == 0, r


@test
def pull_answers_found_not_found_and_offset_moved_like_rocketmq():
    with standalone() as srv:
        port = srv.port
        c = h.Connection(port)
        create_topic(c, "PullT", 4)
        fill(c, "PullT", 0, 3)
        r = pull(c, "g", "PullT", 0, 0)
        assert r["code"] == 0 and r["remark"] == "FOUND", r
        assert [x["body"] for x in records(r["body"])] == [b"m0", b"m1", b"m2"]
        assert r["extFields"] == {"suggestWhichBrokerId": "0", "nextBeginOffset": "3", "minOffset": "0", "maxOffset": "3"}
        r = pull(c, "g", "PullT", 0, 1, max_msgs=1)
        assert [x["body"] for x in records(r["body"])] == [b"m1"] and r["extFields"]["nextBeginOffset"] == "2"
        r = pull(c, "g", "PullT", 0, 3)
        assert (r["code"], r["remark"]) == (PULL_NOT_FOUND, "OFFSET_OVERFLOW_ONE"), r
        r = pull(c, "g", "PullT", 0, 9)
        assert (r["code"], r["extFields"]["nextBeginOffset"]) == (PULL_OFFSET_MOVED, "3"), r
        r = pull(c, "g", "PullT", 1, 0)
        assert (r["code"], r["remark"]) == (PULL_NOT_FOUND, "NO_MESSAGE_IN_QUEUE"), r
        r = pull(c, "g", "PullT", 1, 5)
        assert r["code"] == PULL_OFFSET_MOVED, r
        assert pull(c, "g", "PullT", 4, 0)["code"] == 1  # queueId >= readQueueNums: 4.9 SYSTEM_ERROR
        assert pull(c, "g", "NoSuchTopic", 0, 0)["code"] == 17
        # A ROCKETMQ-encoded pull is answered in kind.
        r = pull(c, "g", "PullT", 0, 0, serialize=h.ROCKETMQ)
        assert r["code"] == 0 and len(records(r["body"])) == 3


@test
def tag_expression_filters_on_the_consume_queue_and_skips_past_filtered_entries():
    with standalone() as srv:
        port = srv.port
        c = h.Connection(port)
        create_topic(c, "TagT", 1)
        for i, tag in enumerate(["TagA", "TagC", "TagB", "TagC"]):
            assert send_v2(c, "TagT", 0, f"t{i}".encode(), props(TAGS=tag))["code"] == 0
        r = pull(c, "g", "TagT", 0, 0, sub="TagA || TagB")
        assert [x["body"] for x in records(r["body"])] == [b"t0", b"t2"] and r["extFields"]["nextBeginOffset"] == "4"
        r = pull(c, "g", "TagT", 0, 3, sub="TagA")
        assert (r["code"], r["remark"], r["extFields"]["nextBeginOffset"]) == (PULL_RETRY_IMMEDIATELY,
                                                                              "NO_MATCHED_MESSAGE", "4"), r


@test
def a_held_pull_is_answered_the_moment_a_matching_message_lands():
    with standalone(cores=2) as srv:
        port = srv.port
        c, sender = h.Connection(port), h.Connection(port)
        create_topic(c, "HoldT", 4)
        for queue in range(4):  # the queues live on both cores; the pulls come in on either
            def send_later():
                time.sleep(0.3)
                send_v2(sender, "HoldT", queue, b"other-tag", props(TAGS="TagX"))  # does not wake TagA pulls
                time.sleep(0.2)
                send_v2(sender, "HoldT", queue, b"wake", props(TAGS="TagA"))
            t = threading.Thread(target=send_later)
            t0 = time.monotonic()
            t.start()
            r = pull(c, "g", "HoldT", queue, 0, sub="TagA", suspend_ms=10000)
            waited = time.monotonic() - t0
            t.join()
            assert r["code"] == 0 and [x["body"] for x in records(r["body"])] == [b"wake"], r
            assert 0.45 < waited < 1.5, waited
        t0 = time.monotonic()
        r = pull(c, "g", "HoldT", 0, 2, suspend_ms=400)
        assert r["code"] == PULL_NOT_FOUND and 0.35 < time.monotonic() - t0 < 1.5, r


@test
def a_huge_suspend_timeout_still_parks_the_pull():
    # Regression: suspendTimeoutMillis went unclamped into the timer (ms * 10^6 overflowed), so the
    # pull was answered PULL_NOT_FOUND at once instead of waiting for a message.
    with standalone(cores=1) as srv:
        port = srv.port
        c, sender = h.Connection(port), h.Connection(port)
        create_topic(c, "HugeSuspendT", 1)

        def send_later():
            time.sleep(0.5)
            send_v2(sender, "HugeSuspendT", 0, b"late", props(TAGS="TagA"))
        t = threading.Thread(target=send_later)
        t0 = time.monotonic()
        t.start()
        r = pull(c, "g", "HugeSuspendT", 0, 0, suspend_ms=(1 << 62) // 1000)
        waited = time.monotonic() - t0
        t.join()
        assert r["code"] == 0 and [x["body"] for x in records(r["body"])] == [b"late"], r
        assert waited > 0.4, waited


@test
def consumer_offsets_commit_query_and_survive_a_restart():
    with standalone() as proc:
        port, store = proc.port, proc.store
        c = h.Connection(port)
        create_topic(c, "OffT", 2)
        fill(c, "OffT", 0, 2)
        # A brand-new group on a young queue: offset 0 (4.9.4; wire README item 9), also for an empty queue.
        assert query_offset(c, "fresh", "OffT", 0)["extFields"]["offset"] == "0"
        assert query_offset(c, "fresh", "OffT", 1)["extFields"]["offset"] == "0"
        assert update_offset(c, "gO", "OffT", 0, 2)["code"] == 0
        update_offset(c, "gO", "OffT", 1, 7, oneway=True)
        pull(c, "gO", "OffT", 0, 2, commit=1)  # the commit flag of a pull stores commitOffset
        time.sleep(0.2)
        assert query_offset(c, "gO", "OffT", 0)["extFields"]["offset"] == "1"
        assert query_offset(c, "gO", "OffT", 1)["extFields"]["offset"] == "7"
        body = json.loads(c.request(GET_ALL_CONSUMER_OFFSET)["body"])
        assert body["offsetTable"]["OffT@gO"] == {"0": 1, "1": 7}, body
        assert proc.stop() == 0
    with standalone(store=store, cores=2) as again:
        c = h.Connection(again.port)
        assert query_offset(c, "gO", "OffT", 0)["extFields"]["offset"] == "1"
        assert query_offset(c, "gO", "OffT", 1)["extFields"]["offset"] == "7"


@test
def bad_offset_commits_and_oversized_heartbeats_are_refused_and_store_nothing():
    with standalone() as proc:
        port, store = proc.port, proc.store
        c = h.Connection(port)
        create_topic(c, "LimT", 2)
        r = update_offset(c, "gL", "NoSuchTopic", 0, 1)
        assert r["code"] == 17 and "not exist" in r["remark"], r  # TOPIC_NOT_EXIST
        for queue, offset in ((2, 1), (-1, 1), (0, -1)):
            r = update_offset(c, "gL", "LimT", queue, offset)
            assert r["code"] == 1 and r["remark"], r  # SYSTEM_ERROR with the reason
        body = json.loads(c.request(GET_ALL_CONSUMER_OFFSET)["body"])
        assert not any(k.endswith("@gL") for k in body["offsetTable"]), body
        subs = [(f"T{i}", "*") for i in range(1025)]  # kConsumerSubscriptionsMax + 1
        r = c.request(HEART_BEAT, body=heartbeat_body("cid-l", "gL", subs))
        assert r["code"] == 1 and "kConsumerSubscriptionsMax" in r["remark"], r
        assert proc.stop() == 0


@test
def heartbeats_build_consumer_lists_and_membership_changes_notify_the_group():
    with standalone(cores=2) as srv:
        port = srv.port
        admin = h.Connection(port)
        create_topic(admin, "HbT", 2)
        a, b = h.Connection(port), h.Connection(port)
        assert a.request(HEART_BEAT, body=heartbeat_body("cid-a", "gH", [("HbT", "*")]))["code"] == 0
        assert b.request(HEART_BEAT, body=heartbeat_body("cid-b", "gH", [("HbT", "TagA")]))["code"] == 0
        note = a.read_frame()
        while note["code"] != NOTIFY_IDS_CHANGED:
            note = a.read_frame()
        assert note["flag"] == 2 and note["extFields"]["consumerGroup"] == "gH", note
        r = admin.request(CONSUMER_LIST, {"consumerGroup": "gH"})
        assert json.loads(r["body"]) == {"consumerIdList": ["cid-a", "cid-b"]}
        conns = json.loads(admin.request(CONSUMER_CONNECTIONS, {"consumerGroup": "gH"})["body"])
        assert {x["clientId"] for x in conns["connectionSet"]} == {"cid-a", "cid-b"}
        # The retry topic of the group exists now; a Java-style pull (no subscription flag) uses the
        # heartbeat's subscription.
        assert pull(admin, "gH", "%RETRY%gH", 0, 0)["code"] in (0, PULL_NOT_FOUND)
        assert pull(a, "gH", "HbT", 0, 0, sys_flag=0)["code"] == PULL_NOT_FOUND
        assert pull(a, "gNone", "HbT", 0, 0, sys_flag=0)["code"] == 24  # SUBSCRIPTION_NOT_EXIST
        b.close()
        deadline = time.time() + 5
        while json.loads(admin.request(CONSUMER_LIST, {"consumerGroup": "gH"})["body"])["consumerIdList"] != ["cid-a"]:
            assert time.time() < deadline
            time.sleep(0.05)
        assert a.request(UNREGISTER_CLIENT, {"clientID": "cid-a", "consumerGroup": "gH"})["code"] == 0
        assert admin.request(CONSUMER_LIST, {"consumerGroup": "gH"})["code"] == 1
        assert admin.request(CONSUMER_CONNECTIONS, {"consumerGroup": "gH"})["code"] == 206


@test
def send_back_goes_to_the_retry_topic_after_its_delay_then_to_the_dlq():
    with standalone(extra=FAST_LEVELS) as srv:
        port = srv.port
        c = h.Connection(port)
        create_topic(c, "BackT", 1)
        fill(c, "BackT", 0, 1, prefix="back")
        rec = records(pull(c, "gB", "BackT", 0, 0)["body"])[0]
        t0 = time.monotonic()
        r = c.request(SEND_BACK, {"offset": rec["phys"], "group": "gB", "delayLevel": 0, "originMsgId": "X",
                                  "originTopic": "BackT", "unitMode": "false", "maxReconsumeTimes": 1})
        assert r["code"] == 0, r
        r = pull(c, "gB", "%RETRY%gB", 0, 0, suspend_ms=5000)
        waited = time.monotonic() - t0
        retry = records(r["body"])[0]
        assert retry["body"] == b"back0" and retry["topic"] == "%RETRY%gB", retry
        assert 0.9 < waited < 3, waited  # level 3 + 0 = 1 s with FAST_LEVELS
        p = properties_dict(retry["properties"])
        assert p["RETRY_TOPIC"] == "BackT" and p["ORIGIN_MESSAGE_ID"] == "X" and p["REAL_TOPIC"] == "%RETRY%gB", p
        r = c.request(SEND_BACK, {"offset": retry["phys"], "group": "gB", "delayLevel": 0, "maxReconsumeTimes": 1})
        assert r["code"] == 0, r
        dlq = records(pull(c, "any", "%DLQ%gB", 0, 0, suspend_ms=3000)["body"])[0]
        assert dlq["body"] == b"back0" and properties_dict(dlq["properties"])["RETRY_TOPIC"] == "BackT"


@test
def delayed_messages_wait_their_level_and_a_restart_does_not_repeat_them():
    with standalone(extra=FAST_LEVELS) as proc:
        port, store = proc.port, proc.store
        c = h.Connection(port)
        create_topic(c, "DelayT", 1)
        t0 = time.monotonic()
        r = send_v2(c, "DelayT", 0, b"later", props(TAGS="TagA", DELAY="2"))
        assert r["code"] == 0 and r["extFields"]["queueId"] == "0", r
        r = pull(c, "gD", "DelayT", 0, 0, suspend_ms=6000)
        waited = time.monotonic() - t0
        assert r["code"] == 0 and records(r["body"])[0]["body"] == b"later", r
        assert 1.9 < waited < 4, waited
        time.sleep(0.3)
        assert json.loads(c.request(GET_ALL_DELAY_OFFSET)["body"])["offsetTable"]["2"] == 1
        assert proc.stop() == 0
    with standalone(store=store, cores=2, extra=FAST_LEVELS) as again:
        time.sleep(3)  # past the first run of every level
        c = h.Connection(again.port)
        assert max_offset(c, "DelayT", 0) == 1


@test
def subscription_groups_are_created_listed_and_deleted():
    with standalone() as srv:
        port = srv.port
        c = h.Connection(port)
        body = json.dumps({"groupName": "gS", "consumeEnable": False, "retryMaxTimes": 3, "retryQueueNums": 1}).encode()
        assert c.request(UPDATE_SUBSCRIPTION_GROUP, body=body)["code"] == 0
        all_groups = json.loads(c.request(201)["body"])["subscriptionGroupTable"]
        assert all_groups["gS"]["retryMaxTimes"] == 3 and not all_groups["gS"]["consumeEnable"]
        create_topic(c, "SubT", 1)
        time.sleep(0.1)
        assert pull(c, "gS", "SubT", 0, 0)["code"] == 16  # consumeEnable=false: NO_PERMISSION
        assert c.request(207, {"groupName": "gS"})["code"] == 0
        assert "gS" not in json.loads(c.request(201)["body"])["subscriptionGroupTable"]


if __name__ == "__main__":
    sys.exit(run_tests())
