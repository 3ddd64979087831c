"""Helpers for the consumer-side broker tests: pulls, heartbeats, offsets, record decoding."""
import json
import struct

import harness as h
from broker_util import parse_record

PULL, QUERY_OFFSET, UPDATE_OFFSET, HEART_BEAT, UNREGISTER_CLIENT = 11, 14, 15, 34, 35
SEND_BACK, CONSUMER_LIST, NOTIFY_IDS_CHANGED = 36, 38, 40
GET_ALL_CONSUMER_OFFSET, GET_ALL_DELAY_OFFSET = 43, 45
UPDATE_SUBSCRIPTION_GROUP, CONSUMER_CONNECTIONS, CONSUME_STATS = 200, 203, 208
PULL_NOT_FOUND, PULL_RETRY_IMMEDIATELY, PULL_OFFSET_MOVED, QUERY_NOT_FOUND = 19, 20, 21, 22


def pull(conn, group, topic, queue, offset, sub="*", suspend_ms=0, max_msgs=32, sys_flag=None, commit=None,
         serialize=h.JSON):
    flag = 0x4  # subscription in the request
    if suspend_ms:
        flag |= 0x2
    if commit is not None:
        flag |= 0x1
    if sys_flag is not None:
        flag = sys_flag
    ext = {"consumerGroup": group, "topic": topic, "queueId": queue, "queueOffset": offset, "maxMsgNums": max_msgs,
           "sysFlag": flag, "commitOffset": commit or 0, "suspendTimeoutMillis": suspend_ms, "subscription": sub,
           "subVersion": 0, "expressionType": "TAG"}
    return conn.request(PULL, ext, serialize=serialize)


def records(body):
    out, pos = [], 0
    while pos < len(body):
        size = struct.unpack(">i", body[pos:pos + 4])[0]
        out.append(parse_record(body[pos:pos + size]))
        pos += size
    return out


def heartbeat_body(client_id, group, subs, model="CLUSTERING", from_where="CONSUME_FROM_FIRST_OFFSET"):
    return json.dumps({"clientID": client_id, "producerDataSet": [], "consumerDataSet": [{
        "groupName": group, "consumeType": "CONSUME_PASSIVELY", "messageModel": model,
        "consumeFromWhere": from_where, "unitMode": False,
        "subscriptionDataSet": [{"topic": t, "subString": s, "classFilterMode": False, "tagsSet": [], "codeSet": [],
                                 "subVersion": 1, "expressionType": "TAG"} for t, s in subs]}]}).encode()


def query_offset(conn, group, topic, queue):
    return conn.request(QUERY_OFFSET, {"consumerGroup": group, "topic": topic, "queueId": queue})


def update_offset(conn, group, topic, queue, offset, oneway=False):
    return conn.request(UPDATE_OFFSET, {"consumerGroup": group, "topic": topic, "queueId": queue,
                                        "commitOffset": offset}, oneway=oneway)
