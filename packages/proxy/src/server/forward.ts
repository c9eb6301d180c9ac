// The forwarder: one per request. It routes, applies filters, picks a host, and moves the request and the response
// between a ClientStream and an UpstreamRequest with backpressure both ways (bytes are acknowledged to the sender only
// once the other side took them). Safe failures (connect refused, REFUSED_STREAM, above GOAWAY's last-stream-id) are
// retried when the request body is unsent or buffered small; proxy errors on gRPC requests are gRPC statuses.
import { constants } from '@strand/connection';
import type { LogRecord, RouteResult } from '../config/types.js';
import { GrpcStatus, formatGrpcTimeout, grpcStatusForHttp, grpcTrailersOnly, parseGrpcTimeout } from '../grpc/status.js';
import { Base64Decoder, Base64Encoder, bridgeRequestHeaders, bridgeResponseHeaders, grpcWebMode, trailerFrame, type GrpcWebMode } from '../grpc/web.js';
import { applyResponseFilters } from '../routing/filters.js';
import { headerValue, isGrpcContentType, type HeaderList, type RequestHead } from '../translate/head.js';
import { downstreamResponseHeaders, forwardableTrailers } from '../translate/response-headers.js';
import { checkRequestHead } from '../translate/validate.js';
import { isGrpcCluster, type UpstreamCluster } from '../upstream/cluster.js';
import type { UpstreamError, UpstreamHandler, UpstreamRequest } from '../upstream/exchange.js';
import type { UpstreamHost } from '../upstream/host.js';
import type { ClientHandler, ClientStream } from './exchange.js';
import type { Generation } from './generation.js';
import type { Observer } from './observer.js';
import { startRecord, withFlag } from './record.js';
import { nextRequestId } from '../translate/request-id.js';
import { resolve } from './resolve.js';
import { readSlab } from '../upstream/slabs.js';

/** Request body kept for a retry; beyond it the request is no longer retried. */
const REPLAY_LIMIT = 64 * 1024;
/** Retries of safe failures when the route has no retry policy. */
const DEFAULT_SAFE_RETRIES = 2;
const RETRY_BACKOFF_MS = 25;
/**
 * Response bytes queued toward a client beyond which new upstream chunks are copied before queueing. Chunks are views
 * into 1 MiB read slabs (upstream/slabs.ts), reused once their views are sent or copied: a stream that waits keeps at
 * most its first 64 KiB as views.
 */
const PIN_LIMIT = 64 * 1024;
/** One encoder for every local answer body (not one per reply). */
const utf8 = new TextEncoder();

export interface ForwardEnv {
  readonly observer: Observer;
  /** Request body limit (0 = none): beyond it 413, or a reset once the request is under way. */
  readonly maxRequestBodyBytes: number;
  /** WebSocket bridge for extended CONNECT (RFC 8441) streams. */
  connectWebSocket(client: ClientStream, generation: Generation): void;
}

