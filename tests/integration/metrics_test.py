"""Prometheus /metrics and the runtime statistics after known traffic: exact put and delivery
counters, lag equal to what was left unconsumed, `promtool check metrics` clean, the shipped alert
rules pass `promtool check rules`, the dashboard only uses exported families, and
GET_BROKER_RUNTIME_INFO / VIEW_BROKER_STATS_DATA / GET_CONSUME_STATS carry RocketMQ's keys."""
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request

import harness as h
from broker_util import create_topic, send_v2, standalone
from consumer_util import CONSUME_STATS, pull, update_offset

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TOPIC, GROUP = "MetricsT", "metricsGroup"
GET_BROKER_RUNTIME_INFO, VIEW_BROKER_STATS_DATA = 28, 315
METRICS_READY = r"metrics: GET /metrics on [^\s:]+:(\d+)\n"  # the port it got for --metrics-listen ...:0
SENT = {0: 5, 1: 2}        # messages per queue
COMMITTED = {0: 3, 1: 2}   # offsets the group commits
_env = {}


def scrape(path="/metrics"):
    with urllib.request.urlopen(f"http://127.0.0.1:{_env['metrics_port']}{path}", timeout=h.TEST_TIMEOUT_S) as r:
        return r.status, r.headers.get("Content-Type"), r.read().decode()


