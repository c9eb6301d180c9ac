// The validated, normalised configuration of strand-proxy: what the config loader produces (from the concise schema
// or Gateway API HTTPRoute/GRPCRoute documents) and what the data path consumes. Shared contract between
// packages/proxy/src/config (loading, validation, routing) and packages/proxy/src/server (listeners, upstreams).

export interface ProxyConfig {
  /** Where it came from, for error messages and /config. */
  source: string;
  listeners: ListenerConfig[];
  routes: RouteConfig[];
  clusters: Map<string, ClusterConfig>;
  accessLog: AccessLogConfig | null;
  admin: AdminConfig | null;
  limits: ProxyLimits;
  /** Built-in demo backend (the README quick start): name → port to serve it on (0 = ephemeral). */
  demoBackends: DemoBackendConfig[];
}
// Additive fields below are marked "(added)"; every field that existed in the first contract keeps its meaning.

export interface ListenerConfig {
  name: string;
  address: string;
  port: number;
  /** Absent: cleartext port serving h2c prior knowledge and HTTP/1.1 on the same socket. */
  tls: { certificates: Array<{ serverNames: string[]; certFile: string; keyFile: string }>; minVersion: 'TLSv1.2' | 'TLSv1.3' } | null;
}

export type PathMatch =
  | { type: 'Exact'; value: string }
  | { type: 'PathPrefix'; value: string }
  | { type: 'RegularExpression'; value: string; regex: RegExp };

export interface HeaderMatch {
  type: 'Exact' | 'RegularExpression';
  /** Lowercased. */
  name: string;
  value: string;
  regex?: RegExp;
}

export interface QueryMatch {
  type: 'Exact' | 'RegularExpression';
  name: string;
  value: string;
  regex?: RegExp;
}

/** One match of a rule: all present parts must match (Gateway API HTTPRouteMatch / GRPCRouteMatch). */
export interface RouteMatch {
  path: PathMatch | null;
  method: string | null;
  headers: HeaderMatch[];
  queryParams: QueryMatch[];
  /** GRPCRoute: service and method (Exact or RegularExpression); null when not a gRPC match. */
  grpc: { type: 'Exact' | 'RegularExpression'; service: string | null; method: string | null; serviceRegex?: RegExp; methodRegex?: RegExp } | null;
}

export interface HeaderModifier {
  set: Array<[string, string]>;
  add: Array<[string, string]>;
  remove: string[];
}

export type RouteFilter =
  | { type: 'RequestHeaderModifier'; modifier: HeaderModifier }
  | { type: 'ResponseHeaderModifier'; modifier: HeaderModifier }
  | {
      type: 'URLRewrite';
      hostname: string | null;
      path: { type: 'ReplaceFullPath'; value: string } | { type: 'ReplacePrefixMatch'; value: string } | null;
    }
  | {
      type: 'RequestRedirect';
      scheme: 'http' | 'https' | null;
      hostname: string | null;
      port: number | null;
      path: { type: 'ReplaceFullPath'; value: string } | { type: 'ReplacePrefixMatch'; value: string } | null;
      statusCode: 301 | 302 | 303 | 307 | 308;
    };

export interface BackendRef {
  cluster: string;
  weight: number;
}

export interface RouteConfig {
  /** Stable name for metrics and logs: `<route name>/<rule index>`. */
  name: string;
  /** Hostnames (exact or `*.example.com`); empty = any. Ports in :authority/Host are ignored when matching. */
  hostnames: string[];
  /** Listener names this route attaches to; empty = all. */
  listeners: string[];
  matches: RouteMatch[];
  filters: RouteFilter[];
  backends: BackendRef[];
  /** Per-route timeouts in ms (Gateway API `timeouts.request` / `backendRequest`); 0 = none. */
  timeouts: { request: number; backendRequest: number };
  retry: { attempts: number; backoffMs: number; codes: number[] } | null;
  kind: 'HTTPRoute' | 'GRPCRoute';
}

export type AppProtocol = 'http' | 'h2c' | 'h2' | 'grpc' | 'grpc-web' | 'auto';

