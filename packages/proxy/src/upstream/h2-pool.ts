// HTTP/2 connections to one backend host (h2c prior knowledge or TLS + ALPN h2): many requests multiplexed over few
// connections; another connection opens when every open one is at the backend's SETTINGS_MAX_CONCURRENT_STREAMS
// (RFC 9113 §5.1.2), so requests never wait silently in the engine's queue while the pool may still grow.
import type * as net from 'node:net';
import { constants, EnginePump, H2Connection, IdMap, type H2Event } from '@strand/connection';
import { FlushScheduler } from '../server/flush.js';
import type { HeaderList } from '../translate/head.js';
import { upstreamRequestHeaders } from '../translate/request-headers.js';
import { connectSocket, isConnectFailure, SlabReader, type HostTarget } from './connect.js';
import type { OutboundRequest, UpstreamHandler, UpstreamPool, UpstreamRequest } from './exchange.js';

/** conn.request options, shared (not one object per request). */
const END_STREAM = { endStream: true };
const MORE_TO_COME = { endStream: false };
/** Streams assumed per connection until the backend's SETTINGS say otherwise (RFC 9113 §6.5.2 recommends ≥ 100). */
const ASSUMED_MAX_STREAMS = 100;

export interface H2PoolOptions {
  target: HostTarget;
  /** 0 = unlimited. */
  maxConnections: number;
  /** Cap on streams per connection below the backend's own limit; 0 = the backend's. */
  maxStreamsPerConnection: number;
  idleTimeoutMs: number;
  /**
   * How much of one response the backend may send ahead of the client, for a stream alone on its connection. The
   * streams of one connection share it: each gets streamWindow ÷ open streams, at least MIN_STREAM_WINDOW (the
   * engine's streamWindowBudget), so a backend that interleaves many responses fairly cannot spread itself over all.
   */
  streamWindow: number;
}

/** The window every upstream stream starts with, and the least share it gets (H2PoolOptions.streamWindow). */
const MIN_STREAM_WINDOW = 65_535;
/** Least credit an upstream stream's WINDOW_UPDATE announces. */
const MIN_STREAM_WINDOW_UPDATE = 32 * 1024;

/** One request on an upstream HTTP/2 connection. */
class H2UpstreamStream implements UpstreamRequest {
  readonly version = 2 as const;
  readonly id: number;
  readonly owner: H2UpstreamConnection;
  handler: UpstreamHandler | null;
  constructor(owner: H2UpstreamConnection, id: number, handler: UpstreamHandler) {
    this.owner = owner;
    this.id = id;
    this.handler = handler;
  }

  write(chunk: Uint8Array): boolean {
    return this.owner.flusher.data(this.id, chunk);
  }

  end(trailers: HeaderList | null): void {
    this.owner.flusher.end(this.id, trailers);
  }

  bodyConsumed(n: number): void {
    this.owner.conn.consume(this.id, n);
    this.owner.pump.schedule(); // a WINDOW_UPDATE is not worth waiting for
  }

  /** RST_STREAM CANCEL unless the engine already closed the stream (then a no-op). */
  abort(): void {
    this.handler = null;
    this.owner.conn.rstStream(this.id, constants.NGHTTP2_CANCEL);
    this.owner.flusher.request();
  }

  /** Takes the handler for a terminal event: later events are dropped. */
  finish(): UpstreamHandler | null {
    const h = this.handler;
    this.handler = null;
    return h;
  }
}

function statusOf(headers: HeaderList): number {
  for (let i = 0; i < headers.length; i++) if (headers[i]![0] === ':status') return Number(headers[i]![1]);
  return 0;
}

export class H2UpstreamConnection {
  readonly conn: H2Connection;
  readonly pump: EnginePump;
  readonly flusher: FlushScheduler;
  readonly socket: net.Socket;
  private readonly pool: H2Pool;
  /** Open-addressing stream-id table (no Map rehash churn as batches of streams come and go). */
  private readonly streams = new IdMap<H2UpstreamStream>();
  /** Streams we opened and the engine has not closed yet. */
  active = 0;
  maxStreams: number;
  connected = false;
  /** GOAWAY received or sent, or the socket failed: no new streams. */
  unusable = false;
  private connectTimer: NodeJS.Timeout | null = null;

