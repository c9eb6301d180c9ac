// One backend host of a cluster: its pool, and the state load balancing, health checks and ejection keep on it.
import type { HostTarget } from './connect.js';
import type { UpstreamPool } from './exchange.js';

export class UpstreamHost {
  readonly address: string;
  readonly port: number;
  /** 'address:port' ('[v6]:port'), for logs and metrics. */
  readonly label: string;
  /** How to reach it (TLS settings, connect timeout): WebSocket upgrades open their own connections. */
  readonly target: HostTarget;
  readonly weight: number;
  readonly pool: UpstreamPool;
  /** Requests in flight (least-request balancing, metrics). */
  active = 0;
  /** Active health check verdict (true until checks say otherwise). */
  healthy = true;
  /** Passive ejection: not chosen before this time (ms since epoch). */
  ejectedUntil = 0;
  consecutiveFailures = 0;
  /** Smooth weighted round-robin state. */
  current = 0;

  constructor(target: HostTarget, weight: number, pool: UpstreamPool) {
    this.target = target;
    this.address = target.address;
    this.port = target.port;
    this.label = this.address.includes(':') ? `[${this.address}]:${this.port}` : `${this.address}:${this.port}`;
    this.weight = weight > 0 ? weight : 1;
    this.pool = pool;
  }


  available(now: number): boolean {
    return this.healthy && this.ejectedUntil <= now;
  }
}
