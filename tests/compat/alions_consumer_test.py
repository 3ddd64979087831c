"""Compatibility: npm ali-ons PushConsumers against ringmq (issue 5). Messages are produced with raw
SEND_MESSAGE_V2 frames; the consumers are real ali-ons processes (alions_consumer.js), one per
client id. Usage: alions_consumer_test.py <part>, part = basic | retry | two-brokers | slave-read.

basic:       clustering (two consumers share the queues, each message consumed once), broadcasting
             (every consumer gets every message), tag expressions, consume from first / from last,
             offsets surviving a broker restart, and end-to-end latency at a steady low rate.
retry:       a failing listener gets the message again through %RETRY%<group>, and after
             maxReconsumeTimes it lands in %DLQ%<group>; a delayed message arrives no earlier than
             its level says (short levels via --delay-levels).
two-brokers: clustering and retry against a NameServer with two brokers.
slave-read:  an async master and its slave (issue 14); after the master is SIGKILLed a new ali-ons
             group consumes every replicated message from the slave and commits its offsets there.
"""
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import harness as h  # noqa: E402
from harness import test, run_tests  # noqa: E402
from broker_util import *  # noqa: E402,F403
from consumer_util import *  # noqa: E402,F403

PART = sys.argv[1] if len(sys.argv) > 1 else "basic"
WAIT_S = 30            # longest wait for one expected delivery set
REBALANCE_S = 3        # consumers of one group settle their queue split after start
SHORT_LEVELS = ["--delay-levels", "1s 1s 1s 1s 1s 1s"]  # retries (levels 3..) after 1 s