export class Forwarder implements ClientHandler, UpstreamHandler {
  private readonly client: ClientStream;
  private readonly gen: Generation;
  private readonly env: ForwardEnv;
  /** Someone consumes LogRecords and timings (observer.wantsRecords): otherwise no clock is read per request. */
  private readonly records: boolean;
  private readonly startTime: number;
  // What the access log and metrics get at the end (a LogRecord is built only when someone listens).
  private status = 0;
  private responseDurationMs: number | null = null;
  private details: string | null = null;
  private flags = '';
  private bytesIn = 0;
  private bytesOut = 0;
  private attempts = 0;
  private routeName: string | null = null;
  private hostLabel: string | null = null;
  private failure: string | null = null;
  private termination: string | null = null;
  private responseHeaders: HeaderList | null = null;
  private responseTrailers: HeaderList | null = null;
  /** The request fields as forwarded, when they differ from the client's (a generated x-request-id). */
  private requestHeaders: HeaderList | null = null;
  private result: RouteResult | null = null;
  private cluster: UpstreamCluster | null = null;
  private host: UpstreamHost | null = null;
  private upstream: UpstreamRequest | null = null;
  private outHead: RequestHead | null = null;
  private method = '';
  private authority = '';
  private path = '';
  private grpc = false;
  private web: GrpcWebMode | null = null;
  private webDecoder: Base64Decoder | null = null;
  private webEncoder: Base64Encoder | null = null;
  // request body
  /** The request body seen so far is kept (up to REPLAY_LIMIT) and the request may be retried. */
  private replayable = true;
  private replay: Uint8Array[] | null = null;
  private replayBytes = 0;
  private requestEnded = false;
  private requestTrailers: HeaderList | null = null;
  private unackedClient = 0;
  // response
  private responseStarted = false;
  private responseEnded = false;
  private unackedUpstream = 0;
  private retriesLeft = DEFAULT_SAFE_RETRIES;
  private statusRetryCodes: number[] | null = null;
  private backoffMs = RETRY_BACKOFF_MS;
  private retryTimer: NodeJS.Timeout | null = null;
  private deadlineTimer: NodeJS.Timeout | null = null;
  /** gRPC: when the whole exchange's deadline falls (performance.now()), so a retry forwards what is left of it. */
  private grpcDeadlineAt = 0;
  private attemptTimer: NodeJS.Timeout | null = null;
  private attemptTimeoutMs = 0;
  private attemptStart = 0;
  private finished = false;

  constructor(client: ClientStream, generation: Generation, env: ForwardEnv) {
    this.client = client;
    this.gen = generation;
    this.env = env;
    this.records = env.observer.wantsRecords;
    this.startTime = this.records ? Date.now() : 0;
  }

  start(): void {
    const client = this.client;
    const head = client.head;
    this.env.observer.metrics.streamOpened(head.listener);
    this.method = head.method;
    this.authority = head.authority;
    this.path = head.path;
    const contentType = headerValue(head.headers, 'content-type');
    this.grpc = isGrpcContentType(contentType);
    this.web = grpcWebMode(contentType);
    client.handler = this;
    if (head.endStream) this.requestEnded = true;

    const problem = checkRequestHead(head);
    if (problem !== '') return this.localReply(400, problem, 'DPE', 'invalid_request');
    if (head.method === 'CONNECT') {
      if (head.protocol === 'websocket') {
        client.handler = null;
        this.env.observer.metrics.streamClosed(head.listener);
        this.finished = true;
        this.env.connectWebSocket(client, this.gen);
        return;
      }
      return this.localReply(head.protocol === '' ? 405 : 501, head.protocol === '' ? 'CONNECT is not supported' : `:protocol ${head.protocol} is not supported`, 'DPE', 'connect_not_supported');
    }
    const limit = this.env.maxRequestBodyBytes;
    if (limit > 0 && Number(headerValue(head.headers, 'content-length') ?? 0) > limit) {
      this.env.observer.metrics.limitTripped('maxRequestBodyBytes');
      return this.localReply(413, 'request body too large', 'RL', 'request_body_too_large');
    }

    const r = resolve(this.gen, head, this.grpc || this.web !== null);
    if (!r.ok) {
      if (r.route !== undefined) this.routeName = r.route.route.name;
      return this.localReply(r.status, r.message, r.flag, r.details, r.location !== undefined ? [['location', r.location]] : []);
    }
    const { result, filtered, cluster } = r;
    this.result = result;
    this.routeName = result.route.name;
    this.authority = filtered.authority;
    this.path = filtered.path;
    this.cluster = cluster;
    if (!isGrpcCluster(cluster.config)) this.web = null;
    if (this.web !== null) this.grpc = true;

    let headers = filtered.headers;
    // x-request-id: generated when missing (by the header translation, unless the access log wants to see it).
    if (this.records && headerValue(headers, 'x-request-id') === undefined) {
      headers = headers === head.headers ? headers.slice() : headers;
      headers.push(['x-request-id', nextRequestId()]);
      this.requestHeaders = headers;
    }
    if (this.web !== null) {
      headers = bridgeRequestHeaders(headers, this.web);
      if (this.web.text) {
        this.webDecoder = new Base64Decoder();
        this.webEncoder = new Base64Encoder();
      }
    }

    // Deadlines: the route's request timeout and the client's grpc-timeout for the whole exchange; per upstream
    // attempt the route's backendRequest timeout, else the cluster's request timeout.
    const route = result.route;
    let deadline = route.timeouts.request;
    const grpcTimeout = this.grpc ? parseGrpcTimeout(headerValue(head.headers, 'grpc-timeout')) : -1;
    if (grpcTimeout >= 0) {
      if (deadline > 0 && deadline < grpcTimeout) headers = replaceHeader(headers, 'grpc-timeout', formatGrpcTimeout(deadline));
      // 0 is a deadline already passed (1 ms here), not "none": it must not switch the route's timeout off.
      const grpcMs = Math.max(1, grpcTimeout);
      deadline = deadline > 0 ? Math.min(deadline, grpcMs) : grpcMs;
      this.grpcDeadlineAt = performance.now() + deadline;
    }
    if (deadline > 0) this.deadlineTimer = setTimeout(onDeadline, deadline, this);
    this.attemptTimeoutMs = route.timeouts.backendRequest > 0 ? route.timeouts.backendRequest : cluster.config.timeouts.requestMs;
    if (route.retry !== null) {
      this.retriesLeft = route.retry.attempts;
      this.statusRetryCodes = route.retry.codes.length > 0 ? route.retry.codes : null;
      if (route.retry.backoffMs > 0) this.backoffMs = route.retry.backoffMs;
    }

    this.outHead = headers === head.headers ? head : { ...head, headers };
    this.attempt(null);
  }

