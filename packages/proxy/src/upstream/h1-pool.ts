// HTTP/1.1 to one backend host: a keep-alive connection pool with its own request writer and response parser
// (node:http's client costs several times more per request). One request at a time per connection, never pipelined.
// Request bodies are re-framed here (Content-Length as received, otherwise chunked), never passed through with the
// client's framing.
import type * as net from 'node:net';
import type { HeaderList } from '../translate/head.js';
import { upstreamRequestHeaders } from '../translate/request-headers.js';
import { connectSocket, isConnectFailure, SlabReader, type HostTarget } from './connect.js';
import type { OutboundRequest, UpstreamError, UpstreamHandler, UpstreamPool, UpstreamRequest } from './exchange.js';
import { copyBytes } from './h1-head.js';
import { HeadMemo, ResponseParser, type ResponseSink } from './h1-parser.js';
import { RequestHeadCache, requestHeadBytes } from './h1-request-head.js';

export interface H1PoolOptions {
  target: HostTarget;
  /** 0 = unlimited. */
  maxConnections: number;
  idleTimeoutMs: number;
  /**
   * Connections opened freely; beyond them a request waits for one to come free, and gets a new connection (up to
   * maxConnections) only when none came free for QUEUE_STALL_MS, or it waited QUEUE_WAIT_MAX_MS. 0 = no such
   * threshold. Default DEFAULT_QUEUE_AFTER.
   */
  queueAfterConnections?: number;
}

/**
 * Connections an HTTP/1.1 pool opens before requests queue for a free one. Fewer, busier connections cost less per
 * request than one per request in flight (h2load -c 10 -m 100 → strand-proxy → haproxy: 1 000 backend connections
 * 31.6 µs of CPU per request, 64 connections 25.7 µs and 60 % more requests per second; the syscalls per request are
 * the same, the kernel's and Node's per-socket state stays in cache).
 */
export const DEFAULT_QUEUE_AFTER = 64;
/**
 * Requests wait while connections keep coming free; when none did for this long (long polls, slow uploads hold every
 * connection) the waiting requests get new connections. A heavy load of short requests frees one every few
 * microseconds, however long the queue, so it never grows the pool.
 */
export const QUEUE_STALL_MS = 50;
/** Longest wait for a free connection before a request gets a new one, even while others keep coming free. */
export const QUEUE_WAIT_MAX_MS = 1000;

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
/** Methods whose requests carry Content-Length: 0 when they have no body (RFC 9110 §8.6). */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const CRLF = '\r\n';
const CHUNKED_LINE = `transfer-encoding: chunked${CRLF}`;
const EMPTY_LENGTH_LINE = `content-length: 0${CRLF}`;
/** Request body held for a request waiting for a connection before write() asks the sender to wait (backpressure). */
const PENDING_LIMIT = 64 * 1024;
/** Idle connections are checked this many times per idle timeout. */
const SWEEPS_PER_TIMEOUT = 4;
/**
 * Body bytes of one response past which a cleartext connection reads into slabs (upstream/slabs.ts) and passes views
 * on instead of copying every read out of the shared buffer: large downloads stop churning external memory.
 */
export const LARGE_BODY_BYTES = 64 * 1024;

function sweepInterval(idleMs: number): number {
  return Math.max(1, Math.ceil(idleMs / SWEEPS_PER_TIMEOUT));
}

function sweepIdle(pool: H1Pool): void {
  pool.sweep();
}

function checkQueue(pool: H1Pool): void {
  pool.checkQueue();
}

/** One request on a pooled connection. */
class H1Exchange implements UpstreamRequest {
  readonly version = 1 as const;
  readonly method: string;
  handler: UpstreamHandler | null;
  conn: H1Connection | null = null;
  /** The serialized request head, until a connection sends it (a slice of Node's shared pool: not kept longer). */
  head: Uint8Array | null;
  /** Body pieces written before a connection took the request (while it waited for one). */
  pending: Array<string | Uint8Array> | null = null;
  /** When it started waiting for a connection (performance.now()), 0 while it never waited. */
  queuedAt = 0;
  /** Body bytes in `pending`; past PENDING_LIMIT write() returns false and a drain follows once a connection took them. */
  pendingBytes = 0;
  readonly chunked: boolean;
  requestDone = false;
  responseDone = false;
  /** Response bytes handed to the handler and not yet consumed by the client. */
  unacked = 0;
  /** Some response bytes arrived (a reset after that is not retryable). */
  answered = false;

