#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (fuzz/corpus/<target>/) from the captured wire frames
(tests/data/wire/*.jsonl: one frame per line, `frame_hex` the whole frame). Run again when
the captures change; crash inputs that fuzzing finds are added to the same folders by hand.
Usage: scripts/fuzz_seeds.py [WIRE_DIR]"""
import glob
import hashlib
import json
import os
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WIRE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "tests", "data", "wire")
CORPUS = os.path.join(ROOT, "fuzz", "corpus")
PER_KIND_MAX = 3  # frames kept per (direction, code, serialization): the corpus stays small

PLAIN_ACL_SEEDS = [
    "globalWhiteRemoteAddresses:\n  - 10.10.103.*\n  - 192.168.0.*\n\naccounts:\n  - accessKey: RocketMQ\n"
    "    secretKey: 12345678\n    whiteRemoteAddress:\n    admin: false\n    defaultTopicPerm: DENY\n"
    "    defaultGroupPerm: SUB\n    topicPerms:\n      - topicA=DENY\n      - topicB=PUB|SUB\n      - topicC=SUB\n"
    "    groupPerms:\n      - groupA=DENY\n      - groupB=PUB|SUB\n      - groupC=SUB\n\n  - accessKey: rocketmq2\n"
    "    secretKey: 12345678\n    whiteRemoteAddress: 192.168.1.*\n    admin: true\n",
    "accounts: [{accessKey: abcdefg1, secretKey: abcdefg2, whiteRemoteAddress: '10.1.1-5.*', topicPerms: [t=PUB]}]\n",
    "globalWhiteRemoteAddresses: ['192.168.0.{1,2,3}', '1.1.1.1,2.2.2.2', '*']\n",
    "",
]
RECORD_SEEDS = [b"", b"\x00\x10\xff", b"\x00\x00\x01\x00\x04\x80\x00\x58\x01", b"\x01", b"\x00\x60\x20\x00\x61\x01\x05\x00\x01\x02"]


def write(target, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)


def main():
    seen = {}
    for path in sorted(glob.glob(os.path.join(WIRE, "*.jsonl"))):
        for line in open(path):
            rec = json.loads(line)
            frame = bytes.fromhex(rec["frame_hex"])
            if len(frame) < 8:
                continue
            kind = (rec["dir"], rec["code"], rec["serialize"], bool(rec["flag"] & 1))
            seen[kind] = seen.get(kind, 0) + 1
            if seen[kind] > PER_KIND_MAX:
                continue
            spec = struct.unpack(">I", frame[4:8])[0]
            header, body = frame[8:8 + (spec & 0xFFFFFF)], frame[8 + (spec & 0xFFFFFF):]
            write("frame", frame)
            write("json_header" if rec["serialize"] == "json" else "rocketmq_header", header)
            ext = (rec.get("header") or {}).get("extFields") or {}
            response = rec["flag"] & 1
            for key in ("properties", "i"):
                if key in ext and not response:
                    write("message_properties", ext[key].encode())
            if response:
                continue
            code = rec["code"]
            if code == 320 or (code == 310 and ext.get("m") == "true"):
                write("batch_body", body)
            if code == 103:
                write("register_broker_body", (b"\x01" if ext.get("compressed") == "true" else b"\x00") + body)
            if code == 34:
                write("heartbeat", body)
            for mode in (0, 1, 3):
                write("acl", bytes([mode]) + frame)
    for text in PLAIN_ACL_SEEDS:
        write("plain_acl", text.encode())
    for data in RECORD_SEEDS:
        write("record", data)
    for target in sorted(os.listdir(CORPUS)):
        print(target, len(os.listdir(os.path.join(CORPUS, target))))


main()
