// The admin HTTP server (node:http): /metrics (Prometheus text 0.0.4), /ready (200, or 503 while draining or not yet
// serving), /healthz (200 while the process runs), /config (the effective configuration as JSON, secrets redacted).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProxyConfig } from '../config/types.js';
import { redactedConfig } from '../config/redact.js';
import { CONTENT_TYPE } from './registry.js';

export interface AdminOptions {
  address: string;
  /** 0 = ephemeral (see AdminServer.port). */
  port: number;
  /** Prometheus text for /metrics (e.g. `() => metrics.expose()`). */
  metrics: () => string;
  /** The configuration currently serving (changes on reload). */
  config: () => ProxyConfig;
  /** False while starting or draining: /ready answers 503. */
  ready: () => boolean;
}

export interface AdminServer {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}

function handle(options: AdminOptions, req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
    return;
  }
  switch (path) {
    case '/metrics':
      send(res, 200, CONTENT_TYPE, options.metrics());
      return;
    case '/ready': {
      const ready = options.ready();
      send(res, ready ? 200 : 503, 'text/plain; charset=utf-8', ready ? 'ready\n' : 'draining\n');
      return;
    }
    case '/healthz':
      send(res, 200, 'text/plain; charset=utf-8', 'ok\n');
      return;
    case '/config':
      send(res, 200, 'application/json', JSON.stringify(redactedConfig(options.config()), null, 2) + '\n');
      return;
    case '/':
      send(res, 200, 'text/plain; charset=utf-8', 'strand-proxy admin: /metrics /ready /healthz /config\n');
      return;
    default:
      send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
  }
}

/** Starts the admin server; resolves once it is listening. */
export function startAdminServer(options: AdminOptions): Promise<AdminServer> {
  const server = createServer((req, res) => handle(options, req, res));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.address, () => {
      server.off('error', reject);
      resolve({
        server,
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections?.();
          }),
      });
    });
  });
}
