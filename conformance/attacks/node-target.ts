// node:http2 with the same two routes as conformance/engine-server.ts: 200 "hello" after the body, and GET /big/<bytes>
// streamed in fresh 16 KiB chunks with backpressure. The comparison target of conformance/attacks/compare.ts.
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';

export interface NodeTarget {
  port: number;
  close(): Promise<void>;
}

const BIG_CHUNK = 16 * 1024;

function big(res: http2.Http2ServerResponse, bytes: number): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  let left = bytes;
  const more = (): void => {
    while (left > 0 && !res.destroyed) {
      const n = Math.min(BIG_CHUNK, left);
      left -= n;
      if (left === 0) {
        res.end(new Uint8Array(n));
        return;
      }
      if (!res.write(new Uint8Array(n))) {
        res.once('drain', more);
        return;
      }
    }
  };
  more();
}

function handle(req: http2.Http2ServerRequest, res: http2.Http2ServerResponse): void {
  req.on('error', () => {});
  res.on('error', () => {});
  const path = req.url;
  if (path.startsWith('/big/')) return big(res, Number(path.slice(5)) || 0);
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '5' });
    res.end('hello');
  });
}

/** Cleartext node:http2 on 127.0.0.1 with its defaults; `timeoutMs` sets server.setTimeout (idle sockets closed). */
export async function startNodeTarget(options: { timeoutMs?: number } = {}): Promise<NodeTarget> {
  const server = http2.createServer(handle);
  server.on('sessionError', () => {});
  server.on('error', () => {});
  if (options.timeoutMs !== undefined) server.setTimeout(options.timeoutMs);
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (s) => {
    sessions.add(s);
    s.on('error', () => {});
    s.on('close', () => sessions.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sessions) s.destroy();
        server.close(() => resolve());
      }),
  };
}
