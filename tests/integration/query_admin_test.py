"""Message query by key and unique key (QUERY_MESSAGE over every shard's IndexFile, after a restart,
with an expired time range, retry/DLQ topics), decoded by the project's client (`ringmq admin`), and
the admin and runtime codes the Java tools call, their replies decoded as the Java client does.
Clients the broker calls back (220, 221, 307, 309) are played by a raw connection here."""
import json
import os
import re
import subprocess
import sys
import threading
import time

import harness as h
from broker_util import create_topic, props, send_v2, parse_record, standalone
from consumer_util import HEART_BEAT, SEND_BACK, heartbeat_body, pull, records, update_offset

QUERY_MESSAGE, QUERY_NOT_FOUND, GET_BROKER_RUNTIME_INFO, GET_BROKER_CONFIG = 12, 22, 28, 26
CHECK_CLIENT_CONFIG, RESET_CLIENT, STATUS_FROM_CLIENT = 46, 220, 221
INVOKE_RESET, INVOKE_STATUS, GET_PRODUCER_CONNECTIONS = 222, 223, 204
CONSUME_BY_WHO, TIME_SPAN, RUNNING_INFO, CONSUME_DIRECTLY, CLONE_OFFSET = 300, 303, 307, 309, 314
TOPIC, QUEUES = "QueryT", 8
ADMIN_TIMEOUT_S = 60
_env = {}


def admin(*args):
    cmd = [h.RINGMQ, "admin", *args, "-n", _env["namesrv"], "--json"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=ADMIN_TIMEOUT_S)
    assert p.returncode == 0, f"{cmd} -> {p.returncode}\nstdout: {p.stdout}\nstderr: {p.stderr}"
    return json.loads(p.stdout)


def query(conn, key, unique=False, begin=0, end=2**62, max_num=64, topic=TOPIC):
    ext = {"topic": topic, "key": key, "maxNum": max_num, "beginTimestamp": begin, "endTimestamp": end}
    if unique:
        ext["_UNIQUE_KEY_QUERY"] = "true"
    return conn.request(QUERY_MESSAGE, ext)


def decoded(body):
    out, pos = [], 0
    while pos < len(body):
        size = int.from_bytes(body[pos:pos + 4], "big")
        out.append(parse_record(body[pos:pos + size]))
        pos += size
    return out


def wait_for(predicate, what, timeout_s=30):
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def kv_table(body):
    return json.loads(body)["table"]


def wait_registered():
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if admin("clusterList")["brokers"]:
            return
        time.sleep(0.2)
    raise AssertionError("the broker never registered")


def fill(conn):
    """One message per queue, every one with key k-all and its own key; queue 3 also a unique key."""
    create_topic(conn, TOPIC, QUEUES)
    for q in range(QUEUES):
        extra = {"UNIQ_KEY": "AC1100010000000000000000000Q0003"} if q == 3 else {}
        r = send_v2(conn, TOPIC, q, f"body-{q}".encode(), props(KEYS=f"k-all k-{q}", **extra))
        assert r["code"] == 0, r


@h.test
def query_by_key_reads_every_shard_and_answers_rocketmq_header():
    c = h.Connection(_env["port"])
    fill(c)
    r = query(c, "k-all")
    assert r["code"] == 0, r
    found = decoded(r["body"])
    assert sorted(m["queue_id"] for m in found) == list(range(QUEUES)), found
    assert int(r["extFields"]["indexLastUpdateTimestamp"]) >= max(m["store_ts"] for m in found) - 1000
    assert int(r["extFields"]["indexLastUpdatePhyoffset"]) >= 0
    _env["store_ts"] = min(m["store_ts"] for m in found)
    # maxNum caps the answer; a key of one message finds just it.
    assert len(decoded(query(c, "k-all", max_num=3)["body"])) == 3
    assert [m["body"] for m in decoded(query(c, "k-5")["body"])] == [b"body-5"]
    rows = admin("queryMsgByKey", "-t", TOPIC, "-k", "k-all")["messages"]
    assert sorted(r["queueId"] for r in rows) == list(range(QUEUES)), rows


