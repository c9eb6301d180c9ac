// WebSockets: HTTP/1.1 Upgrade passed through to the backend (RFC 6455), and RFC 8441 extended CONNECT from HTTP/2
// clients bridged to HTTP/1.1 WebSocket backends (the stream's DATA ↔ the backend socket, with backpressure).
import { randomBytes } from 'node:crypto';
import { constants } from '@strand/connection';
import type * as http from 'node:http';
import type * as net from 'node:net';
import type { HeaderList, RequestHead } from '../translate/head.js';
import { upstreamRequestHeaders } from '../translate/request-headers.js';
import { downstreamResponseHeaders, fromRawHeaders } from '../translate/response-headers.js';
import { checkRequestHead } from '../translate/validate.js';
import { openWebSocketUpstream, type WebSocketUpstreamHandler } from '../upstream/websocket.js';
import type { ClientHandler, ClientStream } from './exchange.js';
import type { Generation } from './generation.js';
import type { LogRecord } from '../config/types.js';
import type { Observer } from './observer.js';
import { addFlag, startRecord } from './record.js';
import { resolve } from './resolve.js';

function finishRecord(observer: Observer, record: LogRecord, status: number, flag: string): void {
  record.responseCode = status;
  record.durationMs = Date.now() - record.startTime;
  addFlag(record, flag);
  observer.requestFinished(record);
}

/** node:http raw headers as pairs, names as the backend spelled them. */
function rawPairs(raw: string[]): HeaderList {
  const out: HeaderList = [];
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

/** Writes a whole HTTP/1.1 response head on a raw socket. */
function rawHead(status: number, reason: string, headers: HeaderList): string {
  let out = `HTTP/1.1 ${status} ${reason}\r\n`;
  for (const [name, value] of headers) out += `${name}: ${value}\r\n`;
  return out + '\r\n';
}

/** HTTP/1.1 Upgrade: websocket. The client socket becomes a tunnel only if the backend answers 101. */
export function upgradeHttp1(gen: Generation, observer: Observer, head: RequestHead, client: net.Socket, rest: Buffer): void {
  const record = startRecord(head, Date.now());
  const fail = (status: number, reason: string, flag: string) => {
    client.end(rawHead(status, reason, [['content-length', '0'], ['connection', 'close']]));
    finishRecord(observer, record, status, flag);
  };
  if (checkRequestHead(head) !== '') return fail(400, 'Bad Request', 'DI');
  const r = resolve(gen, head, false);
  if (!r.ok) return fail(r.status === 404 ? 404 : 503, r.status === 404 ? 'Not Found' : 'Service Unavailable', r.flag);
  const host = r.cluster.pick();
  record.routeName = r.result.route.name;
  record.upstreamCluster = r.cluster.name;
  record.upstreamHost = host.label;
  record.upstreamAttempts = 1;
  const headers = upstreamRequestHeaders({ ...head, headers: r.filtered.headers }, { version: 1, scheme: '', method: 'GET', authority: r.filtered.authority, path: r.filtered.path, upgrade: 'websocket' });
  record.bytesReceived = rest.length;
  client.on('error', () => client.destroy());
  const handler: WebSocketUpstreamHandler = {
    onUpgrade(res, upstream, upstreamHead) {
      client.write(rawHead(101, res.statusMessage || 'Switching Protocols', rawPairs(res.rawHeaders)));
      if (upstreamHead.length > 0) client.write(upstreamHead);
      if (rest.length > 0) upstream.write(rest);
      upstream.on('data', (d: Buffer) => (record.bytesSent += d.length));
      client.on('data', (d: Buffer) => (record.bytesReceived += d.length));
      upstream.pipe(client);
      client.pipe(upstream);
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => {
        client.destroy();
        finishRecord(observer, record, 101, '');
      });
    },
    onResponse(res) {
      // Not upgraded: relay the answer and close (the connection was never a normal keep-alive one past this point).
      const out = downstreamResponseHeaders(fromRawHeaders(res.rawHeaders), 1).filter(([n]) => n !== 'content-length');
      out.push(['connection', 'close']);
      client.write(rawHead(res.statusCode ?? 502, res.statusMessage ?? '', out));
      res.pipe(client);
      finishRecord(observer, record, res.statusCode ?? 502, '');
    },
    onError(error) {
      r.cluster.reportFailure(host);
      record.upstreamTransportFailureReason = error.message;
      fail(502, 'Bad Gateway', 'UF');
    },
  };
  openWebSocketUpstream(host.target, r.filtered.path, headers, handler);
}

/** RFC 8441: an HTTP/2 stream with :method CONNECT and :protocol websocket, bridged to an HTTP/1.1 backend. */
class ExtendedConnectBridge implements ClientHandler, WebSocketUpstreamHandler {
  private readonly client: ClientStream;
  private readonly observer: Observer;
  private readonly record: LogRecord;
  private socket: net.Socket | null = null;
  private response: http.IncomingMessage | null = null;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private ended = false;
  private unacked = 0;
  private done = false;
  private status = 0;

