// The proxy's metrics (all prefixed strand_proxy_) and the Metrics methods the data path calls.
import type { LogRecord, Metrics } from '../config/types.js';
import { Registry, type Counter, type Gauge, type Histogram } from './registry.js';

/** Seconds; from 1 ms to 30 s, roughly ×2.5 per bucket. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class ProxyMetrics implements Metrics {
  readonly registry: Registry;
  readonly requests: Counter;
  readonly requestDuration: Histogram;
  readonly bytesReceived: Counter;
  readonly bytesSent: Counter;
  readonly activeConnections: Gauge;
  readonly connections: Counter;
  readonly activeStreams: Gauge;
  readonly upstreamRequests: Counter;
  readonly upstreamDuration: Histogram;
  readonly upstreamConnectFailures: Counter;
  readonly upstreamHealthy: Gauge;
  readonly outlierEjections: Counter;
  readonly retries: Counter;
  readonly limitsTripped: Counter;
  readonly configReloads: Counter;

  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
    const r = registry;
    this.requests = r.counter('strand_proxy_requests_total', 'Downstream requests completed, by route, status code and protocol.', ['route', 'code', 'protocol']);
    this.requestDuration = r.histogram('strand_proxy_request_duration_seconds', 'Downstream request duration, first byte in to last byte out.', ['route'], LATENCY_BUCKETS);
    this.bytesReceived = r.counter('strand_proxy_request_body_bytes_total', 'Request body bytes received from clients, by route.', ['route']);
    this.bytesSent = r.counter('strand_proxy_response_body_bytes_total', 'Response body bytes sent to clients, by route.', ['route']);
    this.activeConnections = r.gauge('strand_proxy_active_connections', 'Open downstream connections.', ['listener', 'protocol']);
    this.connections = r.counter('strand_proxy_connections_total', 'Downstream connections accepted.', ['listener', 'protocol']);
    this.activeStreams = r.gauge('strand_proxy_active_streams', 'Downstream requests (HTTP/2 streams or HTTP/1.1 exchanges) in flight.', ['listener']);
    this.upstreamRequests = r.counter('strand_proxy_upstream_requests_total', 'Upstream attempts, by cluster and status code (0 = no response).', ['cluster', 'code']);
    this.upstreamDuration = r.histogram('strand_proxy_upstream_request_duration_seconds', 'Upstream attempt duration.', ['cluster'], LATENCY_BUCKETS);
    this.upstreamConnectFailures = r.counter('strand_proxy_upstream_connect_failures_total', 'Failed upstream connection attempts.', ['cluster', 'host', 'reason']);
    this.upstreamHealthy = r.gauge('strand_proxy_upstream_host_healthy', 'Active health check state of each upstream host (1 healthy, 0 not).', ['cluster', 'host']);
    this.outlierEjections = r.counter('strand_proxy_outlier_ejections_total', 'Hosts ejected by passive outlier detection.', ['cluster', 'host']);
    this.retries = r.counter('strand_proxy_retries_total', 'Upstream retries, by route.', ['route']);
    this.limitsTripped = r.counter('strand_proxy_limits_tripped_total', 'Requests or connections refused because a limit was hit.', ['limit']);
    this.configReloads = r.counter('strand_proxy_config_reloads_total', 'Configuration reloads, by result.', ['result']);
  }

  requestCompleted(record: LogRecord): void {
    const route = record.routeName ?? '';
    this.requests.labels(route, String(record.responseCode), record.protocol).inc();
    this.requestDuration.labels(route).observe(record.durationMs / 1000);
    if (record.bytesReceived > 0) this.bytesReceived.labels(route).inc(record.bytesReceived);
    if (record.bytesSent > 0) this.bytesSent.labels(route).inc(record.bytesSent);
  }

  connectionOpened(listener: string, protocol: string): void {
    this.activeConnections.labels(listener, protocol).inc();
    this.connections.labels(listener, protocol).inc();
  }

  connectionClosed(listener: string, protocol: string): void {
    this.activeConnections.labels(listener, protocol).dec();
  }

  streamOpened(listener: string): void {
    this.activeStreams.labels(listener).inc();
  }

  streamClosed(listener: string): void {
    this.activeStreams.labels(listener).dec();
  }

  upstreamRequest(cluster: string, _host: string, code: number, durationMs: number): void {
    this.upstreamRequests.labels(cluster, String(code)).inc();
    this.upstreamDuration.labels(cluster).observe(durationMs / 1000);
  }

  upstreamConnectFailure(cluster: string, host: string, reason: string): void {
    this.upstreamConnectFailures.labels(cluster, host, reason).inc();
  }

  upstreamHealth(cluster: string, host: string, healthy: boolean): void {
    this.upstreamHealthy.labels(cluster, host).set(healthy ? 1 : 0);
  }

  outlierEjection(cluster: string, host: string): void {
    this.outlierEjections.labels(cluster, host).inc();
  }

  retry(route: string): void {
    this.retries.labels(route).inc();
  }

  limitTripped(limit: string): void {
    this.limitsTripped.labels(limit).inc();
  }

  configReload(ok: boolean): void {
    this.configReloads.labels(ok ? 'success' : 'failure').inc();
  }

  /** Text exposition format 0.0.4 of every metric. */
  expose(): string {
    return this.registry.expose();
  }
}

/** Metrics that go nowhere, for tests and embedders that do not want them. */
export const noopMetrics: Metrics = {
  requestCompleted() {},
  connectionOpened() {},
  connectionClosed() {},
  streamOpened() {},
  streamClosed() {},
  upstreamRequest() {},
  upstreamConnectFailure() {},
  upstreamHealth() {},
  outlierEjection() {},
  retry() {},
  limitTripped() {},
  configReload() {},
};
