// One HTTP/2 client connection: the sans-IO engine in the server role driven by EnginePump, every request stream a
// ClientStream for the forwarder. Flow control is manual: a client's DATA is acknowledged (WINDOW_UPDATE) only when
// the forwarder says the backend took it, so a slow backend closes the client's window instead of filling memory.
import type * as net from 'node:net';
import { EnginePump, H2Connection, IdMap, type H2Event } from '@strand/connection';
import { connectionInfo, type ConnectionInfo, type HeaderField, type HeaderList, type RequestHead } from '../translate/head.js';
import { statusField } from '../translate/response-headers.js';
import type { ClientHandler, ClientStream } from './exchange.js';
import { FlushScheduler } from './flush.js';
import { stillWriting, type HolderSocket, type Slab, type SlabHolder } from '../upstream/slabs.js';

export interface H2SessionOptions {
  listener: string;
  secure: boolean;
  /** SETTINGS_INITIAL_WINDOW_SIZE: request body bytes a client may send ahead of the backend. */
  streamWindow: number;
  maxConcurrentStreams: number;
  maxHeaderListBytes: number;
  /** GOAWAY after this long without streams (0 = never). */
  idleTimeoutMs: number;
}

export interface SessionOwner {
  dispatch(stream: ClientStream): void;
  sessionClosed(session: H2Session): void;
}

class H2ServerStream implements ClientStream {
  readonly head: RequestHead;
  readonly canTrailers = true;
  readonly id: number;
  handler: ClientHandler | null = null;
  private readonly session: H2Session;
  /** Reset or closed: nothing more can be sent. */
  gone = false;

  constructor(session: H2Session, id: number, head: RequestHead) {
    this.session = session;
    this.id = id;
    this.head = head;
  }

  bodyConsumed(n: number): void {
    if (this.gone) return;
    this.session.conn.consume(this.id, n);
    this.session.pump.schedule(); // a WINDOW_UPDATE is not worth waiting for
  }

  informational(status: number, headers: HeaderList): void {
    if (this.gone) return;
    try {
      this.session.conn.respond(this.id, withStatus(status, headers));
    } catch {
      return; // the engine already closed the stream or the connection (its events will say so)
    }
    this.session.flusher.request();
  }

  respond(status: number, headers: HeaderList, endStream: boolean): void {
    if (this.gone) return;
    try {
      this.session.conn.respond(this.id, withStatus(status, headers), endStream);
    } catch {
      return;
    }
    this.session.flusher.request();
  }

  /** Bytes queued on the stream; Infinity when they wait for the client's flow-control window (a stalled reader). */
  get backlog(): number {
    if (this.gone) return 0;
    const conn = this.session.conn;
    const queued = conn.queuedBytes(this.id);
    return queued > 0 && conn.sendWindow(this.id) <= 0 ? Infinity : queued;
  }

  write(chunk: Uint8Array): boolean {
    return this.gone ? true : this.session.flusher.data(this.id, chunk);
  }

  holdViews(slab: Slab): void {
    this.session.holdViews(slab);
  }

  end(trailers: HeaderList | null): void {
    if (!this.gone) this.session.flusher.end(this.id, trailers);
  }

  reset(code: number): void {
    if (this.gone) return;
    this.gone = true;
    this.handler = null;
    this.session.conn.rstStream(this.id, code);
    this.session.flusher.request();
  }

  /** The client side ended (reset, or the connection is gone). */
  abort(): void {
    if (this.gone && this.handler === null) return;
    this.gone = true;
    const h = this.handler;
    this.handler = null;
    h?.onClientAbort();
  }
}

/** What SessionViews reads of a session. */
interface ViewsSession {
  readonly socket: HolderSocket;
  readonly conn: Pick<H2Connection, 'copyQueuedViews'>;
}

/** @internal Views of one read slab written to a client connection's streams (upstream/slabs.ts); exported for tests. */
export class SessionViews implements SlabHolder {
  private readonly session: ViewsSession;
  /** socket.bytesWritten once none of the views was queued any more: they were all handed to the socket by then. */
  private handed = -1;

  constructor(session: ViewsSession) {
    this.session = session;
  }

  holdsSlabBytes(buffer: ArrayBufferLike): boolean {
    const socket = this.session.socket;
    if (socket.destroyed) return false; // nothing more is written
    if (this.handed < 0) {
      // Views still queued (a stream served after others, a slow client) are copied. The engine frames queued DATA
      // only in pull(), and the pump writes what it pulled at once: the others are in the socket's hands. A reset
      // stream's queue is never framed.
      this.session.conn.copyQueuedViews(buffer);
      if (socket.writableLength === 0) return false; // and every write it was handed has completed
      this.handed = socket.bytesWritten;
    }
    return stillWriting(socket, this.handed);
  }

  /** A destroyed socket writes nothing more, and its session takes no more views. */
  gone(): boolean {
    return this.session.socket.destroyed;
  }
}

/** The header list with :status first (lists that already start with it are used as they are; the field is shared). */
function withStatus(status: number, headers: HeaderList): HeaderList {
  if (headers.length > 0 && headers[0]![0] === ':status') return headers;
  const out: HeaderList = new Array(headers.length + 1);
  out[0] = statusField(status);
  for (let i = 0; i < headers.length; i++) out[i + 1] = headers[i]!;
  return out;
}

export class H2Session {
  readonly conn: H2Connection;
  readonly pump: EnginePump;
  readonly flusher: FlushScheduler;
  readonly socket: net.Socket;
  private readonly owner: SessionOwner;
  private readonly options: H2SessionOptions;
  /** Open-addressing stream-id table (no Map rehash churn as batches of streams come and go). */
  private readonly streams = new IdMap<H2ServerStream>();
  private readonly remoteAddress: string;
  private readonly info: ConnectionInfo;
  private closed = false;
  /** The read slab fill a SessionViews was last registered on (Slab.fill; 0 = none). */
  private viewsFill = 0;

