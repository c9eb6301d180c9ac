// An incremental HTTP/1.1 response parser (RFC 9112): status line and fields, then the body framed by
// Transfer-Encoding: chunked (with trailers), Content-Length, or the end of the connection. Strict where ambiguity
// could desynchronise a pooled connection: invalid or conflicting Content-Length, Transfer-Encoding not ending in
// chunked alongside Content-Length, obs-fold, bare CR, whitespace before the colon, oversized heads.
import type { HeaderList } from '../translate/head.js';
import { listHasToken } from '../translate/hop-by-hop.js';
import { copyBytes, HeadReader, parseFieldText, ResponseError, sameBytes } from './h1-head.js';

export { ResponseError };

export interface ResponseSink {
  /** A 1xx other than 101. */
  onInformational(status: number, headers: HeaderList): void;
  onHead(status: number, headers: HeaderList, keepAlive: boolean, hasBody: boolean): void;
  /** Body bytes buf[start, end): a range, so that a consumer that copies them makes no view first. */
  onBody(buf: Uint8Array, start: number, end: number): void;
  onComplete(trailers: HeaderList | null): void;
}


const CR = 0x0d;
const LF = 0x0a;
const MAX_HEAD = 64 * 1024;
/** Longest final head (CRLF CRLF included) a HeadMemo keeps. */
const MEMO_HEAD_BYTES = 512;

/** A final response head as parsed, its framing decided: what onHead acts on. */
interface FinalHead {
  status: number;
  headers: HeaderList;
  /** Content-Length, -1 when absent. */
  length: number;
  chunked: boolean;
  /** A Transfer-Encoding that does not end in chunked: the body runs to the end of the connection. */
  otherCoding: boolean;
  close: boolean;
}

/**
 * The last final response head of one backend, shared by the connections of its pool: a backend answers much the
 * same way each time, so a head whose bytes are the remembered ones (CRLF CRLF included) is taken as parsed — one
 * comparison instead of finding the end, splitting lines and reading fields. The header list is shared: lists are
 * never modified in place (translate/head.ts).
 */
export class HeadMemo {
  /** The head's bytes and what they parsed to, or null before the first final head. */
  last: { bytes: Uint8Array; head: FinalHead } | null = null;
}

const enum State {
  HEAD,
  BODY_LENGTH,
  CHUNK_SIZE,
  CHUNK_DATA,
  CHUNK_DATA_END,
  TRAILERS,
  BODY_CLOSE,
  DONE,
}

/** Finds CRLFCRLF in `b` from `from`; -1 when absent. */
function headEnd(b: Uint8Array, from: number): number {
  for (let i = from; i + 3 < b.length; i++) {
    if (b[i] === CR && b[i + 1] === LF && b[i + 2] === CR && b[i + 3] === LF) return i;
  }
  return -1;
}

export class ResponseParser {
  private state = State.HEAD;
  private head: Uint8Array | null = null;
  private remaining = 0;
  private line = '';
  private trailers: HeaderList | null = null;
  private keepAlive = true;
  /** The request was HEAD (no body whatever the fields say). */
  private noBody = false;
  private readonly sink: ResponseSink;
  private readonly reader = new HeadReader();
  private readonly memo: HeadMemo | null;

  constructor(sink: ResponseSink, memo: HeadMemo | null = null) {
    this.sink = sink;
    this.memo = memo;
  }

  /** Starts reading the answer to a new request. */
  expect(method: string): void {
    this.state = State.HEAD;
    this.head = null;
    this.noBody = method === 'HEAD';
    this.trailers = null;
  }

  get done(): boolean {
    return this.state === State.DONE;
  }

  /** True while the body is delimited by the end of the connection. */
  get untilClose(): boolean {
    return this.state === State.BODY_CLOSE;
  }

