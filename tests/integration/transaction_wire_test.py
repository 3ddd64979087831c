"""Transactional messages at the wire against `ringmq standalone` on 127.0.0.1: a TRAN_MSG send is
stored as a half message in RMQ_SYS_TRANS_HALF_TOPIC with its real topic kept, and END_TRANSACTION
(37) answers the codes and remarks Apache RocketMQ 4.9.4 answers (compared with the Java broker
during development). A COMMIT delivers a cleaned copy to the real queue, a decision is recorded
in RMQ_SYS_TRANS_OP_HALF_TOPIC with tag d and the half offset as body."""
import struct
import sys
import time

import harness as h
from harness import test, run_tests
from broker_util import *  # noqa: F403
from consumer_util import pull, records

END_TRANSACTION = 37
COMMIT, ROLLBACK, NOT_TYPE = 8, 12, 0


def send_half(c, topic, queue, body, uniq):
    p = props(TRAN_MSG="true", PGROUP="pgw", UNIQ_KEY=uniq, WAIT="true", TAGS="TagA")
    r = send_v2(c, topic, queue, body, properties=p, producer="pgw")
    assert r["code"] == 0, r
    assert r["extFields"]["queueId"] == str(queue), r
    return r


def end_fields(reply, decision, **change):
    raw = bytes.fromhex(reply["extFields"]["msgId"])
    ext = {"producerGroup": "pgw", "tranStateTableOffset": int(reply["extFields"]["queueOffset"]),
           "commitLogOffset": struct.unpack(">q", raw[8:16])[0], "commitOrRollback": decision,
           "fromTransactionCheck": "false", "msgId": "U", "transactionId": "U"}
    ext.update(change)
    return ext


@test
def half_message_is_stored_aside_and_commit_delivers_a_cleaned_copy():
    # Short check rounds: the first one after a transaction creates the half and op topics (as
    # RocketMQ's first check does), so the op queue can be pulled like any topic.
    with standalone(extra=["--transaction-check-interval", "200"]) as srv:
        c = h.Connection(srv.port)
        create_topic(c, "TxWire")
        r = send_half(c, "TxWire", 2, b"half-body", "UQ1")
        half = view(c, r["extFields"]["msgId"])
        assert half["topic"] == "RMQ_SYS_TRANS_HALF_TOPIC" and half["queue_id"] == 0, half
        hp = properties_dict(half["properties"])
        assert hp["REAL_TOPIC"] == "TxWire" and hp["REAL_QID"] == "2" and hp["TRAN_MSG"] == "true", hp
        assert half["sys_flag"] & 0x0C == 0, half  # stored as an ordinary message of the half topic
        assert max_offset(c, "TxWire", 2) == 0  # invisible in the real queue

        r2 = c.request(END_TRANSACTION, end_fields(r, COMMIT))
        assert r2["code"] == 0, r2
        assert max_offset(c, "TxWire", 2) == 1
        got = pull(c, "txw_consumer", "TxWire", 2, 0)
        assert got["code"] == 0, got
        [msg] = records(got["body"])
        assert msg["topic"] == "TxWire" and msg["body"] == b"half-body", msg
        assert msg["sys_flag"] & 0x0C == COMMIT, msg
        assert msg["prepared"] == half["phys"], (msg, half)
        mp = properties_dict(msg["properties"])
        assert "REAL_TOPIC" not in mp and "REAL_QID" not in mp and "TRAN_MSG" not in mp, mp
        assert mp["UNIQ_KEY"] == "UQ1" and mp["PGROUP"] == "pgw" and mp["WAIT"] == "false", mp
        # The decision: tag d, body = the half message's queue offset.
        assert max_offset(c, "RMQ_SYS_TRANS_OP_HALF_TOPIC", 0) == 1
        deadline = time.time() + 20
        while True:
            got = pull(c, "txw_consumer", "RMQ_SYS_TRANS_OP_HALF_TOPIC", 0, 0)
            if got["code"] == 0 or time.time() > deadline:
                break
            time.sleep(0.05)
        assert got["code"] == 0, got
        [op] = records(got["body"])
        assert op["body"] == str(half["queue_offset"]).encode(), op
        assert properties_dict(op["properties"])["TAGS"] == "d", op


@test
def end_transaction_answers_as_rocketmq_4_9_4():
    with standalone() as srv:
        c = h.Connection(srv.port)
        create_topic(c, "TxWire")
        r = send_half(c, "TxWire", 1, b"x", "UQ2")
        cases = [
            (dict(producerGroup="other"), "The producer group wrong"),
            (dict(tranStateTableOffset=99), "The transaction state table offset wrong"),
            (dict(commitLogOffset=end_fields(r, COMMIT)["commitLogOffset"] + 1), "Find prepared transaction message failed"),
            (dict(commitOrRollback=3), "org.apache.rocketmq.remoting.exception.RemotingCommandException: "
                                       "commitOrRollback field wrong, org.apache.rocketmq.common.protocol.header."
                                       "EndTransactionRequestHeader.checkFields(EndTransactionRequestHeader.java:60)"),
        ]
        for change, remark in cases:
            reply = c.request(END_TRANSACTION, end_fields(r, COMMIT, **change))
            assert reply["code"] == 1 and reply.get("remark") == remark, (change, reply)
        assert max_offset(c, "TxWire", 1) == 0
        # ROLLBACK: nothing delivered, the decision recorded.
        reply = c.request(END_TRANSACTION, end_fields(r, ROLLBACK))
        assert reply["code"] == 0, reply
        assert max_offset(c, "TxWire", 1) == 0
        assert max_offset(c, "RMQ_SYS_TRANS_OP_HALF_TOPIC", 0) == 1
        # A pending decision gets no answer at all (Java returns null); the connection stays usable.
        c.request(END_TRANSACTION, end_fields(r, NOT_TYPE), oneway=True)
        assert max_offset(c, "TxWire", 1) == 0


if __name__ == "__main__":
    sys.exit(run_tests())
