// The reference target for the suite's own tests: node:http2 answering every request with 200 "hello"
// after reading the body, over cleartext (prior knowledge) or TLS (ALPN h2, a self-signed certificate).
// Run directly to serve one for manual runs: npx tsx conformance/h2spec/reference-server.ts [port] [--tls]
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { TEST_CERT, TEST_KEY } from './test-cert.js';

export interface ReferenceServer {
  port: number;
  close(): Promise<void>;
}

function hello(req: http2.Http2ServerRequest, res: http2.Http2ServerResponse): void {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('hello');
  });
}

/** Starts node:http2 on 127.0.0.1 (`port` 0 = any free port). */
export async function startReferenceServer(options: { tls?: boolean; port?: number } = {}): Promise<ReferenceServer> {
  const server = options.tls
    ? http2.createSecureServer({ key: TEST_KEY, cert: TEST_CERT, allowHTTP1: false }, hello)
    : http2.createServer(hello);
  // Cases deliberately provoke protocol errors; they are the server's business, not the process's.
  server.on('sessionError', () => {});
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (s) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sessions) s.destroy();
        server.close(() => resolve());
      }),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const tls = process.argv.includes('--tls');
  const port = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 0);
  void startReferenceServer({ tls, port }).then((server) =>
    console.log(`node:http2 ${process.version} serving "hello" on 127.0.0.1:${server.port}${tls ? ' (TLS)' : ''}`),
  );
}
