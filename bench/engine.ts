// The sans-IO engine alone: an in-memory client and server exchange small GET requests (100 in flight), no sockets.
// Shows the protocol cost per request that every Node-level figure includes.   npx tsx bench/engine.ts
import { H2Connection, type H2Event } from '@strand/connection';

const REQUEST: Array<[string, string]> = [
  [':method', 'GET'],
  [':scheme', 'http'],
  [':authority', 'localhost:8080'],
  [':path', '/index.html'],
  ['user-agent', 'h2load nghttp2/1.52.0'],
  ['accept', '*/*'],
];
const RESPONSE: Array<[string, string]> = [
  [':status', '200'],
  ['content-type', 'text/plain'],
  ['content-length', '5'],
];
const HELLO = new TextEncoder().encode('hello');

function run(total: number, inFlight: number): number {
  const client = new H2Connection({ role: 'client' });
  const server = new H2Connection({ role: 'server', settings: { maxConcurrentStreams: 1000 } });
  let sent = 0;
  let done = 0;
  const onServer = (events: H2Event[]) => {
    for (const e of events) {
      if (e.type === 'headers' && e.endStream) {
        server.respond(e.streamId, RESPONSE);
        server.submitData(e.streamId, HELLO, true);
      }
    }
  };
  const onClient = (events: H2Event[]) => {
    for (const e of events) if (e.type === 'data' && e.endStream) done++;
  };
  const start = process.hrtime.bigint();
  while (done < total) {
    while (sent < total && sent - done < inFlight) {
      client.request(REQUEST, { endStream: true });
      sent++;
    }
    for (const c of client.pull()) onServer(server.receive(c));
    onServer(server.takeEvents());
    for (const c of server.pull()) onClient(client.receive(c));
  }
  return Number(process.hrtime.bigint() - start) / 1e9;
}

run(50_000, 100); // warm-up
let best = Infinity;
for (let i = 0; i < 3; i++) best = Math.min(best, run(200_000, 100));
const perReq = (best * 1e6) / 200_000;
console.log(`engine only, client+server in one process, 100 in flight: ${(200_000 / best).toFixed(0)} req/s, ${perReq.toFixed(2)} µs per request (both sides)`);