  constructor(client: ClientStream, observer: Observer) {
    this.client = client;
    this.observer = observer;
    this.record = startRecord(client.head, Date.now());
  }

  open(gen: Generation): void {
    const head = this.client.head;
    const r = resolve(gen, head, false);
    if (!r.ok) return this.reply(r.status, r.flag);
    const host = r.cluster.pick();
    this.record.routeName = r.result.route.name;
    this.record.upstreamCluster = r.cluster.name;
    this.record.upstreamHost = host.label;
    this.record.upstreamAttempts = 1;
    const headers = upstreamRequestHeaders({ ...head, headers: r.filtered.headers }, { version: 1, scheme: '', method: 'GET', authority: r.filtered.authority, path: r.filtered.path, upgrade: 'websocket' });
    // RFC 8441 §5: no Sec-WebSocket-Key/Accept over HTTP/2; the HTTP/1.1 backend needs a key (RFC 6455 §4.1).
    headers.push(['sec-websocket-key', randomBytes(16).toString('base64')]);
    if (!headers.some(([n]) => n === 'sec-websocket-version')) headers.push(['sec-websocket-version', '13']);
    this.client.handler = this;
    openWebSocketUpstream(host.target, r.filtered.path, headers, this);
  }

  private reply(status: number, flag: string): void {
    this.client.respond(status, [['content-length', '0']], true);
    this.status = status;
    this.finish(flag);
  }

  private finish(flag: string): void {
    if (this.done) return;
    this.done = true;
    this.client.handler = null;
    finishRecord(this.observer, this.record, this.status, flag);
  }

  onUpgrade(res: http.IncomingMessage, socket: net.Socket, head: Buffer): void {
    if (this.done) {
      socket.destroy();
      return;
    }
    this.socket = socket;
    this.status = 200;
    const out: HeaderList = [];
    for (const [name, value] of fromRawHeaders(res.rawHeaders)) {
      if (name === 'sec-websocket-protocol' || name === 'sec-websocket-extensions') out.push([name, value]);
    }
    this.client.respond(200, out, false);
    if (head.length > 0) this.fromBackend(head);
    socket.on('data', (d: Buffer) => this.fromBackend(d));
    socket.on('end', () => {
      if (this.done) return;
      this.client.end(null);
      if (this.ended) this.finish('');
    });
    socket.on('drain', () => this.onBackendDrain());
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (this.done) return;
      this.client.reset(constants.NGHTTP2_CONNECT_ERROR);
      this.finish('UR');
    });
    for (const c of this.pending) this.toBackend(c);
    this.pending = [];
    this.pendingBytes = 0;
    if (this.ended) socket.end();
  }

  onResponse(res: http.IncomingMessage): void {
    if (this.done) {
      res.destroy();
      return;
    }
    this.response = res;
    this.status = res.statusCode ?? 502;
    this.client.respond(this.status, downstreamResponseHeaders(fromRawHeaders(res.rawHeaders), 1), false);
    res.on('data', (d: Buffer) => {
      this.record.bytesSent += d.length;
      if (!this.client.write(d)) res.pause();
    });
    res.on('end', () => {
      this.client.end(null);
      this.finish('');
    });
  }

  onError(): void {
    if (this.done) return;
    this.reply(502, 'UF');
  }

  private fromBackend(d: Buffer): void {
    this.record.bytesSent += d.length;
    if (!this.client.write(d)) this.socket!.pause();
  }

  private toBackend(chunk: Uint8Array): void {
    if (this.socket!.write(chunk)) this.client.bodyConsumed(chunk.length);
    else this.unacked += chunk.length;
  }

  private onBackendDrain(): void {
    const n = this.unacked;
    this.unacked = 0;
    if (n > 0) this.client.bodyConsumed(n);
  }

  onRequestData(chunk: Uint8Array): void {
    this.record.bytesReceived += chunk.length;
    if (this.socket !== null) return this.toBackend(chunk);
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
  }

  onRequestEnd(): void {
    this.ended = true;
    if (this.socket !== null) {
      this.socket.end();
      if (this.socket.readableEnded) this.finish('');
    } else if (this.response !== null) {
      // nothing: the non-101 answer is being relayed
    }
  }

  onClientAbort(): void {
    this.socket?.destroy();
    this.response?.destroy();
    this.finish('DC');
  }

  onClientDrain(): void {
    if (this.socket !== null && this.socket.isPaused()) this.socket.resume();
    if (this.response !== null && this.response.isPaused()) this.response.resume();
  }
}

/** Starts the RFC 8441 bridge for `client` (the forwarder calls it for CONNECT + :protocol websocket). */
export function bridgeExtendedConnect(client: ClientStream, gen: Generation, observer: Observer): void {
  new ExtendedConnectBridge(client, observer).open(gen);
}
