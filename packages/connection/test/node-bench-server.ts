// A hello server for comparing strand with node:http2 under h2load (not a test; run by hand):
//   npx tsx packages/connection/test/node-bench-server.ts <strand|node> <stream|compat> [body bytes]   → prints the port
//   h2load -n 200000 -c 10 -m 50 -t 1 http://127.0.0.1:<port>/
import * as nodeHttp2 from 'node:http2';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as strand from '../src/index.js';

const [impl = 'strand', style = 'stream', size] = process.argv.slice(2);
const lib = (impl === 'strand' ? strand : nodeHttp2) as unknown as typeof nodeHttp2;
const body = size === undefined ? Buffer.from('hello world\n') : Buffer.alloc(Number(size), 120);
const server =
  style === 'compat'
    ? lib.createServer((_req: IncomingMessage | nodeHttp2.Http2ServerRequest, res: ServerResponse | nodeHttp2.Http2ServerResponse) => {
        res.setHeader('content-type', 'text/plain');
        res.end(body);
      })
    : lib.createServer();
if (style !== 'compat') {
  server.on('stream', (stream: nodeHttp2.ServerHttp2Stream) => {
    stream.respond({ ':status': 200, 'content-type': 'text/plain' });
    stream.end(body);
  });
}
server.listen(0, '127.0.0.1', () => console.log((server.address() as { port: number }).port));