  constructor(pool: H2Pool, options: H2PoolOptions) {
    this.pool = pool;
    this.maxStreams = options.maxStreamsPerConnection > 0 ? Math.min(options.maxStreamsPerConnection, ASSUMED_MAX_STREAMS) : ASSUMED_MAX_STREAMS;
    const target = options.target;
    this.socket = connectSocket(target, ['h2'], new SlabReader(this.onChunk, { retained: this.retainedInput }));
    this.conn = new H2Connection({
      role: 'client',
      manualFlowControl: true,
      // SETTINGS_INITIAL_WINDOW_SIZE 65,535 (the RFC default); each stream gets its share by a WINDOW_UPDATE after its
      // HEADERS. One large window per stream let a backend interleaving 40 one-MiB responses finish none of them
      // early, and the pipeline through the proxy stalled: 10 % of both cores idle (docs/benchmarks.md).
      settings: { initialWindowSize: MIN_STREAM_WINDOW, enablePush: false },
      streamWindowBudget: options.streamWindow,
      // Half of a 64 KiB share (not a quarter) before a stream's WINDOW_UPDATE: half as many frames for the backend to
      // process on 1 MiB downloads (docs/benchmarks.md, session 7).
      minStreamWindowUpdate: MIN_STREAM_WINDOW_UPDATE,
      idleTimeout: options.idleTimeoutMs,
      // The backend may be slow to answer our SETTINGS under load; never kill a connection for it.
      settingsTimeout: 0,
      // Frames written into (and split frames gathered into) Buffers: no conversion per socket write, no zero-fill.
      allocate: Buffer.allocUnsafe,
      dataPieces: true,
      // Indexed request/response fields are shared tuples: nothing here modifies a field in place (translate/head.ts).
      shareHeaderFields: true,
    });
    this.pump = new EnginePump(this.socket, this.conn, this.onEvents);
    this.flusher = new FlushScheduler(this.pump);
    this.socket.on(target.tls === null ? 'connect' : 'secureConnect', this.onConnect);
    this.socket.on('error', this.onError);
    this.socket.on('close', this.onClose);
    if (target.connectTimeoutMs > 0) this.connectTimer = setTimeout(this.onConnectTimeout, target.connectTimeoutMs);
  }

  get canOpen(): boolean {
    return !this.unusable && !this.conn.finished;
  }

  open(headers: HeaderList, endStream: boolean, handler: UpstreamHandler): H2UpstreamStream {
    const id = this.conn.request(headers, endStream ? END_STREAM : MORE_TO_COME);
    const stream = new H2UpstreamStream(this, id, handler);
    this.streams.set(id, stream);
    this.active++;
    this.flusher.request();
    return stream;
  }

  /** GOAWAY once the streams in flight finish. */
  close(): void {
    this.unusable = true;
    this.conn.close();
    this.pump.schedule();
  }

  destroy(): void {
    this.unusable = true;
    this.socket.destroy();
  }

  /**
   * Cleartext connections read into reused slabs (connectSocket): the bytes go to the pump directly. The DATA views
   * handed to handlers are theirs to hold (a holder on readSlab()) or copy; what the engine has not parsed yet, the
   * slab keeps.
   */
  private readonly onChunk = (chunk: Uint8Array): void => {
    this.pump.receive(chunk);
  };

  private readonly retainedInput = (): number => this.conn.retainedInput;

  private readonly onConnect = (): void => {
    if (this.connectTimer !== null) clearTimeout(this.connectTimer);
    this.connectTimer = null;
    const alpn = (this.socket as { alpnProtocol?: string | false }).alpnProtocol;
    if (this.pool.options.target.tls !== null && alpn !== 'h2') {
      this.failAll('connect', true, `backend did not negotiate h2 (ALPN ${alpn || 'none'})`);
      this.socket.destroy();
      return;
    }
    this.connected = true;
  };

  private readonly onConnectTimeout = (): void => {
    this.connectTimer = null;
    if (this.connected) return;
    this.failAll('connect', true, `connect timeout after ${this.pool.options.target.connectTimeoutMs} ms`);
    this.socket.destroy();
  };

  private readonly onError = (error: NodeJS.ErrnoException): void => {
    const before = !this.connected;
    this.failAll(before ? 'connect' : 'reset', before || isConnectFailure(error), error.message);
  };

  private readonly onClose = (): void => {
    if (this.connectTimer !== null) clearTimeout(this.connectTimer);
    this.connectTimer = null;
    this.failAll(this.connected ? 'reset' : 'connect', !this.connected, 'upstream connection closed');
    this.pool.forget(this);
  };

  private failAll(kind: 'connect' | 'reset', retryable: boolean, message: string): void {
    this.unusable = true;
    this.pool.detach(this);
    if (this.streams.size === 0) return;
    const streams = this.streams.values();
    this.streams.clear();
    this.active = 0;
    for (const s of streams) s.finish()?.onUpstreamError({ kind, retryable, message });
  }

  private readonly onEvents = (events: H2Event[]): void => {
    for (let i = 0; i < events.length; i++) this.onEvent(events[i]!);
    this.pump.schedule();
  };

