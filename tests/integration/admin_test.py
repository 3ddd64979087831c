"""`ringmq admin` against a real ringmq standalone: every command, its --json output parsed and
checked against what the test did (topics created, messages sent, offsets committed)."""
import json
import os
import subprocess
import sys
import time

import harness as h
from broker_util import standalone
from consumer_util import HEART_BEAT, heartbeat_body

TOPIC = "AdminT"
CLUSTER = "DefaultCluster"
BROKER = "broker-a"
ADMIN_TIMEOUT_S = 60

_env = {}


def admin(*args, expect_ok=True):
    """Runs `ringmq admin <args> -n <namesrv> --json`; returns (exit code, parsed stdout)."""
    cmd = [h.RINGMQ, "admin", *args, "-n", _env["namesrv"], "--json"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=ADMIN_TIMEOUT_S)
    out = json.loads(p.stdout) if p.stdout.strip() else None
    if expect_ok:
        assert p.returncode == 0, f"{cmd} -> {p.returncode}\nstdout: {p.stdout}\nstderr: {p.stderr}"
    return p.returncode, out, p.stderr


def ok(*args):
    return admin(*args)[1]


def setup(srv):
    _env.update(namesrv=f"127.0.0.1:{srv.ns}", port=srv.port, addr=f"127.0.0.1:{srv.port}")
    # The broker registers with its NameServer just after it listens.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        brokers = ok("clusterList")["brokers"]
        if brokers:
            return
        time.sleep(0.2)
    raise AssertionError("the broker never showed up in clusterList")


@h.test
def cluster_list_shows_the_broker_with_its_version():
    rows = ok("clusterList")["brokers"]
    assert len(rows) == 1, rows
    row = rows[0]
    assert (row["cluster"], row["brokerName"], row["brokerId"], row["addr"]) == (CLUSTER, BROKER, 0, _env["addr"])
    assert row["version"] == "V4_9_4", row
    assert isinstance(row["inTps"], (int, float)) and isinstance(row["commitLogDiskRatio"], (int, float))


@h.test
def update_topic_creates_it_on_the_cluster_and_route_and_list_show_it():
    created = ok("updateTopic", "-c", CLUSTER, "-t", TOPIC, "-r", "4", "-w", "4")["created"]
    assert created == [{"brokerAddr": _env["addr"], "topic": TOPIC, "readQueueNums": 4, "writeQueueNums": 4,
                        "perm": 6, "order": False}], created
    route = ok("topicRoute", "-t", TOPIC)
    assert [(q["brokerName"], q["readQueueNums"], q["writeQueueNums"], q["perm"]) for q in route["queueDatas"]] == \
        [(BROKER, 4, 4, 6)], route
    assert route["brokerDatas"][0]["addr"] == _env["addr"]
    topics = [t["topic"] for t in ok("topicList")["topics"]]
    assert TOPIC in topics, topics
    with_cluster = ok("topicList", "-c", CLUSTER)["topics"]
    assert any(t["topic"] == TOPIC and t["cluster"] == CLUSTER for t in with_cluster), with_cluster


_sent = []


@h.test
def send_message_puts_three_messages_on_queue_1():
    for i in range(3):
        row = ok("sendMessage", "-t", TOPIC, "-p", f"body-{i}", "-k", f"key-{i}", "-c", "TagA", "-b", BROKER,
                 "-i", "1")["sent"][0]
        assert (row["brokerName"], row["queueId"], row["sendStatus"], row["queueOffset"]) == \
            (BROKER, 1, "SEND_OK", i), row
        _sent.append(row)
        time.sleep(0.01)  # distinct store times for resetOffsetByTime


@h.test
def topic_status_shows_the_offsets_of_each_queue():
    queues = {q["queueId"]: q for q in ok("topicStatus", "-t", TOPIC)["queues"]}
    assert sorted(queues) == [0, 1, 2, 3], queues
    assert queues[1]["maxOffset"] == 3 and queues[1]["minOffset"] == 0, queues[1]
    assert all(queues[q]["maxOffset"] == 0 for q in (0, 2, 3)), queues
    assert queues[1]["lastUpdateTimestamp"] > 0


@h.test
def query_msg_by_id_finds_the_message_by_its_offset_id_and_by_its_unique_id():
    m = ok("queryMsgById", "-i", _sent[1]["offsetMsgId"])
    assert (m["topic"], m["body"], m["keys"], m["tags"], m["queueId"], m["queueOffset"]) == \
        (TOPIC, "body-1", "key-1", "TagA", 1, 1), m
    u = ok("queryMsgById", "-i", _sent[2]["msgId"], "-t", TOPIC)
    assert u["body"] == "body-2" and u["msgId"] == _sent[2]["msgId"], u


