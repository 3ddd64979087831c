"""Integration-test harness: start real ringmq processes on 127.0.0.1, talk raw remoting frames.

Standard library only. A test file defines functions decorated with @test and ends with
`sys.exit(run_tests())`, which prints one line per test and a final "N passed, N failed".

Each test owns what it starts. Processes are started through context managers (`with namesrv() as
ns:`, and `standalone()` / `broker()` in broker_util.py) that kill them when the block ends, failed
or not; whatever a test started and did not stop (processes, temp dirs, `on_teardown` hooks) is
torn down by run_tests right after that test, so one test's processes never outlive it. What a
file starts for all its tests, before run_tests, is started inside `with shared():` instead.

Ports: a process binds port 0 where it can and the harness reads the port it got from its startup
log line, so no port is picked by the harness and then raced for. Only the embedded NameServer of
`ringmq standalone` needs a port chosen up front (the broker registers with it by number); that
start is retried on a fresh port when the bind finds it taken.
"""
import contextlib
import json
import os
import re
import shutil
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
START_TIMEOUT_S = 30  # a process that has not reported its listening port by then failed to start
BIND_RETRIES = 5  # fresh ports tried when a pre-chosen port turns out to be taken
BIND_FAILED = "Address already in use"

_tests = []
_teardown = []  # callables run (last first) when the current test ends


def test(fn):
    _tests.append(fn)
    return fn


def on_teardown(fn):
    """Runs fn when the current test ends, whether it passed or not."""
    _teardown.append(fn)


def _run_teardown(keep=0):
    """Runs the hooks registered after the first `keep` ones, last first."""
    while len(_teardown) > keep:
        fn = _teardown.pop()
        try:
            fn()
        except Exception:  # teardown must reach every hook; a failing hook is reported, not fatal
            print(f"teardown error:\n{traceback.format_exc()}", flush=True)


def run_tests():
    passed = failed = 0
    for fn in _tests:
        shared = len(_teardown)  # hooks of what was started before run_tests (see shared()) stay
        try:
            fn()
            passed += 1
            print(f"ok: {fn.__name__}", flush=True)
        except Exception:  # a failed check or an unexpected error fails this test only
            failed += 1
            print(f"FAILED: {fn.__name__}\n{traceback.format_exc()}", flush=True)
        finally:
            _run_teardown(shared)
    print(f"{passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 and passed > 0 else 1


@contextlib.contextmanager
def shared():
    """For a file whose tests all use what it starts before run_tests (one broker the tests query
    in turn): `with shared(), standalone() as b: setup(b); code = run_tests()`. What is started
    inside the block outlives each test and is torn down when the block ends, failed or not."""
    keep = len(_teardown)
    try:
        yield
    finally:
        _run_teardown(keep)


def temp_dir(name):
    """A temp dir removed when the current test ends (stores outlive one process: restarts)."""
    d = tempfile.mkdtemp(prefix=f"ringmq-{name}-")
    on_teardown(lambda: shutil.rmtree(d, ignore_errors=True))
    return d


def free_port():
    """A port that was free a moment ago. Only for a port a child must be told up front; the
    caller retries the start when the child finds it taken (see start_with_retry)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StartError(AssertionError):
    def __init__(self, message, bind_failed=False):
        super().__init__(message)
        self.bind_failed = bind_failed


class Process:
    def __init__(self, args, name):
        self.name = name
        self.args = args
        self.log = tempfile.NamedTemporaryFile(prefix=f"ringmq-{name}-", suffix=".log", delete=False)
        on_teardown(lambda: os.unlink(self.log.name))
        self.popen = subprocess.Popen([RINGMQ] + args, stdout=self.log, stderr=subprocess.STDOUT)
        on_teardown(lambda: self.stop(signal.SIGKILL))

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

    def wait_for_log(self, patterns, timeout_s=START_TIMEOUT_S):
        """Waits until every regex in `patterns` matches the log; returns their matches. Fails with
        the log when the process exits first or the time runs out."""
        deadline = time.monotonic() + timeout_s
        while True:
            text = self.log_text()
            found = [re.search(p, text) for p in patterns]
            if all(found):
                return found
            if not self.alive():
                raise StartError(f"{self.name} exited ({self.popen.returncode}) before it listened:\n{text}",
                                 bind_failed=BIND_FAILED in text)
            if time.monotonic() > deadline:
                self.stop(signal.SIGKILL)
                raise StartError(f"{self.name} did not report listening within {timeout_s} s:\n{text}")
            time.sleep(0.02)


def start(args, name, ready=(), timeout_s=START_TIMEOUT_S):
    """Starts `ringmq args...` and waits for the startup log lines matching the regexes in `ready`;
    returns (process, matches). The process is killed when the test ends if not stopped before."""
    proc = Process(args, name)
    return proc, proc.wait_for_log(ready, timeout_s) if ready else []


def start_with_retry(make_args, name, ready=(), timeout_s=START_TIMEOUT_S):
    """Like start(), for args naming a port chosen up front (make_args() picks fresh ones each
    call): a start whose bind found the port taken is retried."""
    for attempt in range(BIND_RETRIES):
        try:
            return start(make_args(), name, ready, timeout_s)
        except StartError as e:
            if not e.bind_failed or attempt == BIND_RETRIES - 1:
                raise


NAMESRV_READY = r"namesrv: listening on [^\s:]+:(\d+) "


@contextlib.contextmanager
def namesrv(cores=2, broker_timeout_s=120):
    """`ringmq namesrv` on an ephemeral port; yields the process with .port set."""
    proc, (m,) = start(["namesrv", "--listen", "127.0.0.1:0", "--cores", str(cores),
                        "--broker-timeout", str(broker_timeout_s)], "namesrv", ready=[NAMESRV_READY])
    proc.port = int(m.group(1))
    try:
        yield proc
    finally:
        proc.stop(signal.SIGKILL)


_ADDRESS_SERVER = r"""
import http.server, sys
path = sys.argv[1]
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = open(path, "rb").read() if self.path == "/rocketmq/nsaddr" else b""
        self.send_response(200 if body else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
print(server.server_port, flush=True)
server.serve_forever()
"""


class AddressServer:
    """A tiny HTTP address server process on 127.0.0.1 (RocketMQ's TopAddressing): GET
    /rocketmq/nsaddr answers the text last `set` (404 while it is empty). Killed when the test ends."""

    def __init__(self, text):
        self.file = os.path.join(temp_dir("addrsrv"), "nsaddr")
        self.set(text)
        self.proc = subprocess.Popen([sys.executable, "-c", _ADDRESS_SERVER, self.file], stdout=subprocess.PIPE,
                                     text=True)
        on_teardown(self.stop)
        self.port = int(self.proc.stdout.readline())
        self.domain = f"127.0.0.1:{self.port}"

    def set(self, text):
        tmp = self.file + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, self.file)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


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
