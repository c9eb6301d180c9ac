// createServer / createSecureServer: node:http2-shaped servers. Cleartext connections are sniffed (HTTP/2 prior
// knowledge or HTTP/1.1 on the same port); TLS connections pick by ALPN (h2, http/1.1). HTTP/1.1 goes to an
// internal node:http server whose requests are emitted as this server's 'request'.
import * as http from 'node:http';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { ErrorCode } from '@strand/frame';
import { installCompat, type CompatClasses } from './compat.js';
import type { IncomingHttpHeaders } from './headers.js';
import { ServerHttp2Session, type SessionOptions } from './session.js';
import { toEngineSettings, type Http2Settings } from './settings.js';
import { sniffProtocol } from './sniff.js';
import type { ServerHttp2Stream } from './server-stream.js';

export interface ServerOptions extends SessionOptions, Partial<CompatClasses> {
  /** Serve HTTP/1.1 clients too (default true): sniffed on cleartext, by ALPN on TLS. */
  allowHTTP1?: boolean;
  /** node:http classes for the HTTP/1.1 fallback. */
  Http1IncomingMessage?: typeof http.IncomingMessage;
  Http1ServerResponse?: typeof http.ServerResponse;
  /** Accepted for compatibility with node:http2 and ignored (strand bounds memory with its own limits). */
  maxSessionMemory?: number;
  maxHeaderListPairs?: number;
  maxOutstandingPings?: number;
  maxSendHeaderBlockLength?: number;
  paddingStrategy?: number;
  peerMaxConcurrentStreams?: number;
  unknownProtocolTimeout?: number;
}

export interface SecureServerOptions extends ServerOptions, tls.TlsOptions {}

type RequestListener = (req: http.IncomingMessage, res: http.ServerResponse) => void;
type Http1Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

// Events the HTTP/1.1 fallback server emits that belong to this server when it listens to them.
const HTTP1_EVENTS = ['upgrade', 'connect', 'checkContinue', 'checkExpectation', 'clientError', 'dropRequest'];

/** What the cleartext and the TLS server share (installed on both prototypes). */
class ServerCore {
  declare options: ServerOptions;
  declare sessions: Set<ServerHttp2Session>;
  declare http1: http.Server | null;
  declare timeout: number;
  /** @internal serve(): takes HTTP/1.1 requests instead of the 'request' event. */
  declare http1Handler: Http1Handler | null;

  /** Stops accepting connections and closes every session gracefully (GOAWAY, in-flight streams finish). */
  close(callback?: (error?: Error) => void): this {
    net.Server.prototype.close.call(this as unknown as net.Server, callback);
    for (const session of this.sessions) session.close();
    // node:http's close() closes idle keep-alive connections and stops its timeout checks.
    this.http1?.close();
    return this;
  }

  /** Destroys every session and HTTP/1.1 connection now. */
  closeAllConnections(): void {
    for (const session of this.sessions) session.destroy();
    this.http1?.closeAllConnections();
  }

  /** Closes sessions without open streams (gracefully) and idle HTTP/1.1 connections. */
  closeIdleConnections(): void {
    for (const session of this.sessions) if (session.conn.activeStreams === 0) session.close();
    this.http1?.closeIdleConnections();
  }

  /** Emits 'timeout' (or destroys the session when nobody listens) after `ms` without activity. */
  setTimeout(ms: number, callback?: () => void): this {
    this.timeout = ms;
    if (callback !== undefined) (this as unknown as net.Server).on('timeout', callback);
    if (this.http1 !== null) this.http1.timeout = ms;
    return this;
  }

  /** Settings for sessions accepted from now on. */
  updateSettings(settings: Http2Settings): void {
    toEngineSettings(settings); // validates
    this.options = { ...this.options, settings: { ...this.options.settings, ...settings } };
  }

  get keepAliveTimeout(): number {
    return http1Of(this as unknown as NodeServer).keepAliveTimeout;
  }

  set keepAliveTimeout(ms: number) {
    http1Of(this as unknown as NodeServer).keepAliveTimeout = ms;
  }

  get headersTimeout(): number {
    return http1Of(this as unknown as NodeServer).headersTimeout;
  }

  set headersTimeout(ms: number) {
    http1Of(this as unknown as NodeServer).headersTimeout = ms;
  }

  get requestTimeout(): number {
    return http1Of(this as unknown as NodeServer).requestTimeout;
  }

  set requestTimeout(ms: number) {
    http1Of(this as unknown as NodeServer).requestTimeout = ms;
  }
}

export interface Http2Server extends ServerCore {}
export interface Http2SecureServer extends ServerCore {}

/** Cleartext HTTP/2 (prior knowledge) with HTTP/1.1 on the same port unless `allowHTTP1: false`. */
export class Http2Server extends net.Server {
  constructor(options: ServerOptions = {}, onRequest?: RequestListener) {
    super({ allowHalfOpen: false }, onCleartextConnection);
    initServer(this, options, onRequest);
  }
}

/** HTTP/2 over TLS (ALPN h2), HTTP/1.1 for clients that pick http/1.1 unless `allowHTTP1: false`. TLS 1.2+. */
export class Http2SecureServer extends tls.Server {
  constructor(options: SecureServerOptions = {}, onRequest?: RequestListener) {
    const allowHTTP1 = options.allowHTTP1 !== false;
    super({ minVersion: 'TLSv1.2', ...options, ALPNProtocols: allowHTTP1 ? ['h2', 'http/1.1'] : ['h2'] }, onSecureConnection);
    initServer(this, options, onRequest);
  }
}

