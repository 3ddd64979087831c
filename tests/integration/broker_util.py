"""Helpers shared by the broker tests: start brokers, create topics, send, read records back."""
import contextlib
import signal
import struct

import harness as h

# Small segments keep each test broker's footprint low (the default is 1 GiB; segments are sparse).
SEGMENT_BYTES = 64 * 1024 * 1024
SEGMENT_ARGS = ["--segment-bytes", str(SEGMENT_BYTES)]
# Startup lines that say a broker listens, and on which port (both are logged once it does).
BROKER_READY = r"broker \S+ \([^\s:]+:(\d+) in \S+\) serving "
EMBEDDED_NAMESRV_READY = r"embedded NameServer listening on [^\s:]+:(\d+)\n"


def new_store(name):
    return h.temp_dir(name)


SEND_V2, SEND_V1, SEND_BATCH = 310, 10, 320
VIEW_MESSAGE_BY_ID, GET_MAX_OFFSET, UPDATE_AND_CREATE_TOPIC = 33, 30, 17


@contextlib.contextmanager
def standalone(store=None, cores=2, extra=(), segment_bytes=SEGMENT_BYTES):
    """`ringmq standalone` (NameServer + broker); yields the process with .port (broker), .ns
    (embedded NameServer) and .store set. Killed when the block ends; the store lives until the
    test ends, so a later block can restart on it."""
    store = store or new_store("broker")
    proc, (ns, port) = h.start_with_retry(
        lambda: ["standalone", "--namesrv-listen", f"127.0.0.1:{h.free_port()}", "--listen", "127.0.0.1:0",
                 "--store", store, "--cores", str(cores), "--segment-bytes", str(segment_bytes), *extra],
        "standalone", ready=[EMBEDDED_NAMESRV_READY, BROKER_READY])
    proc.ns, proc.port, proc.store = int(ns.group(1)), int(port.group(1)), store
    try:
        yield proc
    finally:
        proc.stop(signal.SIGKILL)


@contextlib.contextmanager
def broker(namesrv_port, name, store=None, cores=2, extra=(), segment_args=SEGMENT_ARGS, ready=(), label=None):
    """`ringmq broker` registering with the NameServer on `namesrv_port`; yields the process with
    .port and .store set. `ready`: more startup lines to wait for, their matches in .more_ready;
    `label`: the process's name in the test's output (the broker name by default)."""
    store = store or new_store(name)
    proc, (port, *more) = h.start(["broker", "--namesrv", f"127.0.0.1:{namesrv_port}", "--listen", "127.0.0.1:0",
                                   "--store", store, "--broker-name", name, "--cores", str(cores), *segment_args,
                                   *extra], label or name, ready=[BROKER_READY, *ready])
    proc.port, proc.store, proc.more_ready = int(port.group(1)), store, more
    try:
        yield proc
    finally:
        proc.stop(signal.SIGKILL)


def create_topic(conn, topic, queues=4, perm=6):
    r = conn.request(UPDATE_AND_CREATE_TOPIC, {"topic": topic, "defaultTopic": "TBW102", "readQueueNums": queues,
                                               "writeQueueNums": queues, "perm": perm, "topicFilterType": "SINGLE_TAG",
                                               "topicSysFlag": 0, "order": "false"})
    assert r["code"] == 0, r


def props(**kv):
    return "".join(f"{k}\x01{v}\x02" for k, v in kv.items())


def send_v2(conn, topic, queue, body, properties="", batch=None, code=SEND_V2, producer="pg"):
    ext = {"a": producer, "b": topic, "c": "TBW102", "d": 4, "e": queue, "f": 0, "g": 1700000000000, "h": 0,
           "i": properties, "j": 0, "k": "false"}
    if batch is not None:
        ext["m"] = "true" if batch else "false"
    return conn.request(code, ext, body=body)


def batch_body(messages):
    """messages: list of (body bytes, properties str)."""
    out = b""
    for body, p in messages:
        pb = p.encode()
        size = 4 + 4 + 4 + 4 + 4 + len(body) + 2 + len(pb)
        out += struct.pack(">iiiii", size, 0, 0, 0, len(body)) + body + struct.pack(">h", len(pb)) + pb
    return out


def decode_msg_id(msg_id):
    raw = bytes.fromhex(msg_id)
    assert len(raw) == 16, msg_id
    ip = ".".join(str(b) for b in raw[:4])
    port, offset = struct.unpack(">iq", raw[4:])
    return ip, port, offset


def parse_record(rec):
    """A stored CommitLog record (IPv4 hosts) as a dict."""
    (total, magic, body_crc, queue_id, flag, queue_offset, phys, sys_flag, born_ts) = struct.unpack(
        ">iIiiiqqiq", rec[:48])
    pos = 48 + 8  # born host
    store_ts = struct.unpack(">q", rec[pos:pos + 8])[0]
    pos += 8 + 8  # store host
    reconsume, prepared, body_len = struct.unpack(">iqi", rec[pos:pos + 16])
    pos += 16
    body = rec[pos:pos + body_len]
    pos += body_len
    tlen = rec[pos]
    topic = rec[pos + 1:pos + 1 + tlen].decode()
    pos += 1 + tlen
    plen = struct.unpack(">h", rec[pos:pos + 2])[0]
    properties = rec[pos + 2:pos + 2 + plen].decode()
    assert total == len(rec), (total, len(rec))
    return {"queue_id": queue_id, "flag": flag, "queue_offset": queue_offset, "phys": phys, "sys_flag": sys_flag,
            "born_ts": born_ts, "store_ts": store_ts, "body": body, "topic": topic, "properties": properties,
            "magic": magic, "prepared": prepared}


def properties_dict(text):
    out = {}
    for seg in text.split("\x02"):
        if "\x01" in seg:
            k, v = seg.split("\x01", 1)
            out[k] = v
    return out


def view(conn, msg_id):
    _, _, offset = decode_msg_id(msg_id)
    r = conn.request(VIEW_MESSAGE_BY_ID, {"offset": offset})
    assert r["code"] == 0, r
    return parse_record(r["body"])


def max_offset(conn, topic, queue):
    r = conn.request(GET_MAX_OFFSET, {"topic": topic, "queueId": queue})
    assert r["code"] == 0, r
    return int(r["extFields"]["offset"])


def wait_route(namesrv_port, topic, brokers, timeout_s=20):
    """Registration is asynchronous: polls GET_ROUTEINFO_BY_TOPIC until every broker is listed."""
    import time
    n = h.Connection(namesrv_port)
    deadline = time.time() + timeout_s
    while True:
        route = n.request(105, {"topic": topic})
        if route["code"] == 0 and all(b.encode() in route["body"] for b in brokers):
            return route
        assert time.time() < deadline, route
        time.sleep(0.05)
