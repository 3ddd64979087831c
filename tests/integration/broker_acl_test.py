"""ACL 1.0 against a real `ringmq standalone --acl-enable`: refusals answered as RocketMQ 4.9.4
answers them (SYSTEM_ERROR, AclException remark), signed requests accepted, whitelists, reload
of plain_acl.yml, the embedded NameServer left unchecked, and the ringmq client signing.

Requests are signed here with Python's hmac/hashlib/base64 following RocketMQ's documented
procedure (values of the sorted extFields, then the body; HMAC-SHA1; Base64): an implementation
independent of the broker's."""
import os
import subprocess
import sys
import time

import harness as h
from harness import test, run_tests
from broker_util import *  # noqa: F403
from acl_util import sign, write_acl, SignedConnection

SYSTEM_ERROR = 1
HEART_BEAT, GET_ROUTEINFO_BY_TOPIC, GET_ALL_TOPIC_CONFIG = 34, 105, 21
ACL_EXCEPTION = "org.apache.rocketmq.acl.common.AclException: "
VALIDATE = "org.apache.rocketmq.acl.plain.PlainPermissionManager.validate(PlainPermissionManager.java:"
CHECK_PERM = "org.apache.rocketmq.acl.plain.PlainPermissionManager.checkPerm(PlainPermissionManager.java:"

ACL_YAML = """
globalWhiteRemoteAddresses:
  - 10.10.103.*
accounts:
  - accessKey: RocketMQ
    secretKey: 12345678
    admin: false
    defaultTopicPerm: DENY
    defaultGroupPerm: SUB
    topicPerms:
      - topicA=DENY
      - topicB=PUB|SUB
  - accessKey: rocketmq2
    secretKey: 12345678
    admin: true
"""


def start_acl_broker(acl_path):
    return standalone(extra=("--acl-enable", "--acl-file", acl_path))


def send_ext(topic, producer="pg"):
    return {"a": producer, "b": topic, "c": "TBW102", "d": "4", "e": "0", "f": "0", "g": "1700000000000", "h": "0",
            "i": props(TAGS="T"), "j": "0", "k": "false"}


def refused(reply, message, frame):
    assert reply["code"] == SYSTEM_ERROR, reply
    assert reply["remark"] == ACL_EXCEPTION + message + ", " + frame, reply["remark"]


@test
def unsigned_and_badly_signed_requests_are_refused_like_rocketmq():
    acl = write_acl(ACL_YAML)
    with start_acl_broker(acl) as proc:
        ns, port = proc.ns, proc.port
        c = h.Connection(port)
        refused(c.request(GET_ALL_TOPIC_CONFIG), "No accessKey is configured", VALIDATE + "663)")
        ext = send_ext("topicB")
        refused(c.request(SEND_V2, sign(ext, b"x", "nobody12", "12345678"), body=b"x"),
                "No acl config for nobody12", VALIDATE + "667)")
        refused(c.request(SEND_V2, sign(ext, b"x", "RocketMQ", "wrong-secret"), body=b"x"),
                "Check signature failed for accessKey=RocketMQ", VALIDATE + "683)")
        # A body changed after signing fails the same way.
        refused(c.request(SEND_V2, sign(ext, b"x", "RocketMQ", "12345678"), body=b"y"),
                "Check signature failed for accessKey=RocketMQ", VALIDATE + "683)")
        # The ROCKETMQ binary header is checked the same way.
        r = c.request(GET_ALL_TOPIC_CONFIG, serialize=h.ROCKETMQ)
        refused(r, "No accessKey is configured", VALIDATE + "663)")


@test
def permissions_follow_the_account():
    acl = write_acl(ACL_YAML)
    with start_acl_broker(acl) as proc:
        ns, port = proc.ns, proc.port
        c = h.Connection(port)
        topic_ext = {"topic": "topicB", "defaultTopic": "TBW102", "readQueueNums": "4", "writeQueueNums": "4",
                     "perm": "6", "topicFilterType": "SINGLE_TAG", "topicSysFlag": "0", "order": "false"}
        refused(c.request(UPDATE_AND_CREATE_TOPIC, sign(topic_ext, b"", "RocketMQ", "12345678")),
                "Need admin permission for request code=17, but accessKey=RocketMQ is not", CHECK_PERM + "580)")
        r = c.request(UPDATE_AND_CREATE_TOPIC, sign(topic_ext, b"", "rocketmq2", "12345678"))
        assert r["code"] == 0, r
        r = c.request(SEND_V2, sign(send_ext("topicB"), b"hello", "RocketMQ", "12345678"), body=b"hello")
        assert r["code"] == 0, r
        refused(c.request(SEND_V2, sign(send_ext("topicA"), b"hello", "RocketMQ", "12345678"), body=b"hello"),
                "No default permission for topic:topicA", CHECK_PERM + "610)")
        refused(c.request(SEND_V2, sign(send_ext("topicZ"), b"hello", "RocketMQ", "12345678"), body=b"hello"),
                "No default permission for topic:topicZ", CHECK_PERM + "605)")
        # The message that was accepted is really stored.
        assert max_offset(c_signed(port), "topicB", 0) == 1


def c_signed(port):
    return SignedConnection(port, "rocketmq2", "12345678")


