"""Long (suite 'long'): the SIGKILL crash test of broker_crash_test.py, looped. One store lives
through ROUNDS kill-and-restart cycles under `--flush sync`; after every restart each message
acknowledged in any earlier round is read back (VIEW_MESSAGE_BY_ID) with its queue and offset, and
each queue's max offset covers every acknowledged send so far. Recovery after recovery must not
lose or move what an earlier recovery kept."""
import signal
import sys
import threading
import time

import harness as h
from harness import test, run_tests
from broker_util import *  # noqa: F403

ROUNDS = 6
SENDERS = 4
RUN_BEFORE_KILL_S = 2.0
MESSAGES_PER_SENDER_MAX = 3000


def send_until_killed(port, round_no, acked):
    def sender(n):
        try:
            c = h.Connection(port, timeout_s=10)
            for i in range(MESSAGES_PER_SENDER_MAX):
                body = b"round-%d-sender-%d-msg-%d" % (round_no, n, i)
                r = send_v2(c, "LoopTopic", n, body, props(TAGS="T", KEYS=f"r{round_no}-s{n}-{i}", WAIT="true"))
                if r["code"] == 0:
                    acked[n].append((body, r["extFields"]["msgId"], int(r["extFields"]["queueOffset"])))
        except (OSError, AssertionError):
            return  # the broker died under us: what was acknowledged so far is what counts
    return [threading.Thread(target=sender, args=(n,)) for n in range(SENDERS)]


def check_all(port, acked):
    c = h.Connection(port)
    for n in range(SENDERS):
        for body, msg_id, queue_offset in acked[n]:
            rec = view(c, msg_id)
            assert rec["body"] == body and rec["queue_offset"] == queue_offset and rec["queue_id"] == n, rec
        assert max_offset(c, "LoopTopic", n) >= len(acked[n]), (n, len(acked[n]))
    c.close()


@test
def repeated_sigkills_under_sync_flush_lose_nothing_acknowledged():
    store = new_store("crash-loop")
    acked = [[] for _ in range(SENDERS)]
    for round_no in range(ROUNDS):
        with standalone(store=store, cores=2, extra=["--flush", "sync"]) as proc:
            if round_no == 0:
                create_topic(h.Connection(proc.port), "LoopTopic", queues=SENDERS)
            else:
                assert "recovered after a crash" in proc.log_text(), proc.log_text()
                check_all(proc.port, acked)
            before = sum(len(a) for a in acked)
            threads = send_until_killed(proc.port, round_no, acked)
            for t in threads:
                t.start()
            time.sleep(RUN_BEFORE_KILL_S)
            proc.stop(signal.SIGKILL)
            for t in threads:
                t.join(30)
            assert sum(len(a) for a in acked) > before, proc.log_text()[-3000:]
        print(f"  round {round_no}: {sum(len(a) for a in acked)} acknowledged so far", flush=True)
    with standalone(store=store, cores=2, extra=["--flush", "sync"]) as proc:
        check_all(proc.port, acked)


if __name__ == "__main__":
    sys.exit(run_tests())