  // ------------------------------------------------------------------ attempts

  private attempt(avoid: UpstreamHost | null): void {
    this.retryTimer = null;
    if (this.finished) return;
    const host = this.cluster!.pick(avoid);
    this.host = host;
    host.active++;
    this.attempts++;
    this.hostLabel = host.label;
    if (this.records) this.attemptStart = Date.now();
    const replaying = this.attempts > 1;
    const endStream = this.requestEnded && this.replayBytes === 0 && this.requestTrailers === null;
    let head = this.outHead!;
    if (replaying && this.grpcDeadlineAt > 0) {
      // A retry gets what is left of the client's deadline, not the whole of it again.
      head = { ...head, headers: replaceHeader(head.headers, 'grpc-timeout', formatGrpcTimeout(Math.max(1, Math.ceil(this.grpcDeadlineAt - performance.now())))) };
    }
    let upstream: UpstreamRequest;
    try {
      upstream = host.pool.request({ head, method: this.method, authority: this.authority, path: this.path, endStream }, this);
    } catch (error) {
      host.active--;
      return this.onUpstreamError({ kind: 'connect', retryable: true, message: (error as Error).message });
    }
    this.upstream = upstream;
    if (this.attemptTimeoutMs > 0) this.attemptTimer = setTimeout(onAttemptTimeout, this.attemptTimeoutMs, this);
    if (!replaying || endStream) return;
    // A retry: send what the client already sent, then carry on.
    let ok = true;
    if (this.replay !== null) for (const chunk of this.replay) ok = upstream.write(this.toBackend(chunk));
    if (this.requestEnded) this.endUpstreamRequest();
    if (ok && this.unackedClient > 0) {
      const n = this.unackedClient;
      this.unackedClient = 0;
      this.client.bodyConsumed(n);
    }
  }

  /** Gives up the current attempt and schedules the next one (on another host when there is one). */
  private retry(): void {
    this.retriesLeft--;
    this.upstreamDone(0);
    this.env.observer.metrics.retry(this.routeName ?? '');
    this.retryTimer = setTimeout(retryNow, this.backoffMs, this);
  }

  /** The backoff timer fired: next attempt, on another host when there is one. */
  retryNow(): void {
    this.retryTimer = null;
    this.attempt(this.host);
  }

  /** The current attempt ended (response complete or failed): its host slot is free. */
  private upstreamDone(code: number): void {
    this.clearAttemptTimer();
    const upstream = this.upstream;
    if (upstream === null) return;
    this.upstream = null;
    if (this.host !== null) {
      this.host.active--;
      if (this.records) this.env.observer.metrics.upstreamRequest(this.cluster!.name, this.host.label, code, Date.now() - this.attemptStart);
    }
  }

