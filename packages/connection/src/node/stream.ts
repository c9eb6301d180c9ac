// Http2Stream, ServerHttp2Stream, ClientHttp2Stream: node:http2-shaped Duplex streams over one engine stream.
// Writes go to submitData() (false over the engine's high-water mark → the callback waits for 'drain'); received
// DATA is given back to flow control (consume) only as the reader takes it out of the buffer (not when it merely fits
// under the highWaterMark, which is 16 KiB on Node 20 and 64 KiB on Node 24), so a reader that stops holds one window.
import { Duplex } from 'node:stream';
import { ErrorCode } from '@strand/frame';
import type { PrioritySpec } from '@strand/frame';
import type { HeaderList } from '../engine/http-semantics.js';
import { invalidStream, nodeError, streamError } from './errors.js';
import { toHeaderList, type OutgoingHttpHeaders } from './headers.js';
import type { Http2Session } from './session.js';

/** Where the received body goes instead of the stream's own buffer (the compat request). */
export interface BodySink {
  push(chunk: Buffer | null): boolean;
  /** Received body still in its buffer (not yet taken by the reader). */
  readonly readableLength: number;
  /** Set when the peer ended the body (http.IncomingMessage's `complete`). */
  complete: boolean;
}

export interface StreamPriorityOptions {
  exclusive?: boolean;
  parent?: number;
  weight?: number;
  silent?: boolean;
}

// Stream flags (one small integer instead of many booleans).
const HEADERS_SENT = 1;
const CLOSED = 2;
const ABORTED = 4;
/** END_STREAM (or trailers) was handed to the engine. */
const END_QUEUED = 8;
const WAIT_TRAILERS = 16;
const TRAILERS_SENT = 32;
const WANT_TRAILERS_EMITTED = 64;
const READ_STARTED = 128;
const END_RECEIVED = 256;
/** _write/_writev ran at least once. */
const WROTE = 512;

/** end(chunk) with at most this many bytes on a stream that never wrote goes to the engine in one call (under the
 *  engine's 64 KiB per-stream high-water mark, so the engine always accepts it at once). */
const ONE_SHOT_MAX = 64 * 1024 - 1;

/** Read by Duplex's constructor, never changed: one shared object instead of a literal per stream. */
const DUPLEX_OPTIONS = Object.freeze({ allowHalfOpen: true, autoDestroy: false });

export class Http2Stream extends Duplex {
  /** The stream identifier (assigned at once, even while the stream waits for a concurrency slot). */
  readonly id: number;
  /** The RST_STREAM code the stream closed with (NGHTTP2_NO_ERROR when it ended normally). */
  rstCode: number = ErrorCode.NO_ERROR;
  sentHeaders: OutgoingHttpHeaders | undefined = undefined;
  sentInfoHeaders: OutgoingHttpHeaders[] | undefined = undefined;
  sentTrailers: OutgoingHttpHeaders | undefined = undefined;
  /** The request/response HEADERS carried END_STREAM. */
  endAfterHeaders = false;

