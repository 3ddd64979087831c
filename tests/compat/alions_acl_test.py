"""Compatibility: npm ali-ons with ACL 1.0 (issue 17) against `ringmq standalone --acl-enable`.
ali-ons signs with its own code (accessKey/secretKey options, HMAC-SHA1 over the sorted header
fields plus its OnsChannel field, then the body): with the right key it produces and consumes; a
wrong secret and a DENY topic are refused with RocketMQ's AclException texts."""
import contextlib
import json
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import harness as h  # noqa: E402
from harness import test, run_tests  # noqa: E402
from broker_util import *  # noqa: E402,F403
from acl_util import write_acl, SignedConnection  # noqa: E402

MESSAGES = 20
NODE_TIMEOUT_S = 120
ACL_YAML = """
accounts:
  - accessKey: alionsUser
    secretKey: alionsSecret
    defaultTopicPerm: DENY
    defaultGroupPerm: SUB
    topicPerms:
      - AclTopic=PUB|SUB
      - DeniedTopic=DENY
  - accessKey: adminUser
    secretKey: adminSecret
    admin: true
"""


@contextlib.contextmanager
def acl_standalone():
    """A standalone with ACL on and both topics created and routed; yields (ns port, broker port)."""
    with standalone(extra=("--acl-enable", "--acl-file", write_acl(ACL_YAML))) as proc:
        admin = SignedConnection(proc.port, "adminUser", "adminSecret")
        for topic in ("AclTopic", "DeniedTopic"):
            create_topic(admin, topic)
            wait_route(proc.ns, topic, ["broker-a"])
        yield proc.ns, proc.port


def produce(ns, topic, secret, count=MESSAGES):
    env = dict(os.environ, ALIONS_ACCESS_KEY="alionsUser", ALIONS_SECRET_KEY=secret)
    out = subprocess.run(["node", os.path.join(HERE, "alions_producer.js"), f"127.0.0.1:{ns}", topic, str(count)],
                         capture_output=True, text=True, timeout=NODE_TIMEOUT_S, env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    lines = [json.loads(l) for l in out.stdout.splitlines() if l.startswith("{")]
    return lines[-1], [l.get("error") or l["closeError"] for l in lines[:-1] if "error" in l or "closeError" in l]


@test
def alions_with_the_right_key_produces_and_consumes():
    with acl_standalone() as (ns, port):
        summary, errors = produce(ns, "AclTopic", "alionsSecret")
        assert summary == {"done": MESSAGES, "failed": 0}, (summary, errors[:3])
        admin = SignedConnection(port, "adminUser", "adminSecret")
        assert sum(max_offset(admin, "AclTopic", q) for q in range(4)) == MESSAGES
        o = {"nameSrv": f"127.0.0.1:{ns}", "topic": "AclTopic", "group": "CG_acl", "name": "c1",
             "accessKey": "alionsUser", "secretKey": "alionsSecret"}
        node = subprocess.Popen(["node", os.path.join(HERE, "alions_consumer.js"), json.dumps(o)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            got = set()
            deadline = time.time() + NODE_TIMEOUT_S
            while len(got) < MESSAGES and time.time() < deadline:
                line = node.stdout.readline()
                if not line:
                    break
                if line.startswith("{") and json.loads(line).get("ev") == "msg":
                    got.add(json.loads(line)["body"])
            assert got == {f"ringmq ali-ons message {i}" for i in range(MESSAGES)}, \
                (len(got), node.stderr.read()[-2000:] if node.poll() is not None else "")
        finally:
            node.send_signal(signal.SIGTERM)
            try:
                node.wait(10)
            except subprocess.TimeoutExpired:
                node.kill()
                node.wait()


@test
def alions_with_a_wrong_secret_or_a_denied_topic_is_refused():
    with acl_standalone() as (ns, port):
        summary, errors = produce(ns, "AclTopic", "not-the-secret", count=3)
        assert summary["failed"] == 3, summary
        # ali-ons retries a refused send and then reports "Send [n] times, still failed"; the
        # UNREGISTER_CLIENT of close() shows the broker's remark itself.
        assert len(errors) == 4 and all(e.startswith("Send [") for e in errors[:3]), errors
        assert errors[3] == (
            "org.apache.rocketmq.acl.common.AclException: Check signature failed for accessKey=alionsUser, "
            "org.apache.rocketmq.acl.plain.PlainPermissionManager.validate(PlainPermissionManager.java:683)"), errors
        summary, errors = produce(ns, "DeniedTopic", "alionsSecret", count=3)
        assert summary["failed"] == 3 and len(errors) == 3, (summary, errors)
        admin = SignedConnection(port, "adminUser", "adminSecret")
        assert sum(max_offset(admin, t, q) for t in ("AclTopic", "DeniedTopic") for q in range(4)) == 0


sys.exit(run_tests())
