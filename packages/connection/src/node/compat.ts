// The (req, res) compatibility layer over HTTP/2 streams, installed when a server gets a 'request' listener.
//
// Http2ServerRequest/Http2ServerResponse are real http.IncomingMessage/http.ServerResponse objects: header storage,
// setHeader/getHeader/removeHeader, statusCode, headersSent and writableEnded are node's own code. What must go to
// the HTTP/2 stream instead of an HTTP/1 socket (writeHead, write, end, 1xx, trailers, destroy, _read) is set on
// each instance, so frameworks that swap the prototype of req/res (Express does) keep a working object.
// HTTP/1-only fields (connection, keep-alive, transfer-encoding, upgrade, proxy-connection, http2-settings, te other than
// "trailers") are dropped silently.
import type { EventEmitter } from 'node:events';
import * as http from 'node:http';
import { ErrorCode } from '@strand/frame';
import type { HeaderList } from '../engine/http-semantics.js';
import { nodeError } from './errors.js';
import { attachCompat, forwardDrain, forwardTimeout } from './compat-events.js';
import { hasStoredHeaders, responseHeaderList } from './compat-headers.js';
import { requestHeaders } from './compat-request-headers.js';
import { toHeaderList, type IncomingHttpHeaders, type OutgoingHttpHeaders } from './headers.js';
import { statusField, type ServerHttp2Stream } from './server-stream.js';
import { socketProxy } from './socket-proxy.js';

export interface CompatClasses {
  Http2ServerRequest: typeof Http2ServerRequest;
  Http2ServerResponse: typeof Http2ServerResponse;
}

type Callback = (error?: Error | null) => void;
type Chunk = string | Uint8Array;

/** The request side: an http.IncomingMessage whose body is the HTTP/2 stream's DATA. */
export class Http2ServerRequest extends http.IncomingMessage {
  /** The HTTP/2 stream this request arrived on. */
  readonly stream: ServerHttp2Stream;
  declare aborted: boolean;

  constructor(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, _options: unknown, rawHeaders: string[]) {
    const socket = socketProxy(stream);
    super(socket);
    this.stream = stream;
    this.httpVersion = '2.0';
    this.httpVersionMajor = 2;
    this.httpVersionMinor = 0;
    const method = String(headers[':method']);
    this.method = method;
    this.url = method === 'CONNECT' ? String(headers[':authority']) : String(headers[':path'] ?? '');
    // host from :authority and, for a body of unknown length, transfer-encoding: chunked, for HTTP/1 frameworks.
    this.headers = requestHeaders(headers, !stream.endAfterHeaders) as http.IncomingHttpHeaders;
    this.rawHeaders = rawHeaders;
    this._read = readRequest;
    this.read = readRequestBody;
    this._destroy = destroyRequest;
    stream.sink = this;
    if (stream.endAfterHeaders) {
      // No body will come: end the reader now. Left in sync mode, push(null) emits 'readable' a tick later, once the
      // handler has had a chance to listen for it (Node emits one 'readable' at the end of a stream).
      this.push(null);
    }
  }

  get authority(): string | undefined {
    return this.headers[':authority'] as string | undefined;
  }

  get scheme(): string | undefined {
    return this.headers[':scheme'] as string | undefined;
  }
}

function readRequest(this: Http2ServerRequest): void {
  (this as { _consuming?: boolean })._consuming = true;
  this.stream.readMore();
}

const readableRead = http.IncomingMessage.prototype.read;

/** Readable.read(), then the body it took goes back to HTTP/2 flow control. */
function readRequestBody(this: Http2ServerRequest, size?: number): ReturnType<http.IncomingMessage['read']> {
  const chunk: unknown = readableRead.call(this, size);
  this.stream.readMore(chunk === null && size !== undefined && size > 0);
  return chunk;
}

function destroyRequest(this: Http2ServerRequest, error: Error | null, callback: Callback): void {
  if (!this.readableEnded || !this.complete) {
    this.aborted = true;
    this.emit('aborted');
  }
  const stream = this.stream;
  if (this.aborted && !stream.destroyed && !stream.h2Closed) stream.close(ErrorCode.CANCEL);
  callback(error);
}

const kNoBody = Symbol('strand.noBody');
const kTrailers = Symbol('strand.trailers');

/** The response side: an http.ServerResponse whose headers and body go out on the HTTP/2 stream. */
export class Http2ServerResponse extends http.ServerResponse {
  readonly stream: ServerHttp2Stream;
  [kNoBody] = false;
  [kTrailers]: HeaderList | undefined = undefined;

  constructor(stream: ServerHttp2Stream, req: Http2ServerRequest) {
    super(req);
    this.stream = stream;
    (this as { socket: unknown }).socket = req.socket;
    this.shouldKeepAlive = true;
    this.writeHead = writeHead as never;
    this.write = write as never;
    this.end = end as never;
    this.flushHeaders = flushHeaders;
    this.writeContinue = writeContinue;
    this.writeProcessing = writeProcessing;
    this.writeEarlyHints = writeEarlyHints as never;
    this.addTrailers = addTrailers as never;
    this.setTimeout = setResponseTimeout as never;
    this.destroy = destroyResponse as never;
    this.cork = cork;
    this.uncork = uncork;
    const self = this as unknown as { _implicitHeader: () => void; createPushResponse: unknown };
    self._implicitHeader = implicitHeader;
    self.createPushResponse = createPushResponse;
  }
}

