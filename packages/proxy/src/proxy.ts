// startProxy: demo backends, the configuration generation in force, listeners, the admin server, hot reload and
// graceful shutdown.
import type * as net from 'node:net';
import type { Metrics, ProxyConfig } from './config/types.js';
import { startDemoBackend, type DemoBackend } from './demo/backend.js';
import { AccessLog } from './observability/access-log.js';
import { startAdminServer, type AdminServer } from './observability/admin.js';
import { noopMetrics } from './observability/proxy-metrics.js';
import { Router } from './routing/router.js';
import type { ClientStream } from './server/exchange.js';
import { Forwarder, type ForwardEnv } from './server/forward.js';
import { Generation, type RouterFactory } from './server/generation.js';
import type { H2Session } from './server/h2-session.js';
import { Listener, type ListenerOwner, type ListenerTuning } from './server/listener.js';
import { Observer, type RequestLog } from './server/observer.js';
import { bridgeExtendedConnect, upgradeHttp1 } from './server/websocket.js';
import type { RequestHead } from './translate/head.js';

export interface ProxyDeps {
  /** Builds the router of a configuration. Default: routing/Router. */
  router?: RouterFactory;
  /** Metrics registry (observability/ProxyMetrics). Default: none. */
  metrics?: Metrics;
  /** Access log; default: built from `config.accessLog` (null: none). */
  accessLog?: RequestLog | null;
  /** Serve the admin endpoints of `config.admin` (default true); needs `metricsText` for /metrics. */
  admin?: boolean;
  /** Prometheus text for the admin /metrics (e.g. `() => proxyMetrics.expose()`). */
  metricsText?: () => string;
  /**
   * Per-stream flow-control window toward clients (request bodies) and backends (responses): the most the proxy
   * buffers per stream and direction when the other side is slow. Default 1 MiB. Toward HTTP/2 backends it is shared:
   * the streams of one backend connection get this much ÷ their number each, at least 65,535 octets.
   */
  streamWindow?: number;
  /** Reads certificate, key and CA files (tests inject). */
  readFile?: (path: string) => string;
}

export interface RunningProxy {
  /** Bound port of each listener by name, `demo:<name>` for demo backends, `admin` for the admin server. */
  readonly ports: Map<string, number>;
  /** Swaps routes and clusters atomically; requests in flight finish on the configuration they started with. */
  reload(config: ProxyConfig): Promise<void>;
  /** Graceful shutdown: GOAWAY / Connection: close, in-flight requests get `deadlineMs`, then everything closes. */
  shutdown(deadlineMs?: number): Promise<void>;
  /** The configuration in force. */
  readonly config: ProxyConfig;
  /** Open client connections (HTTP/2 sessions + HTTP/1.1 sockets). */
  readonly clientConnections: number;
}

const DEFAULT_STREAM_WINDOW = 1024 * 1024;

class Proxy implements ListenerOwner, ForwardEnv {
  generation: Generation | null = null;
  readonly observer: Observer;
  readonly listeners = new Map<string, Listener>();
  readonly sessions = new Set<H2Session>();
  readonly demos = new Map<string, DemoBackend>();
  readonly ports = new Map<string, number>();
  maxRequestBodyBytes = 0;
  private readonly deps: ProxyDeps;
  private readonly makeRouter: RouterFactory;
  private readonly ownAccessLog: boolean;
  private admin: AdminServer | null = null;
  private accessLogKey = '';
  private clientSockets = 0;
  draining = false;

  constructor(deps: ProxyDeps) {
    this.deps = deps;
    this.makeRouter = deps.router ?? ((c: ProxyConfig) => new Router(c));
    this.ownAccessLog = deps.accessLog === undefined;
    this.observer = new Observer(deps.metrics ?? noopMetrics, deps.accessLog ?? null);
  }

  private get gen(): Generation {
    return this.generation!;
  }

  // ------------------------------------------------------------- ListenerOwner / ForwardEnv

  dispatch(stream: ClientStream): void {
    new Forwarder(stream, this.gen, this).start();
  }

  upgrade(head: RequestHead, socket: net.Socket, rest: Buffer): void {
    upgradeHttp1(this.gen, this.observer, head, socket, rest);
  }

  connectWebSocket(client: ClientStream, generation: Generation): void {
    bridgeExtendedConnect(client, generation, this.observer);
  }

  sessionOpened(session: H2Session): void {
    this.sessions.add(session);
    if (this.draining) session.close();
  }

  sessionClosed(session: H2Session): void {
    this.sessions.delete(session);
  }

  admit(): boolean {
    const max = this.gen.config.limits.maxConnections;
    if (max > 0 && this.clientSockets >= max) {
      this.observer.metrics.limitTripped('maxConnections');
      return false;
    }
    this.clientSockets++;
    return true;
  }

  released(): void {
    this.clientSockets--;
  }

  // ------------------------------------------------------------- lifecycle

  private tuning(config: ProxyConfig): ListenerTuning {
    const limits = config.limits;
    return {
      streamWindow: this.deps.streamWindow ?? DEFAULT_STREAM_WINDOW,
      maxConcurrentStreams: limits.maxConcurrentStreams > 0 ? limits.maxConcurrentStreams : 256,
      maxHeaderListBytes: limits.maxHeaderListBytes > 0 ? limits.maxHeaderListBytes : 64 * 1024,
      idleTimeoutMs: limits.idleTimeoutMs,
      headersTimeoutMs: limits.requestHeadersTimeoutMs,
      metrics: this.observer.metrics,
      ...(this.deps.readFile ? { readFile: this.deps.readFile } : {}),
    };
  }

