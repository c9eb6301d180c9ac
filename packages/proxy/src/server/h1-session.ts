// HTTP/1.1 clients: sockets (cleartext after preface sniffing, or TLS without h2) are handed to an internal
// node:http server that never listens; every request becomes a ClientStream for the forwarder. Node's parser rejects
// malformed framing (CL+TE, bad chunking, CR/LF/NUL in fields) with 400 before anything reaches us.
import * as http from 'node:http';
import type * as net from 'node:net';
import { connectionInfo, type ConnectionInfo, type HeaderList, type RequestHead } from '../translate/head.js';
import { fromRawHeaders, toRawHeaders } from '../translate/response-headers.js';
import type { ClientHandler, ClientStream } from './exchange.js';
import { stillWriting, type HolderSocket, type Slab, type SlabHolder } from '../upstream/slabs.js';

export interface H1FrontendOptions {
  listener: string;
  /** Keep-alive sockets idle this long are closed. */
  keepAliveTimeoutMs: number;
  /** Time for a request's header section to arrive (slowloris); 0 = off. */
  headersTimeoutMs: number;
  /** Largest header section accepted (431 beyond). */
  maxHeaderSize: number;
}

export interface H1Owner {
  dispatch(stream: ClientStream): void;
  /** An Upgrade: websocket request; the socket is handed over raw. */
  upgrade(head: RequestHead, socket: net.Socket, rest: Buffer): void;
}

/** Per-socket bookkeeping: requests in flight (graceful shutdown) and the connection's identity (logs). */
interface SocketState {
  inflight: number;
  info: ConnectionInfo;
  /** Responses in flight on this socket (pipelining allows several). */
  responses: Set<http.ServerResponse>;
}

/** What ResponseViews reads of a response and its socket. */
interface ViewsResponse {
  readonly destroyed: boolean;
  readonly writableFinished: boolean;
  readonly writableLength: number;
  readonly socket: HolderSocket | null;
}

/**
 * @internal Views of one read slab written to an HTTP/1.1 response (upstream/slabs.ts); exported for tests. node:http
 * keeps what it has not handed to the socket yet (before it has the socket, or buffered): the slab is held while it
 * does; once all of it is in the socket, only until the socket completed the writes it had been handed then (the slab
 * is retired: none of its views is written later).
 */
export class ResponseViews implements SlabHolder {
  private readonly res: ViewsResponse;
  /** socket.bytesWritten once node:http had handed everything to the socket, -1 before. */
  private handed = -1;

  constructor(res: ViewsResponse) {
    this.res = res;
  }

  holdsSlabBytes(): boolean {
    if (this.gone()) return false;
    const res = this.res;
    const socket = res.socket;
    if (socket === null) return true; // not on a socket yet (a pipelined response waits for the ones before it)
    if (this.handed < 0) {
      // writableLength is what node:http buffers plus the socket's backlog.
      if (res.writableLength > socket.writableLength) return true;
      if (socket.writableLength === 0) return false; // and every write it was handed has completed
      this.handed = socket.bytesWritten;
    }
    return stillWriting(socket, this.handed);
  }

  /** A finished or destroyed response takes no more views and writes nothing more. */
  gone(): boolean {
    const res = this.res;
    return res.destroyed || res.writableFinished || res.socket?.destroyed === true;
  }
}

class H1ServerExchange implements ClientStream {
  readonly head: RequestHead;
  handler: ClientHandler | null = null;
  canTrailers = false;
  private readonly req: http.IncomingMessage;
  private readonly res: http.ServerResponse;
  private unacked = 0;
  private done = false;
  /** The read slab fill this exchange last registered a holder on (Slab.fill; 0 = none). */
  private viewsFill = 0;

  constructor(req: http.IncomingMessage, res: http.ServerResponse, head: RequestHead, draining: boolean) {
    this.req = req;
    this.res = res;
    this.head = head;
    res.sendDate = false;
    if (draining) res.shouldKeepAlive = false;
    req.on('data', this.onData);
    req.on('end', this.onEnd);
    res.on('close', this.onClose);
    res.on('drain', this.onDrain);
  }

  bodyConsumed(n: number): void {
    this.unacked -= n;
    if (this.unacked <= 0 && this.req.isPaused()) this.req.resume();
  }

