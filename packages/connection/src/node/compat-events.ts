// What the compat layer hears from an HTTP/2 stream and passes on to its req/res. 'error', 'finish' and 'close' are
// listened to on every stream; 'trailers' only when a request body can follow, 'drain' once a res.write() returned
// false, 'timeout' once req/res.setTimeout() was called: each listener costs an event-table entry per request.
import type * as http from 'node:http';
import { ErrorCode } from '@strand/frame';
import { settleUnobservedRequest } from './compat-settle.js';
import type { IncomingHttpHeaders } from './headers.js';
import type { ServerHttp2Stream } from './server-stream.js';

const kRequest = Symbol('strand.request');
const kResponse = Symbol('strand.response');
const kForwarding = Symbol('strand.forwarding');

// kForwarding bits: listeners added on demand.
const DRAIN = 1;
const TIMEOUT = 2;

interface Request extends http.IncomingMessage {
  complete: boolean;
}

interface Response extends http.ServerResponse {
  finished: boolean;
  _closed: boolean;
}

interface CompatStream extends ServerHttp2Stream {
  [kRequest]?: Request | undefined;
  [kResponse]?: Response | undefined;
  [kForwarding]?: number;
}

/** Connects `stream` to its compat pair. */
export function attachCompat(stream: ServerHttp2Stream, req: http.IncomingMessage, res: http.ServerResponse): void {
  const s = stream as CompatStream;
  s[kRequest] = req as Request;
  s[kResponse] = res as Response;
  stream.on('error', ignoreError);
  if (!stream.endAfterHeaders) stream.on('trailers', onStreamTrailers);
  stream.on('finish', onStreamFinish);
  stream.on('close', onStreamClose);
}

/** res 'drain' follows the stream's (called when a write returned false). */
export function forwardDrain(stream: ServerHttp2Stream): void {
  listenOnce(stream as CompatStream, DRAIN, 'drain', onStreamDrain);
}

/** The stream's 'timeout' goes to req and res (called by req/res.setTimeout). */
export function forwardTimeout(stream: ServerHttp2Stream): void {
  listenOnce(stream as CompatStream, TIMEOUT, 'timeout', onStreamTimeout);
}

/** Adds `listener` for `event` unless the `bit` of kForwarding says it is there already. */
function listenOnce(stream: CompatStream, bit: number, event: string, listener: (this: CompatStream) => void): void {
  const forwarding = stream[kForwarding] ?? 0;
  if ((forwarding & bit) !== 0) return;
  stream[kForwarding] = forwarding | bit;
  stream.on(event, listener);
}

function ignoreError(): void {
  // Errors reach the application as req 'aborted' / res 'close', as with node:http.
}

function onStreamTrailers(this: CompatStream, headers: IncomingHttpHeaders, _flags: number, raw: string[]): void {
  const req = this[kRequest];
  if (req === undefined) return;
  req.trailers = headers as NodeJS.Dict<string>;
  req.rawTrailers = raw;
}

function onStreamDrain(this: CompatStream): void {
  this[kResponse]?.emit('drain');
}

function onStreamFinish(this: CompatStream): void {
  const res = this[kResponse];
  // Only a response the application ended finishes; a reset stream ends its writable side without it.
  if (res !== undefined && res.finished) res.emit('finish');
}

function onStreamTimeout(this: CompatStream): void {
  const req = this[kRequest];
  const res = this[kResponse];
  const a = req !== undefined && req.emit('timeout');
  const b = res !== undefined && res.emit('timeout');
  if (!a && !b) this.close(ErrorCode.CANCEL);
}

function onStreamClose(this: CompatStream): void {
  const req = this[kRequest];
  const res = this[kResponse];
  this[kRequest] = undefined;
  this[kResponse] = undefined;
  if (req !== undefined) {
    // Reset (or closed before the response ended): like a dropped HTTP/1 connection, req is destroyed and emits
    // 'aborted' unless it was read to the end. Otherwise an unread body is dropped: one read() takes what is
    // buffered and ends the reader ('end', then 'close'), without resume()'s extra tick and flowing machinery; with
    // no listener on req, settleUnobservedRequest() sets the state those events would leave, without them.
    if (this.aborted || this.rstCode !== 0 || !req.complete) req.destroy();
    else if (!req.readableEnded && req.readableFlowing === null && !settleUnobservedRequest(req)) req.read();
  }
  if (res !== undefined) {
    res._closed = true;
    res.destroyed = true;
    (res as { writable: boolean }).writable = false;
    res.emit('close');
  }
}
