// Asks a NameServer for a topic's route with npm ali-ons's own client (MQClientAPI over TCP) and
// prints the route it decoded as one JSON line, or {"error": ...}.
// Usage: node alions_route.js <nameSrv host:port> <topic>
'use strict';
const path = require('path');
const MQClientAPI = require(path.join(__dirname, 'node_modules', 'ali-ons', 'lib', 'mq_client_api'));

async function main() {
  const [nameSrv, topic] = process.argv.slice(2);
  const client = new MQClientAPI({
    nameSrv,
    httpclient: {},  // required by an assertion, unused when nameSrv is set
    logger: { info() {}, warn() {}, error() {}, debug() {} },
  });
  await client.ready();
  try {
    const route = await client.getTopicRouteInfoFromNameServer(topic, 3000);
    console.log(JSON.stringify({ route }));
  } catch (err) {
    console.log(JSON.stringify({ error: String(err && err.message || err), name: err && err.name }));
  }
  await client.close();
  process.exit(0);
}

main().catch(err => { console.error(err); process.exit(1); });
