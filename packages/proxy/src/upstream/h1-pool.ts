// HTTP/1.1 to one backend host over node:http keep-alive agents (TLS via node:https). Request bodies are re-framed by
// Node (Content-Length as received, otherwise chunked), never passed through with the client's framing.
import * as http from 'node:http';
import * as https from 'node:https';
import type { Socket } from 'node:net';
import type { HeaderList } from '../translate/head.js';
import { upstreamRequestHeaders } from '../translate/request-headers.js';
import { forwardableTrailers, fromRawHeaders, toRawHeaders } from '../translate/response-headers.js';
import { isConnectFailure, type HostTarget } from './connect.js';
import type { OutboundRequest, UpstreamHandler, UpstreamPool, UpstreamRequest } from './exchange.js';

export interface H1PoolOptions {
  target: HostTarget;
  /** 0 = unlimited. */
  maxConnections: number;
  idleTimeoutMs: number;
}

function expectsContinue(headers: HeaderList): boolean {
  for (let i = 0; i < headers.length; i++) if (headers[i]![0] === 'expect') return true;
  return false;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

class H1UpstreamRequest implements UpstreamRequest {
  readonly version = 1 as const;
  private readonly req: http.ClientRequest;
  private res: http.IncomingMessage | null = null;
  private handler: UpstreamHandler | null;
  private readonly pool: H1Pool;
  private readonly method: string;
  /** Response bytes handed to the handler and not yet consumed by the client. */
  private unacked = 0;
  private connectTimer: NodeJS.Timeout | null = null;
  private chunked: boolean;

  constructor(pool: H1Pool, headers: HeaderList, method: string, path: string, endStream: boolean, handler: UpstreamHandler) {
    this.pool = pool;
    this.handler = handler;
    this.method = method;
    let hasLength = false;
    for (let i = 0; i < headers.length; i++) if (headers[i]![0] === 'content-length') hasLength = true;
    // A body without Content-Length is sent chunked whatever the method (Node would send GET bodies unframed).
    this.chunked = !endStream && !hasLength;
    if (this.chunked) headers.push(['transfer-encoding', 'chunked']);
    const target = pool.options.target;
    const options: http.RequestOptions = {
      agent: pool.agent,
      host: target.address,
      port: target.port,
      method,
      path,
      headers: toRawHeaders(headers) as unknown as http.OutgoingHttpHeaders,
      setHost: false,
    };
    this.req = (target.tls === null ? http : https).request(options);
    this.req.on('response', this.onResponse);
    this.req.on('information', this.onInformation);
    this.req.on('error', this.onError);
    this.req.on('drain', this.onDrain);
    if (target.connectTimeoutMs > 0) this.req.on('socket', this.onSocket);
    if (endStream) this.req.end();
    else if (expectsContinue(headers)) this.req.flushHeaders(); // the client waits for 100 before sending a body
  }

  write(chunk: Uint8Array): boolean {
    return this.req.write(chunk);
  }

  end(trailers: HeaderList | null): void {
    if (trailers !== null && this.chunked) {
      const t = forwardableTrailers(trailers);
      if (t.length > 0) this.req.addTrailers(t);
    }
    this.req.end();
  }

  bodyConsumed(n: number): void {
    this.unacked -= n;
    if (this.unacked <= 0 && this.res !== null && this.res.isPaused()) this.res.resume();
  }

  /** Destroys the socket unless the exchange completed both ways (then the socket goes back to the pool). */
  abort(): void {
    this.handler = null;
    this.clearConnectTimer();
    if (!this.req.writableFinished || (this.res !== null && !this.res.complete) || this.res === null) this.req.destroy();
  }

  private finish(): UpstreamHandler | null {
    const h = this.handler;
    this.handler = null;
    this.clearConnectTimer();
    return h;
  }

  private clearConnectTimer(): void {
    if (this.connectTimer !== null) clearTimeout(this.connectTimer);
    this.connectTimer = null;
  }

  private readonly onSocket = (socket: Socket): void => {
    if (!socket.connecting) return;
    this.connectTimer = setTimeout(this.onConnectTimeout, this.pool.options.target.connectTimeoutMs);
    socket.once('connect', () => this.clearConnectTimer());
  };

  private readonly onConnectTimeout = (): void => {
    this.connectTimer = null;
    const h = this.finish();
    this.req.destroy();
    h?.onUpstreamError({ kind: 'connect', retryable: true, message: `connect timeout after ${this.pool.options.target.connectTimeoutMs} ms` });
  };

  private readonly onInformation = (info: http.InformationEvent): void => {
    this.handler?.onUpstreamInformational(info.statusCode, fromRawHeaders(info.rawHeaders));
  };

  private readonly onResponse = (res: http.IncomingMessage): void => {
    this.clearConnectTimer();
    this.res = res;
    const h = this.handler;
    if (h === null) {
      res.resume();
      return;
    }
    res.on('data', this.onData);
    res.on('end', this.onEnd);
    res.on('close', this.onResponseClose);
    res.on('error', this.onResponseError);
    h.onUpstreamResponse(res.statusCode ?? 502, fromRawHeaders(res.rawHeaders), false);
  };

  private readonly onData = (chunk: Buffer): void => {
    const h = this.handler;
    if (h === null) return;
    this.unacked += chunk.length;
    h.onUpstreamData(chunk);
    if (this.unacked > 0 && this.handler !== null) this.res!.pause();
  };

  private readonly onEnd = (): void => {
    const res = this.res!;
    this.finish()?.onUpstreamEnd(res.rawTrailers.length > 0 ? fromRawHeaders(res.rawTrailers) : null);
  };

  private readonly onResponseClose = (): void => {
    if (!this.res!.complete) this.finish()?.onUpstreamError({ kind: 'reset', retryable: false, message: 'upstream response aborted' });
  };

  private readonly onResponseError = (): void => {
    // Reported by 'close' (the response is incomplete).
  };

  private readonly onError = (error: NodeJS.ErrnoException): void => {
    const h = this.finish();
    if (h === null) return;
    const connect = isConnectFailure(error);
    // A reused keep-alive socket the backend closed before answering: nothing was processed, for idempotent methods.
    const stale = this.res === null && this.req.reusedSocket && error.code === 'ECONNRESET' && IDEMPOTENT.has(this.method);
    h.onUpstreamError({ kind: connect ? 'connect' : 'reset', retryable: connect || stale, message: error.message });
  };

  private readonly onDrain = (): void => {
    this.handler?.onUpstreamDrain();
  };
}

export class H1Pool implements UpstreamPool {
  readonly options: H1PoolOptions;
  readonly agent: http.Agent;

  constructor(options: H1PoolOptions) {
    this.options = options;
    const agentOptions: https.AgentOptions = {
      keepAlive: true,
      maxSockets: options.maxConnections > 0 ? options.maxConnections : Infinity,
      scheduling: 'lifo',
    };
    if (options.idleTimeoutMs > 0) agentOptions.timeout = options.idleTimeoutMs;
    const tls = options.target.tls;
    if (tls !== null) {
      agentOptions.rejectUnauthorized = tls.rejectUnauthorized;
      if (tls.ca !== undefined) agentOptions.ca = tls.ca;
      if (tls.servername !== undefined) agentOptions.servername = tls.servername;
      agentOptions.ALPNProtocols = ['http/1.1'];
      this.agent = new https.Agent(agentOptions);
    } else {
      this.agent = new http.Agent(agentOptions);
    }
  }

  get connectionCount(): number {
    let n = 0;
    for (const list of Object.values(this.agent.sockets)) n += list?.length ?? 0;
    for (const list of Object.values(this.agent.freeSockets)) n += list?.length ?? 0;
    return n;
  }

  request(out: OutboundRequest, handler: UpstreamHandler): UpstreamRequest {
    const headers = upstreamRequestHeaders(out.head, { version: 1, scheme: '', method: out.method, authority: out.authority, path: out.path, upgrade: null });
    return new H1UpstreamRequest(this, headers, out.method, out.path, out.endStream, handler);
  }

  /** Sends an already translated header list (health checks). */
  requestWith(headers: HeaderList, method: string, path: string, endStream: boolean, handler: UpstreamHandler): UpstreamRequest {
    return new H1UpstreamRequest(this, headers, method, path, endStream, handler);
  }

  close(): void {
    // Idle keep-alive sockets close now; busy ones when their response ends (the agent is not reused).
    for (const list of Object.values(this.agent.freeSockets)) for (const s of list ?? []) s.destroy();
    (this.agent as http.Agent & { keepAlive: boolean }).keepAlive = false;
  }

  destroy(): void {
    this.agent.destroy();
  }
}
