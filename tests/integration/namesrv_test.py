"""`ringmq namesrv` as a real process: scripted brokers register, heartbeat, go silent and expire;
route lookups from raw frames and from npm ali-ons; bad input gets an error and costs nothing else."""
import json
import os
import subprocess
import sys
import time
import zlib

import harness as h
from harness import test

REGISTER_BROKER, UNREGISTER_BROKER, GET_ROUTEINFO_BY_TOPIC, GET_BROKER_CLUSTER_INFO = 103, 104, 105, 106
GET_ALL_TOPIC_LIST, PUT_KV_CONFIG, GET_KV_CONFIG = 206, 100, 101
SUCCESS, SYSTEM_ERROR, REQUEST_CODE_NOT_SUPPORTED, TOPIC_NOT_EXIST, QUERY_NOT_FOUND = 0, 1, 3, 17, 22
BROKER_TIMEOUT_S = 2
ALIONS_ROUTE = os.path.join(os.path.dirname(__file__), "..", "compat", "alions_route.js")


def register_body(topics, counter=0):
    table = {t: {"order": False, "perm": 6, "readQueueNums": 4, "topicFilterType": "SINGLE_TAG",
                 "topicName": t, "topicSysFlag": 0, "writeQueueNums": 4} for t in topics}
    body = {"filterServerList": [], "topicConfigSerializeWrapper": {
        "dataVersion": {"counter": counter, "timestamp": 1763700000000}, "topicConfigTable": table}}
    return json.dumps(body, separators=(",", ":")).encode()


def register(conn, broker_name, addr, topics, broker_id=0, cluster="C1", counter=0, crc=True):
    body = register_body(topics, counter)
    ext = {"brokerName": broker_name, "brokerAddr": addr, "clusterName": cluster,
           "haServerAddr": addr.replace(":1", ":2", 1), "brokerId": broker_id, "compressed": "false"}
    if crc:
        ext["bodyCrc32"] = zlib.crc32(body) & 0x7FFFFFFF  # Java UtilAll.crc32 masks the sign bit
    return conn.request(REGISTER_BROKER, ext, body)


def route(port, topic, version=401):
    conn = h.Connection(port)
    try:
        return conn.request(GET_ROUTEINFO_BY_TOPIC, {"topic": topic}, version=version)
    finally:
        conn.close()


def wait_until(predicate, timeout_s, what):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@test
def a_registered_broker_routes_its_topics_on_every_core():
    with h.namesrv(cores=2) as proc:
        port = proc.port
        broker = h.Connection(port)
        r = register(broker, "broker-a", "127.0.0.1:10911", ["TopicA", "TopicB"])
        assert r["code"] == SUCCESS, r
        # Fresh connections land on both cores (SO_REUSEPORT); every one must see the route.
        for _ in range(16):
            wait_until(lambda: route(port, "TopicA")["code"] == SUCCESS, 2, "route on every core")
        body = json.loads(route(port, "TopicA")["body"])
        assert body["queueDatas"][0]["brokerName"] == "broker-a"
        assert body["queueDatas"][0]["writeQueueNums"] == 4
        assert body["brokerDatas"][0]["brokerAddrs"] == {"0": "127.0.0.1:10911"}
        assert route(port, "Missing")["code"] == TOPIC_NOT_EXIST
        proc.stop()


@test
def a_silent_broker_expires_with_its_queues_and_a_heartbeating_one_stays():
    with h.namesrv(broker_timeout_s=BROKER_TIMEOUT_S) as proc:
        port = proc.port
        silent, alive = h.Connection(port), h.Connection(port)
        assert register(silent, "broker-s", "127.0.0.1:20911", ["SilentTopic"])["code"] == SUCCESS
        assert register(alive, "broker-h", "127.0.0.1:30911", ["LiveTopic"])["code"] == SUCCESS
        deadline = time.monotonic() + BROKER_TIMEOUT_S * 3
        while time.monotonic() < deadline and route(port, "SilentTopic")["code"] == SUCCESS:
            assert register(alive, "broker-h", "127.0.0.1:30911", ["LiveTopic"])["code"] == SUCCESS
            time.sleep(0.3)
        assert route(port, "SilentTopic")["code"] == TOPIC_NOT_EXIST, "the silent broker never expired"
        assert route(port, "LiveTopic")["code"] == SUCCESS
        assert "expired" in proc.log_text()
        proc.stop()


@test
def closing_a_connection_drops_only_the_broker_registered_over_it():
    with h.namesrv() as proc:
        port = proc.port
        first, second = h.Connection(port), h.Connection(port)
        assert register(first, "broker-1", "127.0.0.1:11911", ["T1"])["code"] == SUCCESS
        assert register(second, "broker-2", "127.0.0.1:12911", ["T2"])["code"] == SUCCESS
        first.close()
        wait_until(lambda: route(port, "T1")["code"] == TOPIC_NOT_EXIST, 5, "broker-1 dropped")
        assert route(port, "T2")["code"] == SUCCESS
        proc.stop()


