// ServerHttp2Stream: the server side of a stream — respond(), 1xx via additionalHeaders(), trailers, files.
import type { HeaderList } from '../engine/http-semantics.js';
import { invalidStream, nodeError } from './errors.js';
import { toHeaderList, type ConnectionHeaderPolicy, type OutgoingHttpHeaders } from './headers.js';
import { Http2Stream } from './stream.js';
import type { Http2Session } from './session.js';
import { sendFile, type RespondWithFileOptions } from './send-file.js';

export interface ServerStreamResponseOptions {
  endStream?: boolean;
  waitForTrailers?: boolean;
  /** Add a `date` header when there is none (default true, like node). */
  sendDate?: boolean;
}

export class ServerHttp2Stream extends Http2Stream {
  /** The request method, to know that a HEAD response has no body. */
  private readonly method: string;

  constructor(session: Http2Session, id: number, method: string) {
    super(session, id);
    this.method = method;
  }

  /** Server push is not offered (clients disable it; RFC 9113 §8.4 is deprecated in practice). */
  get pushAllowed(): boolean {
    return false;
  }

  pushStream(): never {
    throw nodeError('ERR_HTTP2_PUSH_DISABLED', 'HTTP/2 Push has been disabled');
  }

  /** Sends the response headers; `endStream` ends the stream at once (forced for HEAD, 204, 205, 304). */
  respond(headers: OutgoingHttpHeaders = {}, options: ServerStreamResponseOptions = {}): void {
    this.respondWith(headers, options, 'throw');
  }

  /** @internal respond() with a policy for connection-specific fields ('drop' for the compat layer). */
  respondWith(headers: OutgoingHttpHeaders, options: ServerStreamResponseOptions, policy: ConnectionHeaderPolicy): void {
    if (this.destroyed || this.h2Closed) throw invalidStream();
    if (this.headersSent) throw nodeError('ERR_HTTP2_HEADERS_SENT', 'Response has already been initiated.');
    const status = finalStatus(headers[':status']);
    const list = toHeaderList(headers, 'response', policy);
    // The shared field for the status: node sends :status as its number too (`|= 0`), so '0200' goes out as 200.
    if (headers[':status'] === undefined) list.unshift(statusField(status));
    else if (list[0]![0] === ':status') list[0] = statusField(status);
    if (options.sendDate !== false && headers.date === undefined && headers.Date === undefined) list.push(dateField());
    let endStream = options.endStream === true;
    if (this.method === 'HEAD' || status === 204 || status === 205 || status === 304) endStream = true;
    this.sendResponse(list, endStream, options.waitForTrailers === true);
    this.sentHeaders = headers;
  }

  /** Sends a 1xx informational response (100 Continue, 103 Early Hints) before the final one. */
  additionalHeaders(headers: OutgoingHttpHeaders): void {
    if (this.destroyed || this.h2Closed) throw invalidStream();
    if (this.headersSent) throw nodeError('ERR_HTTP2_HEADERS_AFTER_RESPOND', 'Cannot specify additional headers after response initiated');
    const status = Number(headers[':status']);
    if (!Number.isInteger(status) || status < 100 || status > 199) {
      throw nodeError('ERR_HTTP2_INVALID_INFO_STATUS', `Invalid informational status code: ${headers[':status']}`, RangeError);
    }
    if (status === 101) throw nodeError('ERR_HTTP2_STATUS_101', 'HTTP status code 101 (Switching Protocols) is forbidden in HTTP/2');
    this.sendInformational(toHeaderList(headers, 'response'));
    (this.sentInfoHeaders ??= []).push(headers);
  }

  /** Responds with the contents of a file (content-length from its size). */
  respondWithFile(path: string, headers: OutgoingHttpHeaders = {}, options: RespondWithFileOptions = {}): void {
    sendFile(this, path, headers, options);
  }

  /** Responds with the contents of an open file descriptor. */
  respondWithFD(fd: number, headers: OutgoingHttpHeaders = {}, options: RespondWithFileOptions = {}): void {
    sendFile(this, fd, headers, options);
  }

  /** @internal Final response headers as an engine list (the compat layer builds its own). */
  sendResponse(list: HeaderList, endStream: boolean, waitForTrailers: boolean): void {
    const session = this.h2Session;
    if (session === undefined || this.h2Closed) throw invalidStream();
    if (waitForTrailers) this.setWaitForTrailers();
    const endNow = endStream && !waitForTrailers;
    session.conn.respond(this.id, list, endNow);
    this.setHeadersSentFlag();
    if (endNow) this.markEndQueued();
    session.schedule();
    if (endStream) this.end();
  }

  /** @internal A 1xx as an engine list. */
  sendInformational(list: HeaderList): void {
    const session = this.h2Session;
    if (session === undefined || this.h2Closed) throw invalidStream();
    session.conn.respond(this.id, list, false);
    session.schedule();
  }

  protected override beforeBody(): void {
    if (!this.headersSent && !this.h2Closed) this.respond();
  }

  protected override isServer(): boolean {
    return true;
  }
}

function finalStatus(value: OutgoingHttpHeaders[string]): number {
  if (value === undefined) return 200;
  const status = Number(value);
  if (!Number.isInteger(status) || status < 100 || status > 599) {
    throw nodeError('ERR_HTTP2_STATUS_INVALID', `Invalid status code: ${value}`, RangeError);
  }
  if (status === 101) throw nodeError('ERR_HTTP2_STATUS_101', 'HTTP status code 101 (Switching Protocols) is forbidden in HTTP/2');
  if (status < 200) throw nodeError('ERR_HTTP2_INFO_STATUS_NOT_ALLOWED', 'Informational status codes cannot be used', RangeError);
  return status;
}

let dateSecond = -1;
let dateValue = '';
/** The clock was read in this turn of the event loop: the responses of one batch share one read. */
let dateFresh = false;

function dateStale(): void {
  dateFresh = false;
}

/** The IMF-fixdate of now (RFC 9110 §5.6.7): the clock read once per batch of responses, the text once a second. */
function utcDate(): string {
  if (dateFresh) return dateValue;
  dateFresh = true;
  queueMicrotask(dateStale);
  const second = Math.floor(Date.now() / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateValue = new Date(second * 1000).toUTCString();
  }
  return dateValue;
}

/** One shared [':status', code] field per status (100–599): the engine reads header lists and never changes them. */
const STATUS_FIELDS: Array<[string, string] | undefined> = [];

export function statusField(status: number): [string, string] {
  return (STATUS_FIELDS[status] ??= [':status', String(status)]);
}

/** One shared date field while utcDate() gives the same text. */
let sharedDateField: [string, string] = ['date', ''];

export function dateField(): [string, string] {
  const date = utcDate();
  if (sharedDateField[1] !== date) sharedDateField = ['date', date];
  return sharedDateField;
}
