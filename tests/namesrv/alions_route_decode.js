// Decodes ringmq's route bodies with npm ali-ons's own code: its JSON2 parser (which accepts
// fastjson's unquoted {0:"addr"} keys) and MQClient's route -> publish/subscribe queue mapping.
// Usage: node alions_route_decode.js <node_modules dir> <route_body_dump executable>
'use strict';
const assert = require('assert');
const path = require('path');
const { execFileSync } = require('child_process');

const modules = path.resolve(process.argv[2]);
const JSON2 = require(path.join(modules, 'JSON2'));
const MQClient = require(path.join(modules, 'ali-ons', 'lib', 'mq_client.js'));

const lines = execFileSync(process.argv[3]).toString().trim().split('\n');
assert.strictEqual(lines.length, 2);
assert.ok(lines[0].includes('{0:"127.0.0.1:10911",1:"127.0.0.1:10921"}'), 'legacy body uses unquoted keys');
for (const body of lines) {
  const route = JSON2.parse(body);
  const publish = MQClient.prototype._topicRouteData2TopicPublishInfo.call({}, 'TopicTest', route);
  const subscribe = MQClient.prototype._topicRouteData2TopicSubscribeInfo.call({}, 'TopicTest', route);
  assert.strictEqual(publish.messageQueueList.length, 8);
  assert.strictEqual(subscribe.length, 8);
  const a = route.brokerDatas.find(b => b.brokerName === 'broker-a');
  assert.strictEqual(a.brokerAddrs[0], '127.0.0.1:10911');
  assert.strictEqual(a.brokerAddrs[1], '127.0.0.1:10921');
}
console.log('ali-ons decoded both route bodies: 8 publish queues, 8 subscribe queues');
