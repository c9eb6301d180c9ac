// The `socket` of a compat request/response: like node's, a Proxy that answers connection questions
// (remoteAddress, encrypted, getPeerCertificate, …) from the session's socket and stream questions (writable,
// destroyed, on('close'), setTimeout, destroy) from the HTTP/2 stream, so code written for HTTP/1 sockets works
// without reading or writing the shared connection.
import type { Socket } from 'node:net';
import { forwardTimeout } from './compat-events.js';
import { nodeError } from './errors.js';
import type { ServerHttp2Stream } from './server-stream.js';

interface Target {
  stream: ServerHttp2Stream;
  socket: Socket;
}

const STREAM_METHODS = new Set<string | symbol>([
  'on', 'once', 'off', 'addListener', 'removeListener', 'prependListener', 'prependOnceListener', 'emit',
  'listenerCount', 'listeners', 'rawListeners', 'removeAllListeners', 'end', 'destroy',
]);
const STREAM_PROPERTIES = new Set<string | symbol>([
  'writable', 'readable', 'destroyed', 'closed', 'writableLength', 'writableHighWaterMark', 'writableCorked',
  'writableNeedDrain', 'writableEnded', 'writableFinished', 'readableHighWaterMark',
]);
const FORBIDDEN = new Set<string | symbol>(['write', 'read', 'pause', 'setEncoding', 'setNoDelay', 'setKeepAlive', 'cork', 'uncork']);

const handler: ProxyHandler<Target> = {
  get(target, prop) {
    if (STREAM_METHODS.has(prop)) {
      const fn = (target.stream as unknown as Record<string | symbol, (...args: unknown[]) => unknown>)[prop]!;
      return fn.bind(target.stream);
    }
    if (STREAM_PROPERTIES.has(prop)) return (target.stream as unknown as Record<string | symbol, unknown>)[prop];
    // http.IncomingMessage._read resumes its socket: here that means "the reader wants more body".
    if (prop === 'resume') return () => target.stream.readMore();
    if (prop === '_paused') return false;
    // req.setTimeout() lands here: the stream's 'timeout' then reaches req/res.
    if (prop === 'setTimeout') return setStreamTimeout.bind(target.stream);
    if (FORBIDDEN.has(prop)) return noManipulation;
    const value = (target.socket as unknown as Record<string | symbol, unknown>)[prop];
    return typeof value === 'function' ? value.bind(target.socket) : value;
  },
  set(target, prop, value) {
    if (STREAM_PROPERTIES.has(prop) || STREAM_METHODS.has(prop)) (target.stream as unknown as Record<string | symbol, unknown>)[prop] = value;
    else (target.socket as unknown as Record<string | symbol, unknown>)[prop] = value;
    return true;
  },
  has(target, prop) {
    return prop in target.socket || prop in target.stream;
  },
  getPrototypeOf(target) {
    return Object.getPrototypeOf(target.socket);
  },
};

function setStreamTimeout(this: ServerHttp2Stream, ms: number, callback?: () => void): ServerHttp2Stream {
  forwardTimeout(this);
  return this.setTimeout(ms, callback);
}

function noManipulation(): never {
  throw nodeError('ERR_HTTP2_NO_SOCKET_MANIPULATION', 'HTTP/2 sockets should not be directly manipulated (e.g. read and written)');
}

/** A socket-like view of `stream` for the compat layer. */
export function socketProxy(stream: ServerHttp2Stream): Socket {
  return new Proxy({ stream, socket: stream.session!.socket }, handler) as unknown as Socket;
}