def samples(text):
    """{(name, frozenset(labels)): value} for every sample line."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$', line)
        assert m, line
        labels = frozenset(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
        out[(m.group(1), labels)] = float(m.group(3))
    return out


def value(s, name, **labels):
    return s[(name, frozenset(labels.items()))]


def setup(srv):
    (m,) = srv.wait_for_log([METRICS_READY])
    _env["metrics_port"] = int(m.group(1))
    started = time.time()
    _env["uptime"] = lambda: time.time() - started + 5  # the broker started a little before this
    _env["port"] = srv.port
    conn = h.Connection(srv.port)
    create_topic(conn, TOPIC, queues=4)
    time.sleep(1.5)  # the one-second samplers have a baseline before the traffic
    sizes = 0
    for queue, n in SENT.items():
        for i in range(n):
            assert send_v2(conn, TOPIC, queue, f"m-{queue}-{i}".encode())["code"] == 0
    for queue, n in SENT.items():
        r = pull(conn, GROUP, TOPIC, queue, 0)
        assert r["code"] == 0, r
        body, pos, count = r["body"], 0, 0
        while pos < len(body):
            size = int.from_bytes(body[pos:pos + 4], "big")
            sizes += size
            pos += size
            count += 1
        assert count == n
        assert update_offset(conn, GROUP, TOPIC, queue, COMMITTED[queue])["code"] == 0
    _env["record_bytes"] = sizes
    _env["conn"] = conn
    time.sleep(2.5)  # a few TPS samples after the traffic


@h.test
def metrics_count_exactly_what_was_put_and_delivered():
    status, ctype, text = scrape()
    assert status == 200 and ctype.startswith("text/plain; version=0.0.4"), (status, ctype)
    s = samples(text)
    assert value(s, "ringmq_messages_put_total", topic=TOPIC) == sum(SENT.values())
    assert value(s, "ringmq_put_bytes_total", topic=TOPIC) == _env["record_bytes"]
    assert value(s, "ringmq_messages_delivered_total", topic=TOPIC, group=GROUP) == sum(SENT.values())
    assert value(s, "ringmq_delivered_bytes_total", topic=TOPIC, group=GROUP) == _env["record_bytes"]
    assert value(s, "ringmq_send_store_latency_seconds_count") == sum(SENT.values())
    assert value(s, "ringmq_send_store_latency_seconds_bucket", le="+Inf") == sum(SENT.values())
    assert value(s, "ringmq_broker_info", cluster="DefaultCluster", broker="broker-a", broker_id="0",
                 version="V4_9_4") == 1
    assert 0 < value(s, "ringmq_disk_used_ratio") <= 1
    assert sum(v for (n, _), v in s.items() if n == "ringmq_connections") >= 1


@h.test
def pull_and_flush_latency_histograms_the_reactor_busy_ratio_and_idle_polls():
    s = samples(scrape()[2])
    # One PULL per queue in setup(), each answered at once (messages were there).
    assert value(s, "ringmq_pull_latency_seconds_count") == len(SENT)
    assert value(s, "ringmq_pull_latency_seconds_bucket", le="+Inf") == len(SENT)
    assert value(s, "ringmq_pull_latency_seconds_sum") > 0
    # --flush async: the periodic round flushed what setup() stored at least once.
    assert value(s, "ringmq_flush_latency_seconds_count") >= 1
    buckets = sorted((float(dict(l)["le"]), v) for (n, l), v in s.items()
                     if n == "ringmq_flush_latency_seconds_bucket" and dict(l)["le"] != "+Inf")
    assert [v for _, v in buckets] == sorted(v for _, v in buckets)  # cumulative
    cores = [dict(l)["core"] for (n, l), _ in s.items() if n == "ringmq_reactor_busy_ratio"]
    assert cores, "no ringmq_reactor_busy_ratio"
    for core in cores:
        assert 0 <= value(s, "ringmq_reactor_busy_ratio", core=core) <= 1
        busy = value(s, "ringmq_reactor_busy_seconds_total", core=core)
        # Mostly idle in a test: busy time is above zero and below the time the broker has run.
        assert 0 < busy < _env["uptime"](), (core, busy)
    # Idle polling is on by default: after a reply the core polls, and the reply's own send
    # completion is there to catch, so some polls caught work. Pauses need a busy CPU: counted, >= 0.
    assert sum(value(s, "ringmq_reactor_idle_polls_caught_total", core=c) for c in cores) > 0
    assert all(value(s, "ringmq_reactor_idle_poll_pauses_total", core=c) >= 0 for c in cores)


@h.test
def consumer_lag_is_what_was_left_unconsumed():
    s = samples(scrape()[2])
    for queue, n in SENT.items():
        assert value(s, "ringmq_consumer_lag_messages", group=GROUP, topic=TOPIC, queue=str(queue)) == \
            n - COMMITTED[queue], queue


@h.test
def promtool_check_metrics_is_clean():
    text = scrape()[2]
    p = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0 and p.stdout.strip() == "" and p.stderr.strip() == "", (p.returncode, p.stdout, p.stderr)


@h.test
def shipped_alert_rules_pass_promtool_and_the_dashboard_uses_exported_families():
    rules = os.path.join(REPO, "deploy", "prometheus", "ringmq-alerts.yml")
    p = subprocess.run(["promtool", "check", "rules", rules], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0 and "SUCCESS: 6 rules found" in p.stdout, (p.stdout, p.stderr)
    families = {n for (n, _) in samples(scrape()[2])}
    families |= {re.sub(r"_(bucket|sum|count)$", "", f) for f in families}
    with open(os.path.join(REPO, "deploy", "grafana", "ringmq.json")) as f:
        dash = json.load(f)
    used = set()
    for panel in dash["panels"]:
        for target in panel["targets"]:
            used |= set(re.findall(r"ringmq_[a-z_]+", target["expr"]))
    assert used and used <= families, used - families


@h.test
def other_paths_and_methods_are_refused():
    try:
        scrape("/nothing")
        raise AssertionError("expected 404")
    except urllib.error.HTTPError as e:
        assert e.code == 404
    req = urllib.request.Request(f"http://127.0.0.1:{_env['metrics_port']}/metrics", data=b"x", method="POST")
    try:
        urllib.request.urlopen(req, timeout=h.TEST_TIMEOUT_S)
        raise AssertionError("expected 405")
    except urllib.error.HTTPError as e:
        assert e.code == 405


@h.test
def runtime_info_carries_rocketmqs_keys_and_counts():
    r = _env["conn"].request(GET_BROKER_RUNTIME_INFO)
    assert r["code"] == 0
    t = json.loads(r["body"])["table"]
    total = sum(SENT.values())
    assert int(t["msgPutTotalTodayNow"]) == total and int(t["msgGetTotalTodayNow"]) == total, t
    for key in ("putTps", "getTransferedTps", "getFoundTps", "getMissTps", "getTotalTps"):
        assert len([float(x) for x in t[key].split(" ")]) == 3, (key, t[key])
    assert float(t["putTps"].split(" ")[0]) > 0, t["putTps"]
    assert float(t["getTransferedTps"].split(" ")[0]) > 0, t["getTransferedTps"]
    for key in ("msgPutTotalYesterdayMorning", "msgPutTotalTodayMorning", "msgGetTotalTodayMorning",
                "sendThreadPoolQueueHeadWaitTimeMills", "pullThreadPoolQueueHeadWaitTimeMills"):
        assert int(t[key]) >= 0, key
    assert 0 < float(t["commitLogDiskRatio"]) <= 1
    assert 0 < int(t["earliestMessageTimeStamp"]) <= time.time() * 1000
    assert t["commitLogDirCapacity"].startswith("Total : ") and t["remainHowManyDataToFlush"].endswith("B")
    assert t["putMessageDistributeTime"].startswith("[<=0ms]:")
    buckets = [int(x.split(":")[1]) for x in t["putMessageDistributeTime"].split(" ")]
    assert sum(buckets) == total


@h.test
def broker_stats_data_and_consume_stats_follow_rocketmq_items():
    r = _env["conn"].request(VIEW_BROKER_STATS_DATA, {"statsName": "TOPIC_PUT_NUMS", "statsKey": TOPIC})
    assert r["code"] == 0, r
    data = json.loads(r["body"])
    assert set(data) == {"statsMinute", "statsHour", "statsDay"}
    assert set(data["statsMinute"]) == {"sum", "tps", "avgpt"}
    r = _env["conn"].request(VIEW_BROKER_STATS_DATA, {"statsName": "GROUP_GET_NUMS", "statsKey": f"{TOPIC}@{GROUP}"})
    assert r["code"] == 0, r
    r = _env["conn"].request(VIEW_BROKER_STATS_DATA, {"statsName": "TOPIC_PUT_NUMS", "statsKey": "NoSuchTopic"})
    assert r["code"] == 1 and r["remark"] == "The stats <TOPIC_PUT_NUMS> <NoSuchTopic> not exist", r
    r = _env["conn"].request(CONSUME_STATS, {"consumerGroup": GROUP, "topic": TOPIC})
    assert r["code"] == 0
    assert re.search(rb'"consumeTps":[0-9.eE+-]+', r["body"]), r["body"][:200]


@h.test
def a_malformed_metrics_address_is_refused_at_startup():
    p = subprocess.run([h.RINGMQ, "broker", "--metrics-listen", "nonsense", "--store", "/nonexistent-ringmq"],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 2 and "--metrics-listen" in (p.stdout + p.stderr), (p.returncode, p.stdout, p.stderr)


if __name__ == "__main__":
    # One broker for the whole file: every test reads the counters of the traffic setup() made.
    with h.shared(), standalone(extra=["--metrics-listen", "127.0.0.1:0"]) as srv:
        setup(srv)
        code = h.run_tests()
    sys.exit(code)