@h.test
def query_by_unique_key_and_view_by_id_fall_back_to_it():
    c = h.Connection(_env["port"])
    r = query(c, "AC1100010000000000000000000Q0003", unique=True)
    assert r["code"] == 0, r
    assert [m["body"] for m in decoded(r["body"])] == [b"body-3"]
    m = admin("queryMsgById", "-i", "AC1100010000000000000000000Q0003", "-t", TOPIC)
    assert (m["body"], m["queueId"], m["keys"]) == ("body-3", 3, "k-all k-3"), m


@h.test
def an_expired_time_range_finds_nothing():
    c = h.Connection(_env["port"])
    r = query(c, "k-all", begin=0, end=_env["store_ts"] - 5000)
    assert r["code"] == QUERY_NOT_FOUND, r
    assert r["remark"] == "can not find message, maybe time range not correct", r
    assert r["extFields"]["indexLastUpdateTimestamp"] == "0", r
    r = query(c, "AC1100010000000000000000000Q0003", unique=True, begin=_env["store_ts"] + 60_000)
    assert r["code"] == QUERY_NOT_FOUND, r
    rows = admin("queryMsgByKey", "-t", TOPIC, "-k", "k-all", "-e", str(_env["store_ts"] - 5000))["messages"]
    assert rows == [], rows


@h.test
def dlq_messages_are_found_under_their_own_topic():
    c = h.Connection(_env["port"])
    rec = decoded(query(c, "k-6")["body"])[0]
    r = c.request(SEND_BACK, {"offset": rec["phys"], "group": "gQ", "delayLevel": -1, "originMsgId": "X",
                              "originTopic": TOPIC, "unitMode": "false", "maxReconsumeTimes": 1})
    assert r["code"] == 0, r
    found = decoded(query(c, "k-6", topic="%DLQ%gQ")["body"])
    assert [(m["topic"], m["body"]) for m in found] == [("%DLQ%gQ", b"body-6")], found


class FakeConsumer:
    """A consumer connection that answers what the broker asks the way the Java client does."""

    def __init__(self, port, group, client_id):
        self.conn = h.Connection(port)
        self.client_id = client_id
        r = self.conn.request(HEART_BEAT, body=heartbeat_body(client_id, group, [(TOPIC, "*")]))
        assert r["code"] == 0, r
        self.seen = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                f = self.conn.read_frame()
            except OSError:
                return
            if f is None:
                return
            if f["flag"] & 1:
                continue
            self.seen.append(f)
            if f["flag"] & 2:
                continue  # oneway (RESET_CONSUMER_CLIENT_OFFSET)
            if f["code"] == RUNNING_INFO:
                body = json.dumps({"properties": {"PROP_CONSUME_TYPE": "CONSUME_PASSIVELY"}, "jstack": None})
            elif f["code"] == CONSUME_DIRECTLY:
                rec = parse_record(f["body"])
                body = json.dumps({"order": False, "autoCommit": True, "consumeResult": "CR_SUCCESS",
                                   "remark": rec["body"].decode(), "spentTimeMills": 1})
            else:  # GET_CONSUMER_STATUS_FROM_CLIENT
                body = ('{"messageQueueTable":{{"brokerName":"broker-a","queueId":0,"topic":"%s"}:7}}' % TOPIC)
            self.conn.send_raw(h.encode_frame(0, {}, body.encode(), opaque=f["opaque"], flag=1))


@h.test
def running_info_and_consume_directly_are_relayed_to_the_client():
    fake = FakeConsumer(_env["port"], "gRelay", "127.0.0.1@relay")
    c = h.Connection(_env["port"])
    r = c.request(RUNNING_INFO, {"consumerGroup": "gRelay", "clientId": "127.0.0.1@relay", "jstackEnable": "false"})
    assert r["code"] == 0 and json.loads(r["body"])["properties"]["PROP_CONSUME_TYPE"] == "CONSUME_PASSIVELY", r
    rec = decoded(query(c, "k-2")["body"])[0]
    msg_id = "7F000001" + ("%08X" % _env["port"]) + ("%016X" % rec["phys"])
    r = c.request(CONSUME_DIRECTLY, {"consumerGroup": "gRelay", "clientId": "127.0.0.1@relay", "msgId": msg_id})
    assert r["code"] == 0, r
    assert json.loads(r["body"])["remark"] == "body-2" and json.loads(r["body"])["consumeResult"] == "CR_SUCCESS"
    assert fake.seen[-1]["extFields"]["brokerName"] == "broker-a", fake.seen[-1]
    r = c.request(RUNNING_INFO, {"consumerGroup": "gRelay", "clientId": "nobody", "jstackEnable": "false"})
    assert (r["code"], r["remark"]) == (1, "The Consumer <gRelay> <nobody> not online"), r
    fake.conn.close()


