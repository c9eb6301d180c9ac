// appProtocol "auto" over TLS: the first connection offers ALPN h2 and http/1.1; what the backend picks decides the
// pool used from then on (HTTP/2 multiplexing, or HTTP/1.1 keep-alive). Requests that arrive while the probe is in
// flight wait in a DeferredRequest, which buffers a bounded amount of body and replays it once the choice is known.
import type * as tls from 'node:tls';
import type { HeaderList } from '../translate/head.js';
import { connectSocket, type HostTarget } from './connect.js';
import type { OutboundRequest, UpstreamError, UpstreamHandler, UpstreamPool, UpstreamRequest } from './exchange.js';
import { H1Pool, type H1PoolOptions } from './h1-pool.js';
import { H2Pool, type H2PoolOptions } from './h2-pool.js';

const DEFERRED_HIGH_WATER = 64 * 1024;

/** An upstream request whose pool is not known yet. */
class DeferredRequest implements UpstreamRequest {
  version: 1 | 2 = 1;
  readonly out: OutboundRequest;
  private handler: UpstreamHandler | null;
  private real: UpstreamRequest | null = null;
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private ended = false;
  private trailers: HeaderList | null = null;
  private consumed = 0;
  private wantDrain = false;

  constructor(out: OutboundRequest, handler: UpstreamHandler) {
    this.out = out;
    this.handler = handler;
  }

  write(chunk: Uint8Array): boolean {
    if (this.real !== null) return this.real.write(chunk);
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.buffered < DEFERRED_HIGH_WATER) return true;
    this.wantDrain = true;
    return false;
  }

  end(trailers: HeaderList | null): void {
    if (this.real !== null) return this.real.end(trailers);
    this.ended = true;
    this.trailers = trailers;
  }

  bodyConsumed(n: number): void {
    if (this.real !== null) this.real.bodyConsumed(n);
    else this.consumed += n;
  }

  abort(): void {
    if (this.real !== null) this.real.abort();
    this.handler = null;
  }

  /** The pool is known: send everything buffered. */
  start(pool: UpstreamPool): void {
    const handler = this.handler;
    if (handler === null) return;
    const real = pool.request(this.out, handler);
    this.real = real;
    this.version = real.version;
    let ok = true;
    for (const c of this.chunks) ok = real.write(c);
    this.chunks = [];
    if (this.ended) real.end(this.trailers);
    if (this.consumed > 0) real.bodyConsumed(this.consumed);
    if (this.wantDrain && ok) handler.onUpstreamDrain();
  }

  fail(error: UpstreamError): void {
    const h = this.handler;
    this.handler = null;
    h?.onUpstreamError(error);
  }
}

export class AutoPool implements UpstreamPool {
  private readonly options: H2PoolOptions;
  private chosen: UpstreamPool | null = null;
  private waiting: DeferredRequest[] = [];
  private probing = false;
  private closed = false;
  /** The HTTP/1.1 pool's options, used when the backend does not choose h2. */
  private readonly h1Options: H1PoolOptions;

  constructor(options: H2PoolOptions, h1Options: H1PoolOptions) {
    this.options = options;
    this.h1Options = h1Options;
  }

  /** 'h2', 'http/1.1', or '' before the first connection answered. */
  get protocol(): string {
    return this.chosen === null ? '' : this.chosen instanceof H2Pool ? 'h2' : 'http/1.1';
  }

  get connectionCount(): number {
    return this.chosen?.connectionCount ?? 0;
  }

  request(out: OutboundRequest, handler: UpstreamHandler): UpstreamRequest {
    if (this.chosen !== null) return this.chosen.request(out, handler);
    const d = new DeferredRequest(out, handler);
    this.waiting.push(d);
    if (!this.probing) this.probe();
    return d;
  }

  private probe(): void {
    this.probing = true;
    const target: HostTarget = this.options.target;
    const socket = connectSocket(target, ['h2', 'http/1.1']) as tls.TLSSocket;
    const timer = target.connectTimeoutMs > 0 ? setTimeout(() => socket.destroy(new Error(`connect timeout after ${target.connectTimeoutMs} ms`)), target.connectTimeoutMs) : null;
    socket.once('secureConnect', () => {
      if (timer !== null) clearTimeout(timer);
      const h2 = socket.alpnProtocol === 'h2';
      socket.destroy();
      this.probing = false;
      if (this.closed) return;
      this.chosen = h2 ? new H2Pool(this.options) : new H1Pool(this.h1Options);
      const waiting = this.waiting;
      this.waiting = [];
      for (const d of waiting) d.start(this.chosen);
    });
    socket.once('error', (error: Error) => {
      if (timer !== null) clearTimeout(timer);
      this.probing = false;
      const waiting = this.waiting;
      this.waiting = [];
      for (const d of waiting) d.fail({ kind: 'connect', retryable: true, message: error.message });
    });
  }

  close(): void {
    this.closed = true;
    this.chosen?.close();
  }

  destroy(): void {
    this.closed = true;
    this.chosen?.destroy();
    const waiting = this.waiting;
    this.waiting = [];
    for (const d of waiting) d.fail({ kind: 'connect', retryable: false, message: 'pool destroyed' });
  }
}
