// The built-in demo backend (README quick start): an h2c server on the engine that answers GET / with a small HTML
// page, /bytes/<n> with n bytes (streamed as the client's window allows), and everything else with a JSON echo of
// the request (method, path, authority, headers, body size).
import * as net from 'node:net';
import { EnginePump, H2Connection, type H2Event } from '@strand/connection';
import type { HeaderList } from '../translate/head.js';

export interface DemoBackend {
  name: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BYTES = 64 * 1024 * 1024;
const CHUNK = 16 * 1024;
const FILL = new Uint8Array(CHUNK).fill(0x78);
const encoder = new TextEncoder();

interface PendingRequest {
  headers: HeaderList;
  bodyBytes: number;
  body: string;
  /** /bytes/<n>: bytes left to send. */
  left: number;
}

function page(name: string, req: PendingRequest): string {
  const rows = req.headers.map(([n, v]) => `<tr><td>${escape(n)}</td><td>${escape(v)}</td></tr>`).join('');
  return `<!doctype html><html><head><title>strand-proxy demo</title></head><body><h1>Hello from ${escape(name)}</h1><p>This page came through strand-proxy.</p><table>${rows}</table></body></html>\n`;
}

function escape(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

function pseudo(headers: HeaderList, name: string): string {
  for (const [n, v] of headers) if (n === name) return v;
  return '';
}

class DemoConnection {
  private readonly conn = new H2Connection({ role: 'server' });
  private readonly pump: EnginePump;
  private readonly requests = new Map<number, PendingRequest>();
  private readonly name: string;

  constructor(socket: net.Socket, name: string) {
    this.name = name;
    this.pump = new EnginePump(socket, this.conn, this.onEvents);
    socket.on('error', () => socket.destroy());
  }

  private readonly onEvents = (events: H2Event[]): void => {
    for (const e of events) {
      try {
        this.onEvent(e);
      } catch {
        // the stream was reset meanwhile
      }
    }
    this.pump.schedule();
  };

  private onEvent(e: H2Event): void {
    if (e.type === 'headers' && e.kind === 'request') {
      this.requests.set(e.streamId, { headers: e.headers, bodyBytes: 0, body: '', left: 0 });
      if (e.endStream) this.answer(e.streamId);
    } else if (e.type === 'data') {
      const r = this.requests.get(e.streamId);
      if (r === undefined) return;
      r.bodyBytes += e.data.length;
      if (r.body.length < 1024) r.body += Buffer.from(e.data.subarray(0, 1024 - r.body.length)).toString('utf8');
      if (e.endStream) this.answer(e.streamId);
    } else if (e.type === 'headers' && e.kind === 'trailers') {
      this.answer(e.streamId);
    } else if (e.type === 'drain') {
      this.sendBytes(e.streamId);
    } else if (e.type === 'streamClosed' || e.type === 'streamReset') {
      this.requests.delete(e.streamId);
    }
  }

  private answer(id: number): void {
    const r = this.requests.get(id)!;
    const path = pseudo(r.headers, ':path');
    const method = pseudo(r.headers, ':method');
    if (path.startsWith('/bytes/')) {
      r.left = Math.min(MAX_BYTES, Math.max(0, Number(path.slice(7)) | 0));
      this.conn.respond(id, [[':status', '200'], ['content-type', 'application/octet-stream'], ['content-length', String(r.left)]], r.left === 0);
      if (r.left > 0) this.sendBytes(id);
      return;
    }
    let body: Uint8Array;
    let type: string;
    if (path === '/' && method === 'GET') {
      body = encoder.encode(page(this.name, r));
      type = 'text/html; charset=utf-8';
    } else {
      const headers: Record<string, string> = {};
      for (const [n, v] of r.headers) if (!n.startsWith(':')) headers[n] = headers[n] === undefined ? v : `${headers[n]}, ${v}`;
      const echo = { backend: this.name, method, path, authority: pseudo(r.headers, ':authority'), headers, bodyBytes: r.bodyBytes, body: r.body };
      body = encoder.encode(JSON.stringify(echo, null, 2) + '\n');
      type = 'application/json';
    }
    const head: HeaderList = [[':status', '200'], ['content-type', type], ['content-length', String(body.length)], ['x-demo-backend', this.name]];
    if (method === 'HEAD') {
      this.conn.respond(id, head, true);
      return;
    }
    this.conn.respond(id, head);
    this.conn.submitData(id, body, true);
  }

  private sendBytes(id: number): void {
    const r = this.requests.get(id);
    if (r === undefined) return;
    while (r.left > 0) {
      const n = Math.min(CHUNK, r.left);
      r.left -= n;
      if (!this.conn.submitData(id, n === CHUNK ? FILL : FILL.subarray(0, n), r.left === 0)) break;
    }
  }
}

/** Starts a demo backend on `port` (0 = ephemeral) of `host` (default 127.0.0.1). */
export function startDemoBackend(name: string, port = 0, host = '127.0.0.1'): Promise<DemoBackend> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    new DemoConnection(socket, name);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.removeListener('error', reject);
      resolve({
        name,
        port: (server.address() as net.AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
