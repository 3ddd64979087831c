"""Connection limits of the broker's client port (rpc/limits.h): connections per remote IP per core,
the idle timeout that closes connections which send no whole frame (idle and half-open peers),
and a flood of idle connections that does not keep a producer out."""
import resource
import socket
import sys
import time

import harness as h
from harness import test, run_tests
from broker_util import *  # noqa: F403

FLOOD = 5000


def closed_by_peer(sock, timeout_s):
    """True once the broker closed `sock` (EOF or reset) within timeout_s."""
    sock.settimeout(timeout_s)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


@test
def connections_over_the_per_ip_limit_are_closed_at_once():
    with standalone(cores=1, extra=("--connections-per-ip", "3")) as proc:
        port = proc.port
        conns = [h.Connection(port) for _ in range(3)]
        for c in conns:
            assert max_offset(c, "TBW102", 0) == 0
        extra = socket.create_connection(("127.0.0.1", port))
        assert closed_by_peer(extra, 10), "the 4th connection from 127.0.0.1 stayed open"
        conns[0].close()
        time.sleep(0.2)
        again = h.Connection(port)  # a freed slot can be used again
        assert max_offset(again, "TBW102", 0) == 0
        assert "connections per IP over the limit" in proc.log_text()


@test
def connections_over_the_per_core_limit_are_closed_and_the_refusal_logged_once():
    """--connections-per-core 8 on one core: the broker's own connections (to the NameServer) count
    too, so at most 8 of ours open; the rest are closed at once, and a freed slot serves again."""
    with standalone(cores=1, extra=("--connections-per-core", "8")) as proc:
        port = proc.port
        kept, refused = [], 0
        for _ in range(30):
            s = socket.create_connection(("127.0.0.1", port))
            if closed_by_peer(s, 1):
                refused += 1
                s.close()
            else:
                kept.append(s)
        assert 1 <= len(kept) <= 8 and refused >= 22, (len(kept), refused)
        kept.pop().close()
        time.sleep(0.2)
        again = h.Connection(port)
        assert max_offset(again, "TBW102", 0) == 0
        log = proc.log_text()
        assert "connection limit per core (8) reached" in log
        assert log.count("refusing connection") < refused  # rate-limited: the burst, then a count
        for s in kept:
            s.close()


@test
def idle_and_half_open_connections_are_closed_after_the_idle_timeout():
    with standalone(cores=1, extra=("--idle-timeout", "2")) as proc:
        port = proc.port
        idle = socket.create_connection(("127.0.0.1", port))
        half = socket.create_connection(("127.0.0.1", port))
        half.sendall(h.encode_frame(30, {"topic": "TBW102", "queueId": "0"})[:10])  # a header that never completes
        busy = h.Connection(port)
        t0 = time.time()
        for _ in range(8):  # a connection that keeps sending stays open
            assert max_offset(busy, "TBW102", 0) == 0
            time.sleep(0.5)
        assert closed_by_peer(idle, 10) and closed_by_peer(half, 10)
        assert time.time() - t0 >= 1.5
        assert max_offset(busy, "TBW102", 0) == 0


@test
def a_flood_of_idle_connections_does_not_keep_a_producer_out():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, FLOOD + 1000)), hard))
    flood = []
    with standalone(cores=2) as proc:
        port = proc.port
        try:
            for _ in range(FLOOD):
                flood.append(socket.create_connection(("127.0.0.1", port)))
            producer = h.Connection(port)
            create_topic(producer, "FloodTopic")
            for i in range(20):
                r = send_v2(producer, "FloodTopic", i % 4, b"through the flood %d" % i)
                assert r["code"] == 0, r
            assert sum(max_offset(producer, "FloodTopic", q) for q in range(4)) == 20
            assert proc.alive()
        finally:
            for s in flood:
                s.close()


@test
def a_consumer_that_never_reads_is_disconnected_at_the_send_queue_bound():
    """Replies a peer does not read pile up to reactor::kSendQueueBytesMax (64 MiB), then the broker
    closes that connection rather than buffer more; other connections are unaffected."""
    with standalone(cores=1) as proc:
        port = proc.port
        c = h.Connection(port)
        create_topic(c, "SlowReader", queues=1)
        for i in range(8):
            assert send_v2(c, "SlowReader", 0, bytes([65 + i]) * (100 * 1024))["code"] == 0
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect(("127.0.0.1", port))
        ext = {"consumerGroup": "slow", "topic": "SlowReader", "queueId": "0", "queueOffset": "0", "maxMsgNums": "32",
               "sysFlag": "4", "commitOffset": "0", "suspendTimeoutMillis": "0", "subscription": "*",
               "subVersion": "0", "expressionType": "TAG"}
        closed = False
        try:
            for i in range(4000):  # far more than 64 MiB of replies
                s.sendall(h.encode_frame(11, ext, opaque=i + 1))
        except (BrokenPipeError, ConnectionResetError):
            closed = True
        if not closed:
            closed = closed_by_peer_draining(s, 30)
        assert closed, "a peer that never reads was not disconnected"
        assert "send queue full" in proc.log_text()
        assert max_offset(c, "SlowReader", 0) == 8  # the broker serves others as before


def closed_by_peer_draining(sock, timeout_s):
    """Reads (and drops) whatever is buffered until EOF or reset; False on timeout."""
    sock.settimeout(timeout_s)
    try:
        while sock.recv(1 << 20):
            pass
        return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


sys.exit(run_tests())