  /** Builds the next generation (demo ports substituted) and returns the clusters it no longer uses. */
  private build(config: ProxyConfig) {
    const demoPorts = new Map<string, number>();
    for (const [name, d] of this.demos) demoPorts.set(name, d.port);
    const options = {
      streamWindow: this.deps.streamWindow ?? DEFAULT_STREAM_WINDOW,
      metrics: this.observer.metrics,
      ...(this.deps.readFile ? { readFile: this.deps.readFile } : {}),
    };
    return Generation.build(withDemoPorts(config, demoPorts), this.makeRouter, options, this.generation);
  }

  async apply(config: ProxyConfig): Promise<void> {
    for (const d of config.demoBackends) {
      if (this.demos.has(d.name)) continue;
      const demo = await startDemoBackend(d.name, d.port);
      this.demos.set(d.name, demo);
      this.ports.set(`demo:${d.name}`, demo.port);
    }
    const { generation, retired } = this.build(config);
    const first = this.generation === null;
    this.generation = generation;
    this.maxRequestBodyBytes = config.limits.maxRequestBodyBytes;
    if (this.ownAccessLog) this.swapAccessLog(config);
    await this.openListeners(config);
    for (const c of retired) c.close();
    if (first) await this.startAdmin(config);
  }

  /** A changed accessLog section replaces the log (the old one is flushed and closed). */
  private swapAccessLog(config: ProxyConfig): void {
    const key = JSON.stringify(config.accessLog);
    if (key === this.accessLogKey) return;
    this.accessLogKey = key;
    const old = this.observer.accessLog as AccessLog | null;
    if (old !== null) void old.close();
    this.observer.accessLog = config.accessLog === null ? null : new AccessLog(config.accessLog);
  }

  private async startAdmin(config: ProxyConfig): Promise<void> {
    if (config.admin === null || this.deps.admin === false) return;
    this.admin = await startAdminServer({
      address: config.admin.address,
      port: config.admin.port,
      metrics: this.deps.metricsText ?? (() => ''),
      config: () => this.gen.config,
      ready: () => !this.draining,
    });
    this.ports.set('admin', this.admin.port);
  }

  private async openListeners(config: ProxyConfig): Promise<void> {
    const keep = new Set<string>();
    const tuning = this.tuning(config);
    for (const lc of config.listeners) {
      const existing = this.listeners.get(lc.name);
      if (existing !== undefined && existing.sameSocket(lc)) {
        existing.reconfigure(lc, tuning);
        keep.add(lc.name);
        continue;
      }
      const listener = new Listener(lc, this, tuning);
      const port = await listener.listen();
      if (existing !== undefined) existing.stopAccepting();
      this.listeners.set(lc.name, listener);
      this.ports.set(lc.name, port);
      keep.add(lc.name);
    }
    for (const [name, l] of this.listeners) {
      if (keep.has(name)) continue;
      this.listeners.delete(name);
      this.ports.delete(name);
      l.stopAccepting();
    }
  }

  /** (The caller counts reloads in metrics: it knows whether the files were valid.) */
  reload(config: ProxyConfig): Promise<void> {
    return this.apply(config);
  }

  get clientConnections(): number {
    return this.sessions.size + [...this.listeners.values()].reduce((n, l) => n + l.h1.connectionCount, 0);
  }

  async shutdown(deadlineMs: number): Promise<void> {
    this.draining = true;
    const listeners = [...this.listeners.values()];
    for (const l of listeners) l.stopAccepting();
    for (const s of this.sessions) s.close();
    for (const l of listeners) l.h1.drain();
    const deadline = Date.now() + deadlineMs;
    while (Date.now() < deadline && listeners.some((l) => l.openSockets > 0)) await new Promise((r) => setTimeout(r, 10));
    for (const l of listeners) l.destroyAll();
    for (const s of this.sessions) s.destroy();
    if (this.generation !== null) for (const c of this.generation.clusters.values()) c.destroy();
    await Promise.all([...this.demos.values()].map((d) => d.close()));
    await this.admin?.close();
    if (this.ownAccessLog) await (this.observer.accessLog as AccessLog | null)?.close();
  }
}

/** Clusters served by a demo backend whose configured port is 0 point at the port it is bound to. */
function withDemoPorts(config: ProxyConfig, demoPorts: Map<string, number>): ProxyConfig {
  let changed = false;
  const clusters = new Map(config.clusters);
  for (const [name, c] of clusters) {
    if (c.demoBackend === null) continue;
    const port = demoPorts.get(c.demoBackend);
    if (port === undefined || c.hosts.every((h) => h.port !== 0)) continue;
    clusters.set(name, { ...c, hosts: c.hosts.map((h) => (h.port === 0 ? { ...h, port } : h)) });
    changed = true;
  }
  return changed ? { ...config, clusters } : config;
}

/** Starts strand-proxy: demo backends, then listeners and the admin server. Resolves once every port is bound. */
export async function startProxy(config: ProxyConfig, deps: ProxyDeps = {}): Promise<RunningProxy> {
  const proxy = new Proxy(deps);
  try {
    await proxy.apply(config);
  } catch (error) {
    await proxy.shutdown(0);
    throw error;
  }
  return {
    ports: proxy.ports,
    reload: (next) => proxy.reload(next),
    shutdown: (deadlineMs) => proxy.shutdown(deadlineMs ?? proxy.generation!.config.limits.drainTimeoutMs),
    get config() {
      return proxy.generation!.config;
    },
    get clientConnections() {
      return proxy.clientConnections;
    },
  };
}
