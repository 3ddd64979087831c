"""ACL 1.0 helpers for tests: sign requests the way RocketMQ documents it, with Python's own
hmac/hashlib/base64 (independent of ringmq's C++), and write plain_acl.yml files."""
import atexit
import base64
import hashlib
import hmac
import os
import tempfile

import harness as h

_files = []
atexit.register(lambda: [os.unlink(p) for p in _files if os.path.exists(p)])


def sign(ext, body, access_key, secret_key):
    """extFields with AccessKey and Signature added: Base64(HMAC-SHA1(secret, sorted values + body))."""
    ext = {k: str(v) for k, v in (ext or {}).items()}
    ext["AccessKey"] = access_key
    content = "".join(ext[k] for k in sorted(ext)).encode() + body
    ext["Signature"] = base64.b64encode(hmac.new(secret_key.encode(), content, hashlib.sha1).digest()).decode()
    return ext


def write_acl(text):
    fd, path = tempfile.mkstemp(prefix="ringmq-acl-", suffix=".yml")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    _files.append(path)
    return path


class SignedConnection(h.Connection):
    """A connection that signs every request with one account."""

    def __init__(self, port, access_key, secret_key):
        super().__init__(port)
        self.keys = (access_key, secret_key)

    def request(self, code, ext=None, body=b"", **kw):
        return super().request(code, sign(ext, body, *self.keys), body=body, **kw)