@h.test
def reset_offset_pushes_the_offsets_to_live_clients_and_status_asks_them():
    c = h.Connection(_env["port"])
    for q in range(QUEUES):
        update_offset(c, "gReset", TOPIC, q, 1)
    r = c.request(INVOKE_RESET, {"topic": TOPIC, "group": "gReset", "timestamp": 0, "isForce": "true"})
    assert (r["code"], r["remark"]) == (206, "Consumer not online, so can not reset offset, Group: gReset "
                                             f"Topic: {TOPIC} Timestamp: 0"), r
    fake = FakeConsumer(_env["port"], "gReset", "127.0.0.1@reset")
    r = c.request(INVOKE_RESET, {"topic": TOPIC, "group": "gReset", "timestamp": 0, "isForce": "true"})
    assert r["code"] == 0, r
    assert re.findall(rb"\}:(\d+)", r["body"]) == [b"0"] * QUEUES, r["body"]
    assert b'{"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"QueryT"}:0,' in r["body"], r["body"]
    deadline = time.monotonic() + 10
    while not any(f["code"] == RESET_CLIENT for f in fake.seen) and time.monotonic() < deadline:
        time.sleep(0.05)
    push = [f for f in fake.seen if f["code"] == RESET_CLIENT][0]
    assert push["extFields"]["group"] == "gReset" and push["extFields"]["topic"] == TOPIC, push
    # `ringmq admin resetOffsetByTime` takes the same path while a client is online (as mqadmin).
    rows = admin("resetOffsetByTime", "-g", "gReset", "-t", TOPIC, "-s", "0")["queues"]
    assert sorted((r["queueId"], r["resetOffset"]) for r in rows) == [(q, 0) for q in range(QUEUES)], rows
    wait_for(lambda: len([f for f in fake.seen if f["code"] == RESET_CLIENT]) == 2, "the second push")
    r = c.request(INVOKE_STATUS, {"topic": TOPIC, "group": "gReset", "clientAddr": ""})
    assert r["code"] == 0, r
    assert r["body"].startswith(b'{"consumerTable":{"127.0.0.1@reset":{{"brokerName":"broker-a"'), r["body"]
    r = c.request(INVOKE_STATUS, {"topic": TOPIC, "group": "gNone", "clientAddr": ""})
    assert (r["code"], r["remark"]) == (1, "No Any Consumer online in the consumer group: [gNone]"), r
    fake.conn.close()


@h.test
def time_span_clone_offsets_and_consumers_of_a_topic():
    c = h.Connection(_env["port"])
    update_offset(c, "gSpan", TOPIC, 0, 1)
    r = c.request(TIME_SPAN, {"topic": TOPIC, "group": "gSpan"})
    assert r["code"] == 0, r
    spans = {s["messageQueue"]["queueId"]: s for s in json.loads(r["body"])["consumeTimeSpanSet"]}
    assert len(spans) == QUEUES and spans[0]["messageQueue"]["brokerName"] == "broker-a"
    assert spans[0]["consumeTimeStamp"] == spans[0]["maxTimeStamp"] == spans[0]["minTimeStamp"] > 0, spans[0]
    assert spans[0]["delayTime"] == 0 and spans[1]["delayTime"] > 0, spans
    assert re.fullmatch(r"\d{4}-\d\d-\d\d#\d\d:\d\d:\d\d:\d{3}", spans[0]["minTimeStampStr"]), spans[0]
    r = c.request(TIME_SPAN, {"topic": "NoSuchT", "group": "gSpan"})
    assert (r["code"], r["remark"]) == (17, "topic[NoSuchT] not exist"), r
    r = c.request(CLONE_OFFSET, {"srcGroup": "gSpan", "destGroup": "gClone", "topic": TOPIC, "offline": "true"})
    assert r["code"] == 0, r
    r = c.request(14, {"consumerGroup": "gClone", "topic": TOPIC, "queueId": 0})
    assert (r["code"], r["extFields"]["offset"]) == (0, "1"), r
    groups = json.loads(c.request(CONSUME_BY_WHO, {"topic": TOPIC})["body"])["groupList"]
    assert "gSpan" in groups and "gClone" in groups, groups


