"""Store lifecycle under a full disk and bad configuration, through real brokers.

The disk-full test mounts its own small tmpfs (the tests run as root), sends three times its size
through one broker and unmounts it afterwards; sizes and counts are bounded so it takes seconds.
"""
import os
import subprocess
import sys
import tempfile
import time

import harness as h
from broker_util import create_topic, max_offset, send_v2, standalone
from consumer_util import pull, records

SUCCESS, SERVICE_NOT_AVAILABLE = 0, 14
TMPFS_MB = 128
SEGMENT_BYTES = 4 * 1024 * 1024
MAX_MESSAGE_BYTES = 1024 * 1024
BODY_BYTES = 64 * 1024
SEND_TIMEOUT_S = 120  # bounds the whole send loop


class Tmpfs:
    def __init__(self, size_mb):
        self.dir = tempfile.mkdtemp(prefix="ringmq-tmpfs-")
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", self.dir], check=True)

    def close(self):
        subprocess.run(["umount", "-l", self.dir], check=False)
        os.rmdir(self.dir)


def start(store):
    return standalone(store=store, cores=1, segment_bytes=SEGMENT_BYTES,
                      extra=["--max-message-bytes", str(MAX_MESSAGE_BYTES)])


@h.test
def disk_full_refuses_sends_and_retention_makes_room():
    fs = Tmpfs(TMPFS_MB)
    try:
        store = os.path.join(fs.dir, "store")
        with start(store) as proc:
            conn = h.Connection(proc.port)
            create_topic(conn, "Full", queues=1)
            codes = {}
            last_ok = None
            deadline = time.monotonic() + SEND_TIMEOUT_S
            total = 3 * TMPFS_MB * 1024 * 1024 // BODY_BYTES
            for i in range(total):
                assert time.monotonic() < deadline, codes
                body = (b"%08d" % i) * (BODY_BYTES // 8)
                r = send_v2(conn, "Full", 0, body)
                codes[r["code"]] = codes.get(r["code"], 0) + 1
                assert r["code"] in (SUCCESS, SERVICE_NOT_AVAILABLE), r
                if r["code"] == SUCCESS:
                    last_ok = i
                else:
                    assert r.get("remark", "").startswith("service not available now, maybe disk full"), r
                    time.sleep(0.01)  # as a client backs off
                assert proc.alive(), proc.log_text()
            print(f"sends: {codes}", flush=True)
            assert codes.get(SUCCESS, 0) > TMPFS_MB * 1024 * 1024 // BODY_BYTES, codes  # more than fits at once
            log = proc.log_text()
            assert "deleted segment" in log and "diskSpaceCleanForciblyRatio" in log, log[-3000:]
            print("\n".join(l for l in log.splitlines() if "disk" in l)[-1500:], flush=True)
            # The newest message is readable; the oldest are gone (the consumer is told where to go).
            newest = max_offset(conn, "Full", 0) - 1
            r = pull(conn, "g", "Full", 0, newest)
            assert r["code"] == SUCCESS, r
            assert records(r["body"])[0]["body"][:8] == b"%08d" % last_ok
            assert pull(conn, "g", "Full", 0, 0)["code"] == 21  # PULL_OFFSET_MOVED
            conn.close()
            assert proc.stop() == 0, proc.log_text()[-3000:]
        with start(store) as proc:
            conn = h.Connection(proc.port)
            r = pull(conn, "g", "Full", 0, newest)
            assert r["code"] == SUCCESS and records(r["body"])[0]["body"][:8] == b"%08d" % last_ok, r
            assert "recovered after a crash" not in proc.log_text()
            conn.close()
            assert proc.stop() == 0, proc.log_text()[-3000:]
    finally:
        fs.close()


@h.test
def bad_configuration_exits_2_naming_the_key():
    cases = [
        (["--segment-bytes", "5000000000"], "mapedFileSizeCommitLog"),
        (["--max-message-bytes", "0"], "maxMessageSize"),
        (["--retention-hours=-1"], "fileReservedTime"),
        (["--disk-max-used-ratio", "5"], "diskMaxUsedSpaceRatio"),
        (["--disk-clean-forcibly-ratio", "99"], "diskSpaceCleanForciblyRatio"),
        (["--disk-warning-ratio", "100"], "diskSpaceWarningLevelRatio"),
        (["--delete-when", "24"], "deleteWhen"),
        (["--sync-flush-timeout", "0"], "syncFlushTimeout"),
        (["--flush-interval", "0"], "flushIntervalCommitLog"),
        (["--broker-id=-1"], "brokerId"),
        (["--cores", "1000"], "cores"),
        (["--connections-per-core", "0"], "connectionsPerCore"),
        (["--connections-per-core", "2000000"], "connectionsPerCore"),
        (["--delay-levels", "1s 5x"], "messageDelayLevel"),
    ]
    store = tempfile.mkdtemp(prefix="ringmq-badconf-")
    for args, key in cases:
        p = subprocess.run([h.RINGMQ, "broker", "--namesrv", "127.0.0.1:1", "--store", store, *args],
                           capture_output=True, text=True, timeout=30)
        assert p.returncode == 2, (args, p.returncode, p.stdout, p.stderr)
        assert key in p.stdout + p.stderr, (args, p.stdout, p.stderr)
    with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as f:
        f.write("mapedFileSizeCommitLog=5000000000\n")
    p = subprocess.run([h.RINGMQ, "broker", "-c", f.name, "--namesrv", "127.0.0.1:1", "--store", store],
                       capture_output=True, text=True, timeout=30)
    os.unlink(f.name)
    os.rmdir(store)
    assert p.returncode == 2 and "5000000000" in p.stdout + p.stderr, (p.returncode, p.stdout, p.stderr)


sys.exit(h.run_tests())