  // ------------------------------------------------------------------ client → upstream

  onRequestData(chunk: Uint8Array): void {
    const n = chunk.length;
    this.bytesIn += n;
    const limit = this.env.maxRequestBodyBytes;
    if (limit > 0 && this.bytesIn > limit) {
      this.env.observer.metrics.limitTripped('maxRequestBodyBytes');
      this.unackedClient += n;
      if (!this.responseStarted) return this.localReply(413, 'request body too large', 'RL', 'request_body_too_large');
      this.addFlag('RL');
      return this.abortResponse(GrpcStatus.RESOURCE_EXHAUSTED, 'request body too large');
    }
    if (this.replayable) {
      if (this.replayBytes + n <= REPLAY_LIMIT) {
        (this.replay ??= []).push(chunk);
        this.replayBytes += n;
      } else {
        this.replayable = false;
        this.replay = null;
      }
    }
    const upstream = this.upstream;
    if (upstream === null) {
      // Between attempts: held (bounded by the replay limit) and acknowledged once the next attempt took it.
      this.unackedClient += n;
      if (!this.replayable && this.retryTimer !== null) this.localReply(503, 'upstream unavailable and the request body is too large to retry', 'URX', 'retry_body_too_large');
      return;
    }
    if (upstream.write(this.toBackend(chunk))) this.client.bodyConsumed(n);
    else this.unackedClient += n;
  }

  onRequestEnd(trailers: HeaderList | null): void {
    if (this.requestEnded) return; // a bodiless request was ended with its head
    this.requestEnded = true;
    this.requestTrailers = trailers;
    if (this.upstream !== null && !this.responseEnded) this.endUpstreamRequest();
  }

  private endUpstreamRequest(): void {
    const upstream = this.upstream!;
    if (this.webDecoder !== null && this.webDecoder.incomplete) {
      upstream.abort();
      this.upstreamDone(0);
      return this.localReply(400, 'malformed grpc-web-text body', 'DPE', 'invalid_grpc_web_body');
    }
    upstream.end(this.requestTrailers === null ? null : forwardableTrailers(this.requestTrailers));
  }

  private toBackend(chunk: Uint8Array): Uint8Array {
    return this.webDecoder === null ? chunk : this.webDecoder.push(chunk);
  }

  onUpstreamDrain(): void {
    const n = this.unackedClient;
    if (n === 0) return;
    this.unackedClient = 0;
    this.client.bodyConsumed(n);
  }

  onClientAbort(): void {
    if (this.finished) return;
    this.addFlag('DC');
    this.termination = 'downstream reset';
    this.finish();
  }

  // ------------------------------------------------------------------ upstream → client

  onUpstreamInformational(status: number, headers: HeaderList): void {
    if (this.responseStarted || status === 101) return;
    this.client.informational(status, downstreamResponseHeaders(headers, this.upstream!.version, false));
  }

  onUpstreamResponse(status: number, headers: HeaderList, endStream: boolean): void {
    const upstream = this.upstream!;
    this.clearAttemptTimer();
    const cluster = this.cluster!;
    if (status >= 500) this.reportFailure();
    else cluster.reportSuccess(this.host!);
    if (this.statusRetryCodes !== null && this.statusRetryCodes.includes(status) && this.retriesLeft > 0 && this.requestEnded && this.replayable) {
      upstream.abort();
      this.upstreamDone(status);
      return this.retry();
    }
    this.responseStarted = true;
    this.status = status;
    if (this.records) this.responseDurationMs = Date.now() - this.startTime;
    this.details = 'via_upstream';
    let out = downstreamResponseHeaders(headers, upstream.version, true, status);
    if (this.result!.route.filters.length > 0) out = applyResponseFilters(this.result!, out);
    if (this.web !== null) out = bridgeResponseHeaders(out, this.web);
    if (this.records) this.responseHeaders = out; // kept for the LogRecord only
    this.client.respond(status, out, endStream);
    if (endStream) this.responseEnded = true;
  }