@h.test
def check_client_config_refuses_sql92_while_the_property_filter_is_off():
    c = h.Connection(_env["port"])
    sub = {"topic": TOPIC, "subString": "a > 1", "expressionType": "SQL92", "tagsSet": [], "codeSet": [],
           "classFilterMode": False, "subVersion": 1}
    body = json.dumps({"clientId": "x", "group": "g", "subscriptionData": sub}).encode()
    r = c.request(CHECK_CLIENT_CONFIG, {}, body=body)
    assert (r["code"], r["remark"]) == (1, "The broker does not support consumer to filter message by SQL92"), r
    sub["expressionType"] = "TAG"
    r = c.request(CHECK_CLIENT_CONFIG, {}, body=json.dumps({"subscriptionData": sub}).encode())
    assert r["code"] == 0, r
    config = c.request(GET_BROKER_CONFIG)["body"].decode()
    assert "enablePropertyFilter=false\n" in config, config


UPDATE_BROKER_CONFIG = 25


@h.test
def update_broker_config_applies_mutable_keys_live_and_refuses_the_rest():
    c = h.Connection(_env["port"])
    r = c.request(UPDATE_BROKER_CONFIG, {}, body=b"enablePropertyFilter=true\nshortPollingTimeMills=500\n")
    assert r["code"] == 0, r
    got = c.request(GET_BROKER_CONFIG)
    assert "enablePropertyFilter=true\n" in got["body"].decode() and "shortPollingTimeMills=500\n" in got["body"].decode()
    assert json.loads(got["extFields"]["version"])["counter"] == 1, got
    sub = {"topic": TOPIC, "subString": "a > 1", "expressionType": "SQL92"}
    r = c.request(CHECK_CLIENT_CONFIG, {}, body=json.dumps({"subscriptionData": sub}).encode())
    assert r["code"] == 0, r
    # With the filter on, an expression that does not compile is SUBSCRIPTION_PARSE_FAILED (23).
    sub["subString"] = "a > > 1"
    r = c.request(CHECK_CLIENT_CONFIG, {}, body=json.dumps({"subscriptionData": sub}).encode())
    assert r["code"] == 23 and r["remark"], r
    # One bad key refuses the whole update.
    r = c.request(UPDATE_BROKER_CONFIG, {}, body=b"enablePropertyFilter=false\nbrokerName=other\n")
    assert r["code"] == 1 and "brokerName" in r["remark"] and "restart" in r["remark"], r
    r = c.request(UPDATE_BROKER_CONFIG, {}, body=b"shortPollingTimeMills=0\n")
    assert r["code"] == 1 and "shortPollingTimeMills = 0" in r["remark"], r
    assert "enablePropertyFilter=true\n" in c.request(GET_BROKER_CONFIG)["body"].decode()
    r = c.request(UPDATE_BROKER_CONFIG, {}, body=b"enablePropertyFilter=false\n")
    assert r["code"] == 0, r


@h.test
def an_unsupported_code_is_answered_logged_at_warn_and_counted():
    c = h.Connection(_env["port"])
    before = int(kv_table(c.request(GET_BROKER_RUNTIME_INFO)["body"])["unsupportedRequestCodeTotal"])
    r = c.request(329, {})  # DELETE_EXPIRED_COMMITLOG
    assert (r["code"], r["remark"]) == (3, " request type 329 not supported"), r
    table = kv_table(c.request(GET_BROKER_RUNTIME_INFO)["body"])
    after = int(table["unsupportedRequestCodeTotal"])
    # The keys mqadmin brokerStatus prints that 4.9.4 has beside the TPS and pool ones.
    assert table["putMessageFailedTimes"] == "0" and re.fullmatch(r"\d+\.\d\d", table["putLatency99"]), table
    assert re.fullmatch(r"\d+\.\d\d", table["putLatency999"]), table
    assert after == before + 1, (before, after)
    _env["srv"].wait_for_log([r"WARN.*request code 329 \(DELETE_EXPIRED_COMMITLOG\) from 127\.0\.0\.1:\d+ not supported"])


