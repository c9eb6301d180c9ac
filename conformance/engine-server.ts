// A server that drives the sans-IO engine directly through EnginePump: the smallest strand HTTP/2 server, used as
// the conformance target. It answers every request with 200 "hello" once the request body has been read.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { EnginePump, H2Connection, type H2Event } from '@strand/connection';
import { TEST_CERT, TEST_KEY } from './h2spec/reference-server.js';

export interface EngineServer {
  port: number;
  close(): Promise<void>;
}

const HELLO = new TextEncoder().encode('hello');
const RESPONSE: Array<[string, string]> = [
  [':status', '200'],
  ['content-type', 'text/plain'],
  ['content-length', '5'],
];

function serve(socket: net.Socket, sockets: Set<net.Socket>): void {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', () => socket.destroy());
  const conn = new H2Connection({ role: 'server' });
  const pump = new EnginePump(socket, conn, (events: H2Event[]) => {
    for (const e of events) {
      const ended = (e.type === 'headers' && e.kind === 'request' && e.endStream) || ((e.type === 'data' || (e.type === 'headers' && e.kind === 'trailers')) && e.endStream);
      if (!ended) continue;
      try {
        conn.respond(e.streamId, RESPONSE);
        conn.submitData(e.streamId, HELLO, true);
      } catch {
        // the stream was reset meanwhile
      }
    }
    pump.schedule();
  });
}

/** A self-signed certificate made at start with openssl when it is installed; the embedded test pair otherwise. */
function certificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'strand-cert-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } catch {
    return { key: TEST_KEY, cert: TEST_CERT };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startEngineServer(options: { port?: number; host?: string; tls?: boolean } = {}): Promise<EngineServer> {
  const sockets = new Set<net.Socket>();
  const server: net.Server = options.tls
    ? tls.createServer({ ...certificate(), ALPNProtocols: ['h2'], minVersion: 'TLSv1.2' }, (s) => serve(s, sockets))
    : net.createServer((s) => serve(s, sockets));
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
