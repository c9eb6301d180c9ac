// A server that drives the sans-IO engine directly through EnginePump: the smallest strand HTTP/2 server, used as
// the conformance target. It answers every request with 200 "hello" once the request body has been read.
// GET /big/<bytes> streams that many bytes in fresh 16 KiB chunks, waiting for 'drain' (the attack suite's big response).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { EnginePump, H2Connection, type ConnectionOptions, type H2Event } from '@strand/connection';
import { TEST_CERT, TEST_KEY } from './h2spec/test-cert.js';

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

export interface EngineServerOptions {
  port?: number;
  host?: string;
  tls?: boolean;
  /** Engine options for every connection (e.g. short timeouts for the attack suite); role is always 'server'. */
  engine?: Partial<ConnectionOptions>;
}

const BIG_CHUNK = 16 * 1024;

/** Queues fresh chunks of a /big response until the stream's queue is full; 'drain' calls it again. */
function sendBig(conn: H2Connection, left: Map<number, number>, id: number): void {
  let rest = left.get(id) ?? 0;
  try {
    while (rest > 0) {
      const n = Math.min(BIG_CHUNK, rest);
      rest -= n;
      if (!conn.submitData(id, new Uint8Array(n), rest === 0)) break;
    }
  } catch {
    rest = 0; // the stream was reset meanwhile
  }
  if (rest > 0) left.set(id, rest);
  else left.delete(id);
}

function bigSize(headers: Array<[string, string]>): number {
  for (const [name, value] of headers) if (name === ':path') return value.startsWith('/big/') ? Number(value.slice(5)) || 0 : 0;
  return 0;
}

function serve(socket: net.Socket, sockets: Set<net.Socket>, engine: Partial<ConnectionOptions>): void {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', () => socket.destroy());
  const conn = new H2Connection({ ...engine, role: 'server' });
  const big = new Map<number, number>();
  const pump = new EnginePump(socket, conn, (events: H2Event[]) => {
    for (const e of events) {
      if (e.type === 'drain') sendBig(conn, big, e.streamId);
      else if (e.type === 'streamClosed') big.delete(e.streamId);
      if (e.type === 'headers' && e.kind === 'request' && bigSize(e.headers) > 0) {
        try {
          conn.respond(e.streamId, [[':status', '200'], ['content-type', 'application/octet-stream']]);
          big.set(e.streamId, bigSize(e.headers));
          sendBig(conn, big, e.streamId);
        } catch {
          // the stream was reset meanwhile
        }
        continue;
      }
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

export async function startEngineServer(options: EngineServerOptions = {}): Promise<EngineServer> {
  const engine = options.engine ?? {};
  const sockets = new Set<net.Socket>();
  const server: net.Server = options.tls
    ? tls.createServer({ ...certificate(), ALPNProtocols: ['h2'], minVersion: 'TLSv1.2' }, (s) => serve(s, sockets, engine))
    : net.createServer((s) => serve(s, sockets, engine));
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