@test
def reload_adds_a_whitelist_and_the_namesrv_is_not_checked():
    acl = write_acl(ACL_YAML)
    with start_acl_broker(acl) as proc:
        ns, port = proc.ns, proc.port
        c = h.Connection(port)
        refused(c.request(GET_ALL_TOPIC_CONFIG), "No accessKey is configured", VALIDATE + "663)")
        # The embedded NameServer answers without any signature, as RocketMQ's does.
        n = h.Connection(ns)
        r = n.request(GET_ROUTEINFO_BY_TOPIC, {"topic": "TBW102"})
        assert r["code"] in (0, 17) and "AclException" not in (r.get("remark") or ""), r  # 17: TOPIC_NOT_EXIST
        with open(acl, "w") as f:
            f.write(ACL_YAML.replace("  - 10.10.103.*", "  - 10.10.103.*\n  - 127.0.0.*"))
        deadline = time.time() + 20
        while True:
            r = c.request(GET_ALL_TOPIC_CONFIG)
            if r["code"] == 0:
                break
            assert time.time() < deadline, "the whitelist was not picked up"
            time.sleep(0.2)
        # A file that no longer parses leaves the rules in force.
        with open(acl, "w") as f:
            f.write("accounts: [broken\n")
        time.sleep(1.5)
        assert c.request(GET_ALL_TOPIC_CONFIG)["code"] == 0
        assert "does not load" in proc.log_text()


@test
def a_broken_acl_file_stops_the_broker_with_exit_code_2():
    acl = write_acl("accounts:\n  - accessKey: short\n    secretKey: 12345678\n")
    out = subprocess.run([h.RINGMQ, "broker", "--acl-enable", "--acl-file", acl, "--listen", "127.0.0.1:0",
                          "--store", new_store("acl-bad")], capture_output=True, text=True, timeout=30)
    assert out.returncode == 2, out
    assert "length should longer than 6" in out.stdout + out.stderr, out


@test
def ringmq_bench_signs_with_access_key_flags_and_env():
    acl = write_acl(ACL_YAML)
    with start_acl_broker(acl) as proc:
        ns, port = proc.ns, proc.port
        base = [h.RINGMQ, "bench", "produce", "--namesrv", f"127.0.0.1:{ns}", "--topic", "topicB", "--duration", "1",
                "--warmup", "0", "--threads", "1", "--json"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("ROCKETMQ_")}
        ok = subprocess.run(base + ["--access-key", "rocketmq2", "--secret-key", "12345678"], capture_output=True,
                            text=True, timeout=60, env=env)
        assert ok.returncode == 0, ok
        c = c_signed(port)
        sent_with_flags = sum(max_offset(c, "topicB", q) for q in range(4))
        assert sent_with_flags > 0, ok.stdout
        env_ok = dict(env, ROCKETMQ_ACCESS_KEY="rocketmq2", ROCKETMQ_SECRET_KEY="12345678")
        subprocess.run(base + ["--create-topic", "false"], capture_output=True, text=True, timeout=60, env=env_ok)
        sent_with_env = sum(max_offset(c, "topicB", q) for q in range(4))
        assert sent_with_env > sent_with_flags
        subprocess.run(base + ["--create-topic", "false"], capture_output=True, text=True, timeout=60, env=env)
        assert sum(max_offset(c, "topicB", q) for q in range(4)) == sent_with_env  # unsigned: nothing stored


@test
def ringmq_admin_signs_with_access_key_flags_and_env():
    acl = write_acl(ACL_YAML)
    with start_acl_broker(acl) as proc:
        ns, port = proc.ns, proc.port
        # UPDATE_AND_CREATE_TOPIC is an admin request: only an account with admin: true may make it.
        base = [h.RINGMQ, "admin", "updateTopic", "-n", f"127.0.0.1:{ns}", "-b", f"127.0.0.1:{port}", "--json"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("ROCKETMQ_")}
        unsigned = subprocess.run(base + ["-t", "AdminUnsigned"], capture_output=True, text=True, timeout=60, env=env)
        assert unsigned.returncode != 0, unsigned
        assert "No accessKey is configured" in unsigned.stdout + unsigned.stderr, unsigned
        not_admin = subprocess.run(base + ["-t", "AdminNotAdmin", "--access-key", "RocketMQ", "--secret-key", "12345678"],
                                   capture_output=True, text=True, timeout=60, env=env)
        assert not_admin.returncode != 0, not_admin
        flags = subprocess.run(base + ["-t", "AdminFlags", "--access-key", "rocketmq2", "--secret-key", "12345678"],
                               capture_output=True, text=True, timeout=60, env=env)
        assert flags.returncode == 0, flags
        env_ok = dict(env, ROCKETMQ_ACCESS_KEY="rocketmq2", ROCKETMQ_SECRET_KEY="12345678")
        from_env = subprocess.run(base + ["-t", "AdminEnv"], capture_output=True, text=True, timeout=60, env=env_ok)
        assert from_env.returncode == 0, from_env
        reply = c_signed(port).request(GET_ALL_TOPIC_CONFIG)
        assert reply["code"] == 0, reply
        topics = reply["body"].decode()
        assert "AdminFlags" in topics and "AdminEnv" in topics, topics
        assert "AdminUnsigned" not in topics and "AdminNotAdmin" not in topics, topics


sys.exit(run_tests())
