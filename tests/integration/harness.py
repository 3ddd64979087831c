"""Integration-test harness: start real ringmq processes on 127.0.0.1, talk raw remoting frames.

Standard library only. A test file defines functions decorated with @test and ends with
`sys.exit(run_tests())`, which prints one line per test and a final "N passed, N failed".
Processes started here are killed by PID when the test file ends, whatever happened.
"""
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import traceback

RINGMQ = os.environ.get("RINGMQ_BIN", "ringmq")
TEST_TIMEOUT_S = 60  # a single test never waits on the network longer than this

_tests = []
_processes = []


def test(fn):
    _tests.append(fn)
    return fn


def run_tests():
    passed = failed = 0
    try:
        for fn in _tests:
            try:
                fn()
                passed += 1
                print(f"ok: {fn.__name__}", flush=True)
            except Exception:  # a failed check or an unexpected error fails this test only
                failed += 1
                print(f"FAILED: {fn.__name__}\n{traceback.format_exc()}", flush=True)
    finally:
        stop_all()
    print(f"{passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 and passed > 0 else 1


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Process:
    def __init__(self, args, name):
        self.name = name
        self.log = tempfile.NamedTemporaryFile(prefix=f"ringmq-{name}-", suffix=".log", delete=False)
        self.popen = subprocess.Popen([RINGMQ] + args, stdout=self.log, stderr=subprocess.STDOUT)
        _processes.append(self)

    def log_text(self):
        with open(self.log.name, errors="replace") as f:
            return f.read()

    def alive(self):
        return self.popen.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout_s=10):
        if self.alive():
            self.popen.send_signal(sig)
            try:
                self.popen.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        return self.popen.returncode


def start(args, name, port=None, timeout_s=15):
    """Starts `ringmq args...`; when `port` is given, waits until it accepts connections."""
    proc = Process(args, name)
    if port is not None:
        deadline = time.monotonic() + timeout_s
        while True:
            if not proc.alive():
                raise AssertionError(f"{name} exited early:\n{proc.log_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError(f"{name} did not listen on {port}:\n{proc.log_text()}")
                time.sleep(0.05)
    return proc


def stop_all():
    for proc in _processes:
        proc.stop(signal.SIGKILL)
    _processes.clear()


# ---- remoting frames -------------------------------------------------------------------------

JSON, ROCKETMQ = 0, 1


def encode_frame(code, ext=None, body=b"", opaque=1, flag=0, serialize=JSON, remark=None, version=401):
    ext = {k: str(v) for k, v in (ext or {}).items()}
    if serialize == JSON:
        header = {"code": code, "extFields": ext, "flag": flag, "language": "JAVA", "opaque": opaque,
                  "serializeTypeCurrentRPC": "JSON", "version": version}
        if remark is not None:
            header["remark"] = remark
        header_bytes = json.dumps(header, separators=(",", ":")).encode()
    else:
        remark_bytes = (remark or "").encode()
        ext_bytes = b"".join(struct.pack(">H", len(k.encode())) + k.encode() +
                             struct.pack(">I", len(v.encode())) + v.encode() for k, v in ext.items())
        header_bytes = (struct.pack(">hbhii", code, 0, version, opaque, flag) +
                        struct.pack(">i", len(remark_bytes)) + remark_bytes +
                        struct.pack(">i", len(ext_bytes)) + ext_bytes)
    spec = (serialize << 24) | len(header_bytes)
    return struct.pack(">ii", 4 + len(header_bytes) + len(body), spec) + header_bytes + body


def decode_frame(frame):
    """frame: the bytes after the 4-byte length prefix. Returns a dict like the JSON header plus
    'body' and 'serialize'."""
    spec = struct.unpack(">i", frame[:4])[0]
    serialize, hlen = (spec >> 24) & 0xFF, spec & 0xFFFFFF
    header = frame[4:4 + hlen]
    body = frame[4 + hlen:]
    if serialize == JSON:
        cmd = json.loads(header)
        cmd["extFields"] = cmd.get("extFields") or {}
    else:
        code, lang, version, opaque, flag, rlen = struct.unpack(">hbhiii", header[:17])
        pos = 17
        remark = header[pos:pos + rlen].decode()
        pos += rlen
        elen = struct.unpack(">i", header[pos:pos + 4])[0]
        pos += 4
        ext, end = {}, pos + elen
        while pos < end:
            klen = struct.unpack(">H", header[pos:pos + 2])[0]
            key = header[pos + 2:pos + 2 + klen].decode()
            pos += 2 + klen
            vlen = struct.unpack(">I", header[pos:pos + 4])[0]
            ext[key] = header[pos + 4:pos + 4 + vlen].decode()
            pos += 4 + vlen
        cmd = {"code": code, "language": lang, "version": version, "opaque": opaque, "flag": flag,
               "remark": remark or None, "extFields": ext}
    cmd["body"] = body
    cmd["serialize"] = serialize
    return cmd


class Connection:
    """A blocking remoting connection for tests: send a request, read frames back."""

    def __init__(self, port, timeout_s=TEST_TIMEOUT_S):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout_s)
        self.opaque = 0

    def close(self):
        self.sock.close()

    def send_raw(self, data):
        self.sock.sendall(data)

    def read_frame(self):
        """The next frame as a dict, or None when the peer closed the connection."""
        prefix = self._read_exact(4)
        if prefix is None:
            return None
        length = struct.unpack(">i", prefix)[0]
        rest = self._read_exact(length)
        if rest is None:
            return None
        return decode_frame(rest)

    def request(self, code, ext=None, body=b"", serialize=JSON, version=401, oneway=False):
        self.opaque += 1
        self.send_raw(encode_frame(code, ext, body, opaque=self.opaque, flag=2 if oneway else 0,
                                   serialize=serialize, version=version))
        if oneway:
            return None
        while True:
            frame = self.read_frame()
            assert frame is not None, "connection closed before the response"
            if frame["flag"] & 1 and frame["opaque"] == self.opaque:
                return frame

    def _read_exact(self, n):
        chunks = []
        while n > 0:
            chunk = self.sock.recv(n)
            if not chunk:
                return None
            chunks.append(chunk)
            n -= len(chunk)
        return b"".join(chunks)