type Res = Http2ServerResponse & { _header: string | null; _headerSent: boolean; finished: boolean; _closed: boolean };

function writeHead(this: Res, statusCode: number, reason?: string | OutgoingHttpHeaders | string[], headers?: OutgoingHttpHeaders | string[]): Res {
  if (this.stream.destroyed || this.stream.h2Closed) return this;
  if (this._header !== null) throw nodeError('ERR_HTTP2_HEADERS_SENT', 'Response has already been initiated.');
  if (typeof reason !== 'string') headers = reason;
  this.statusCode = statusCode;
  if (headers !== undefined && headers !== null && !Array.isArray(headers) && !hasStoredHeaders(this) && plainFieldNames(headers)) {
    // Only writeHead() sets headers: they go out as given and are not stored (node:http's fast path too).
    // plainFieldNames() has refused pseudo-header names; toHeaderList checks the rest as setHeader would.
    sendHeaders(this, false, toHeaderList(headers, 'response', 'drop'), -1);
    return this;
  }
  if (Array.isArray(headers)) {
    // A flat [name, value, name, value …] list (or [[name, value] …]).
    if (headers.length > 0 && Array.isArray(headers[0])) for (const [k, v] of headers as unknown as string[][]) this.appendHeader(k!, v!);
    else for (let i = 0; i + 1 < headers.length; i += 2) this.appendHeader(headers[i]!, headers[i + 1]!);
  } else if (headers !== undefined && headers !== null) {
    for (const key in headers) {
      const value = headers[key];
      if (key.charCodeAt(0) === 0x3a) throw pseudoHeaderNotAllowed();
      if (value !== undefined && Object.hasOwn(headers, key)) this.setHeader(key, value as string | number | readonly string[]);
    }
  }
  sendHeaders(this, false, null, -1);
  return this;
}

/**
 * writeHead's object can go out as given when its names are its own and no two of them are the same name in another
 * case. Otherwise setHeader() merges them as node does ({ 'X-A': 1, 'x-a': 2 } sends x-a: 2).
 */
function plainFieldNames(headers: OutgoingHttpHeaders): boolean {
  let lowered: string[] | null = null;
  for (const key in headers) {
    if (key.charCodeAt(0) === 0x3a) throw pseudoHeaderNotAllowed();
    if (!Object.hasOwn(headers, key)) return false;
    const name = key.toLowerCase();
    if (lowered === null) {
      if (name === key) continue;
      // The first name with capitals: from here on, compare every name in lower case.
      lowered = [];
      for (const earlier in headers) {
        if (earlier === key) break;
        lowered.push(earlier);
      }
    }
    if (lowered.includes(name)) return false;
    lowered.push(name);
  }
  return true;
}

function pseudoHeaderNotAllowed(): Error {
  return nodeError('ERR_HTTP2_PSEUDOHEADER_NOT_ALLOWED', 'Cannot set HTTP/2 pseudo-headers', TypeError);
}

function implicitHeader(this: Res): void {
  if (this._header === null) sendHeaders(this, false, null, -1);
}

function flushHeaders(this: Res): void {
  if (this._header === null && !this.stream.h2Closed && !this.stream.destroyed) sendHeaders(this, false, null, -1);
}

/**
 * Sends the response HEADERS: statusCode, the stored headers (HTTP/1-only fields dropped), writeHead's `fields`,
 * and content-length when `contentLength` ≥ 0 (end(data) knows the whole body).
 */
function sendHeaders(res: Res, endStream: boolean, fields: HeaderList | null, contentLength: number): void {
  const stream = res.stream;
  const status = res.statusCode;
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    throw nodeError('ERR_HTTP2_STATUS_INVALID', `Invalid status code: ${status}`, RangeError);
  }
  const list = responseHeaderList(res, status, fields, contentLength);
  const noBody = res.req.method === 'HEAD' || status === 204 || status === 205 || status === 304;
  res._header = ' ';
  res._headerSent = true;
  if (noBody) res[kNoBody] = true;
  if (stream.destroyed || stream.h2Closed) return;
  stream.sendResponse(list, endStream || noBody, false);
}

function write(this: Res, chunk: Chunk, encoding?: BufferEncoding | Callback, callback?: Callback): boolean {
  if (typeof encoding === 'function') {
    callback = encoding;
    encoding = undefined;
  }
  const stream = this.stream;
  if (this.finished || stream.h2Closed || stream.destroyed) {
    const error = this.finished
      ? nodeError('ERR_STREAM_WRITE_AFTER_END', 'write after end')
      : nodeError('ERR_HTTP2_INVALID_STREAM', 'The stream has been destroyed');
    if (typeof callback === 'function') process.nextTick(callback, error);
    return false;
  }
  if (this._header === null) sendHeaders(this, false, null, -1);
  if (this[kNoBody]) {
    if (typeof callback === 'function') process.nextTick(callback);
    return true;
  }
  const ok = typeof callback === 'function' ? stream.write(chunk, encoding ?? 'utf8', callback) : stream.write(chunk, encoding ?? 'utf8');
  if (!ok) forwardDrain(stream);
  return ok;
}