@h.test
def query_msg_by_key_returns_only_that_key():
    rows = ok("queryMsgByKey", "-t", TOPIC, "-k", "key-2")["messages"]
    assert [(r["body"], r["queueOffset"]) for r in rows] == [("body-2", 2)], rows
    assert ok("queryMsgByKey", "-t", TOPIC, "-k", "no-such-key")["messages"] == []


@h.test
def query_msg_by_offset_pulls_that_offset():
    m = ok("queryMsgByOffset", "-t", TOPIC, "-b", BROKER, "-i", "1", "-o", "2")
    assert (m["body"], m["queueOffset"], m["keys"]) == ("body-2", 2, "key-2"), m


@h.test
def print_msg_and_consume_message_read_the_ranges_asked_for():
    rows = ok("printMsg", "-t", TOPIC)["messages"]
    assert [r["body"] for r in rows] == ["body-0", "body-1", "body-2"], rows
    rows = ok("consumeMessage", "-t", TOPIC, "-b", BROKER, "-i", "1", "-o", "1")["messages"]
    assert [r["queueOffset"] for r in rows] == [1, 2], rows
    rows = ok("consumeMessage", "-t", TOPIC, "-c", "1")["messages"]
    assert len(rows) == 1, rows
    _env["store_ts_1"] = ok("printMsg", "-t", TOPIC)["messages"][1]["storeTimestamp"]


@h.test
def sub_group_progress_and_reset_offset_by_time():
    updated = ok("updateSubGroup", "-c", CLUSTER, "-g", "cgAdmin", "-r", "5")
    assert updated["updated"] == [{"brokerAddr": _env["addr"], "groupName": "cgAdmin"}]
    assert updated["config"]["retryMaxTimes"] == 5 and updated["config"]["groupName"] == "cgAdmin"
    progress = ok("consumerProgress", "-g", "cgAdmin", "-t", TOPIC)
    assert progress["diffTotal"] == 3, progress
    reset = ok("resetOffsetByTime", "-g", "cgAdmin", "-t", TOPIC, "-s", str(_env["store_ts_1"]))["queues"]
    by_queue = {r["queueId"]: r for r in reset}
    assert by_queue[1]["resetOffset"] == 1, reset
    progress = ok("consumerProgress", "-g", "cgAdmin", "-t", TOPIC)
    q1 = [q for q in progress["queues"] if q["queueId"] == 1][0]
    assert (q1["brokerOffset"], q1["consumerOffset"], q1["diff"]) == (3, 1, 2), q1
    assert progress["diffTotal"] == 2 and isinstance(progress["consumeTps"], (int, float)), progress
    reset = ok("resetOffsetByTime", "-g", "cgAdmin", "-t", TOPIC, "-s", "now")["queues"]
    assert {r["queueId"]: r["resetOffset"] for r in reset}[1] == 3
    assert ok("consumerProgress", "-g", "cgAdmin", "-t", TOPIC)["diffTotal"] == 0


@h.test
def consumer_and_producer_connections_list_live_clients():
    conn = h.Connection(_env["port"])
    try:
        body = json.loads(heartbeat_body("10.0.0.9@live", "cgLive", [(TOPIC, "TagA || TagB")]))
        body["producerDataSet"] = [{"groupName": "pgLive"}]
        assert conn.request(HEART_BEAT, body=json.dumps(body).encode())["code"] == 0
        deadline = time.monotonic() + 15  # the retry topic reaches the NameServer with the next registration
        while True:
            code, out, err = admin("consumerConnection", "-g", "cgLive", expect_ok=False)
            if code == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert code == 0, err
        assert [c["clientId"] for c in out["connections"]] == ["10.0.0.9@live"], out
        assert out["subscriptions"] == [{"topic": TOPIC, "subExpression": "TagA || TagB"}], out
        assert (out["consumeType"], out["messageModel"]) == ("CONSUME_PASSIVELY", "CLUSTERING"), out
        prod = ok("producerConnection", "-g", "pgLive", "-t", TOPIC)
        assert [c["clientId"] for c in prod["connections"]] == ["10.0.0.9@live"], prod
        groups = {g["group"]: g for g in ok("consumerProgress")["groups"]}
        assert groups["cgLive"]["count"] == 1, groups
    finally:
        conn.close()