export interface ClusterConfig {
  name: string;
  appProtocol: AppProtocol;
  /** TLS to the backend (h2 and auto over TLS). */
  tls: { serverName: string | null; rejectUnauthorized: boolean; caFile: string | null } | null;
  hosts: Array<{ address: string; port: number; weight: number }>;
  loadBalancing: 'round-robin' | 'least-request' | 'random';
  /**
   * Active health checks. `http`: GET `path` and expect 2xx. `grpc`: grpc.health.v1.Health/Check for `grpcService`
   * (added; '' = the whole server), sent to `path` (default `/grpc.health.v1.Health/Check`).
   */
  healthCheck: {
    type: 'http' | 'grpc';
    path: string;
    intervalMs: number;
    timeoutMs: number;
    unhealthyThreshold: number;
    healthyThreshold: number;
    grpcService: string;
  } | null;
  /** Passive ejection: consecutive failures before a host is ejected, and for how long (consecutiveFailures 0 = off). */
  outlier: { consecutiveFailures: number; ejectionMs: number };
  /** 0 = no timeout. */
  timeouts: { connectMs: number; requestMs: number; idleMs: number };
  /** HTTP/2 upstream: max streams per connection beyond the backend's own MAX_CONCURRENT_STREAMS (0 = backend's). */
  maxStreamsPerConnection: number;
  /** Max upstream connections per host (0 = unlimited). */
  maxConnections: number;
  /**
   * HTTP/1.1 upstreams: connections per host opened freely; beyond them a request waits for a free one, and gets a
   * new one (up to maxConnections) when none came free for 50 ms or it waited 1 s (upstream/h1-pool QUEUE_STALL_MS,
   * QUEUE_WAIT_MAX_MS). 0 = no threshold. Absent = the default (64, DEFAULT_QUEUE_AFTER).
   */
  queueAfterConnections?: number;
  /** (added) Kubernetes Service this cluster stands for, so Gateway API backendRefs `{name, port}` resolve to it. */
  service: { name: string; namespace: string; port: number | null } | null;
  /**
   * (added) Name of the built-in demo backend (ProxyConfig.demoBackends) that serves this cluster; null for real
   * clusters. `hosts` then holds one entry `127.0.0.1:<demo port>`; when that port is 0 (ephemeral) the data path
   * serves the demo in process or substitutes the bound port.
   */
  demoBackend: string | null;
}

export interface AccessLogConfig {
  /** 'stdout' or a file path. */
  path: string;
  /** JSON field name → Envoy-style format string, e.g. `{ "code": "%RESPONSE_CODE%", "ua": "%REQ(USER-AGENT)%" }`. */
  fields: Record<string, string>;
}

export interface AdminConfig {
  address: string;
  port: number;
}

export interface ProxyLimits {
  /** Graceful shutdown deadline (SIGTERM): in-flight streams get this long. */
  drainTimeoutMs: number;
  /** 0 = unlimited. */
  maxRequestBodyBytes: number;
  /** (added) Downstream connections across all listeners (0 = unlimited). */
  maxConnections: number;
  /** (added) SETTINGS_MAX_CONCURRENT_STREAMS advertised to downstream HTTP/2 clients. */
  maxConcurrentStreams: number;
  /** (added) Max decoded request header list size (SETTINGS_MAX_HEADER_LIST_SIZE; HTTP/1.1 header block cap). */
  maxHeaderListBytes: number;
  /** (added) A downstream connection must deliver a complete request header block within this (0 = off). */
  requestHeadersTimeoutMs: number;
  /** (added) Downstream connection idle timeout: no open streams and no bytes for this long (0 = off). */
  idleTimeoutMs: number;
}

export interface DemoBackendConfig {
  name: string;
  port: number;
}

/** What the router needs of a request (HTTP/1.1 and HTTP/2 alike). */
export interface RouteRequest {
  /** :authority or Host, as received (port allowed; the router strips it). */
  authority: string;
  /** :path including the query string. */
  path: string;
  method: string;
  /** Lowercase names; repeated fields joined with ", ". */
  headers: Map<string, string>;
  listener: string;
  /** content-type starts with application/grpc (GRPCRoute matches apply). */
  grpc: boolean;
}

export interface RouteResult {
  route: RouteConfig;
  /**
   * The backend chosen by weight for this request. `cluster === ''` (weight 0) when the rule has no usable backend
   * (no backends — only allowed with RequestRedirect — or every weight 0): answer 500 unless a redirect applies
   * (Gateway API HTTPRouteRule.backendRefs).
   */
  backend: BackendRef;
  /** The match that won (for URLRewrite ReplacePrefixMatch). */
  match: RouteMatch;
}

