// Active health checks (one timer per host): HTTP GET expecting 2xx, or grpc.health.v1.Health/Check expecting
// SERVING. `unhealthyThreshold` failures in a row take a host out of balancing, `healthyThreshold` successes bring it
// back.
import type { ClusterConfig } from '../config/types.js';
import type { HeaderList, RequestHead } from '../translate/head.js';
import type { UpstreamError, UpstreamHandler, UpstreamRequest } from './exchange.js';
import type { UpstreamHost } from './host.js';

export type HealthCheckConfig = NonNullable<ClusterConfig['healthCheck']>;

/** gRPC length-prefixed HealthCheckRequest { service = 1: string }; an empty service asks about the whole server. */
export function healthCheckRequest(service: string): Uint8Array {
  const name = new TextEncoder().encode(service);
  const body = name.length === 0 ? new Uint8Array(0) : new Uint8Array([0x0a, ...varint(name.length), ...name]);
  const out = new Uint8Array(5 + body.length);
  new DataView(out.buffer).setUint32(1, body.length);
  out.set(body, 5);
  return out;
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}

/** grpc.health.v1.HealthCheckResponse { status = 1 (SERVING) } is field 1, varint 1: bytes 08 01. */
function grpcServing(body: Uint8Array): boolean {
  if (body.length < 5 || body[0] !== 0) return false;
  const len = ((body[1]! << 24) | (body[2]! << 16) | (body[3]! << 8) | body[4]!) >>> 0;
  const msg = body.subarray(5, 5 + len);
  for (let i = 0; i + 1 < msg.length; i++) if (msg[i] === 0x08) return msg[i + 1] === 1;
  return false;
}

/** One probe: collects the response and calls back once with the verdict. */
class Probe implements UpstreamHandler {
  private readonly grpc: boolean;
  private readonly done: (ok: boolean) => void;
  private status = 0;
  private grpcStatus: string | null = null;
  private body: Uint8Array[] = [];
  private settled = false;
  request: UpstreamRequest | null = null;
  timer: NodeJS.Timeout | null = null;

  constructor(grpc: boolean, done: (ok: boolean) => void) {
    this.grpc = grpc;
    this.done = done;
  }

  settle(ok: boolean): void {
    if (this.settled) return;
    this.settled = true;
    if (this.timer !== null) clearTimeout(this.timer);
    if (!ok) this.request?.abort();
    this.done(ok);
  }

  onUpstreamInformational(): void {}
  onUpstreamResponse(status: number, headers: HeaderList): void {
    this.status = status;
    for (const [n, v] of headers) if (n === 'grpc-status') this.grpcStatus = v;
  }
  onUpstreamData(chunk: Uint8Array): void {
    this.body.push(new Uint8Array(chunk)); // a copy: the chunk may be a view of a reused read slab
    this.request?.bodyConsumed(chunk.length);
  }
  onUpstreamEnd(trailers: HeaderList | null): void {
    if (trailers !== null) for (const [n, v] of trailers) if (n === 'grpc-status') this.grpcStatus = v;
    if (!this.grpc) return this.settle(this.status >= 200 && this.status < 300);
    const body = Buffer.concat(this.body);
    this.settle(this.status === 200 && this.grpcStatus === '0' && grpcServing(body));
  }
  onUpstreamError(_error: UpstreamError): void {
    this.settle(false);
  }
  onUpstreamDrain(): void {}
}

const HEALTH_CONNECTION = { id: 0, remote: '127.0.0.1:0', local: '127.0.0.1:0', sni: null };

export class HealthChecker {
  private readonly host: UpstreamHost;
  private readonly config: HealthCheckConfig;
  private timer: NodeJS.Timeout | null = null;
  private failures = 0;
  private successes = 0;
  private stopped = false;
  /** Verdicts so far (tests and the admin page). */
  checks = 0;

  private readonly onChange: (host: UpstreamHost, healthy: boolean) => void;

  constructor(host: UpstreamHost, config: HealthCheckConfig, onChange: (host: UpstreamHost, healthy: boolean) => void) {
    this.host = host;
    this.config = config;
    this.onChange = onChange;
  }

  start(): void {
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(this.run, delay);
    this.timer.unref();
  }

  private readonly run = (): void => {
    this.timer = null;
    const grpc = this.config.type === 'grpc';
    const probe = new Probe(grpc, this.verdict);
    const head: RequestHead = {
      method: grpc ? 'POST' : 'GET',
      scheme: 'http',
      authority: this.host.label,
      path: grpc && this.config.path === '' ? '/grpc.health.v1.Health/Check' : this.config.path,
      protocol: '',
      headers: grpc ? [['content-type', 'application/grpc'], ['te', 'trailers'], ['user-agent', 'strand-proxy-health']] : [['user-agent', 'strand-proxy-health']],
      endStream: !grpc,
      version: 2,
      remoteAddress: '127.0.0.1',
      conn: HEALTH_CONNECTION,
      secure: false,
      listener: '',
    };
    probe.timer = setTimeout(() => probe.settle(false), this.config.timeoutMs > 0 ? this.config.timeoutMs : 1000);
    try {
      probe.request = this.host.pool.request({ head, method: head.method, authority: head.authority, path: head.path, endStream: head.endStream }, probe);
      if (grpc) {
        probe.request.write(healthCheckRequest(this.config.grpcService));
        probe.request.end(null);
      }
    } catch {
      probe.settle(false);
    }
  };

  private readonly verdict = (ok: boolean): void => {
    this.checks++;
    const host = this.host;
    const before = host.healthy;
    if (ok) {
      this.failures = 0;
      if (++this.successes >= Math.max(1, this.config.healthyThreshold)) host.healthy = true;
    } else {
      this.successes = 0;
      if (++this.failures >= Math.max(1, this.config.unhealthyThreshold)) host.healthy = false;
    }
    if (this.checks === 1 || before !== host.healthy) this.onChange(host, host.healthy);
    this.schedule(this.config.intervalMs > 0 ? this.config.intervalMs : 5000);
  };
}
