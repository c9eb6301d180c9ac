// The server side of bench/server.ts: the same handler code on strand or node:http2 — only the import differs.
//   node --import tsx bench/_h2-app.ts --impl strand|node --api stream|compat [--tls] (forked with IPC)
// Answers: GET / → "hello"; GET /download → 1 MiB; POST → reads the body, answers its length.
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { TEST_CERT, TEST_KEY } from '../conformance/h2spec/test-cert.js';

const { values } = parseArgs({
  options: { impl: { type: 'string', default: 'strand' }, api: { type: 'string', default: 'stream' }, tls: { type: 'boolean', default: false } },
});
const http2: typeof import('node:http2') =
  values.impl === 'node' ? await import('node:http2') : ((await import('@strand/connection')) as unknown as typeof import('node:http2'));

const HELLO = Buffer.from('hello');
const MIB = Buffer.alloc(1024 * 1024, 0x61);

function onStream(stream: import('node:http2').ServerHttp2Stream, headers: import('node:http2').IncomingHttpHeaders): void {
  const path = headers[':path'];
  if (headers[':method'] === 'POST') {
    let n = 0;
    stream.on('data', (chunk: Buffer) => (n += chunk.length));
    stream.on('error', () => {});
    stream.on('end', () => {
      if (stream.destroyed || stream.closed) return; // h2load resets what is in flight when its time is up
      stream.respond({ ':status': 200 });
      stream.end(String(n));
    });
    return;
  }
  stream.on('error', () => {});
  stream.respond({ ':status': 200, 'content-type': 'text/plain' });
  stream.end(path === '/download' ? MIB : HELLO);
}

function onRequest(req: import('node:http2').Http2ServerRequest, res: import('node:http2').Http2ServerResponse): void {
  if (req.method === 'POST') {
    let n = 0;
    req.on('data', (chunk: Buffer) => (n += chunk.length));
    req.on('end', () => {
      if (res.destroyed) return;
      res.writeHead(200);
      res.end(String(n));
    });
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(req.url === '/download' ? MIB : HELLO);
}

const options = { key: TEST_KEY, cert: TEST_CERT, settings: { maxConcurrentStreams: 1000 } };
const server = values.tls
  ? values.api === 'compat'
    ? http2.createSecureServer(options, onRequest)
    : http2.createSecureServer(options)
  : values.api === 'compat'
    ? http2.createServer({ settings: options.settings }, onRequest)
    : http2.createServer({ settings: options.settings });
if (values.api !== 'compat') server.on('stream', onStream);
server.on('sessionError', () => {});
server.listen(0, '127.0.0.1', () => {
  process.send!({ port: (server.address() as AddressInfo).port });
});
process.on('SIGINT', () => process.exit(0));
process.on('message', (msg: { cmd: string }) => {
  if (msg.cmd === 'stats') {
    globalThis.gc?.();
    globalThis.gc?.();
    const m = process.memoryUsage();
    process.send!({ rss: m.rss, heapUsed: m.heapUsed, cpu: process.cpuUsage() });
  } else if (msg.cmd === 'exit') {
    process.exit(0);
  }
});
