// A cluster of backend hosts built from its ClusterConfig: one pool per host by appProtocol, load balancing, active
// health checks and passive ejection (outlier detection on consecutive failures).
import { readFileSync } from 'node:fs';
import type { ClusterConfig, Metrics } from '../config/types.js';
import { AutoPool } from './auto-pool.js';
import { Balancer } from './balancer.js';
import type { HostTarget, UpstreamTls } from './connect.js';
import type { UpstreamPool } from './exchange.js';
import { H1Pool, type H1PoolOptions } from './h1-pool.js';
import { H2Pool } from './h2-pool.js';
import { HealthChecker } from './health.js';
import { UpstreamHost } from './host.js';

export interface ClusterOptions {
  /** Window toward HTTP/2 backends: bytes of a response buffered ahead of a slow client, shared by the streams of a
   *  connection (H2PoolOptions.streamWindow). */
  streamWindow: number;
  /** Reads a CA file (tests inject). */
  readFile?: (path: string) => string;
  /** Health verdicts are reported here. */
  metrics?: Metrics;
}

/** Whether requests to this cluster are gRPC over HTTP/2 (proxy errors become grpc-status). */
export function isGrpcCluster(config: ClusterConfig): boolean {
  return config.appProtocol === 'grpc' || config.appProtocol === 'grpc-web';
}

export class UpstreamCluster {
  readonly config: ClusterConfig;
  readonly hosts: UpstreamHost[];
  private readonly balancer: Balancer;
  private readonly checkers: HealthChecker[] = [];

  constructor(config: ClusterConfig, options: ClusterOptions) {
    this.config = config;
    const tls = upstreamTls(config, options);
    this.hosts = config.hosts.map((h) => {
      const target: HostTarget = { address: h.address, port: h.port, tls, connectTimeoutMs: config.timeouts.connectMs };
      return new UpstreamHost(target, h.weight, createPool(config, target, options));
    });
    this.balancer = new Balancer(config.loadBalancing, this.hosts);
    if (config.healthCheck !== null) {
      const report = (host: UpstreamHost, healthy: boolean) => options.metrics?.upstreamHealth(config.name, host.label, healthy);
      for (const h of this.hosts) this.checkers.push(new HealthChecker(h, config.healthCheck, report));
    }
  }

  get name(): string {
    return this.config.name;
  }

  startHealthChecks(): void {
    for (const c of this.checkers) c.start();
  }

  /** Picks a host for a request; `avoid` is the host the previous attempt failed on. */
  pick(avoid: UpstreamHost | null = null): UpstreamHost {
    if (this.hosts.length === 1) return this.hosts[0]!;
    return this.balancer.pick(Date.now(), avoid);
  }

  /** A request on `host` got an answer that was not a server failure. */
  reportSuccess(host: UpstreamHost): void {
    host.consecutiveFailures = 0;
  }

  /**
   * Connect failure, reset or 5xx: after `outlier.consecutiveFailures` in a row the host is ejected for
   * `outlier.ejectionMs`. Returns true when this failure ejected it.
   */
  reportFailure(host: UpstreamHost): boolean {
    const outlier = this.config.outlier;
    if (outlier.consecutiveFailures <= 0) return false;
    if (++host.consecutiveFailures < outlier.consecutiveFailures) return false;
    host.consecutiveFailures = 0;
    host.ejectedUntil = Date.now() + outlier.ejectionMs;
    return true;
  }

  /** Graceful: no new connections, existing ones close when their requests finish. */
  close(): void {
    for (const c of this.checkers) c.stop();
    for (const h of this.hosts) h.pool.close();
  }

  destroy(): void {
    for (const c of this.checkers) c.stop();
    for (const h of this.hosts) h.pool.destroy();
  }
}

function upstreamTls(config: ClusterConfig, options: ClusterOptions): UpstreamTls | null {
  const wantsTls = config.tls !== null || config.appProtocol === 'h2';
  if (!wantsTls) return null;
  const t = config.tls ?? { serverName: null, rejectUnauthorized: true, caFile: null };
  const read = options.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  return { servername: t.serverName ?? undefined, rejectUnauthorized: t.rejectUnauthorized, ca: t.caFile !== null ? read(t.caFile) : undefined };
}

function createPool(config: ClusterConfig, target: HostTarget, options: ClusterOptions): UpstreamPool {
  const h2 = {
    target,
    maxConnections: config.maxConnections,
    maxStreamsPerConnection: config.maxStreamsPerConnection,
    idleTimeoutMs: config.timeouts.idleMs,
    streamWindow: options.streamWindow,
  };
  const h1: H1PoolOptions = { target, maxConnections: config.maxConnections, idleTimeoutMs: config.timeouts.idleMs };
  if (config.queueAfterConnections !== undefined) h1.queueAfterConnections = config.queueAfterConnections;
  switch (config.appProtocol) {
    case 'http':
      return new H1Pool(h1);
    case 'auto':
      return target.tls !== null ? new AutoPool(h2, h1) : new H1Pool(h1);
    default:
      // h2c, h2, grpc, grpc-web: HTTP/2 (TLS when the cluster has it).
      return new H2Pool(h2);
  }
}