class NodeConsumer:
    """One ali-ons PushConsumer process; its JSON lines are collected by a reader thread."""

    def __init__(self, namesrv_port, topic, group, name, **opts):
        o = {"nameSrv": f"127.0.0.1:{namesrv_port}", "topic": topic, "group": group, "name": name, **opts}
        self.popen = subprocess.Popen(["node", os.path.join(HERE, "alions_consumer.js"), json.dumps(o)],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        h.on_teardown(self.stop)  # killed when the test ends, whatever happened
        self.lines = []
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.popen.stdout:
            if line.startswith("{"):
                with self.lock:
                    self.lines.append(json.loads(line))

    def messages(self):
        with self.lock:
            return [l for l in self.lines if l["ev"] == "msg"]

    def wait_ready(self, timeout_s=WAIT_S):
        deadline = time.time() + timeout_s
        while time.time() < deadline:
            with self.lock:
                if any(l["ev"] == "ready" for l in self.lines):
                    return
            assert self.popen.poll() is None, self.popen.stderr.read()[-2000:]
            time.sleep(0.05)
        raise AssertionError("ali-ons consumer not ready")

    def stop(self):
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


def wait_for(cond, timeout_s=WAIT_S, what="condition"):
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        if cond():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def bodies(consumers):
    return [m["body"] for c in consumers for m in c.messages()]


def produce(port, topic, n, prefix, queues=4, tags=lambda i: "TagA", extra=None):
    conn = h.Connection(port)
    for i in range(n):
        p = props(TAGS=tags(i), **(extra or {}))
        r = send_v2(conn, topic, i % queues, f"{prefix}-{i}".encode(), p)
        assert r["code"] == 0, r
    conn.close()


def setup_topic(port, ns, topic, brokers=("broker-a",), queues=4):
    create_topic(h.Connection(port), topic, queues)
    wait_route(ns, topic, list(brokers))


# ---- basic -------------------------------------------------------------------------------------

def clustering_once(ns, ports, topic, group, per_broker=40):
    c1 = NodeConsumer(ns, topic, group, "c1")
    c2 = NodeConsumer(ns, topic, group, "c2")
    c1.wait_ready()
    c2.wait_ready()
    time.sleep(REBALANCE_S)
    expected = set()
    for k, port in enumerate(ports):
        produce(port, topic, per_broker, f"cl{k}")
        expected |= {f"cl{k}-{i}" for i in range(per_broker)}
    wait_for(lambda: set(bodies([c1, c2])) >= expected, what="every message")
    time.sleep(1)  # a duplicate would show up now
    got = bodies([c1, c2])
    assert sorted(got) == sorted(expected), (len(got), len(expected))
    assert c1.messages() and c2.messages(), "both consumers of the group get a share of the queues"
    assert not {m["body"] for m in c1.messages()} & {m["body"] for m in c2.messages()}
    c1.stop()
    c2.stop()


if PART == "basic":
    @test
    def clustering_two_consumers_share_the_queues():
        with standalone() as srv:
            ns, port = srv.ns, srv.port
            setup_topic(port, ns, "CTopic")
            clustering_once(ns, [port], "CTopic", "CG_cluster")

    @test
    def broadcasting_every_consumer_gets_every_message():
        with standalone() as srv:
            ns, port = srv.ns, srv.port
            setup_topic(port, ns, "BTopic")
            cs = [NodeConsumer(ns, "BTopic", "CG_broadcast", f"b{i}", broadcast=True) for i in range(2)]
            for c in cs:
                c.wait_ready()
            time.sleep(REBALANCE_S)
            produce(port, "BTopic", 20, "bc")
            expected = sorted(f"bc-{i}" for i in range(20))
            for c in cs:
                wait_for(lambda: len(c.messages()) >= 20, what="broadcast delivery")
            time.sleep(0.5)
            for c in cs:
                assert sorted(m["body"] for m in c.messages()) == expected
                c.stop()

    @test
    def tag_expression_selects_tags():
        with standalone() as srv:
            ns, port = srv.ns, srv.port
            setup_topic(port, ns, "TagTopic")
            c = NodeConsumer(ns, "TagTopic", "CG_tags", "t", expr="TagA || TagB")
            c.wait_ready()
            time.sleep(REBALANCE_S)
            produce(port, "TagTopic", 30, "tg", tags=lambda i: ["TagA", "TagB", "TagC"][i % 3])
            wait_for(lambda: len(c.messages()) >= 20, what="tagged messages")
            time.sleep(1)
            msgs = c.messages()
            assert sorted(m["body"] for m in msgs) == sorted(f"tg-{i}" for i in range(30) if i % 3 != 2)
            assert {m["tags"] for m in msgs} == {"TagA", "TagB"}
            c.stop()

    @test
    def offsets_survive_a_restart_and_consumers_resume_from_them():
        with standalone() as proc:
            ns, port, store = proc.ns, proc.port, proc.store
            setup_topic(port, ns, "OffTopic")
            produce(port, "OffTopic", 12, "old")
            # A new group on a young queue starts at 0 even from the last offset (4.9.4, wire README 9).
            c = NodeConsumer(ns, "OffTopic", "CG_off", "o1", fromWhere="last")
            c.wait_ready()
            wait_for(lambda: len(c.messages()) >= 12, what="old messages")
            time.sleep(6)  # ali-ons commits offsets every 5 s
            c.stop()
            conn = h.Connection(port)
            committed = sum(int(query_offset(conn, "CG_off", "OffTopic", q)["extFields"]["offset"]) for q in range(4))
            assert committed == 12, committed
            conn.close()
            assert proc.stop() == 0
        with standalone(store=store, cores=2) as again:
            ns2, port = again.ns, again.port
            wait_route(ns2, "OffTopic", ["broker-a"])
            produce(port, "OffTopic", 8, "new")
            for from_where in ("first", "last"):
                c = NodeConsumer(ns2, "OffTopic", "CG_off", f"o-{from_where}", fromWhere=from_where)
                c.wait_ready()
                wait_for(lambda: len(c.messages()) >= 8, what="new messages")
                time.sleep(1)
                assert sorted(m["body"] for m in c.messages()) == sorted(f"new-{i}" for i in range(8))
                c.stop()
                if from_where == "first":
                    produce(port, "OffTopic", 8, "new")  # same bodies again for the second consumer

    @test
    def end_to_end_latency_at_a_low_steady_rate():
        with standalone() as srv:
            ns, port = srv.ns, srv.port
            setup_topic(port, ns, "LatTopic")
            c = NodeConsumer(ns, "LatTopic", "CG_latency", "lat")
            c.wait_ready()
            time.sleep(REBALANCE_S)
            conn = h.Connection(port)
            sent = {}
            n, rate = 300, 100
            for i in range(n):
                sent[f"lat-{i}"] = time.time() * 1000
                assert send_v2(conn, "LatTopic", i % 4, f"lat-{i}".encode(), props(TAGS="TagA"))["code"] == 0
                time.sleep(1 / rate)
            wait_for(lambda: len(c.messages()) >= n, what="latency messages")
            lat = sorted(m["recvMs"] - sent[m["body"]] for m in c.messages())
            p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]
            print(f"e2e latency send->ali-ons callback, {n} msgs at {rate}/s: p50 {p(0.5):.2f} ms, p99 {p(0.99):.2f} ms, "
                  f"max {lat[-1]:.2f} ms", flush=True)
            c.stop()