  /** @internal */ h2Session: Http2Session | undefined;
  /** @internal */ sink: BodySink | null = null;
  /** @internal Trailers to end the stream with when the writable side finishes (the compat layer's addTrailers). */
  pendingTrailers: HeaderList | undefined = undefined;
  protected flags = 0;
  /** Bytes delivered to the reader and not yet given back to flow control. */
  private unacked = 0;
  private pendingWrite: ((error?: Error | null) => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** The weight last set by priority() (state.weight); nothing else of the priority is read back. */
  private priorityWeight = 16;

  constructor(session: Http2Session, id: number) {
    super(DUPLEX_OPTIONS);
    this.h2Session = session;
    this.id = id;
    this.on('finish', maybeDestroyListener);
    this.on('end', maybeDestroyListener);
  }

  get session(): Http2Session | undefined {
    return this.h2Session;
  }

  get aborted(): boolean {
    return (this.flags & ABORTED) !== 0;
  }

  /** The HTTP/2 stream is closed (RST_STREAM sent or received, or both sides ended) and the reader holds none of its
   *  body. Node's stream utilities (finished(), pipeline(), the async iterator) take `closed === true` to mean 'close'
   *  came; Node 24's eos() judges that at once (Node 20 a tick later), so while body is still buffered this must be
   *  false, or `for await` over a finished response fails with ERR_STREAM_PREMATURE_CLOSE. */
  // @ts-expect-error -- Duplex declares `closed` as a property; node's Http2Stream overrides it with a getter too.
  override get closed(): boolean {
    return (this.flags & CLOSED) !== 0 && (this.destroyed || this.readableLength === 0);
  }

  /** @internal The HTTP/2 stream is closed, whatever the reader still holds (node:http2's `closed`). */
  get h2Closed(): boolean {
    return (this.flags & CLOSED) !== 0;
  }

  /** Never pending: the engine assigns the id synchronously. */
  get pending(): boolean {
    return false;
  }

  get headersSent(): boolean {
    return (this.flags & HEADERS_SENT) !== 0;
  }

  /** Bytes written and not yet framed (stream buffer plus engine queue). */
  get bufferSize(): number {
    const queued = this.h2Session === undefined ? 0 : this.h2Session.conn.queuedBytes(this.id);
    return this.writableLength + queued;
  }

  get state(): { localWindowSize: number; state: number; localClose: number; remoteClose: number; weight: number; sumDependencyWeight: number } {
    const conn = this.h2Session?.conn;
    const localClose = (this.flags & END_QUEUED) !== 0 ? 1 : 0;
    const remoteClose = (this.flags & END_RECEIVED) !== 0 ? 1 : 0;
    // NGHTTP2_STREAM_STATE_*: 2 open, 5 half-closed (local), 6 half-closed (remote), 7 closed.
    const state = this.h2Closed ? 7 : localClose && !remoteClose ? 5 : remoteClose && !localClose ? 6 : 2;
    return { localWindowSize: conn === undefined ? 0 : conn.sendWindow(this.id), state, localClose, remoteClose, weight: this.priorityWeight, sumDependencyWeight: 0 };
  }

  /** Resets the stream with `code` (RST_STREAM), like node's `stream.close()`. */
  close(code: number = ErrorCode.NO_ERROR, callback?: () => void): void {
    if (typeof code !== 'number' || code < 0 || code > 0xffffffff) {
      throw nodeError('ERR_OUT_OF_RANGE', `The value of "code" is out of range: ${code}`, RangeError);
    }
    if (callback !== undefined) this.once('close', callback);
    if (this.h2Closed) return;
    this.resetBy(code);
    this.closeWith(code, null);
  }

  /** Sets the RFC 7540 priority of the stream (a PRIORITY frame unless `silent`). */
  priority(options: StreamPriorityOptions = {}): void {
    const spec: PrioritySpec = { exclusive: options.exclusive === true, dependency: options.parent ?? 0, weight: options.weight ?? 16 };
    this.priorityWeight = spec.weight;
    const session = this.h2Session;
    if (options.silent || session === undefined || this.h2Closed) return;
    session.conn.priority(this.id, spec);
    session.schedule();
  }

  /** Emits 'timeout' after `ms` without activity on the stream (0 turns it off). */
  setTimeout(ms: number, callback?: () => void): this {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (callback !== undefined) this.once('timeout', callback);
    if (ms > 0 && !this.h2Closed) {
      this.timer = setTimeout(emitTimeout, ms, this);
      this.timer.unref();
    }
    return this;
  }

  /** Sends trailers after 'wantTrailers' (respond/request with `waitForTrailers: true`). */
  sendTrailers(headers: OutgoingHttpHeaders): void {
    if ((this.flags & TRAILERS_SENT) !== 0) throw nodeError('ERR_HTTP2_TRAILERS_ALREADY_SENT', 'Trailing headers have already been sent');
    if ((this.flags & WANT_TRAILERS_EMITTED) === 0) throw nodeError('ERR_HTTP2_TRAILERS_NOT_READY', 'Trailing headers cannot be sent until after the wantTrailers event is emitted');
    if (this.destroyed || this.h2Closed) throw invalidStream();
    const list = toHeaderList(headers, 'trailers');
    this.flags |= TRAILERS_SENT;
    this.sentTrailers = headers;
    this.endEngine(list);
  }

  // ------------------------------------------------------------------ Duplex

  /**
   * end(chunk) on a stream that has written nothing yet (the usual `respond(); end(body)`) hands the body and
   * END_STREAM to the engine in one call, skipping Writable's write machinery (a write, its callback tick, a second
   * engine call for the end). What the application sees is the same: writableLength 0, 'finish' on the next tick.
   */
  override end(chunk?: unknown, encoding?: unknown, cb?: unknown): this {
    if (
      chunk != null &&
      typeof chunk !== 'function' &&
      (this.flags & (WROTE | END_QUEUED | WAIT_TRAILERS)) === 0 &&
      this.pendingTrailers === undefined &&
      this.h2Session !== undefined &&
      !this.writableEnded &&
      !this.destroyed &&
      !this.h2Closed &&
      this.writableCorked === 0
    ) {
      const data =
        chunk instanceof Uint8Array
          ? chunk
          : typeof chunk === 'string' && (typeof encoding !== 'string' || Buffer.isEncoding(encoding))
            ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : defaultEncoding(this))
            : null; // anything else: Writable's own checks and errors
      if (data !== null && data.length <= ONE_SHOT_MAX) {
        this.beforeBody(); // may end the stream itself (a HEAD or 204 response has no body)
        const session = this.h2Session;
        this.flags |= WROTE;
        if (session !== undefined && !this.h2Closed && (this.flags & END_QUEUED) === 0) {
          this.flags |= END_QUEUED;
          this.touch();
          try {
            session.conn.submitData(this.id, data, true);
          } catch {
            // reset meanwhile: 'close' tells the application
          }
          session.schedule();
        }
        return super.end((typeof encoding === 'function' ? encoding : cb) as () => void);
      }
    }
    return super.end(chunk as never, encoding as never, cb as never);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const session = this.h2Session;
    if (session === undefined || this.h2Closed) return callback();
    this.flags |= WROTE;
    this.beforeBody();
    this.touch();
    let ok: boolean;
    try {
      ok = session.conn.submitData(this.id, chunk);
    } catch {
      return callback(); // reset meanwhile: 'close' tells the application
    }
    session.schedule();
    if (ok) callback();
    else this.pendingWrite = callback;
  }