  constructor(socket: net.Socket, head: Uint8Array | null, owner: SessionOwner, options: H2SessionOptions) {
    this.socket = socket;
    this.owner = owner;
    this.options = options;
    this.remoteAddress = socket.remoteAddress ?? '';
    this.info = connectionInfo(socket);
    this.conn = new H2Connection({
      role: 'server',
      manualFlowControl: true,
      settings: {
        initialWindowSize: options.streamWindow,
        maxConcurrentStreams: options.maxConcurrentStreams,
        maxHeaderListSize: options.maxHeaderListBytes,
        enableConnectProtocol: true,
      },
      idleTimeout: options.idleTimeoutMs,
      // Frames written into (and split frames gathered into) Buffers: no conversion per socket write, no zero-fill.
      allocate: Buffer.allocUnsafe,
      dataPieces: true,
      // Indexed request/response fields are shared tuples: nothing here modifies a field in place (translate/head.ts).
      shareHeaderFields: true,
    });
    this.pump = new EnginePump(socket, this.conn, this.onEvents);
    this.flusher = new FlushScheduler(this.pump);
    socket.on('error', this.onSocketError);
    socket.on('close', this.onClose);
    if (head !== null && head.length > 0) this.pump.receive(head);
  }

  get activeStreams(): number {
    return this.streams.size;
  }

  /** Views of `slab` are queued on this connection: its reuse waits for them (once per fill). */
  holdViews(slab: Slab): void {
    if (slab.fill === this.viewsFill) return;
    this.viewsFill = slab.fill;
    slab.hold(new SessionViews(this));
  }

  /** Graceful shutdown (RFC 9113 §6.8): GOAWAY, in-flight streams finish, then the connection closes. */
  close(): void {
    this.conn.close();
    this.pump.schedule();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private readonly onSocketError = (): void => {
    // 'close' follows and aborts the streams.
  };

  private readonly onClose = (): void => {
    if (this.closed) return;
    this.closed = true;
    const streams = this.streams.values();
    this.streams.clear();
    for (const s of streams) s.abort();
    this.owner.sessionClosed(this);
  };

  private readonly onEvents = (events: H2Event[]): void => {
    for (let i = 0; i < events.length; i++) this.onEvent(events[i]!);
    this.pump.schedule();
  };

  private onEvent(e: H2Event): void {
    switch (e.type) {
      case 'headers': {
        if (e.kind === 'request') return this.onRequest(e.streamId, e.headers, e.endStream);
        const s = this.streams.get(e.streamId);
        if (s === undefined) return;
        const h = s.handler;
        if (h !== null) h.onRequestEnd(e.headers);
        return;
      }
      case 'data': {
        const s = this.streams.get(e.streamId);
        const h = s?.handler ?? null;
        if (h === null) {
          // Nobody wants it (the response is complete or the request failed): acknowledge and drop.
          if (e.data.length > 0) this.conn.consume(e.streamId, e.data.length);
          return;
        }
        if (e.data.length > 0) h.onRequestData(e.data);
        if (e.endStream) s!.handler?.onRequestEnd(null);
        return;
      }
      case 'drain':
        this.streams.get(e.streamId)?.handler?.onClientDrain();
        return;
      case 'streamReset': {
        const s = this.streams.get(e.streamId);
        if (s !== undefined) {
          this.streams.delete(e.streamId);
          s.abort();
        }
        return;
      }
      case 'streamClosed': {
        const s = this.streams.get(e.streamId);
        if (s !== undefined) {
          this.streams.delete(e.streamId);
          s.gone = true;
          // A handler still attached here missed its end (cannot happen with a complete exchange): release it.
          s.abort();
        }
        return;
      }
      case 'connectionError': {
        const streams = this.streams.values();
        this.streams.clear();
        for (const s of streams) s.abort();
        return;
      }
      default:
    }
  }

  private onRequest(id: number, headers: HeaderList, endStream: boolean): void {
    let method = '';
    // X-Forwarded-Proto reports the transport this proxy saw, not the client's claim.
    const scheme = this.options.secure ? 'https' : 'http';
    let authorityField: HeaderField | undefined;
    let pathField: HeaderField | undefined;
    let protocol = '';
    let first = 0;
    for (; first < headers.length; first++) {
      const field = headers[first]!;
      const name = field[0];
      if (name.charCodeAt(0) !== 0x3a) break;
      if (name === ':method') method = field[1];
      else if (name === ':authority') authorityField = field;
      else if (name === ':path') pathField = field;
      else if (name === ':protocol') protocol = field[1];
    }
    // The engine hands the list over: the regular fields move to its front in place (no copy per request).
    if (first > 0) {
      const n = headers.length - first;
      for (let i = 0; i < n; i++) headers[i] = headers[i + first]!;
      headers.length = n;
    }
    let authority = authorityField === undefined ? '' : authorityField[1];
    if (authority === '') {
      for (let i = 0; i < headers.length; i++) if (headers[i]![0] === 'host') authority = headers[i]![1];
    }
    const head: RequestHead = {
      method,
      scheme,
      authority,
      path: pathField === undefined ? '' : pathField[1],
      protocol,
      headers,
      endStream,
      version: 2,
      remoteAddress: this.remoteAddress,
      conn: this.info,
      secure: this.options.secure,
      listener: this.options.listener,
      authorityField,
      pathField,
    };
    const stream = new H2ServerStream(this, id, head);
    this.streams.set(id, stream);
    this.owner.dispatch(stream);
  }
}