@h.test
def broker_status_and_config_read_the_broker():
    status = ok("brokerStatus", "-b", _env["addr"])
    table = status["brokers"][_env["addr"]]
    assert table["brokerVersionDesc"] == "V4_9_4" and int(table["msgPutTotalTodayNow"]) >= 3, table
    rows = {r["key"]: r["value"] for r in status["stats"]}
    assert rows["putMessageTimesTotal"] == table["putMessageTimesTotal"]
    config = ok("getBrokerConfig", "-b", _env["addr"])["brokers"][_env["addr"]]
    assert config["brokerName"] == BROKER and config["brokerClusterName"] == CLUSTER, config
    assert ok("getBrokerConfig", "-c", CLUSTER)["brokers"][_env["addr"]]["brokerName"] == BROKER


@h.test
def update_broker_config_changes_a_mutable_key_live():
    ok("updateBrokerConfig", "-b", _env["addr"], "-k", "shortPollingTimeMills", "-v", "700")
    config = ok("getBrokerConfig", "-b", _env["addr"])["brokers"][_env["addr"]]
    assert config["shortPollingTimeMills"] == "700", config


@h.test
def errors_name_the_broker_and_the_rocketmq_code():
    code, out, err = admin("updateBrokerConfig", "-b", _env["addr"], "-k", "flushDiskType", "-v", "SYNC_FLUSH",
                           expect_ok=False)
    assert code == 1, (code, out, err)
    assert out["peer"] == f"broker {_env['addr']}" and out["code"] == 1 and out["codeName"] == "SYSTEM_ERROR", out
    assert "flushDiskType" in out["remark"] and _env["addr"] in err and "SYSTEM_ERROR (1)" in err, err
    code, out, err = admin("topicStatus", "-t", "NoSuchTopicHere", expect_ok=False)
    assert code == 1 and out["code"] == 17 and out["codeName"] == "TOPIC_NOT_EXIST", out


@h.test
def delete_sub_group_and_delete_topic_remove_them():
    deleted = ok("deleteSubGroup", "-c", CLUSTER, "-g", "cgAdmin", "-r", "true")["deleted"]
    assert deleted == [{"brokerAddr": _env["addr"], "groupName": "cgAdmin"}], deleted
    where = ok("deleteTopic", "-t", TOPIC, "-c", CLUSTER)["deleted"]
    assert {(w["where"], w["addr"]) for w in where} == {("broker", _env["addr"]), ("namesrv", _env["namesrv"])}
    assert TOPIC not in [t["topic"] for t in ok("topicList")["topics"]]
    code, out, _ = admin("topicRoute", "-t", TOPIC, expect_ok=False)
    assert code == 1 and out["codeName"] == "TOPIC_NOT_EXIST", out


@h.test
def namesrv_addr_comes_from_the_environment_without_n():
    env = dict(os.environ, NAMESRV_ADDR=_env["namesrv"])
    p = subprocess.run([h.RINGMQ, "admin", "clusterList", "--json"], capture_output=True, text=True, env=env,
                       timeout=ADMIN_TIMEOUT_S)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["brokers"][0]["addr"] == _env["addr"]
    text = subprocess.run([h.RINGMQ, "admin", "clusterList"], capture_output=True, text=True, env=env,
                          timeout=ADMIN_TIMEOUT_S).stdout
    assert text.splitlines()[0].startswith("#Cluster Name"), text


@h.test
def without_n_or_namesrv_addr_the_address_server_names_the_namesrv():
    server = h.AddressServer(_env["namesrv"])
    try:
        env = {k: v for k, v in os.environ.items() if k != "NAMESRV_ADDR"}
        p = subprocess.run([h.RINGMQ, "admin", "clusterList", "--json", "--namesrv-domain",
                            server.domain], capture_output=True, text=True, env=env,
                           timeout=ADMIN_TIMEOUT_S)
        assert p.returncode == 0, p.stderr
        assert json.loads(p.stdout)["brokers"][0]["addr"] == _env["addr"]
        # -n wins over the address server (RocketMQ's order): a dead -n fails even with a good server.
        p = subprocess.run([h.RINGMQ, "admin", "clusterList", "--json", "-n", "127.0.0.1:1", "--namesrv-domain",
                            server.domain], capture_output=True, text=True, env=env,
                           timeout=ADMIN_TIMEOUT_S)
        assert p.returncode == 1 and "127.0.0.1:1" in p.stderr, p.stderr
    finally:
        server.stop()


if __name__ == "__main__":
    # One broker for the whole file: the tests run in order on what the earlier ones did.
    with h.shared(), standalone(cores=2) as srv:
        setup(srv)
        code = h.run_tests()
    sys.exit(code)