# ---- retry, DLQ and delay ------------------------------------------------------------------------

def retry_then_dlq(ns, port, topic, group, dlq_ports):
    c = NodeConsumer(ns, topic, group, "r", maxReconsumeTimes=2, failPrefix="fail")
    c.wait_ready()
    time.sleep(REBALANCE_S)
    produce(port, topic, 1, "fail", queues=1)
    produce(port, topic, 1, "fine", queues=1)
    wait_for(lambda: len([m for m in c.messages() if m["body"] == "fail-0"]) >= 3, what="two redeliveries")
    deliveries = [m for m in c.messages() if m["body"] == "fail-0"]
    assert [m["reconsume"] for m in deliveries] == [0, 1, 2], deliveries
    assert deliveries[1]["props"].get("RETRY_TOPIC") == topic, deliveries[1]["props"]
    assert deliveries[1]["recvMs"] - deliveries[0]["recvMs"] >= 900  # level 3 = 1 s here
    assert [m["body"] for m in c.messages()].count("fine-0") == 1

    def in_dlq():
        for p in dlq_ports:
            conn = h.Connection(p)
            r = pull(conn, "dlq-reader", f"%DLQ%{group}", 0, 0)
            conn.close()
            if r["code"] == 0:
                return records(r["body"])
        return None
    wait_for(lambda: in_dlq() is not None, what="the DLQ copy")
    rec = in_dlq()[0]
    assert rec["body"] == b"fail-0"
    p = properties_dict(rec["properties"])
    assert p["RETRY_TOPIC"] == topic and "ORIGIN_MESSAGE_ID" in p, p
    time.sleep(2)
    assert len([m for m in c.messages() if m["body"] == "fail-0"]) == 3, "nothing delivered after the DLQ"
    c.stop()


if PART == "retry":
    @test
    def failing_listener_retries_through_retry_topic_then_dlq():
        with standalone(extra=SHORT_LEVELS) as srv:
            ns, port = srv.ns, srv.port
            setup_topic(port, ns, "RetryTopic", queues=1)
            retry_then_dlq(ns, port, "RetryTopic", "CG_retry", [port])

    @test
    def delayed_message_arrives_no_earlier_than_its_level():
        with standalone(extra=["--delay-levels", "1s 3s"]) as srv:
            ns, port = srv.ns, srv.port
            setup_topic(port, ns, "DelayTopic")
            c = NodeConsumer(ns, "DelayTopic", "CG_delay", "d")
            c.wait_ready()
            time.sleep(REBALANCE_S)
            t0 = time.time() * 1000
            produce(port, "DelayTopic", 1, "late", extra={"DELAY": "2"})
            produce(port, "DelayTopic", 1, "now")
            wait_for(lambda: len(c.messages()) >= 2, what="the delayed message")
            by_body = {m["body"]: m for m in c.messages()}
            assert by_body["now-0"]["recvMs"] - t0 < 2000
            waited = by_body["late-0"]["recvMs"] - t0
            assert 3000 <= waited < 6000, waited
            assert by_body["late-0"]["props"].get("REAL_TOPIC") == "DelayTopic"
            c.stop()