EXAMPLE_CONSUMER = os.environ.get("RINGMQ_EXAMPLE_CONSUMER") or os.path.join(
    os.path.dirname(os.path.abspath(h.RINGMQ)), "..", "..", "examples", "example_push_consumer")


@h.test
def the_project_push_consumer_answers_running_info_status_reset_and_consume_directly():
    env = dict(os.environ, NAMESRV_ADDR=_env["namesrv"])
    out_path = os.path.join(h.temp_dir("cpp-consumer"), "stdout")
    with open(out_path, "wb") as out:
        proc = subprocess.Popen(["stdbuf", "-oL", EXAMPLE_CONSUMER, TOPIC, "gCpp"], stdout=out,
                                stderr=subprocess.STDOUT, env=env)
    h.on_teardown(lambda: proc.poll() is None and proc.kill())
    lines = lambda: open(out_path).read().splitlines()
    try:
        wait_for(lambda: len([l for l in lines() if l.startswith("queue ")]) >= QUEUES, "the first delivery")
        c = h.Connection(_env["port"])
        ids = json.loads(c.request(38, {"consumerGroup": "gCpp"})["body"])["consumerIdList"]
        assert len(ids) == 1, ids
        r = c.request(RUNNING_INFO, {"consumerGroup": "gCpp", "clientId": ids[0], "jstackEnable": "false"})
        assert r["code"] == 0, r
        info = json.loads(re.sub(rb"\{\"brokerName[^}]*\}:", b'"mq":', r["body"]))
        assert info["properties"]["consumerGroup"] == "gCpp", info
        assert sorted(s["topic"] for s in info["subscriptionSet"]) == ["%RETRY%gCpp", TOPIC], info
        assert info["properties"]["PROP_NAMESERVER_ADDR"] == _env["namesrv"], info
        r = c.request(INVOKE_STATUS, {"topic": TOPIC, "group": "gCpp", "clientAddr": ""})
        assert r["code"] == 0 and r["body"].startswith(('{"consumerTable":{"%s":{' % ids[0]).encode()), r
        # Reset to the start: the client drops its queues, commits offset 0 and consumes again. The
        # broker resets only a group whose offsets it has (the client commits every 5 s).
        reset = lambda: c.request(INVOKE_RESET, {"topic": TOPIC, "group": "gCpp", "timestamp": 0, "isForce": "true"})
        wait_for(lambda: reset().get("remark") != "THe consumer group <gCpp> not exist", "the first offset commit")
        wait_for(lambda: len([l for l in lines() if l.startswith("queue ")]) == 2 * QUEUES, "the redelivery")
        assert lines().count("queue 5 offset 0: body-5") == 2, lines()
        rec = decoded(query(c, "k-2")["body"])[0]
        msg_id = "7F000001" + ("%08X" % _env["port"]) + ("%016X" % rec["phys"])
        r = c.request(CONSUME_DIRECTLY, {"consumerGroup": "gCpp", "clientId": ids[0], "msgId": msg_id})
        assert r["code"] == 0 and json.loads(r["body"])["consumeResult"] == "CR_SUCCESS", r
        wait_for(lambda: lines().count("queue 2 offset 0: body-2") == 3, "the direct consumption")
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@h.test
def the_index_answers_after_a_restart():
    _env["srv"].stop(h.signal.SIGKILL)
    with standalone(store=_env["store"], cores=2) as srv:
        c = h.Connection(srv.port)
        r = query(c, "k-all")
        assert r["code"] == 0, r
        assert sorted(m["queue_id"] for m in decoded(r["body"])) == list(range(QUEUES))
        assert [m["body"] for m in decoded(query(c, "AC1100010000000000000000000Q0003", unique=True)["body"])] == \
            [b"body-3"]


if __name__ == "__main__":
    with h.shared(), standalone(cores=2) as srv:
        _env.update(namesrv=f"127.0.0.1:{srv.ns}", port=srv.port, srv=srv, store=srv.store)
        wait_registered()
        code = h.run_tests()
    sys.exit(code)