  private onEvent(e: H2Event): void {
    switch (e.type) {
      case 'headers': {
        const s = this.streams.get(e.streamId);
        const h = s?.handler;
        if (h == null) return;
        if (e.kind === 'informational') h.onUpstreamInformational(statusOf(e.headers), e.headers);
        else if (e.kind === 'response') {
          h.onUpstreamResponse(statusOf(e.headers), e.headers, e.endStream);
          if (e.endStream) s!.finish()?.onUpstreamEnd(null);
        } else s!.finish()?.onUpstreamEnd(e.headers);
        return;
      }
      case 'data': {
        const s = this.streams.get(e.streamId);
        const h = s?.handler;
        if (h == null) {
          this.conn.consume(e.streamId, e.data.length);
          return;
        }
        if (e.data.length > 0) h.onUpstreamData(e.data);
        if (e.endStream) s!.finish()?.onUpstreamEnd(null);
        return;
      }
      case 'drain':
        this.streams.get(e.streamId)?.handler?.onUpstreamDrain();
        return;
      case 'streamReset': {
        const s = this.streams.get(e.streamId);
        s?.finish()?.onUpstreamError({
          kind: e.errorCode === constants.NGHTTP2_REFUSED_STREAM ? 'refused' : e.remote ? 'reset' : 'protocol',
          retryable: e.retryable,
          message: `upstream stream reset: ${e.message}`,
        });
        return;
      }
      case 'streamClosed': {
        const s = this.streams.get(e.streamId);
        if (s === undefined) return;
        this.streams.delete(e.streamId);
        this.active--;
        // The stream closed without an end or a reset we saw (should not happen): still tell the forwarder.
        s.finish()?.onUpstreamError({ kind: 'reset', retryable: false, message: 'upstream stream closed' });
        this.pool.released(this);
        return;
      }
      case 'remoteSettings': {
        const max = e.settings.maxConcurrentStreams;
        const cap = this.pool.options.maxStreamsPerConnection;
        this.maxStreams = cap > 0 ? Math.min(cap, max) : max;
        return;
      }
      case 'goaway':
        this.unusable = true;
        this.pool.detach(this);
        return;
      case 'connectionError':
        this.failAll('reset', false, `upstream connection error: ${e.message}`);
        return;
      default:
    }
  }
}

export class H2Pool implements UpstreamPool {
  readonly options: H2PoolOptions;
  private readonly scheme: string;
  /** Connections that take new streams. */
  private conns: H2UpstreamConnection[] = [];
  /** Every connection whose socket is open, draining ones included. */
  private readonly all = new Set<H2UpstreamConnection>();
  private closed = false;

  constructor(options: H2PoolOptions) {
    this.options = options;
    this.scheme = options.target.tls === null ? 'http' : 'https';
  }

  get connectionCount(): number {
    return this.all.size;
  }

  request(out: OutboundRequest, handler: UpstreamHandler): UpstreamRequest {
    const headers = upstreamRequestHeaders(out.head, { version: 2, scheme: this.scheme, method: out.method, authority: out.authority, path: out.path, upgrade: null });
    return this.requestWith(headers, out.endStream, handler);
  }

  /** Sends an already translated header list (health checks, gRPC-Web bridge). */
  requestWith(headers: HeaderList, endStream: boolean, handler: UpstreamHandler): UpstreamRequest {
    for (let attempt = 0; attempt < 3; attempt++) {
      const conn = this.pick();
      try {
        return conn.open(headers, endStream, handler);
      } catch {
        conn.unusable = true; // the engine refused a new stream (GOAWAY or failed): try another connection
        this.detach(conn);
      }
    }
    throw new Error('no usable upstream connection');
  }

  private pick(): H2UpstreamConnection {
    const conns = this.conns;
    let least: H2UpstreamConnection | null = null;
    for (let i = 0; i < conns.length; i++) {
      const c = conns[i]!;
      if (!c.canOpen) continue;
      if (c.active < c.maxStreams) return c;
      if (least === null || c.active < least.active) least = c;
    }
    const max = this.options.maxConnections;
    if (least === null || max === 0 || conns.length < max) {
      const c = new H2UpstreamConnection(this, this.options);
      this.conns.push(c);
      this.all.add(c);
      return c;
    }
    return least; // at maxConnections: the engine queues until a stream slot frees
  }

  /** The connection takes no new streams (GOAWAY, failure, close). */
  detach(conn: H2UpstreamConnection): void {
    const i = this.conns.indexOf(conn);
    if (i >= 0) this.conns.splice(i, 1);
    // Draining connections are closed once idle by the engine (GOAWAY received → finished when no streams remain).
  }

  forget(conn: H2UpstreamConnection): void {
    this.all.delete(conn);
  }

  released(conn: H2UpstreamConnection): void {
    if (this.closed && conn.active === 0) conn.close();
  }

  close(): void {
    this.closed = true;
    for (const c of this.all) if (c.active === 0) c.close();
    for (const c of this.conns) c.unusable = true;
    this.conns = [];
  }

  destroy(): void {
    this.closed = true;
    for (const c of this.all) c.destroy();
    this.all.clear();
    this.conns = [];
  }
}
