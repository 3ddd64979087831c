// npm ali-ons Producer against ringmq: sends N messages with tags and keys through a plain
// RocketMQ-protocol NameServer and prints one JSON line per send reply, then a summary line.
// Usage: node alions_producer.js <nameSrv host:port> <topic> <count>
// ACL 1.0: $ALIONS_ACCESS_KEY / $ALIONS_SECRET_KEY, when set, become ali-ons' accessKey/secretKey.
'use strict';
const path = require('path');
const { Producer, Message } = require(path.join(__dirname, 'node_modules', 'ali-ons'));

async function main() {
  const [nameSrv, topic, countText] = process.argv.slice(2);
  const count = Number(countText);
  const producer = new Producer({
    nameSrv,
    httpclient: {},  // required by an assertion, unused when nameSrv is set
    producerGroup: 'PG_ringmq_compat',
    ...(process.env.ALIONS_ACCESS_KEY ? { accessKey: process.env.ALIONS_ACCESS_KEY,
                                          secretKey: process.env.ALIONS_SECRET_KEY } : {}),
    logger: { info() {}, warn() {}, error: console.error, debug() {} },
  });
  await producer.ready();
  let failed = 0;
  for (let i = 0; i < count; i++) {
    const msg = new Message(topic, i % 2 ? 'TagB' : 'TagA', Buffer.from(`ringmq ali-ons message ${i}`));
    msg.keys = [`key-${i}`, `k${i}b`];
    try {
      const r = await producer.send(msg);
      console.log(JSON.stringify({ i, sendStatus: r.sendStatus, msgId: r.msgId, brokerName: r.messageQueue.brokerName,
                                   queueId: r.messageQueue.queueId, queueOffset: r.queueOffset }));
    } catch (err) {
      failed++;
      console.log(JSON.stringify({ i, error: String(err && err.message || err) }));
    }
  }
  try {
    await producer.close();
  } catch (err) {  // e.g. UNREGISTER_CLIENT refused by ACL: reported, the summary still follows
    console.log(JSON.stringify({ closeError: String(err && err.message || err) }));
  }
  console.log(JSON.stringify({ done: count, failed }));
  process.exit(0);
}

main().catch(err => { console.error(err); process.exit(1); });
