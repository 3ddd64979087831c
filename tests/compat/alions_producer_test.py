"""Compatibility: npm ali-ons Producer sends 1,000 messages with tags and keys to `ringmq standalone`
and to a NameServer with two brokers; every send reply is checked against what the store holds
(VIEW_MESSAGE_BY_ID on the reply's offset msgId)."""
import collections
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import harness as h  # noqa: E402
from harness import test, run_tests  # noqa: E402
from broker_util import *  # noqa: E402,F403

MESSAGES = 1000
NODE_TIMEOUT_S = 240


def run_alions(namesrv_port, topic):
    out = subprocess.run(["node", os.path.join(HERE, "alions_producer.js"), f"127.0.0.1:{namesrv_port}", topic,
                          str(MESSAGES)], capture_output=True, text=True, timeout=NODE_TIMEOUT_S)
    assert out.returncode == 0, out.stderr[-3000:]
    lines = [json.loads(l) for l in out.stdout.splitlines() if l.startswith("{")]
    summary = lines[-1]
    assert summary == {"done": MESSAGES, "failed": 0}, (summary, [l for l in lines if "error" in l][:5])
    return lines[:-1]


def check_replies(replies, ports_by_broker, topic):
    conns = {name: h.Connection(port) for name, port in ports_by_broker.items()}
    next_offset = collections.defaultdict(int)
    for r in sorted(replies, key=lambda r: r["i"]):
        r["queueId"] = int(r["queueId"])  # ali-ons keeps the header string
        i = r["i"]
        assert r["sendStatus"] == "SEND_OK", r
        ip, port, _ = decode_msg_id(r["msgId"])
        assert ip == "127.0.0.1" and port == ports_by_broker[r["brokerName"]], r
        key = (r["brokerName"], r["queueId"])
        assert r["queueOffset"] == next_offset[key], (r, next_offset[key])
        next_offset[key] += 1
        rec = view(conns[r["brokerName"]], r["msgId"])
        assert rec["topic"] == topic and rec["queue_id"] == r["queueId"] and rec["queue_offset"] == r["queueOffset"]
        assert rec["body"] == f"ringmq ali-ons message {i}".encode(), rec
        p = properties_dict(rec["properties"])
        assert p["TAGS"] == ("TagB" if i % 2 else "TagA") and p["KEYS"] == f"key-{i} k{i}b", p
    for (broker, queue), n in next_offset.items():
        assert max_offset(conns[broker], topic, queue) == n
    return next_offset


@test
def alions_producer_to_standalone():
    with standalone() as srv:
        ns, port = srv.ns, srv.port
        create_topic(h.Connection(port), "AliOnsTopic")
        wait_route(ns, "AliOnsTopic", ["broker-a"])
        replies = run_alions(ns, "AliOnsTopic")
        used = check_replies(replies, {"broker-a": port}, "AliOnsTopic")
        assert len(used) == 4, used


@test
def alions_producer_to_namesrv_with_two_brokers():
    with standalone() as a, broker(a.ns, "broker-b") as b:
        ns, port_a, port_b = a.ns, a.port, b.port
        for port in (port_a, port_b):
            create_topic(h.Connection(port), "AliOnsTwo")
        wait_route(ns, "AliOnsTwo", ["broker-a", "broker-b"])
        replies = run_alions(ns, "AliOnsTwo")
        used = check_replies(replies, {"broker-a": port_a, "broker-b": port_b}, "AliOnsTwo")
        assert {name for name, _ in used} == {"broker-a", "broker-b"}, used


if __name__ == "__main__":
    sys.exit(run_tests())
