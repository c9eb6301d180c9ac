// connect() and ClientHttp2Session: HTTP/2 over TLS (ALPN h2) for https:, prior knowledge (h2c) for http:.
import * as net from 'node:net';
import * as tls from 'node:tls';
import { ErrorCode, type PrioritySpec } from '@strand/frame';
import { StreamUsageError } from '@strand/stream';
import { invalidSession, nodeError } from './errors.js';
import { toHeaderList, type OutgoingHttpHeaders } from './headers.js';
import { ClientHttp2Stream, Http2Session, type SessionOptions } from './session.js';

export interface ClientSessionOptions extends SessionOptions, Omit<tls.ConnectionOptions, 'ALPNProtocols'> {
  /** 'https:' or 'http:' (default: from the authority). */
  protocol?: 'https:' | 'http:';
  /** Makes the socket yourself (e.g. through a proxy tunnel). */
  createConnection?: (authority: URL, options: ClientSessionOptions) => net.Socket;
  /** Accepted for compatibility; strand follows the server's MAX_CONCURRENT_STREAMS. */
  peerMaxConcurrentStreams?: number;
}

export interface ClientRequestOptions {
  endStream?: boolean;
  exclusive?: boolean;
  parent?: number;
  weight?: number;
  waitForTrailers?: boolean;
  signal?: AbortSignal;
}

export class ClientHttp2Session extends Http2Session {
  readonly type = 1;
  /** The origins this session may serve (RFC 8336); the authority's origin. */
  readonly originSet: string[] | undefined;
  private readonly authority: string;
  private readonly scheme: string;

  constructor(socket: net.Socket, options: ClientSessionOptions, url: URL) {
    super('client', socket, options);
    this.authority = url.host;
    this.scheme = url.protocol.slice(0, -1);
    this.originSet = this.encrypted ? [url.origin] : undefined;
  }

  /** Opens a stream with a request. `:method` GET, `:path` /, `:scheme` and `:authority` default from the session. */
  request(headers: OutgoingHttpHeaders = {}, options: ClientRequestOptions = {}): ClientHttp2Stream {
    if (this.destroyed) throw invalidSession();
    if (this.closed) throw nodeError('ERR_HTTP2_GOAWAY_SESSION', 'New streams cannot be created after receiving a GOAWAY');
    const all: OutgoingHttpHeaders = { ...headers };
    const method = String(all[':method'] ?? 'GET').toUpperCase();
    all[':method'] = method;
    if (method === 'CONNECT') {
      if (all[':authority'] === undefined) all[':authority'] = this.authority;
    } else {
      all[':authority'] ??= all.host !== undefined ? String(all.host) : this.authority;
      all[':scheme'] ??= this.scheme;
      all[':path'] ??= '/';
      delete all.host;
    }
    if (all[':path'] === '') throw nodeError('ERR_HTTP2_INVALID_PATH', 'The :path header is forbidden to be empty', TypeError);
    const list = toHeaderList(all, 'request');
    const endStream = options.endStream ?? (method === 'GET' || method === 'HEAD' || method === 'DELETE');
    const requestOptions: { endStream: boolean; priority?: PrioritySpec } = { endStream };
    if (options.parent !== undefined || options.weight !== undefined || options.exclusive !== undefined) {
      requestOptions.priority = { exclusive: options.exclusive === true, dependency: options.parent ?? 0, weight: options.weight ?? 16 };
    }
    let id: number;
    try {
      id = this.conn.request(list, requestOptions);
    } catch (error) {
      if (error instanceof StreamUsageError) throw nodeError('ERR_HTTP2_GOAWAY_SESSION', error.message);
      throw error;
    }
    const stream = new ClientHttp2Stream(this, id, options.waitForTrailers === true && !endStream);
    stream.sentHeaders = all;
    this.streams.set(id, stream);
    if (endStream) stream.endedWithHeaders();
    if (options.signal !== undefined) watchSignal(stream, options.signal);
    this.schedule();
    process.nextTick(emitReady, stream);
    return stream;
  }
}

function emitReady(stream: ClientHttp2Stream): void {
  if (!stream.destroyed) stream.emit('ready');
}

function watchSignal(stream: ClientHttp2Stream, signal: AbortSignal): void {
  const abort = () => stream.destroy(abortError(signal));
  if (signal.aborted) return void process.nextTick(abort);
  signal.addEventListener('abort', abort, { once: true });
  stream.once('close', () => signal.removeEventListener('abort', abort));
}

function abortError(signal: AbortSignal): Error {
  const error = new Error('The operation was aborted', { cause: signal.reason });
  error.name = 'AbortError';
  (error as { code?: string }).code = 'ABORT_ERR';
  return error;
}

/**
 * Connects to `authority` (a URL or URL string): TLS with ALPN h2 for https:, cleartext prior knowledge for http:.
 * `listener` is added as a 'connect' listener.
 */
export function connect(
  authority: string | URL,
  options?: ClientSessionOptions | ((session: ClientHttp2Session, socket: net.Socket) => void),
  listener?: (session: ClientHttp2Session, socket: net.Socket) => void,
): ClientHttp2Session {
  if (typeof options === 'function') {
    listener = options;
    options = undefined;
  }
  const opts: ClientSessionOptions = { ...options };
  const url = typeof authority === 'string' ? new URL(authority) : new URL(authority.href);
  if (opts.protocol !== undefined) url.protocol = opts.protocol;
  const secure = url.protocol === 'https:';
  if (!secure && url.protocol !== 'http:') throw nodeError('ERR_HTTP2_UNSUPPORTED_PROTOCOL', `protocol "${url.protocol}" is unsupported.`);
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = Number(url.port || (secure ? 443 : 80));
  let socket: net.Socket;
  if (opts.createConnection !== undefined) {
    socket = opts.createConnection(url, opts);
  } else if (secure) {
    const { settings: _s, createConnection: _c, protocol: _p, ...tlsOptions } = opts;
    socket = tls.connect({
      ...tlsOptions,
      host,
      port,
      ALPNProtocols: ['h2'],
      ...(opts.servername === undefined && !net.isIP(host) && { servername: host }),
    });
  } else {
    socket = net.connect({ host, port });
  }
  const session = new ClientHttp2Session(socket, opts, url);
  if (listener !== undefined) session.once('connect', listener);
  const connectEvent = socket instanceof tls.TLSSocket ? 'secureConnect' : 'connect';
  const ready = () => {
    session.connecting = false;
    if (socket instanceof tls.TLSSocket && socket.alpnProtocol !== 'h2') {
      session.destroy(nodeError('ERR_HTTP2_ERROR', `Protocol error: the server did not negotiate h2 (ALPN ${socket.alpnProtocol || 'none'})`), ErrorCode.PROTOCOL_ERROR);
      return;
    }
    session.emit('connect', session, socket);
  };
  if (socket.connecting || (socket instanceof tls.TLSSocket && !(socket as { _secureEstablished?: boolean })._secureEstablished)) {
    session.connecting = true;
    socket.once(connectEvent, ready);
  } else {
    process.nextTick(ready);
  }
  session.start();
  return session;
}
