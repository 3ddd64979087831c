"""Crash test: 8 concurrent senders against `--flush sync`, the broker killed with SIGKILL mid-stream
and restarted on the same store: every acknowledged message is there, readable, with its queue
offset unchanged (read back with VIEW_MESSAGE_BY_ID and GET_MAX_OFFSET)."""
import signal
import sys
import threading
import time

import harness as h
from harness import test, run_tests
from broker_util import *  # noqa: F403

SENDERS = 8
RUN_BEFORE_KILL_S = 3.0
MESSAGES_PER_SENDER_MAX = 5000


@test
def sigkill_under_sync_flush_loses_nothing_acknowledged():
    proc, ns, port, store = start_standalone(cores=2, extra=["--flush", "sync"])
    create_topic(h.Connection(port), "CrashTopic", queues=8)
    acked = [[] for _ in range(SENDERS)]

    def sender(n):
        try:
            c = h.Connection(port, timeout_s=10)
            for i in range(MESSAGES_PER_SENDER_MAX):
                body = b"sender-%d-msg-%d" % (n, i)
                r = send_v2(c, "CrashTopic", n, body, props(TAGS="T", KEYS=f"s{n}-{i}", WAIT="true"))
                if r["code"] != 0:
                    continue
                acked[n].append((body, r["extFields"]["msgId"], int(r["extFields"]["queueOffset"])))
        except (OSError, AssertionError):
            return  # the broker died under us: what was acknowledged so far is what counts

    threads = [threading.Thread(target=sender, args=(n,)) for n in range(SENDERS)]
    for t in threads:
        t.start()
    time.sleep(RUN_BEFORE_KILL_S)
    proc.stop(signal.SIGKILL)
    for t in threads:
        t.join(30)
    total = sum(len(a) for a in acked)
    assert total > 0, proc.log_text()

    proc2, ns2, port2, _ = start_standalone(store=store, cores=2, extra=["--flush", "sync"])
    assert "recovered after a crash" in proc2.log_text(), proc2.log_text()
    c = h.Connection(port2)
    for n in range(SENDERS):
        for body, msg_id, queue_offset in acked[n]:
            rec = view(c, msg_id)
            assert rec["body"] == body and rec["queue_offset"] == queue_offset and rec["queue_id"] == n, rec
        assert max_offset(c, "CrashTopic", n) >= len(acked[n])
    print(f"  {total} acknowledged sends checked after SIGKILL", flush=True)


if __name__ == "__main__":
    sys.exit(run_tests())