  onUpstreamData(chunk: Uint8Array): void {
    const n = chunk.length;
    this.bytesOut += n;
    // A chunk that will wait behind others is copied: a slow client keeps its own bytes alive, not whole slabs. The
    // gRPC-Web text encoder's output is new bytes (it copies the odd bytes it carries).
    let out: Uint8Array;
    if (this.webEncoder !== null) out = this.webEncoder.push(chunk);
    else if (this.client.backlog >= PIN_LIMIT) out = new Uint8Array(chunk);
    else {
      out = chunk;
      // Passed on by reference: the read slab it is a view of is not reused before the client side let go of it.
      const slab = readSlab();
      if (slab !== null) this.client.holdViews(slab);
    }
    if (this.client.write(out)) this.upstream!.bodyConsumed(n);
    else this.unackedUpstream += n;
  }

  onClientDrain(): void {
    const n = this.unackedUpstream;
    if (n === 0 || this.upstream === null) return;
    this.unackedUpstream = 0;
    this.upstream.bodyConsumed(n);
  }

  onUpstreamEnd(trailers: HeaderList | null): void {
    const upstream = this.upstream;
    this.upstreamDone(this.status);
    if (!this.responseEnded) {
      this.responseEnded = true;
      const t = trailers === null ? null : forwardableTrailers(trailers);
      if (t !== null) this.responseTrailers = t;
      if (this.web !== null) {
        if (t !== null && t.length > 0) this.writeWeb(trailerFrame(t));
        this.endWeb();
      } else {
        this.client.end(t !== null && t.length > 0 ? t : null);
      }
    }
    if (!this.requestEnded) upstream?.abort(); // the backend answered before the body ended: stop sending it
    this.finish();
  }

  onUpstreamError(error: UpstreamError): void {
    if (this.finished) return;
    this.upstreamDone(0);
    if (error.kind === 'connect') this.env.observer.metrics.upstreamConnectFailure(this.cluster!.name, this.host?.label ?? '', error.message);
    if (error.kind !== 'refused') this.reportFailure();
    this.failure = error.message;
    if (!this.responseStarted) {
      if (error.retryable && this.retriesLeft > 0 && this.replayable) return this.retry();
      const flag = error.retryable && this.attempts > 1 ? 'URX' : error.kind === 'connect' ? 'UF' : error.kind === 'timeout' ? 'UT' : error.kind === 'protocol' ? 'UPE' : 'UC';
      const status = error.kind === 'timeout' ? 504 : error.kind === 'connect' || error.kind === 'refused' ? 503 : 502;
      return this.localReply(status, error.message, flag, `upstream_${error.kind}`);
    }
    this.addFlag(error.kind === 'protocol' ? 'UPE' : 'UC');
    this.abortResponse(GrpcStatus.UNAVAILABLE, error.message);
  }

  private reportFailure(): void {
    const host = this.host;
    if (host !== null && this.cluster!.reportFailure(host)) this.env.observer.metrics.outlierEjection(this.cluster!.name, host.label);
  }

  // ------------------------------------------------------------------ timeouts

  onDeadline(): void {
    this.deadlineTimer = null;
    if (!this.finished) this.timeout('request timeout');
  }

  onAttemptTimeout(): void {
    this.attemptTimer = null;
    if (!this.finished) this.timeout('backend request timeout');
  }

  private timeout(message: string): void {
    const upstream = this.upstream;
    if (upstream !== null) {
      upstream.abort();
      this.upstreamDone(0);
    }
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (!this.responseStarted) return this.localReply(504, message, 'UT', 'timeout');
    this.addFlag('UT');
    this.abortResponse(GrpcStatus.DEADLINE_EXCEEDED, message);
  }

  private clearAttemptTimer(): void {
    if (this.attemptTimer !== null) clearTimeout(this.attemptTimer);
    this.attemptTimer = null;
  }

  // ------------------------------------------------------------------ local answers

  private writeWeb(bytes: Uint8Array): void {
    this.client.write(this.webEncoder === null ? bytes : this.webEncoder.push(bytes));
  }

  private endWeb(): void {
    if (this.webEncoder !== null) this.client.write(this.webEncoder.flush());
    this.client.end(null);
  }

