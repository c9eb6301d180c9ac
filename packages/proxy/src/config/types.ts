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
  healthCheck: { type: 'http' | 'grpc'; path: string; intervalMs: number; timeoutMs: number; unhealthyThreshold: number; healthyThreshold: number } | null;
  /** Passive ejection: consecutive failures before a host is ejected, and for how long. */
  outlier: { consecutiveFailures: number; ejectionMs: number };
  timeouts: { connectMs: number; requestMs: number; idleMs: number };
  /** HTTP/2 upstream: max streams per connection beyond the backend's own MAX_CONCURRENT_STREAMS (0 = backend's). */
  maxStreamsPerConnection: number;
  maxConnections: number;
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
  maxRequestBodyBytes: number;
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
  /** The backend chosen by weight for this request. */
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