  /** The connection ended: completes a close-delimited body; anything else unfinished is an error. */
  end(): void {
    if (this.state === State.BODY_CLOSE) {
      this.state = State.DONE;
      this.sink.onComplete(null);
      return;
    }
    if (this.state !== State.DONE) throw new ResponseError('connection closed before the response was complete');
  }

  /** Feeds bytes. Bytes past the end of the response are an error (requests are never pipelined). */
  push(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      switch (this.state) {
        case State.HEAD:
          at = this.readHead(chunk, at);
          break;
        case State.BODY_LENGTH: {
          const n = Math.min(this.remaining, chunk.length - at);
          this.remaining -= n;
          const from = at;
          at += n;
          if (this.remaining === 0) this.state = State.DONE;
          this.sink.onBody(chunk, from, at);
          if (this.state === State.DONE) this.sink.onComplete(null);
          break;
        }
        case State.BODY_CLOSE: {
          this.sink.onBody(chunk, at, chunk.length);
          at = chunk.length;
          break;
        }
        case State.CHUNK_SIZE:
        case State.CHUNK_DATA_END:
        case State.TRAILERS:
          at = this.readLine(chunk, at);
          break;
        case State.CHUNK_DATA: {
          const n = Math.min(this.remaining, chunk.length - at);
          this.remaining -= n;
          const from = at;
          at += n;
          if (this.remaining === 0) this.state = State.CHUNK_DATA_END;
          this.sink.onBody(chunk, from, at);
          break;
        }
        case State.DONE:
          throw new ResponseError('bytes after the end of the response');
      }
    }
  }

  private readHead(chunk: Uint8Array, at: number): number {
    let buf: Uint8Array;
    let base: number;
    if (this.head === null) {
      const last = this.memo === null ? null : this.memo.last;
      if (last !== null && chunk.length - at >= last.bytes.length && sameBytes(last.bytes, chunk, at, at + last.bytes.length)) {
        this.onFinalHead(last.head);
        return at + last.bytes.length;
      }
      buf = chunk;
      base = at;
    } else {
      const joined = new Uint8Array(this.head.length + chunk.length - at);
      joined.set(this.head, 0);
      joined.set(chunk.subarray(at), this.head.length);
      buf = joined;
      base = 0;
    }
    const end = headEnd(buf, Math.max(base, this.head === null ? base : this.head.length - 3));
    if (end < 0) {
      if (buf.length - base > MAX_HEAD) throw new ResponseError('response head too large');
      this.head = buf === chunk ? copyBytes(chunk, at, chunk.length) : buf;
      return chunk.length;
    }
    const consumedOfChunk = this.head === null ? end + 4 : end + 4 - this.head.length + at;
    this.head = null;
    if (end - base > MAX_HEAD) throw new ResponseError('response head too large');
    this.onHead(buf, base, end);
    return consumedOfChunk;
  }

  private onHead(buf: Uint8Array, start: number, end: number): void {
    const reader = this.reader;
    reader.read(buf, start, end);
    const status = reader.status;
    const headers = reader.headers;
    if (status < 200) {
      if (status === 101) throw new ResponseError('unexpected 101 Switching Protocols');
      this.sink.onInformational(status, headers);
      return; // stay in HEAD for the final response
    }
    const minor = reader.minor;
    let length = -1;
    let chunked = false;
    let otherCoding = false;
    let close = minor === 0;
    for (let i = 0; i < headers.length; i++) {
      const field = headers[i]!;
      const name = field[0];
      const value = field[1];
      if (name === 'content-length') {
        const n = digitsValue(value);
        if (n >= 0) {
          if (length >= 0 && length !== n) throw new ResponseError('conflicting content-length');
          length = n;
          continue;
        }
        for (const part of value.split(',')) {
          const v = part.trim();
          if (!/^[0-9]{1,15}$/.test(v)) throw new ResponseError(`invalid content-length ${JSON.stringify(value)}`);
          const n = Number(v);
          if (length >= 0 && length !== n) throw new ResponseError('conflicting content-length');
          length = n;
        }
      } else if (name === 'transfer-encoding') {
        const codings = value.toLowerCase().split(',').map((c) => c.trim());
        chunked = codings[codings.length - 1] === 'chunked';
        otherCoding = !chunked;
      } else if (name === 'connection') {
        // Options are tokens: `x-close-reason` is not `close` (RFC 9110 §7.6.1).
        if (listHasToken(value, 'close')) close = true;
        else if (minor === 0 && listHasToken(value, 'keep-alive')) close = false;
      }
    }
    // RFC 9112 §6.1: Transfer-Encoding overrides Content-Length; both present is suspicious enough to stop reuse.
    if ((chunked || otherCoding) && length >= 0) close = true;
    const head: FinalHead = { status, headers, length, chunked, otherCoding, close };
    const memo = this.memo;
    if (memo !== null && end + 4 - start <= MEMO_HEAD_BYTES) memo.last = { bytes: copyBytes(buf, start, end + 4), head };
    this.onFinalHead(head);
  }

  /** Sets the body framing of a final head and tells the sink. */
  private onFinalHead(head: FinalHead): void {
    this.keepAlive = !head.close;
    const status = head.status;
    const bodiless = this.noBody || status === 204 || status === 304;
    if (bodiless) {
      this.state = State.DONE;
    } else if (head.chunked) {
      this.state = State.CHUNK_SIZE;
      this.line = '';
    } else if (head.otherCoding || head.length < 0) {
      this.state = State.BODY_CLOSE;
      this.keepAlive = false;
    } else {
      this.remaining = head.length;
      this.state = head.length === 0 ? State.DONE : State.BODY_LENGTH;
    }
    this.sink.onHead(status, head.headers, this.keepAlive, this.state !== State.DONE);
    if (this.state === State.DONE) this.sink.onComplete(null);
  }

  get reusable(): boolean {
    return this.keepAlive;
  }

  /** Chunk-size lines, the CRLF after chunk data, trailer lines. */
  private readLine(chunk: Uint8Array, at: number): number {
    let i = at;
    while (i < chunk.length && chunk[i] !== LF) i++;
    const piece = Buffer.from(chunk.buffer, chunk.byteOffset + at, i - at).toString('latin1');
    if (i === chunk.length) {
      this.line += piece;
      if (this.line.length > 8192) throw new ResponseError('chunk line too long');
      return i;
    }
    const full = this.line + piece;
    this.line = '';
    if (!full.endsWith('\r') || full.indexOf('\r') !== full.length - 1) throw new ResponseError('chunk line without CRLF');
    this.onLine(full.slice(0, -1));
    return i + 1;
  }

  private onLine(line: string): void {
    switch (this.state) {
      case State.CHUNK_DATA_END:
        if (line !== '') throw new ResponseError('chunk data longer than its size');
        this.state = State.CHUNK_SIZE;
        return;
      case State.CHUNK_SIZE: {
        const semi = line.indexOf(';');
        const hex = (semi < 0 ? line : line.slice(0, semi)).trim();
        if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) throw new ResponseError(`invalid chunk size ${JSON.stringify(line.slice(0, 20))}`);
        const size = parseInt(hex, 16);
        if (size === 0) {
          this.state = State.TRAILERS;
          return;
        }
        this.remaining = size;
        this.state = State.CHUNK_DATA;
        return;
      }
      default: {
        // TRAILERS: field lines until an empty one.
        if (line === '') {
          this.state = State.DONE;
          const t = this.trailers;
          this.trailers = null;
          this.sink.onComplete(t);
          return;
        }
        (this.trailers ??= []).push(parseFieldText(line));
      }
    }
  }
}

/** The value of 1 to 15 decimal digits, else -1 (a list or anything else takes the slow path). */
function digitsValue(s: string): number {
  const n = s.length;
  if (n === 0 || n > 15) return -1;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}