@test
def two_nameservers_know_nothing_of_each_other():
    with h.namesrv() as proc1, h.namesrv() as proc2:
        port1, port2 = proc1.port, proc2.port
        broker = h.Connection(port1)  # kept open: a closed connection unregisters its broker
        assert register(broker, "broker-a", "127.0.0.1:10911", ["OnlyOnOne"])["code"] == SUCCESS
        assert route(port1, "OnlyOnOne")["code"] == SUCCESS
        assert route(port2, "OnlyOnOne")["code"] == TOPIC_NOT_EXIST
        proc1.stop()
        proc2.stop()


@test
def master_and_slave_group_by_broker_id_and_the_slave_learns_its_master():
    with h.namesrv() as proc:
        port = proc.port
        master, slave = h.Connection(port), h.Connection(port)
        assert register(master, "broker-a", "127.0.0.1:10911", ["MS"], broker_id=0)["code"] == SUCCESS
        r = register(slave, "broker-a", "127.0.0.1:10921", ["MS"], broker_id=1)
        assert r["code"] == SUCCESS
        assert r["extFields"]["masterAddr"] == "127.0.0.1:10911"
        assert r["extFields"]["haServerAddr"] == "127.0.0.1:20911"
        body = json.loads(route(port, "MS")["body"])
        assert body["brokerDatas"][0]["brokerAddrs"] == {"0": "127.0.0.1:10911", "1": "127.0.0.1:10921"}
        proc.stop()


@test
def ali_ons_decodes_the_route_over_tcp():
    with h.namesrv() as proc:
        port = proc.port
        broker = h.Connection(port)  # kept open: a closed connection unregisters its broker
        assert register(broker, "broker-a", "127.0.0.1:10911", ["AliTopic"])["code"] == SUCCESS
        out = subprocess.run(["node", ALIONS_ROUTE, f"127.0.0.1:{port}", "AliTopic"], capture_output=True,
                             text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        decoded = json.loads(out.stdout.strip().splitlines()[-1])
        assert "route" in decoded, decoded
        assert decoded["route"]["brokerDatas"][0]["brokerAddrs"]["0"] == "127.0.0.1:10911"
        assert decoded["route"]["queueDatas"][0]["readQueueNums"] == 4
        missing = subprocess.run(["node", ALIONS_ROUTE, f"127.0.0.1:{port}", "NoSuchTopic"], capture_output=True,
                                 text=True, timeout=60)
        assert "error" in json.loads(missing.stdout.strip().splitlines()[-1])
        proc.stop()


@test
def bad_input_gets_an_error_reply_and_the_nameserver_keeps_serving():
    with h.namesrv() as proc:
        port = proc.port
        conn = h.Connection(port)
        bad_body = conn.request(REGISTER_BROKER, {"brokerName": "b", "brokerAddr": "127.0.0.1:1", "clusterName": "c",
                                                  "haServerAddr": "x", "brokerId": "0", "compressed": "false"},
                                b"{not json")
        assert bad_body["code"] == SYSTEM_ERROR, bad_body
        missing_field = conn.request(REGISTER_BROKER, {"brokerName": "b"}, register_body(["T"]))
        assert missing_field["code"] == SYSTEM_ERROR
        body = register_body(["T"])
        bad_crc = conn.request(REGISTER_BROKER, {"brokerName": "b", "brokerAddr": "127.0.0.1:1", "clusterName": "c",
                                                 "haServerAddr": "x", "brokerId": "0", "compressed": "false",
                                                 "bodyCrc32": (zlib.crc32(body) & 0x7FFFFFFF) ^ 1}, body)
        assert bad_crc["code"] == SYSTEM_ERROR
        assert conn.request(999)["code"] == REQUEST_CODE_NOT_SUPPORTED
        assert conn.request(GET_ROUTEINFO_BY_TOPIC, {})["code"] == SYSTEM_ERROR  # topic missing
        # A malformed frame closes that connection only.
        other = h.Connection(port)
        broken = h.Connection(port)
        broken.send_raw(b"\xff\xff\xff\xff\x00\x00\x00\x00")
        assert broken.read_frame() is None
        assert other.request(GET_ALL_TOPIC_LIST)["code"] == SUCCESS
        assert conn.request(GET_BROKER_CLUSTER_INFO)["code"] == SUCCESS
        assert proc.alive()
        proc.stop()


@test
def kv_config_round_trips():
    with h.namesrv() as proc:
        port = proc.port
        conn = h.Connection(port)
        ext = {"namespace": "ORDER_TOPIC_CONFIG", "key": "OrderTopic"}
        assert conn.request(GET_KV_CONFIG, ext)["code"] == QUERY_NOT_FOUND
        assert conn.request(PUT_KV_CONFIG, dict(ext, value="broker-a:4"))["code"] == SUCCESS
        got = conn.request(GET_KV_CONFIG, ext)
        assert got["code"] == SUCCESS and got["extFields"]["value"] == "broker-a:4"
        proc.stop()


@test
def the_nameserver_stops_cleanly_on_sigterm():
    with h.namesrv() as proc:
        port = proc.port
        assert proc.stop() == 0
        assert "stopped" in proc.log_text()


if __name__ == "__main__":
    sys.exit(h.run_tests())
