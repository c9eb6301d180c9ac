// serve({ fetch }): a WHATWG Request → Response handler over HTTP/2 (streams) and the HTTP/1.1 fallback (node:http),
// with streamed bodies in both directions and backpressure (the request body is read only as the handler pulls it;
// the response body is pulled only as the connection takes it).
import type * as http from 'node:http';
import type { Readable } from 'node:stream';
import type { TlsOptions } from 'node:tls';
import { ErrorCode } from '@strand/frame';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from './headers.js';
import { createSecureServer, createServer, type Http2SecureServer, type Http2Server, type ServerOptions } from './server.js';
import type { ServerHttp2Stream } from './server-stream.js';

export interface ServeOptions extends ServerOptions {
  /** The handler: a Request in, a Response (or a promise of one) out. */
  fetch(request: Request): Response | Promise<Response>;
  /** Port to listen on (default 3000; 0 picks a free one). */
  port?: number;
  /** Address to listen on (default: all interfaces). */
  hostname?: string;
  /** Certificate and key (node:tls options): serve HTTPS with ALPN h2 and http/1.1. */
  tls?: TlsOptions;
  /** Called when the handler throws or rejects; the client gets 500 (default: console.error). */
  onError?(error: unknown): void;
  /** Called once listening. */
  onListen?(address: { port: number; hostname: string }): void;
}

/** Starts a server that answers every request with `options.fetch(request)`. Returns the (listening) server. */
export function serve(options: ServeOptions): Http2Server | Http2SecureServer {
  const { fetch: _f, port, hostname, tls, onError: _e, onListen, ...serverOptions } = options;
  const server = tls !== undefined ? createSecureServer({ ...serverOptions, ...tls }) : createServer(serverOptions);
  const scheme = tls !== undefined ? 'https' : 'http';
  server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, _flags: number, raw: string[]) => {
    void answerStream(options, stream, headers, raw);
  });
  server.http1Handler = (req, res) => void answerHttp1(options, scheme, req, res);
  server.listen(port ?? 3000, hostname, () => {
    const address = server.address();
    if (onListen !== undefined && address !== null && typeof address === 'object') onListen({ port: address.port, hostname: address.address });
  });
  return server;
}

async function answerStream(options: ServeOptions, stream: ServerHttp2Stream, headers: IncomingHttpHeaders, raw: string[]): Promise<void> {
  const method = String(headers[':method']);
  const url = `${String(headers[':scheme'] ?? 'http')}://${String(headers[':authority'] ?? 'localhost')}${String(headers[':path'] ?? '/')}`;
  const abort = new AbortController();
  stream.once('close', () => abort.abort());
  stream.on('error', ignore); // a reset reaches the handler through 'close' (request.signal)
  const request = makeRequest(url, method, raw, stream, abort.signal);
  const response = await callHandler(options, request);
  if (stream.h2Closed || stream.destroyed) return void response.body?.cancel().catch(ignore);
  const out: OutgoingHttpHeaders = { ':status': response.status };
  collectHeaders(response.headers, out);
  const body = response.body;
  try {
    stream.respondWith(out, { endStream: body === null }, 'drop');
  } catch {
    stream.close(ErrorCode.INTERNAL_ERROR);
    return void body?.cancel().catch(ignore);
  }
  if (body === null) return;
  if (stream.writableEnded) return void body.cancel().catch(ignore); // HEAD, 204, 304: no body goes out
  await pipeBody(body, stream, () => stream.close(ErrorCode.INTERNAL_ERROR));
}

async function answerHttp1(options: ServeOptions, scheme: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  const url = `${scheme}://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`;
  const abort = new AbortController();
  res.once('close', () => abort.abort());
  const request = makeRequest(url, method, req.rawHeaders, req, abort.signal);
  const response = await callHandler(options, request);
  if (res.destroyed) return void response.body?.cancel().catch(ignore);
  const out: OutgoingHttpHeaders = {};
  collectHeaders(response.headers, out);
  res.writeHead(response.status, out as http.OutgoingHttpHeaders);
  const body = response.body;
  if (body === null || method === 'HEAD') {
    res.end();
    return void body?.cancel().catch(ignore);
  }
  await pipeBody(body, res, () => res.destroy());
}

async function callHandler(options: ServeOptions, request: Request): Promise<Response> {
  try {
    const response = await options.fetch(request);
    if (response instanceof Response) return response;
    throw new TypeError('the fetch handler did not return a Response');
  } catch (error) {
    if (options.onError !== undefined) options.onError(error);
    else console.error(error);
    return new Response('Internal Server Error', { status: 500, headers: { 'content-type': 'text/plain' } });
  }
}

function makeRequest(url: string, method: string, raw: string[], body: Readable, signal: AbortSignal): Request {
  const headers = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.charCodeAt(0) !== 0x3a) headers.append(name, raw[i + 1]!);
  }
  const init: RequestInit & { duplex?: 'half' } = { method, headers, signal };
  if (method !== 'GET' && method !== 'HEAD') {
    init.body = readableToWeb(body);
    init.duplex = 'half';
  } else {
    body.resume();
  }
  return new Request(url, init);
}

/** A ReadableStream over a node Readable that reads only as fast as the consumer pulls (pause/resume). */
function readableToWeb(source: Readable): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        source.pause();
        source.on('data', (chunk: Buffer) => {
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) source.pause();
        });
        source.once('end', () => controller.close());
        source.once('error', (error) => controller.error(error));
      },
      pull() {
        source.resume();
      },
      cancel() {
        source.destroy();
      },
    },
    { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength },
  );
}

function collectHeaders(headers: Headers, out: OutgoingHttpHeaders): void {
  for (const [name, value] of headers) {
    const existing = out[name];
    if (existing === undefined) out[name] = value;
    else out[name] = Array.isArray(existing) ? [...existing, value] : [String(existing), value];
  }
}

interface WritableLike {
  write(chunk: Uint8Array): boolean;
  end(): unknown;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  removeListener(event: 'drain' | 'close', listener: () => void): unknown;
  destroyed: boolean;
}

/** Copies the response body, waiting for 'drain' whenever the writable is full. */
async function pipeBody(body: ReadableStream<Uint8Array>, out: WritableLike, onError: () => void): Promise<void> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (out.destroyed) return void (await reader.cancel());
      if (!out.write(value)) await drained(out);
    }
    if (!out.destroyed) out.end();
  } catch {
    onError();
    reader.cancel().catch(ignore);
  }
}

function drained(out: WritableLike): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.removeListener('drain', done);
      out.removeListener('close', done);
      resolve();
    };
    out.once('drain', done);
    out.once('close', done);
  });
}

/** A listener that drops what it gets (one shared function, not a closure per request). */
function ignore(): void {}