function end(this: Res, chunk?: Chunk | Callback | null, encoding?: BufferEncoding | Callback, callback?: Callback): Res {
  if (typeof chunk === 'function') {
    callback = chunk;
    chunk = undefined;
  } else if (typeof encoding === 'function') {
    callback = encoding;
    encoding = undefined;
  }
  const stream = this.stream;
  if (this.finished || stream.h2Closed || stream.destroyed) {
    this.finished = true;
    if (typeof callback === 'function') process.nextTick(callback);
    return this;
  }
  this.finished = true;
  const hasChunk = chunk !== undefined && chunk !== null && (chunk as Chunk).length > 0;
  if (this._header === null) {
    // The whole body is known: tell the client its length (unless set), as node:http does for end(data).
    const length = !hasChunk ? -1 : typeof chunk === 'string' ? Buffer.byteLength(chunk, (encoding as BufferEncoding | undefined) ?? 'utf8') : (chunk as Uint8Array).byteLength;
    sendHeaders(this, !hasChunk && this[kTrailers] === undefined, null, length);
  }
  if (typeof callback === 'function') this.once('finish', callback);
  stream.pendingTrailers = this[kTrailers];
  if (hasChunk && !this[kNoBody]) stream.end(chunk as Chunk, (encoding ?? 'utf8') as BufferEncoding);
  else stream.end();
  return this;
}

function writeContinue(this: Res): void {
  if (this._header === null && !this.stream.h2Closed) this.stream.sendInformational([statusField(100)]);
}

function writeProcessing(this: Res): void {
  if (this._header === null && !this.stream.h2Closed) this.stream.sendInformational([statusField(102)]);
}

/** 103 Early Hints (RFC 8297): `hints` is a header object, typically { link: [...] }. */
function writeEarlyHints(this: Res, hints: OutgoingHttpHeaders, callback?: () => void): void {
  if (this._header === null && !this.stream.h2Closed) {
    const list = toHeaderList(hints, 'response', 'drop');
    list.unshift(statusField(103));
    this.stream.sendInformational(list);
  }
  if (typeof callback === 'function') process.nextTick(callback);
}

function addTrailers(this: Res, headers: OutgoingHttpHeaders | Array<[string, string]>): void {
  const object: OutgoingHttpHeaders = Array.isArray(headers) ? Object.fromEntries(headers) : headers;
  const list = toHeaderList(object, 'trailers', 'drop');
  const existing = this[kTrailers];
  this[kTrailers] = existing === undefined ? list : existing.concat(list);
}

function setResponseTimeout(this: Res, ms: number, callback?: () => void): Res {
  if (typeof callback === 'function') this.on('timeout', callback);
  forwardTimeout(this.stream);
  if (!this.stream.h2Closed) this.stream.setTimeout(ms);
  return this;
}

function destroyResponse(this: Res, error?: Error): Res {
  if (!this.stream.destroyed) this.stream.destroy(error);
  return this;
}

function cork(this: Res): void {
  this.stream.cork();
}

function uncork(this: Res): void {
  this.stream.uncork();
}

function createPushResponse(this: Res, _headers: unknown, callback: (error: Error) => void): void {
  process.nextTick(callback, nodeError('ERR_HTTP2_PUSH_DISABLED', 'HTTP/2 Push has been disabled'));
}

// ------------------------------------------------------------------ wiring

type EmitterServer = EventEmitter;

/** Turns each 'stream' into (req, res) and emits 'request' (or 'checkContinue', 'connect'), as node does. */
export function installCompat(server: EmitterServer, classes: Partial<CompatClasses>): void {
  const Request = classes.Http2ServerRequest ?? Http2ServerRequest;
  const Response = classes.Http2ServerResponse ?? Http2ServerResponse;
  server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, _flags: number, raw: string[]) => {
    const req = new Request(stream, headers, undefined, raw);
    const res = new Response(stream, req) as Res;
    attachCompat(stream, req, res);
    dispatch(server, req, res, headers);
  });
}

function dispatch(server: EmitterServer, req: Http2ServerRequest, res: Res, headers: IncomingHttpHeaders): void {
  if (req.method === 'CONNECT') {
    if (!server.emit('connect', req, res)) {
      res.statusCode = 405;
      res.end();
    }
    return;
  }
  const expect = headers.expect;
  if (expect !== undefined) {
    if (String(expect).toLowerCase() === '100-continue') {
      if (server.listenerCount('checkContinue') > 0) {
        server.emit('checkContinue', req, res);
        return;
      }
      res.writeContinue();
    } else if (server.listenerCount('checkExpectation') > 0) {
      server.emit('checkExpectation', req, res);
      return;
    } else {
      res.statusCode = 417;
      res.end();
      return;
    }
  }
  server.emit('request', req, res);
}