  informational(status: number, headers: HeaderList): void {
    if (this.res.headersSent || this.done) return;
    if (status === 100) this.res.writeContinue();
    else if (status === 102) this.res.writeProcessing();
    else if (status === 103) {
      const hints: Record<string, string | string[]> = {};
      for (const [name, value] of headers) {
        const prev = hints[name];
        hints[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
      }
      if (hints['link'] !== undefined) this.res.writeEarlyHints(hints);
    }
  }

  respond(status: number, headers: HeaderList, endStream: boolean): void {
    if (this.done) return;
    let length = false;
    for (let i = 0; i < headers.length; i++) if (headers[i]![0] === 'content-length') length = true;
    this.canTrailers = !length && this.req.httpVersionMinor >= 1;
    this.res.writeHead(status, toRawHeaders(headers));
    if (endStream) this.finish();
  }

  get backlog(): number {
    return this.res.writableLength;
  }

  write(chunk: Uint8Array): boolean {
    if (this.done) return true;
    return this.res.write(chunk);
  }

  holdViews(slab: Slab): void {
    if (slab.fill === this.viewsFill) return;
    this.viewsFill = slab.fill;
    slab.hold(new ResponseViews(this.res));
  }

  end(trailers: HeaderList | null): void {
    if (this.done) return;
    // The forwarder hands over trailers already filtered (forwardableTrailers): no second pass here.
    if (trailers !== null && this.canTrailers && trailers.length > 0) this.res.addTrailers(trailers);
    this.finish();
  }

  reset(): void {
    if (this.done) return;
    this.done = true;
    this.handler = null;
    this.res.destroy();
  }

  private finish(): void {
    this.done = true;
    this.res.end();
  }

  private readonly onData = (chunk: Buffer): void => {
    const h = this.handler;
    if (h === null) return;
    this.unacked += chunk.length;
    h.onRequestData(chunk);
    if (this.unacked > 0) this.req.pause();
  };

  private readonly onEnd = (): void => {
    const trailers = this.req.rawTrailers.length > 0 ? fromRawHeaders(this.req.rawTrailers) : null;
    this.handler?.onRequestEnd(trailers);
  };

  private readonly onDrain = (): void => {
    this.handler?.onClientDrain();
  };

  private readonly onClose = (): void => {
    if (this.res.writableFinished) return;
    this.done = true;
    const h = this.handler;
    this.handler = null;
    h?.onClientAbort();
  };
}

export class H1Frontend {
  readonly server: http.Server;
  private readonly owner: H1Owner;
  private readonly options: H1FrontendOptions;
  private readonly sockets = new Map<net.Socket, SocketState>();
  private draining = false;

  constructor(owner: H1Owner, options: H1FrontendOptions) {
    this.owner = owner;
    this.options = options;
    this.server = http.createServer({
      keepAliveTimeout: options.keepAliveTimeoutMs,
      headersTimeout: options.headersTimeoutMs,
      maxHeaderSize: options.maxHeaderSize,
      requestTimeout: 0,
      // Repeated fields stay separate (rawHeaders is what we read anyway).
      joinDuplicateHeaders: false,
    });
    this.server.on('request', this.onRequest);
    this.server.on('checkContinue', this.onRequest);
    this.server.on('upgrade', this.onUpgrade);
  }

  /** Takes a client socket; `head` are bytes already read from it (preface sniffing). */
  accept(socket: net.Socket, head: Buffer | null): void {
    const state: SocketState = { inflight: 0, info: connectionInfo(socket), responses: new Set() };
    this.sockets.set(socket, state);
    socket.on('close', () => this.sockets.delete(socket));
    this.server.emit('connection', socket);
    // Node's parser reads the socket handle directly, so unshift() would not reach it: replay as a 'data' event.
    if (head !== null && head.length > 0) socket.emit('data', head);
  }

  get connectionCount(): number {
    return this.sockets.size;
  }

  /** Graceful shutdown: responses in flight say Connection: close; idle keep-alive sockets are closed now. */
  drain(): void {
    this.draining = true;
    for (const [socket, state] of this.sockets) {
      if (state.inflight === 0) socket.end();
      // Responses not started yet will say Connection: close; the socket closes after the last one.
      for (const res of state.responses) if (!res.headersSent) res.shouldKeepAlive = false;
    }
  }

  destroy(): void {
    for (const socket of this.sockets.keys()) socket.destroy();
  }

  private headOf(req: http.IncomingMessage, socket: net.Socket): RequestHead {
    const headers = fromRawHeaders(req.rawHeaders);
    const te = req.headers['transfer-encoding'];
    const length = req.headers['content-length'];
    const secure = (socket as { encrypted?: boolean }).encrypted === true;
    return {
      method: req.method ?? 'GET',
      scheme: secure ? 'https' : 'http',
      authority: req.headers.host ?? '',
      path: req.url ?? '/',
      protocol: '',
      headers,
      endStream: te === undefined && (length === undefined || length === '0'),
      version: 1,
      remoteAddress: socket.remoteAddress ?? '',
      conn: this.sockets.get(socket)?.info ?? connectionInfo(socket),
      secure,
      listener: this.options.listener,
    };
  }

  private readonly onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const socket = req.socket;
    const state = this.sockets.get(socket);
    if (state !== undefined) {
      state.inflight++;
      state.responses.add(res);
      res.once('close', () => {
        state.inflight--;
        state.responses.delete(res);
        if (this.draining && state.inflight === 0 && !socket.destroyed) socket.end();
      });
    }
    const exchange = new H1ServerExchange(req, res, this.headOf(req, socket), this.draining);
    this.owner.dispatch(exchange);
  };

  private readonly onUpgrade = (req: http.IncomingMessage, socket: net.Socket, rest: Buffer): void => {
    const upgrade = (req.headers.upgrade ?? '').toLowerCase();
    if (upgrade === 'websocket' && req.method === 'GET') {
      this.owner.upgrade(this.headOf(req, socket), socket, rest);
      return;
    }
    // Any other upgrade (h2c included, RFC 9113 §3.1 removed it) is ignored: the request is served as is, over a
    // response that closes the connection since the parser has let go of the socket.
    const head = this.headOf(req, socket);
    if (!head.endStream) {
      socket.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      return;
    }
    const res = new http.ServerResponse(req);
    res.assignSocket(socket);
    res.shouldKeepAlive = false;
    res.once('finish', () => socket.end());
    const exchange = new H1ServerExchange(req, res, head, true);
    this.owner.dispatch(exchange);
    req.push(null);
  };
}
