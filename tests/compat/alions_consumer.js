// npm ali-ons PushConsumer against ringmq, driven by a test: prints {"ev":"ready"} once started,
// then one JSON line per delivered message, and closes cleanly on SIGTERM ({"ev":"closed"}).
// Usage: node alions_consumer.js '<json options>'
//   {nameSrv, topic, group, expr='*', broadcast=false, fromWhere='first'|'last', maxReconsumeTimes=16,
//    failPrefix: bodies starting with it make the listener throw, name, accessKey, secretKey (ACL 1.0)}
'use strict';
const path = require('path');
const { Consumer } = require(path.join(__dirname, 'node_modules', 'ali-ons'));
const { performance } = require('perf_hooks');

const nowMs = () => performance.timeOrigin + performance.now();

async function main() {
  const o = JSON.parse(process.argv[2]);
  const consumer = new Consumer({
    nameSrv: o.nameSrv,
    httpclient: {},  // required by an assertion, unused when nameSrv is set
    consumerGroup: o.group,
    ...(o.accessKey ? { accessKey: o.accessKey, secretKey: o.secretKey } : {}),
    isBroadcast: !!o.broadcast,
    consumeFromWhere: o.fromWhere === 'last' ? 'CONSUME_FROM_LAST_OFFSET' : 'CONSUME_FROM_FIRST_OFFSET',
    maxReconsumeTimes: o.maxReconsumeTimes === undefined ? 16 : o.maxReconsumeTimes,
    persistent: false,  // broadcasting offsets in memory, not in ~/.
    // ali-ons ignores the broker's NOTIFY_CONSUMER_IDS_CHANGED and rebalances on a timer only
    // (default 10 s): a short period lets a test's consumers settle their queue split quickly.
    rebalanceInterval: 1000,
    logger: { info() {}, warn() {}, error() {}, debug() {} },
  });
  consumer.on('error', () => {});  // a failing listener is reported here; the test counts deliveries
  consumer.subscribe(o.topic, o.expr || '*', async msg => {
    const body = msg.body.toString();
    console.log(JSON.stringify({ ev: 'msg', name: o.name, topic: msg.topic, tags: msg.tags, body,
                                 reconsume: msg.reconsumeTimes, queueId: msg.queueId, recvMs: nowMs(),
                                 props: msg.properties }));
    if (o.failPrefix && body.startsWith(o.failPrefix)) throw new Error('listener fails on purpose');
  });
  await consumer.ready();
  console.log(JSON.stringify({ ev: 'ready', name: o.name }));
  process.on('SIGTERM', async () => {
    await consumer.close();
    console.log(JSON.stringify({ ev: 'closed', name: o.name }));
    process.exit(0);
  });
}

main().catch(err => { console.error(err); process.exit(1); });