if PART == "two-brokers":
    @test
    def clustering_over_two_brokers():
        with standalone() as a, broker(a.ns, "broker-b") as b:
            ns, port_a, port_b = a.ns, a.port, b.port
            for p in (port_a, port_b):
                create_topic(h.Connection(p), "TwoTopic", 4)
            wait_route(ns, "TwoTopic", ["broker-a", "broker-b"])
            clustering_once(ns, [port_a, port_b], "TwoTopic", "CG_two", per_broker=20)

    @test
    def retry_and_dlq_over_two_brokers():
        with standalone(extra=SHORT_LEVELS) as a, broker(a.ns, "broker-b", extra=SHORT_LEVELS) as b:
            ns, port_a, port_b = a.ns, a.port, b.port
            for p in (port_a, port_b):
                create_topic(h.Connection(p), "TwoRetry", 1)
            wait_route(ns, "TwoRetry", ["broker-a", "broker-b"])
            retry_then_dlq(ns, port_b, "TwoRetry", "CG_two_retry", [port_a, port_b])


# ---- slave read after the master dies (issue 14) --------------------------------------------------

HA_READY = r"HA listening on [^\s:]+:(\d+) "  # a master's replication port (as in replication_test.py)
SLAVE_N = 200


@contextlib.contextmanager
def ha_pair(ns_port, name):
    """An ASYNC_MASTER (brokerId 0) and its slave (brokerId 1) under one broker name; the slave
    learns the master's HA address from the NameServer, as RocketMQ's does."""
    with broker(ns_port, name, extra=["--ha-listen-port", "0", "--role", "async_master"], ready=[HA_READY],
                label="master") as m, \
         broker(ns_port, name, extra=["--broker-id", "1", "--role", "slave"], label="slave") as s:
        yield m, s


def queue_offsets(port, topic, queues=4):
    conn = h.Connection(port)
    try:
        return [max_offset(conn, topic, q) for q in range(queues)]
    finally:
        conn.close()


def route(ns_port, topic):
    conn = h.Connection(ns_port)
    try:
        r = conn.request(105, {"topic": topic})  # GET_ROUTEINFO_BY_TOPIC
        assert r["code"] == 0, r
        return json.loads(r["body"])
    finally:
        conn.close()


def slave_only(route_data, slave_port):
    return [b["brokerAddrs"] for b in route_data["brokerDatas"]] == [{"1": f"127.0.0.1:{slave_port}"}]


if PART == "slave-read":
    @test
    def consumer_reads_every_message_from_the_slave_after_master_sigkill():
        with h.namesrv() as ns, ha_pair(ns.port, "broker-s") as (m, s):
            for p in (m.port, s.port):  # as replication_test.py: the topic exists on both at once
                create_topic(h.Connection(p), "SlaveTopic", 4)
            wait_route(ns.port, "SlaveTopic", ["broker-s"])
            produce(m.port, "SlaveTopic", SLAVE_N, "sr")
            want = queue_offsets(m.port, "SlaveTopic")
            assert sum(want) == SLAVE_N, want
            wait_for(lambda: queue_offsets(s.port, "SlaveTopic") == want, what=f"slave offsets {want}")
            m.stop(signal.SIGKILL)
            # The NameServer drops the master's address when its connection closes; the route then
            # lists only brokerId 1, so ali-ons' findBrokerAddressInSubscribe falls back to it.
            wait_for(lambda: slave_only(route(ns.port, "SlaveTopic"), s.port), what="a route with the slave only")
            assert [q["readQueueNums"] for q in route(ns.port, "SlaveTopic")["queueDatas"]] == [4]
            c = NodeConsumer(ns.port, "SlaveTopic", "CG_slave_read", "sr")
            c.wait_ready()
            expected = {f"sr-{i}" for i in range(SLAVE_N)}
            wait_for(lambda: set(bodies([c])) >= expected, timeout_s=60, what="every message from the slave")
            time.sleep(1)  # a duplicate would show up now
            got = bodies([c])
            assert sorted(got) == sorted(expected), (len(got), len(expected))
            # ali-ons persists offsets every 5 s to the broker findBrokerAddressInAdmin picks: the slave.
            conn = h.Connection(s.port)

            def committed():
                rs = [query_offset(conn, "CG_slave_read", "SlaveTopic", q) for q in range(4)]
                return sum(int((r.get("extFields") or {}).get("offset", -1)) for r in rs)
            wait_for(lambda: committed() == SLAVE_N, timeout_s=15, what="offsets committed on the slave")
            conn.close()
            c.stop()


if __name__ == "__main__":
    sys.exit(run_tests())
