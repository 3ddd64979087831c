"""NameServer addresses from an HTTP address server (RocketMQ's TopAddressing): a broker started
with fetchNamesrvAddrByAddressServer and no NameServer address registers with the NameServer the
server names and follows it when the list changes; `ringmq bench --namesrv-domain` finds the
NameServer the same way. The address server is a tiny Python HTTP server process on 127.0.0.1
that answers GET /rocketmq/nsaddr with the contents of a file the test rewrites."""
import os
import subprocess
import sys
import time
import urllib.request

import harness as h
from harness import test, run_tests
from broker_util import BROKER_READY, SEGMENT_ARGS, max_offset, new_store, wait_route

os.environ.pop("NAMESRV_ADDR", None)  # the address server is asked only when nothing else names one

@test
def a_broker_registers_with_the_namesrv_the_address_server_names_and_follows_a_change():
    with h.namesrv(cores=1) as ns1, h.namesrv(cores=1) as ns2:
        server = h.AddressServer(f"127.0.0.1:{ns1.port}\n")
        proc, (m,) = h.start(["broker", "--listen", "127.0.0.1:0", "--store", new_store("addrsrv"), "--broker-name",
                              "addr-broker", "--cores", "1", *SEGMENT_ARGS, "--fetch-namesrv-addr",
                              "--address-server-domain", server.domain, "--address-server-interval", "300"],
                             "broker", ready=[BROKER_READY])
        try:
            wait_route(ns1.port, "TBW102", ["addr-broker"])
            server.set(f"127.0.0.1:{ns2.port}")
            wait_route(ns2.port, "TBW102", ["addr-broker"])
            log = proc.log_text()
            assert f"namesrv address changed: 127.0.0.1:{ns1.port}" in log, log
            assert f"namesrv address changed: 127.0.0.1:{ns2.port}" in log, log
            # A failed fetch (the server gone) keeps the list in force.
            server.stop()
            time.sleep(1)
            assert proc.alive() and "namesrv address server" in proc.log_text()
        finally:
            proc.stop()


@test
def a_namesrv_addr_flag_wins_over_the_address_server():
    with h.namesrv(cores=1) as ns1, h.namesrv(cores=1) as ns2:
        server = h.AddressServer(f"127.0.0.1:{ns2.port}")
        proc, _ = h.start(["broker", "--namesrv", f"127.0.0.1:{ns1.port}", "--listen", "127.0.0.1:0", "--store",
                           new_store("addrsrv-flag"), "--broker-name", "flag-broker", "--cores", "1", *SEGMENT_ARGS,
                           "--fetch-namesrv-addr", "--address-server-domain", server.domain,
                           "--address-server-interval", "300"], "broker", ready=[BROKER_READY])
        try:
            wait_route(ns1.port, "TBW102", ["flag-broker"])
            time.sleep(1)
            assert "address server" not in proc.log_text()
            r = h.Connection(ns2.port).request(105, {"topic": "TBW102"})
            assert r["code"] != 0 or b"flag-broker" not in r["body"], r
        finally:
            proc.stop()


@test
def ringmq_bench_finds_the_namesrv_through_the_address_server():
    with h.namesrv(cores=1) as ns:
        server = h.AddressServer(f"127.0.0.1:{ns.port}")
        proc, (m,) = h.start(["broker", "--namesrv", f"127.0.0.1:{ns.port}", "--listen", "127.0.0.1:0", "--store",
                              new_store("addrsrv-bench"), "--broker-name", "bench-broker", "--cores", "1",
                              *SEGMENT_ARGS], "broker", ready=[BROKER_READY])
        try:
            wait_route(ns.port, "TBW102", ["bench-broker"])
            out = subprocess.run([h.RINGMQ, "bench", "produce", "--namesrv-domain", server.domain, "--topic",
                                  "AddrBench", "--queues", "2", "--duration", "1", "--warmup", "0", "--threads", "1",
                                  "--json"], capture_output=True, text=True, timeout=60)
            assert out.returncode == 0, out
            c = h.Connection(int(m.group(1)))
            assert sum(max_offset(c, "AddrBench", q) for q in range(2)) > 0, out.stdout
        finally:
            proc.stop()


@test
def the_namesrv_serves_its_own_address_endpoint_and_metrics():
    """`ringmq namesrv --address-endpoint`: a self-contained setup needs no other address server.
    Its --metrics-listen counts the brokers, topics and route lookups, and passes promtool."""
    proc, (ns, metrics, endpoint) = h.start(
        ["namesrv", "--listen", "127.0.0.1:0", "--cores", "2", "--metrics-listen", "127.0.0.1:0",
         "--address-endpoint", "127.0.0.1:0"], "namesrv",
        ready=[h.NAMESRV_READY, r"namesrv: GET /metrics on [^\s:]+:(\d+)\n", r"namesrv: GET /rocketmq/nsaddr on [^\s:]+:(\d+)\n"])
    ns_port, metrics_port, endpoint_port = int(ns.group(1)), int(metrics.group(1)), int(endpoint.group(1))
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{endpoint_port}/rocketmq/nsaddr", timeout=10) as r:
            assert r.read().decode() == f"127.0.0.1:{ns_port}"
        b, _ = h.start(["broker", "--listen", "127.0.0.1:0", "--store", new_store("addrsrv-self"), "--broker-name",
                        "self-broker", "--cores", "1", *SEGMENT_ARGS, "--fetch-namesrv-addr",
                        "--address-server-domain", f"127.0.0.1:{endpoint_port}", "--address-server-interval", "300"],
                       "broker", ready=[BROKER_READY])
        try:
            wait_route(ns_port, "TBW102", ["self-broker"])
            n = h.Connection(ns_port)
            for _ in range(5):
                assert n.request(105, {"topic": "TBW102"})["code"] == 0
            with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10) as r:
                text = r.read().decode()
            values = {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
                      for line in text.splitlines() if line and not line.startswith("#")}
            assert values["ringmq_namesrv_brokers"] == 1, text
            assert values["ringmq_namesrv_topics"] >= 1, text
            lookups = sum(v for k, v in values.items() if k.startswith("ringmq_namesrv_route_lookups_total{"))
            assert lookups >= 5, text
            p = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True,
                               timeout=60)
            assert p.returncode == 0 and p.stdout.strip() == "" and p.stderr.strip() == "", (p.stdout, p.stderr)
        finally:
            b.stop()
    finally:
        proc.stop()


sys.exit(run_tests())