  /** A response head is out but the request failed: gRPC gets a status in trailers, others a reset. */
  private abortResponse(grpcStatus: number, message: string): void {
    if (this.responseEnded) return this.finish();
    this.responseEnded = true;
    const trailers = grpcTrailersOnly(grpcStatus, message).slice(1);
    if (this.web !== null) {
      this.writeWeb(trailerFrame(trailers));
      this.endWeb();
    } else if (this.grpc && this.client.canTrailers) {
      this.responseTrailers = trailers;
      this.client.end(trailers);
    } else {
      this.client.reset(constants.NGHTTP2_INTERNAL_ERROR);
    }
    this.finish();
  }

  /** An answer of the proxy's own, before any response head went out (gRPC requests get a Trailers-Only status). */
  private localReply(status: number, message: string, flag: string, details: string, extra: HeaderList = []): void {
    this.addFlag(flag);
    this.details = details;
    const client = this.client;
    this.responseStarted = true;
    this.responseEnded = true;
    if (this.grpc || this.web !== null) {
      const code = grpcStatusForHttp(status);
      this.status = 200;
      const contentType = this.web !== null ? (this.web.text ? 'application/grpc-web-text+proto' : 'application/grpc-web+proto') : 'application/grpc';
      const headers = grpcTrailersOnly(code, message, contentType);
      this.responseHeaders = headers;
      client.respond(200, headers, true);
    } else {
      this.status = status;
      const bytes = utf8.encode(message === '' ? '' : `${message}\n`);
      const headers: HeaderList = [['content-type', 'text/plain; charset=utf-8'], ['content-length', String(bytes.length)], ...extra];
      this.responseHeaders = headers;
      const noBody = bytes.length === 0 || client.head.method === 'HEAD';
      client.respond(status, headers, noBody);
      if (!noBody) {
        this.bytesOut += bytes.length;
        client.write(bytes);
        client.end(null);
      }
    }
    this.finish();
  }

  // ------------------------------------------------------------------ the end

  private addFlag(flag: string): void {
    this.flags = withFlag(this.flags, flag);
  }

  private logRecord(): LogRecord {
    const r = startRecord(this.client.head, this.startTime);
    r.durationMs = Date.now() - this.startTime;
    r.responseDurationMs = this.responseDurationMs;
    r.responseCode = this.status;
    r.responseFlags = this.flags;
    r.responseCodeDetails = this.details;
    r.responseHeaders = this.responseHeaders;
    r.responseTrailers = this.responseTrailers;
    r.bytesReceived = this.bytesIn;
    r.bytesSent = this.bytesOut;
    r.upstreamHost = this.hostLabel;
    r.upstreamCluster = this.cluster?.name ?? null;
    r.upstreamTransportFailureReason = this.failure;
    r.routeName = this.routeName;
    r.upstreamAttempts = this.attempts;
    r.connectionTerminationDetails = this.termination;
    if (this.requestHeaders !== null) r.requestHeaders = this.requestHeaders;
    return r;
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.deadlineTimer !== null) clearTimeout(this.deadlineTimer);
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.clearAttemptTimer();
    if (this.upstream !== null) {
      this.upstream.abort();
      this.upstreamDone(0);
    }
    const client = this.client;
    client.handler = null;
    // Whatever the client still sends is dropped; let it flow so the connection is not stuck.
    if (this.unackedClient > 0) client.bodyConsumed(this.unackedClient);
    this.unackedClient = 0;
    const observer = this.env.observer;
    observer.metrics.streamClosed(client.head.listener);
    if (this.records) observer.requestFinished(this.logRecord());
  }
}

// Timer callbacks take the forwarder as an argument: no closure per request.
function retryNow(f: Forwarder): void {
  f.retryNow();
}

function onDeadline(f: Forwarder): void {
  f.onDeadline();
}

function onAttemptTimeout(f: Forwarder): void {
  f.onAttemptTimeout();
}

function replaceHeader(headers: HeaderList, name: string, value: string): HeaderList {
  const out: HeaderList = [];
  for (const f of headers) if (f[0] !== name) out.push(f);
  out.push([name, value]);
  return out;
}
