#!/usr/bin/env python3
"""Sums test results from meson's testlog.json into one line: "N passed, N failed".

A meson test may run many test cases. Each is counted from its own summary line:
  doctest:           "[doctest] test cases: 12 | 11 passed | 1 failed | 0 skipped"
  node --test (TAP): "# pass 5" and "# fail 0"
  our Python tests:  "5 passed, 0 failed" (tests/integration/harness.py)
  anything else:     one test, passed when it exited 0.
A test whose summary shows no failures but which exited non-zero (a crash after the summary,
a sanitizer report) counts one extra failure.
"""
import json
import re
import sys

DOCTEST = re.compile(r"\[doctest\] test cases:\s*(\d+)\s*\|\s*(\d+) passed\s*\|\s*(\d+) failed")
TAP_PASS = re.compile(r"^# pass (\d+)$", re.M)
TAP_FAIL = re.compile(r"^# fail (\d+)$", re.M)
PLAIN = re.compile(r"^(\d+) passed, (\d+) failed$", re.M)


def count(entry):
    out = entry.get("stdout") or ""
    ok = entry.get("result") in ("OK", "EXPECTEDFAIL")
    m = DOCTEST.findall(out)
    if m:
        passed = sum(int(x[1]) for x in m)
        failed = sum(int(x[2]) for x in m)
    elif PLAIN.search(out):
        passed = sum(int(x[0]) for x in PLAIN.findall(out))
        failed = sum(int(x[1]) for x in PLAIN.findall(out))
    elif TAP_PASS.search(out):
        passed = sum(int(x) for x in TAP_PASS.findall(out))
        failed = sum(int(x) for x in TAP_FAIL.findall(out))
    else:
        return (1, 0) if ok else (0, 1)
    if not ok and failed == 0:
        failed = 1
    return passed, failed


def main(path):
    passed = failed = 0
    try:
        with open(path) as f:
            entries = [json.loads(line) for line in f if line.strip()]
    except OSError as e:
        print(f"cannot read {path}: {e}")
        print("0 passed, 1 failed")
        return 1
    for entry in entries:
        p, f = count(entry)
        passed += p
        failed += f
        if f:
            print(f"FAILED: {entry.get('name')} ({f} failed)")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