  constructor(method: string, head: Uint8Array, chunked: boolean, endStream: boolean, handler: UpstreamHandler) {
    this.method = method;
    this.handler = handler;
    this.chunked = chunked;
    this.head = head;
    if (endStream) this.requestDone = true;
  }

  write(chunk: Uint8Array): boolean {
    if (chunk.length === 0) return true;
    const conn = this.conn;
    if (conn === null) {
      const pending = (this.pending ??= []);
      if (this.chunked) pending.push(chunk.length.toString(16) + CRLF, chunk, CRLF);
      else pending.push(chunk);
      this.pendingBytes += chunk.length;
      return this.pendingBytes < PENDING_LIMIT;
    }
    return conn.writeBody(chunk, this.chunked);
  }

  end(trailers: HeaderList | null): void {
    if (this.requestDone) return;
    this.requestDone = true;
    let tail = '';
    if (this.chunked) {
      tail = '0' + CRLF;
      if (trailers !== null) for (const [name, value] of trailers) tail += `${name}: ${value}${CRLF}`;
      tail += CRLF;
    }
    if (this.conn === null) {
      if (tail !== '') (this.pending ??= []).push(tail);
    } else {
      if (tail !== '') this.conn.socket.write(tail, 'latin1');
      this.conn.exchangeProgress();
    }
  }

  bodyConsumed(n: number): void {
    this.unacked -= n;
    if (this.unacked <= 0 && this.conn !== null) this.conn.resumeReading();
  }

  /** Gives up: the connection is closed unless the exchange already completed both ways. */
  abort(): void {
    this.handler = null;
    const conn = this.conn;
    if (conn === null) return;
    if (!(this.requestDone && this.responseDone)) conn.destroy();
  }

  finish(): UpstreamHandler | null {
    const h = this.handler;
    this.handler = null;
    return h;
  }
}

/** One keep-alive connection: writes requests, parses responses. */
class H1Connection implements ResponseSink {
  readonly socket: net.Socket;
  private readonly pool: H1Pool;
  private readonly parser: ResponseParser;
  exchange: H1Exchange | null = null;
  connected = false;
  /** When it last became idle (performance.now()): the pool's sweep closes it after idleTimeoutMs. */
  idleSince = 0;
  /** Cleartext reads: into the buffer shared by the pool's sockets, or into slabs while a large body streams. */
  private readonly reader: SlabReader | null;
  /** The read being parsed may be kept by reference (a slab, or a TLS read's own buffer): body bytes go on as views.
   *  Else it is the shared buffer, read into again next time, and body bytes are copied. */
  private keepable = false;
  /** Body bytes of the current response so far. */
  private bodyBytes = 0;
  /** Requests completed on this connection. */
  served = 0;
  private closed = false;
  private paused = false;
  private connectTimer: NodeJS.Timeout | null = null;
  /** Set while push() runs: completion is acted on once the chunk is parsed. */
  private parsing = false;
  private completedInPush = false;

  constructor(pool: H1Pool) {
    this.pool = pool;
    this.parser = new ResponseParser(this, pool.headMemo);
    const target = pool.options.target;
    this.reader = target.tls === null ? new SlabReader(this.onData, { switchable: true }) : null;
    this.socket = connectSocket(target, ['http/1.1'], this.reader ?? undefined);
    this.socket.setNoDelay(true);
    this.socket.on(target.tls === null ? 'connect' : 'secureConnect', this.onConnect);
    if (this.reader === null) this.socket.on('data', this.onTlsData);
    this.socket.on('end', this.onEnd);
    this.socket.on('error', this.onError);
    this.socket.on('close', this.onClose);
    this.socket.on('drain', this.onDrain);
    if (target.connectTimeoutMs > 0) this.connectTimer = setTimeout(this.onConnectTimeout, target.connectTimeoutMs);
  }

  /** Starts `ex` on this connection (idle or fresh). */
  start(ex: H1Exchange): void {
    this.exchange = ex;
    ex.conn = this;
    this.parser.expect(ex.method);
    const head = ex.head!;
    ex.head = null;
    const parts = ex.pending;
    ex.pending = null;
    if (parts === null) {
      this.socket.write(head);
    } else {
      this.socket.cork();
      this.socket.write(head);
      let ok = true;
      for (const p of parts) ok = typeof p === 'string' ? this.socket.write(p, 'latin1') : this.socket.write(p);
      this.socket.uncork();
      // The sender was told to wait while the body queued here: let it go on, or after the socket's 'drain'.
      const blocked = ex.pendingBytes >= PENDING_LIMIT;
      ex.pendingBytes = 0;
      if (blocked && ok) ex.handler?.onUpstreamDrain();
    }
  }

