// The server's Node layer without sockets: a ServerHttp2Session on an in-memory Duplex, fed pre-encoded batches of
// small GETs (100 per batch, as h2load -m 100 sends them), answered by the same handler as bench/_h2-app.ts.
// CPU per request of engine + Node layer + the stream API, without syscalls or a second process: a steadier A/B
// figure than h2load on a shared machine.   npx tsx bench/session.ts [--api stream|compat] [--requests 300000]
import { Duplex } from 'node:stream';
import { parseArgs } from 'node:util';
import { CONNECTION_PREFACE, FrameWriter } from '@strand/frame';
import { Encoder } from '@strand/hpack';
import * as strand from '@strand/connection';

const { values } = parseArgs({ options: { api: { type: 'string', default: 'stream' }, requests: { type: 'string', default: '300000' } } });
const TOTAL = Number(values.requests);
const BATCH = 100;
const HELLO = Buffer.from('hello');

const REQUEST: Array<[string, string]> = [
  [':method', 'GET'],
  [':path', '/'],
  [':scheme', 'http'],
  [':authority', '127.0.0.1:8080'],
  ['accept', '*/*'],
  ['accept-encoding', 'gzip, deflate'],
  ['user-agent', 'h2load nghttp2/1.52.0'],
];

/** A client that only writes: preface, SETTINGS, ACK of the server's, a connection window as large as allowed. */
class BatchClient {
  private readonly writer = new FrameWriter();
  private readonly hpack = new Encoder();
  private nextId = 1;

  start(): Buffer {
    this.writer.settings([]);
    this.writer.settingsAck();
    this.writer.windowUpdate(0, 2 ** 31 - 1 - 65_535);
    return Buffer.concat([Buffer.from(CONNECTION_PREFACE), ...this.writer.flush()]);
  }

  batch(n: number): Buffer {
    for (let i = 0; i < n; i++) {
      this.writer.headers(this.nextId, this.hpack.encode(REQUEST), { endStream: true });
      this.nextId += 2;
    }
    return Buffer.concat(this.writer.flush());
  }
}

function onStream(stream: strand.ServerHttp2Stream): void {
  stream.on('error', () => {});
  stream.respond({ ':status': 200, 'content-type': 'text/plain' });
  stream.end(HELLO);
}

// Typed as node:http's listener, which createServer() declares (the compat objects stand in for it, as in node:http2).
function onRequest(_req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(HELLO);
}

async function run(total: number): Promise<{ cpuUs: number; answered: number }> {
  const server = values.api === 'compat' ? strand.createServer({ allowHTTP1: false }, onRequest) : strand.createServer({ allowHTTP1: false });
  if (values.api !== 'compat') server.on('stream', onStream);
  let written = 0;
  const socket = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      written += chunk.length;
      callback();
    },
    writev(chunks, callback) {
      for (const c of chunks) written += c.chunk.length;
      callback();
    },
  });
  // What the session calls on a net.Socket beyond Duplex.
  Object.assign(socket, { setNoDelay() {}, setTimeout() {}, ref() {}, unref() {}, destroySoon() { socket.destroy(); } });
  server.emit('connection', socket);
  const client = new BatchClient();
  socket.push(client.start());
  await new Promise((r) => setImmediate(r));
  const before = process.cpuUsage();
  for (let sent = 0; sent < total; sent += BATCH) {
    socket.push(client.batch(BATCH));
    await new Promise((r) => setImmediate(r)); // the batch is answered and its streams closed before the next
  }
  const cpu = process.cpuUsage(before);
  socket.destroy();
  server.close();
  if (written === 0) throw new Error('the server wrote nothing');
  return { cpuUs: cpu.user + cpu.system, answered: total };
}

await run(50_000); // warm-up
const results: number[] = [];
for (let i = 0; i < 5; i++) {
  const { cpuUs, answered } = await run(TOTAL);
  results.push(cpuUs / answered);
}
results.sort((a, b) => a - b);
console.log(
  `Node layer without sockets (${values.api} API), ${BATCH} requests per read: CPU per request median ${results[2]!.toFixed(2)} µs, ` +
    `min ${results[0]!.toFixed(2)} µs (5 runs of ${TOTAL})`,
);
