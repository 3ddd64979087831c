"""Crash test: 8 concurrent senders against `--flush sync` and `--flush async`, the broker killed with SIGKILL mid-stream
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


def sigkill_loses_nothing_acknowledged(flush):
    with standalone(cores=2, extra=["--flush", flush]) as proc:
        port, store = proc.port, proc.store
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

    with standalone(store=store, cores=2, extra=["--flush", flush]) as proc2:
        port2 = proc2.port
        assert "recovered after a crash" in proc2.log_text(), proc2.log_text()
        c = h.Connection(port2)
        for n in range(SENDERS):
            for body, msg_id, queue_offset in acked[n]:
                rec = view(c, msg_id)
                assert rec["body"] == body and rec["queue_offset"] == queue_offset and rec["queue_id"] == n, rec
            assert max_offset(c, "CrashTopic", n) >= len(acked[n])
        print(f"  {total} acknowledged sends checked after SIGKILL (--flush {flush})", flush=True)


@test
def sigkill_under_sync_flush_loses_nothing_acknowledged():
    sigkill_loses_nothing_acknowledged("sync")


@test
def sigkill_under_async_flush_loses_nothing_acknowledged():
    # Async flush acknowledges before fdatasync; what makes this hold is that appends are staged
    # only until the end of the reactor pass, before any reply leaves (store/commit_log.h): an
    # acknowledged record is in the page cache, which a killed process does not take with it.
    sigkill_loses_nothing_acknowledged("async")


@test
def a_start_that_fails_after_a_crash_loses_nothing():
    # Regression: when start() failed after the store was opened (here: the listen port is taken),
    # shutdown() dropped the shards unclosed and StoreRoot::close_clean() removed the abort marker;
    # the next start trusted the stale checkpoint and zeroed the acknowledged records after it.
    import os
    import socket
    import subprocess
    with standalone(cores=2, extra=["--flush", "sync"]) as proc:
        store = proc.store
        c = h.Connection(proc.port)
        create_topic(c, "FailStartT", queues=2)
        acked = []
        for i in range(50):
            r = send_v2(c, "FailStartT", i % 2, b"fs-%d" % i, props(WAIT="true"))
            assert r["code"] == 0, r
            acked.append((b"fs-%d" % i, r["extFields"]["msgId"]))
        proc.stop(signal.SIGKILL)
    assert os.path.exists(os.path.join(store, "abort"))

    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    taken = busy.getsockname()[1]
    try:
        # The embedded NameServer takes any free port (0): only the broker's port is to fail.
        failed = subprocess.run([h.RINGMQ, "standalone", "--namesrv-listen", "127.0.0.1:0",
                                 "--listen", f"127.0.0.1:{taken}", "--store", store, "--cores", "2",
                                 *SEGMENT_ARGS], capture_output=True, timeout=30)
    finally:
        busy.close()
    assert failed.returncode != 0, failed.stdout
    # The failed run recovered the log; it must either close the shards (sync + checkpoint) or
    # leave the abort marker so the next run recovers again.
    out = failed.stdout.decode(errors="replace") + failed.stderr.decode(errors="replace")
    assert "stopped cleanly" in out or os.path.exists(os.path.join(store, "abort")), out

    with standalone(store=store, cores=2, extra=["--flush", "sync"]) as proc2:
        c2 = h.Connection(proc2.port)
        for body, msg_id in acked:
            assert view(c2, msg_id)["body"] == body
        assert max_offset(c2, "FailStartT", 0) + max_offset(c2, "FailStartT", 1) == len(acked)


@test
def a_core_with_more_dirty_queues_than_fsync_slots_still_checkpoints_and_takes_writes():
    # Regression: a checkpoint round submitted one fsync per dirty ConsumeQueue file at once; past
    # the reactor's 256 slots the submissions failed, the round failed every second, and a
    # CommitLog round finding the slots taken failed the log for good (no more writes).
    with standalone(cores=1, extra=["--flush", "sync"]) as proc:
        c = h.Connection(proc.port)
        create_topic(c, "ManyQ", queues=400)
        for q in range(400):
            r = send_v2(c, "ManyQ", q, b"q%d" % q, props(WAIT="true"))
            assert r["code"] == 0, r
        time.sleep(2.5)  # two checkpoint rounds
        for q in range(0, 400, 7):
            r = send_v2(c, "ManyQ", q, b"again", props(WAIT="true"))
            assert r["code"] == 0, r
        log = proc.log_text()
        assert "checkpoint failed" not in log and "refusing" not in log, log[-3000:]
        assert proc.stop() == 0, proc.log_text()[-3000:]
        assert "stopped cleanly" in proc.log_text()


if __name__ == "__main__":
    sys.exit(run_tests())