  writeBody(chunk: Uint8Array, chunked: boolean): boolean {
    const socket = this.socket;
    if (!chunked) return socket.write(chunk);
    socket.cork();
    socket.write(chunk.length.toString(16) + CRLF, 'latin1');
    socket.write(chunk);
    const ok = socket.write(CRLF, 'latin1');
    socket.uncork();
    return ok;
  }

  resumeReading(): void {
    if (this.paused) {
      this.paused = false;
      this.socket.resume();
    }
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Called when either half of the exchange completes: once both have, the connection is free again. */
  exchangeProgress(): void {
    const ex = this.exchange;
    if (ex === null || !ex.requestDone || !ex.responseDone || this.parsing) return;
    this.exchange = null;
    ex.conn = null;
    this.served++;
    this.resumeReading();
    if (this.parser.reusable && !this.closed) this.pool.release(this);
    else this.socket.destroy();
  }

  // ResponseSink ------------------------------------------------------------

  onInformational(status: number, headers: HeaderList): void {
    const ex = this.exchange!;
    ex.answered = true;
    ex.handler?.onUpstreamInformational(status, headers);
  }

  onHead(status: number, headers: HeaderList, _keepAlive: boolean, hasBody: boolean): void {
    const ex = this.exchange!;
    ex.answered = true;
    ex.handler?.onUpstreamResponse(status, headers, !hasBody);
  }

  onBody(buf: Uint8Array, start: number, end: number): void {
    const ex = this.exchange!;
    const h = ex.handler;
    if (h === null) return;
    const n = end - start;
    ex.unacked += n;
    const reader = this.reader;
    if (reader !== null && !this.keepable) {
      h.onUpstreamData(copyBytes(buf, start, end)); // the shared buffer is read into again
      this.bodyBytes += n;
      if (this.bodyBytes > LARGE_BODY_BYTES) reader.slabs = true; // from the next read on
    } else {
      h.onUpstreamData(start === 0 && end === buf.length ? buf : buf.subarray(start, end));
    }
    if (ex.unacked > 0 && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
  }

  onComplete(trailers: HeaderList | null): void {
    const ex = this.exchange!;
    ex.responseDone = true;
    this.endBody();
    if (this.parsing) this.completedInPush = true;
    ex.finish()?.onUpstreamEnd(trailers);
    // The backend answered before the request body ended: the connection cannot be reused (abort closes it).
  }

  // socket events -----------------------------------------------------------

  private readonly onConnect = (): void => {
    this.connected = true;
    if (this.connectTimer !== null) clearTimeout(this.connectTimer);
    this.connectTimer = null;
  };

  private readonly onConnectTimeout = (): void => {
    this.connectTimer = null;
    if (this.connected) return;
    this.fail({ kind: 'connect', retryable: true, message: `connect timeout after ${this.pool.options.target.connectTimeoutMs} ms` });
    this.socket.destroy();
  };

  /** The response's body is over (or the exchange failed): the next reads go into the shared buffer again. */
  private endBody(): void {
    this.bodyBytes = 0;
    if (this.reader !== null) this.reader.slabs = false;
  }

  private readonly onTlsData = (chunk: Uint8Array): void => {
    this.onData(chunk, true); // a buffer of its own per read: passed on as it is
  };

  private readonly onData = (chunk: Uint8Array, keepable: boolean): void => {
    this.keepable = keepable;
    if (this.exchange === null) {
      // Bytes nobody asked for on an idle connection: it can no longer be trusted.
      this.socket.destroy();
      return;
    }
    this.parsing = true;
    this.completedInPush = false;
    try {
      this.parser.push(chunk);
    } catch (error) {
      this.parsing = false;
      this.fail({ kind: 'protocol', retryable: false, message: (error as Error).message });
      this.socket.destroy();
      return;
    }
    this.parsing = false;
    if (this.completedInPush) this.exchangeProgress();
  };

  private readonly onEnd = (): void => {
    const ex = this.exchange;
    if (ex !== null && this.parser.untilClose) {
      try {
        this.parser.end();
      } catch {
        // cannot happen: untilClose
      }
      ex.responseDone = true;
    }
    this.socket.end();
  };

  private readonly onDrain = (): void => {
    this.exchange?.handler?.onUpstreamDrain();
  };

  private readonly onError = (error: NodeJS.ErrnoException): void => {
    const ex = this.exchange;
    if (ex === null) return;
    // Before the connection (TCP, TLS) was up nothing reached the backend; a reused keep-alive connection the backend
    // closed before answering processed nothing either (for idempotent methods).
    const before = !this.connected;
    const stale = this.served > 0 && !ex.answered && IDEMPOTENT.has(ex.method);
    this.fail({ kind: before ? 'connect' : 'reset', retryable: (before && isConnectFailure(error)) || stale, message: error.message });
  };

  private readonly onClose = (): void => {
    this.closed = true;
    this.endBody();
    this.reader?.close();
    if (this.connectTimer !== null) clearTimeout(this.connectTimer);
    this.connectTimer = null;
    const ex = this.exchange;
    if (ex !== null && !ex.responseDone) {
      const stale = this.served > 0 && !ex.answered && IDEMPOTENT.has(ex.method);
      this.fail({ kind: this.connected ? 'reset' : 'connect', retryable: !this.connected || stale, message: 'upstream connection closed' });
    }
    this.pool.forget(this);
  };

  private fail(error: UpstreamError): void {
    this.endBody();
    const ex = this.exchange;
    if (ex === null) return;
    this.exchange = null;
    ex.conn = null;
    ex.responseDone = true;
    ex.finish()?.onUpstreamError(error);
  }
}

export class H1Pool implements UpstreamPool {
  readonly options: H1PoolOptions;
  /** The backend's last final response head, reused by every connection's parser when the same bytes come again. */
  readonly headMemo = new HeadMemo();
  /** The last request head written to this backend: the next one copies what it shares with it. */
  private readonly headCache = new RequestHeadCache();
  private readonly idle: H1Connection[] = [];
  private readonly all = new Set<H1Connection>();
  private readonly waiting: H1Exchange[] = [];
  private closed = false;
  /** Closes connections idle for idleTimeoutMs; runs only while some are idle. */
  private sweepTimer: NodeJS.Timeout | null = null;
  /** Every QUEUE_STALL_MS while requests wait below maxConnections: gives them connections if the queue is stuck. */
  private queueTimer: NodeJS.Timeout | null = null;
  private readonly queueAfter: number;
  /** Exchanges completed (a counter, not a clock: nothing per request but an increment), and at the last check. */
  private releases = 0;
  private releasesAtCheck = 0;
  /** When the armed check is due (performance.now()): a check that runs late says the event loop was held up. */
  private checkDue = 0;

  constructor(options: H1PoolOptions) {
    this.options = options;
    this.queueAfter = options.queueAfterConnections ?? DEFAULT_QUEUE_AFTER;
  }

  get connectionCount(): number {
    return this.all.size;
  }

  request(out: OutboundRequest, handler: UpstreamHandler): UpstreamRequest {
    const headers = upstreamRequestHeaders(out.head, { version: 1, scheme: '', method: out.method, authority: out.authority, path: out.path, upgrade: null });
    return this.requestWith(headers, out.method, out.path, out.endStream, handler);
  }

  /** Sends an already translated header list (Host first). */
  requestWith(headers: HeaderList, method: string, path: string, endStream: boolean, handler: UpstreamHandler): UpstreamRequest {
    let hasLength = false;
    for (let i = 0; i < headers.length; i++) {
      if (headers[i]![0] === 'content-length') {
        hasLength = true;
        break;
      }
    }
    // A body without Content-Length is sent chunked whatever the method.
    const chunked = !endStream && !hasLength;
    const extra = chunked ? CHUNKED_LINE : endStream && !hasLength && BODY_METHODS.has(method) ? EMPTY_LENGTH_LINE : '';
    const ex = new H1Exchange(method, requestHeadBytes(method, path, headers, extra, this.headCache), chunked, endStream, handler);
    // Requests already waiting go first: a new one does not overtake them to a fresh connection.
    const conn = this.waiting.length === 0 ? this.take(this.queueAfter) : null;
    if (conn !== null) {
      conn.start(ex);
    } else {
      ex.queuedAt = performance.now();
      this.waiting.push(ex);
      this.armQueueTimer();
    }
    return ex;
  }

  /** An idle connection, a new one while fewer than `soft` (0 = no soft limit) and maxConnections are open, or null. */
  private take(soft: number): H1Connection | null {
    while (this.idle.length > 0) {
      const c = this.idle.pop()!;
      // Not one the backend has closed: between its FIN (onEnd ends our side) and 'close' it is still listed.
      if (!c.socket.destroyed && !c.socket.writableEnded) return c;
    }
    const max = this.options.maxConnections;
    if (max > 0 && this.all.size >= max) return null;
    if (soft > 0 && this.all.size >= soft) return null;
    const c = new H1Connection(this);
    this.all.add(c);
    return c;
  }

  /** Arms the queue check while requests wait, unless at maxConnections (then only a freed connection helps). */
  private armQueueTimer(): void {
    if (this.queueTimer !== null || this.waiting.length === 0 || this.closed) return;
    const max = this.options.maxConnections;
    if (max > 0 && this.all.size >= max) return;
    this.releasesAtCheck = this.releases;
    this.checkDue = performance.now() + QUEUE_STALL_MS;
    this.queueTimer = setTimeout(checkQueue, QUEUE_STALL_MS, this);
  }

  /**
   * No connection came free since the last check (QUEUE_STALL_MS): waiting requests get new connections (up to
   * maxConnections; at most queueAfterConnections more per check). Otherwise only those that waited QUEUE_WAIT_MAX_MS
   * do. A check that runs late proves nothing: timers run before the I/O that was waiting while the event loop was
   * held up (a long GC pause, a busy machine), so the connections freed meanwhile have not been seen yet.
   */
  checkQueue(): void {
    this.queueTimer = null;
    const now = performance.now();
    const stalled = this.releases === this.releasesAtCheck && now - this.checkDue < QUEUE_STALL_MS / 2;
    const cutoff = now - QUEUE_WAIT_MAX_MS;
    const limit = Math.max(1, this.queueAfter);
    for (let opened = 0; opened < limit && !this.closed; opened++) {
      const next = this.nextWaiting();
      if (next === undefined || (!stalled && next.queuedAt > cutoff)) break;
      const c = this.take(0);
      if (c === null) return; // at maxConnections: freed connections take the queue in order
      this.waiting.shift();
      c.start(next);
    }
    this.armQueueTimer();
  }

  /** The oldest waiting request still wanted (those aborted while waiting are dropped), left at the queue's front. */
  private nextWaiting(): H1Exchange | undefined {
    const waiting = this.waiting;
    while (waiting.length > 0 && waiting[0]!.handler === null) waiting.shift();
    return waiting[0];
  }

  /** A connection finished its exchange and may serve another. */
  release(conn: H1Connection): void {
    this.releases++;
    if (this.closed) {
      conn.socket.end();
      return;
    }
    const next = this.nextWaiting();
    if (next !== undefined) {
      this.waiting.shift();
      conn.start(next);
      return;
    }
    conn.idleSince = performance.now(); // monotonic: a wall-clock step neither keeps nor drops connections
    this.idle.push(conn);
    const idleMs = this.options.idleTimeoutMs;
    if (idleMs > 0 && this.sweepTimer === null) {
      this.sweepTimer = setInterval(sweepIdle, sweepInterval(idleMs), this);
      this.sweepTimer.unref();
    }
  }

  /**
   * Closes the connections that would pass idleTimeoutMs before the next sweep: each closes between ¾ of the timeout
   * and the timeout, never later (set just under a backend's keep-alive timeout, a connection the backend is about to
   * close is not reused). `idle` is in release order (taken from and returned to its end), so the expired ones are at
   * its front.
   */
  sweep(): void {
    const idle = this.idle;
    const idleMs = this.options.idleTimeoutMs;
    const cutoff = performance.now() - (idleMs - sweepInterval(idleMs));
    let n = 0;
    while (n < idle.length && idle[n]!.idleSince <= cutoff) n++;
    if (n > 0) for (const c of idle.splice(0, n)) c.destroy();
    if (idle.length === 0) this.stopSweep();
  }

  private stopSweep(): void {
    if (this.sweepTimer !== null) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
  }

  private stopQueueTimer(): void {
    if (this.queueTimer !== null) clearTimeout(this.queueTimer);
    this.queueTimer = null;
  }

  forget(conn: H1Connection): void {
    this.releases++; // a closed connection frees a slot: the queue is not stuck
    this.all.delete(conn);
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
    // A waiting request may now get a fresh connection.
    let next: H1Exchange | undefined;
    while (!this.closed && (next = this.nextWaiting()) !== undefined) {
      const c = this.take(this.queueAfter);
      if (c === null) break;
      this.waiting.shift();
      c.start(next);
    }
    this.armQueueTimer();
  }

  close(): void {
    this.closed = true;
    this.stopSweep();
    this.stopQueueTimer();
    for (const c of this.idle) c.socket.end();
    this.idle.length = 0;
  }

  destroy(): void {
    this.closed = true;
    this.stopSweep();
    this.stopQueueTimer();
    for (const c of this.all) c.destroy();
    for (const ex of this.waiting) ex.finish()?.onUpstreamError({ kind: 'connect', retryable: false, message: 'pool closed' });
    this.waiting.length = 0;
  }
}