  override _writev(chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>, callback: (error?: Error | null) => void): void {
    const session = this.h2Session;
    if (session === undefined || this.h2Closed) return callback();
    this.flags |= WROTE;
    this.beforeBody();
    this.touch();
    let ok = true;
    try {
      for (let i = 0; i < chunks.length; i++) ok = session.conn.submitData(this.id, chunks[i]!.chunk);
    } catch {
      return callback();
    }
    session.schedule();
    if (ok) callback();
    else this.pendingWrite = callback;
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.h2Closed || this.h2Session === undefined) return callback();
    this.beforeBody();
    if ((this.flags & END_QUEUED) === 0) {
      if ((this.flags & WAIT_TRAILERS) !== 0) process.nextTick(emitWantTrailers, this);
      else this.endEngine(this.pendingTrailers);
    }
    callback();
  }

  override _read(): void {
    this.flags |= READ_STARTED;
    if (this.sink === null) this.readMore();
  }

  /** Readable.read(), then the bytes it took out of the buffer go back to flow control. */
  override read(size?: number): ReturnType<Duplex['read']> {
    const chunk: unknown = super.read(size);
    if (this.unacked > 0 && this.sink === null) this.readMore(chunk === null && size !== undefined && size > 0);
    return chunk;
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const session = this.h2Session;
    if (!this.h2Closed) {
      const code = error !== null ? (error.name === 'AbortError' ? ErrorCode.CANCEL : ErrorCode.INTERNAL_ERROR) : session?.destroyCode ?? ErrorCode.NO_ERROR;
      this.resetBy(code);
      this.markClosed(code);
    }
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const pending = this.pendingWrite;
    this.pendingWrite = null;
    if (pending !== null) pending(nodeError('ERR_STREAM_DESTROYED', 'Cannot call write after a stream was destroyed'));
    this.push(null);
    session?.forget(this);
    this.h2Session = undefined;
    callback(error);
  }

  // ------------------------------------------------------------------ called by the session

  /** @internal DATA arrived: hand it to the reader. A flowing reader gets it as 'data' at once, so it is acknowledged
   *  here; what stays buffered is acknowledged when read() takes it. */
  deliver(data: Uint8Array): void {
    this.touch();
    // Views of socket reads are Buffers already; only bytes the frame decoder had to gather are a plain Uint8Array.
    const buf = data instanceof Buffer ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const target = this.sink ?? this;
    target.push(buf);
    this.unacked += buf.length;
    const taken = this.unacked - target.readableLength;
    if (taken > 0) {
      this.unacked -= taken;
      this.h2Session!.conn.consume(this.id, taken);
    }
  }

  /** @internal The peer's END_STREAM is known (the body end is delivered separately). */
  markRemoteEnd(): void {
    this.flags |= END_RECEIVED;
  }

  /** @internal The peer ended its side. */
  deliverEnd(): void {
    this.flags |= END_RECEIVED;
    if (this.sink !== null) {
      this.sink.complete = true;
      this.sink.push(null);
      // The stream's own readable side carries nothing (the sink has the body): end it with read() rather than
      // resume(), which costs flowing-mode state and a tick. ('readable' still comes a tick later for a listener.)
      this.push(null);
      this.read();
    } else {
      this.push(null);
    }
  }

  /** @internal The reader took body out of its buffer: give what left it back to flow control (WINDOW_UPDATE). With
   *  `all`, give back everything: read(n) found fewer than n bytes, and the peer may be stalled on those we hold.
   *  With a decoder set, readableLength counts characters, so a few undecoded bytes may be given back early. */
  readMore(all = false): void {
    const session = this.h2Session;
    const n = all ? this.unacked : this.unacked - (this.sink ?? this).readableLength;
    if (n <= 0 || session === undefined) return;
    this.unacked -= n;
    session.conn.consume(this.id, n);
    session.schedule();
  }

  /** @internal The engine's queue for this stream drained: release the held write. */
  onDrain(): void {
    const pending = this.pendingWrite;
    this.pendingWrite = null;
    if (pending !== null) pending();
  }

  /** @internal RST_STREAM received or sent by the engine (a stream error). */
  onReset(code: number): void {
    if (this.h2Closed || this.destroyed) return;
    const error = code !== ErrorCode.NO_ERROR && code !== ErrorCode.CANCEL && this.listenerCount('error') > 0 ? streamError(code) : null;
    this.closeWith(code, error);
  }

  /** @internal Both sides are done and the engine dropped the stream. */
  onClosed(): void {
    if (this.destroyed) return;
    if (!this.h2Closed) this.closeWith(ErrorCode.NO_ERROR, null);
  }

  /** @internal The session is going away: end the stream with the session's error or code. */
  abandon(code: number, error: Error | null): void {
    if (this.destroyed) return;
    this.closeWith(code, error !== null && this.listenerCount('error') > 0 ? error : null, true);
  }

  // ------------------------------------------------------------------ helpers

  protected emitWantTrailers(): void {
    if (this.h2Closed || (this.flags & WANT_TRAILERS_EMITTED) !== 0) return;
    this.flags |= WANT_TRAILERS_EMITTED;
    this.emit('wantTrailers');
  }

  /** Server streams send implicit headers before the first DATA; client streams have sent theirs. */
  protected beforeBody(): void {}

  /** @internal Hands END_STREAM (with trailers) to the engine. */
  endEngine(trailers: HeaderList | undefined): void {
    const session = this.h2Session;
    if (session === undefined || (this.flags & END_QUEUED) !== 0) return;
    this.flags |= END_QUEUED;
    try {
      session.conn.end(this.id, trailers);
    } catch {
      return; // already reset
    }
    session.schedule();
  }

  protected markEndQueued(): void {
    this.flags |= END_QUEUED;
  }

  protected touch(): void {
    if (this.timer !== null) this.timer.refresh();
  }

  private resetBy(code: number): void {
    const session = this.h2Session;
    if (session === undefined) return;
    try {
      session.conn.rstStream(this.id, code);
    } catch {
      // gone already
    }
    session.schedule();
  }

  private markClosed(code: number): void {
    this.flags |= CLOSED;
    this.rstCode = code;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Node's closeStream + onStreamClose: 'aborted' when our side was not done, then destroy once read. */
  private closeWith(code: number, error: Error | null, force = false): void {
    this.markClosed(code);
    if (!this.writableEnded) {
      if ((this.flags & ABORTED) === 0) {
        this.flags |= ABORTED;
        this.emit('aborted');
      }
      this.end();
    }
    const pending = this.pendingWrite;
    this.pendingWrite = null;
    if (pending !== null) pending();
    if (force || error !== null || code !== ErrorCode.NO_ERROR || !this.readable) {
      this.destroy(error ?? undefined);
      return;
    }
    // Ended normally with data still to read: destroyed after 'end' (emit → maybeDestroy).
    this.push(null);
    if (this.sink === null && (this.flags & READ_STARTED) === 0 && this.readableFlowing === null && this.isServer() && this.readableLength > 0) {
      this.resume(); // nobody reads the body it holds: drain it so the stream can close, as node does
    } else {
      this.read(0);
    }
  }

  protected isServer(): boolean {
    return false;
  }

  /** @internal */
  maybeDestroy(): void {
    if (this.h2Closed && !this.destroyed && !this.readable && this.writableFinished) this.destroy();
  }

  protected setHeadersSentFlag(): void {
    this.flags |= HEADERS_SENT;
  }

  protected setWaitForTrailers(): void {
    this.flags |= WAIT_TRAILERS;
  }
}

function maybeDestroyListener(this: Http2Stream): void {
  this.maybeDestroy();
}

function defaultEncoding(stream: Duplex): BufferEncoding {
  return (stream as unknown as { _writableState: { defaultEncoding: BufferEncoding } })._writableState.defaultEncoding;
}

function emitTimeout(stream: Http2Stream): void {
  stream.emit('timeout');
}

function emitWantTrailers(stream: Http2Stream): void {
  (stream as unknown as { emitWantTrailers(): void }).emitWantTrailers();
}