/** One problem in a config file: the file, 1-based line and column, the field path, what is wrong. */
export interface ConfigProblem {
  file: string;
  line: number;
  column: number;
  /** e.g. `routes[2].matches[0].path.type` or `spec.rules[0].backendRefs[1].port`. */
  field: string;
  message: string;
}

/** Thrown by the loader; `problems` lists every error found, and `message` prints them as `file:line:col field: message`. */
export class ConfigError extends Error {
  readonly problems: ConfigProblem[];
  constructor(problems: ConfigProblem[]) {
    super(problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.field}: ${p.message}`).join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Header fields for logging: a Map of lowercase name → value (as RouteRequest.headers) or an HTTP/2 header list. */
export type HeaderSource = ReadonlyMap<string, string> | ReadonlyArray<readonly [string, string]>;

/**
 * (added) One finished request, filled by the data path and handed to the access log and Metrics.requestCompleted.
 * Unknown values: null (strings) / 0 (numbers). The access log renders null as JSON null.
 */
export interface LogRecord {
  /** Request start, ms since the epoch (Date.now()). */
  startTime: number;
  /** Whole request duration in ms (first request byte to last response byte), fractional allowed. */
  durationMs: number;
  /** Time from request start to the first upstream response byte, ms; null when none (Envoy %RESPONSE_DURATION%). */
  responseDurationMs: number | null;
  method: string;
  /** :authority / Host as received. */
  authority: string;
  /** :path as received, with the query string. */
  path: string;
  scheme: 'http' | 'https';
  /** 'HTTP/1.0' | 'HTTP/1.1' | 'HTTP/2'. */
  protocol: string;
  requestHeaders: HeaderSource;
  responseHeaders: HeaderSource | null;
  responseTrailers: HeaderSource | null;
  /** 0 when no response was sent. */
  responseCode: number;
  /** Envoy-style short flags, comma separated: 'UF' upstream connect failure, 'UH' no healthy upstream, 'NR' no route,
   *  'UT' upstream timeout, 'UC' upstream connection termination, 'DC' downstream termination, 'URX' retry limit,
   *  'RL' rate/limit tripped, 'DPE' downstream protocol error, 'UPE' upstream protocol error; '' = none. */
  responseFlags: string;
  /** Why the proxy answered itself or what went wrong (Envoy %RESPONSE_CODE_DETAILS%), e.g. 'via_upstream', 'route_not_found'. */
  responseCodeDetails: string | null;
  /** Request / response body bytes. */
  bytesReceived: number;
  bytesSent: number;
  /** 'ip:port' of the chosen upstream host. */
  upstreamHost: string | null;
  upstreamCluster: string | null;
  upstreamLocalAddress: string | null;
  upstreamTransportFailureReason: string | null;
  /** 'ip:port' (IPv6 as '[::1]:port'). */
  downstreamRemoteAddress: string;
  downstreamLocalAddress: string;
  /** TLS SNI, null on cleartext. */
  requestedServerName: string | null;
  routeName: string | null;
  listener: string;
  /** Number of upstream attempts (1 + retries; 0 when none). */
  upstreamAttempts: number;
  connectionId: number;
  connectionTerminationDetails: string | null;
}

/** (added) What the data path reports to the metrics registry (implemented by observability/ProxyMetrics). */
export interface Metrics {
  /** One finished request: requests by route/code/protocol, latency histogram, bytes. */
  requestCompleted(record: LogRecord): void;
  connectionOpened(listener: string, protocol: string): void;
  connectionClosed(listener: string, protocol: string): void;
  streamOpened(listener: string): void;
  streamClosed(listener: string): void;
  /** One upstream attempt finished (code 0 = no response). */
  upstreamRequest(cluster: string, host: string, code: number, durationMs: number): void;
  upstreamConnectFailure(cluster: string, host: string, reason: string): void;
  /** Active health check state of a host changed (or was first established). */
  upstreamHealth(cluster: string, host: string, healthy: boolean): void;
  outlierEjection(cluster: string, host: string): void;
  retry(route: string): void;
  /** A limit was hit, e.g. 'maxConnections', 'maxRequestBodyBytes', 'maxHeaderListBytes', 'abuse:rapid-reset'. */
  limitTripped(limit: string): void;
  configReload(ok: boolean): void;
}