for (const name of Object.getOwnPropertyNames(ServerCore.prototype)) {
  if (name === 'constructor') continue;
  const descriptor = Object.getOwnPropertyDescriptor(ServerCore.prototype, name)!;
  Object.defineProperty(Http2Server.prototype, name, descriptor);
  Object.defineProperty(Http2SecureServer.prototype, name, descriptor);
}

type NodeServer = (Http2Server | Http2SecureServer) & ServerCore;

function initServer(server: NodeServer, options: ServerOptions, onRequest: RequestListener | undefined): void {
  server.options = { ...options };
  server.sessions = new Set();
  server.http1 = null;
  server.timeout = 0;
  server.http1Handler = null;
  server.on('newListener', onNewListener);
  if (onRequest !== undefined) server.on('request', onRequest);
}

/** The compat (req, res) layer is installed when the first 'request' listener arrives, as in node. */
function onNewListener(this: NodeServer, event: string | symbol): void {
  if (event === 'request' && !compatInstalled.has(this)) {
    compatInstalled.add(this);
    installCompat(this, this.options);
  }
  if (typeof event === 'string' && HTTP1_EVENTS.includes(event) && this.options.allowHTTP1 !== false) {
    const h1 = http1Of(this);
    if (h1.listenerCount(event) === 0) h1.on(event, (...args: unknown[]) => this.emit(event, ...args));
  }
}

const compatInstalled = new WeakSet<object>();

function onCleartextConnection(this: NodeServer, socket: net.Socket): void {
  if (this.options.allowHTTP1 === false) return acceptHttp2(this, socket);
  sniffProtocol(socket, this.options.prefaceTimeout ?? 10_000, (result, head) => {
    if (result === 'h2') acceptHttp2(this, socket, head);
    else if (result === 'http/1.1') acceptHttp1(this, socket, head);
    else socket.destroy();
  });
}

function onSecureConnection(this: NodeServer, socket: tls.TLSSocket): void {
  if (socket.alpnProtocol === 'h2') return acceptHttp2(this, socket);
  if (this.options.allowHTTP1 !== false) return acceptHttp1(this, socket);
  // RFC 9113 §3.2: HTTP/2 over TLS needs ALPN h2.
  if (!this.emit('unknownProtocol', socket)) socket.destroy();
}

function acceptHttp2(server: NodeServer, socket: net.Socket, head?: Uint8Array): void {
  const session = new ServerHttp2Session(socket, server.options, server);
  server.sessions.add(session);
  session.on('close', forgetSession);
  session.on('error', sessionOnError);
  session.on('stream', sessionOnStream);
  session.on('timeout', sessionOnTimeout);
  if (server.timeout > 0) session.setTimeout(server.timeout);
  server.emit('session', session);
  session.start(head);
}

function forgetSession(this: ServerHttp2Session): void {
  (this.server as NodeServer).sessions.delete(this);
}

function sessionOnError(this: ServerHttp2Session, error: Error): void {
  (this.server as NodeServer).emit('sessionError', error, this);
}

function sessionOnStream(this: ServerHttp2Session, stream: ServerHttp2Stream, headers: IncomingHttpHeaders, flags: number, raw: string[]): void {
  (this.server as NodeServer).emit('stream', stream, headers, flags, raw);
}

function sessionOnTimeout(this: ServerHttp2Session): void {
  if (this.destroyed || this.closed) return;
  if (!(this.server as NodeServer).emit('timeout', this)) this.destroy(null, ErrorCode.NO_ERROR);
}

function acceptHttp1(server: NodeServer, socket: net.Socket, head?: Buffer): void {
  const h1 = http1Of(server);
  if (head !== undefined && head.length > 0) socket.unshift(head);
  h1.emit('connection', socket);
  socket.resume();
}

function http1Of(server: NodeServer): http.Server {
  if (server.http1 !== null) return server.http1;
  const options: http.ServerOptions = {};
  if (server.options.Http1IncomingMessage !== undefined) options.IncomingMessage = server.options.Http1IncomingMessage;
  if (server.options.Http1ServerResponse !== undefined) options.ServerResponse = server.options.Http1ServerResponse;
  const h1 = http.createServer(options, (req, res) => {
    if (server.http1Handler !== null) server.http1Handler(req, res);
    else if (!server.emit('request', req, res)) refuseHttp1(res);
  });
  h1.timeout = server.timeout;
  // node:http starts tracking connections (idle close, headers/request timeouts) on 'listening'; this server never
  // listens itself (its connections come from ours), so start the tracking by hand.
  h1.emit('listening');
  server.http1 = h1;
  return h1;
}

/** An HTTP/1.1 request on a server that only has 'stream' listeners: nobody would answer it. */
function refuseHttp1(res: http.ServerResponse): void {
  res.writeHead(505, { 'content-type': 'text/plain', connection: 'close' });
  res.end('This server speaks HTTP/2 only.\n');
}

/** Cleartext server: HTTP/2 prior knowledge and HTTP/1.1 on one port. */
export function createServer(options?: ServerOptions | RequestListener, onRequest?: RequestListener): Http2Server {
  if (typeof options === 'function') return new Http2Server({}, options);
  return new Http2Server(options ?? {}, onRequest);
}

/** TLS server: ALPN h2 (and http/1.1 unless `allowHTTP1: false`). */
export function createSecureServer(options?: SecureServerOptions | RequestListener, onRequest?: RequestListener): Http2SecureServer {
  if (typeof options === 'function') return new Http2SecureServer({}, options);
  return new Http2SecureServer(options ?? {}, onRequest);
}
