// Reader for strand-proxy's own schema (a document without apiVersion/kind): listeners, routes, clusters, accessLog,
// admin, limits, demoBackends. Results go into the Draft; references are resolved by assemble.ts.
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Field, Obj } from './reader.js';
import type { Draft, PendingBackend } from './draft.js';
import type { AppProtocol, ClusterConfig, ListenerConfig, ProxyLimits, RouteConfig, RouteMatch } from './types.js';
import { DEFAULT_PATH_MATCH, hostname, readFilters, readHostnames, readHttpMatch, readRetry, readTimeouts } from './route-parts.js';
import { readAccessLog } from './access-log-config.js';

export const ROOT_KEYS = ['listeners', 'routes', 'clusters', 'accessLog', 'admin', 'limits', 'demoBackends'] as const;

export const DEFAULT_LIMITS: ProxyLimits = {
  drainTimeoutMs: 30_000,
  maxRequestBodyBytes: 0,
  maxConnections: 0,
  maxConcurrentStreams: 100,
  maxHeaderListBytes: 65_536,
  requestHeadersTimeoutMs: 10_000,
  idleTimeoutMs: 300_000,
};

/** A cluster's `outlier` and `timeouts` when the config leaves them out (also for implicit clusters, assemble.ts). */
export const DEFAULT_OUTLIER: Readonly<ClusterConfig['outlier']> = { consecutiveFailures: 5, ejectionMs: 30_000 };
export const DEFAULT_CLUSTER_TIMEOUTS: Readonly<ClusterConfig['timeouts']> = { connectMs: 5000, requestMs: 0, idleMs: 60_000 };

const APP_PROTOCOLS = ['http', 'h2c', 'kubernetes.io/h2c', 'h2', 'grpc', 'grpc-web', 'auto'] as const;
const NAME = /^[A-Za-z0-9]([A-Za-z0-9._:-]*[A-Za-z0-9])?$/;

export function readName(f: Field): string | undefined {
  const s = f.string();
  if (s === undefined) return undefined;
  if (!NAME.test(s) || s.length > 253) return f.fail(`invalid name ${JSON.stringify(s)}: use letters, digits, ".", "_", ":" and "-"`);
  return s;
}

function readFile(f: Field): string | undefined {
  const s = f.nonEmptyString();
  if (s === undefined) return undefined;
  const path = isAbsolute(s) ? s : resolve(f.src.baseDir, s);
  if (f.src.checkFiles && !existsSync(path)) return f.fail(`file not found: ${path}`);
  return path;
}

function readListener(f: Field, index: number): ListenerConfig | undefined {
  const o = f.object(['name', 'address', 'port', 'tls']);
  if (o === undefined) return undefined;
  const port = o.need('port')?.port();
  const name = o.get('name') === undefined ? `listener-${port ?? index}` : readName(o.get('name')!);
  const address = o.get('address')?.nonEmptyString() ?? '0.0.0.0';
  const tlsField = o.get('tls');
  let tls: ListenerConfig['tls'] = null;
  if (tlsField !== undefined) {
    const t = tlsField.object(['minVersion', 'certificates']);
    const certificates: NonNullable<ListenerConfig['tls']>['certificates'] = [];
    const certs = t?.need('certificates')?.list() ?? [];
    if (t !== undefined && t.has('certificates') && certs.length === 0) t.get('certificates')?.fail('a TLS listener needs at least one certificate');
    const sniSeen = new Set<string>();
    for (const cf of certs) {
      const c = cf.object(['serverNames', 'certFile', 'keyFile']);
      if (c === undefined) continue;
      const serverNames = c.get('serverNames') === undefined ? [] : readHostnames(c.get('serverNames')!);
      for (const sn of serverNames) {
        if (sniSeen.has(sn)) c.get('serverNames')!.fail(`server name ${JSON.stringify(sn)} is served by two certificates`);
        sniSeen.add(sn);
      }
      const certFile = c.need('certFile') && readFile(c.get('certFile')!);
      const keyFile = c.need('keyFile') && readFile(c.get('keyFile')!);
      if (certFile !== undefined && keyFile !== undefined) certificates.push({ serverNames, certFile, keyFile });
    }
    tls = { certificates, minVersion: t?.get('minVersion')?.oneOf(['TLSv1.2', 'TLSv1.3'] as const) ?? 'TLSv1.2' };
  }
  if (name === undefined || port === undefined) return undefined;
  return { name, address, port, tls };
}

function readHost(f: Field): ClusterConfig['hosts'][number] | undefined {
  if (f.isString()) {
    // Shorthand "host:port" or "[v6]:port".
    const s = f.string()!;
    const m = /^(\[[0-9a-fA-F:.]+\]|[^:\s[\]]+):([0-9]{1,5})$/.exec(s);
    const port = m === null ? NaN : Number(m[2]);
    if (m === null || port < 1 || port > 65535) return f.fail(`expected "host:port" or a mapping { address, port, weight }, got ${JSON.stringify(s)}`);
    return { address: m[1]!.replace(/^\[(.*)\]$/, '$1'), port, weight: 1 };
  }
  const o = f.object(['address', 'port', 'weight']);
  if (o === undefined) return undefined;
  const address = o.need('address')?.nonEmptyString();
  const port = o.need('port')?.port(false);
  const weight = o.get('weight')?.int(1, 1_000_000) ?? 1;
  return address === undefined || port === undefined ? undefined : { address, port, weight };
}

function readHealthCheck(f: Field): ClusterConfig['healthCheck'] | undefined {
  const o = f.object(['type', 'path', 'service', 'interval', 'timeout', 'unhealthyThreshold', 'healthyThreshold']);
  if (o === undefined) return undefined;
  const type = o.get('type')?.oneOf(['http', 'grpc'] as const) ?? 'http';
  if (type === 'http' && o.has('service')) o.get('service')?.fail('"service" is for gRPC health checks (type: grpc)');
  const pathField = o.get('path');
  let path = type === 'http' ? '/healthz' : '/grpc.health.v1.Health/Check';
  if (pathField !== undefined) {
    const p = pathField.string();
    if (p !== undefined && !p.startsWith('/')) pathField.fail('must start with "/"');
    else if (p !== undefined) path = p;
  }
  const intervalMs = o.get('interval')?.duration() ?? 5000;
  const timeoutMs = o.get('timeout')?.duration() ?? 1000;
  if (intervalMs === 0) o.get('interval')?.fail('must be longer than 0s');
  if (timeoutMs === 0) o.get('timeout')?.fail('must be longer than 0s');
  else if (timeoutMs > intervalMs && intervalMs > 0) o.get('timeout')?.fail('must not be longer than interval');
  return {
    type,
    path,
    intervalMs,
    timeoutMs,
    unhealthyThreshold: o.get('unhealthyThreshold')?.int(1, 100) ?? 3,
    healthyThreshold: o.get('healthyThreshold')?.int(1, 100) ?? 2,
    grpcService: o.get('service')?.string() ?? '',
  };
}

function readCluster(f: Field): ClusterConfig | undefined {
  const o = f.object([
    'name', 'appProtocol', 'hosts', 'service', 'loadBalancing', 'tls', 'healthCheck', 'outlier', 'timeouts', 'maxStreamsPerConnection', 'maxConnections', 'queueAfterConnections',
  ]);
  if (o === undefined) return undefined;
  const name = o.need('name') && readName(o.get('name')!);
  const protocolField = o.get('appProtocol');
  const rawProtocol = protocolField?.oneOf(APP_PROTOCOLS) ?? 'http';
  // Kubernetes' standard appProtocol for cleartext HTTP/2 (KEP-3726) is the same thing as h2c.
  const appProtocol: AppProtocol = rawProtocol === 'kubernetes.io/h2c' ? 'h2c' : rawProtocol;

  let service: ClusterConfig['service'] = null;
  const sf = o.get('service');
  if (sf !== undefined) {
    const s = sf.object(['name', 'namespace', 'port']);
    const sname = s?.need('name')?.nonEmptyString();
    if (sname !== undefined) service = { name: sname, namespace: s!.get('namespace')?.nonEmptyString() ?? 'default', port: s!.get('port')?.port(false) ?? null };
  }

  const hosts: ClusterConfig['hosts'] = [];
  const hostsField = o.get('hosts');
  if (hostsField !== undefined) {
    for (const hf of hostsField.list() ?? []) {
      const h = readHost(hf);
      if (h === undefined) continue;
      if (hosts.some((x) => x.address === h.address && x.port === h.port)) hf.fail(`duplicate host ${h.address}:${h.port}`);
      else hosts.push(h);
    }
    if (hosts.length === 0 && hostsField.isList() && (hostsField.list() ?? []).length === 0) hostsField.fail('a cluster needs at least one host');
  } else if (service !== null && service.port !== null) {
    hosts.push({ address: `${service.name}.${service.namespace}.svc`, port: service.port, weight: 1 });
  } else {
    o.need('hosts');
  }

  let tls: ClusterConfig['tls'] = null;
  const tf = o.get('tls');
  if (tf !== undefined) {
    const t = tf.object(['serverName', 'rejectUnauthorized', 'caFile']);
    const sn = t?.get('serverName');
    const ca = t?.get('caFile');
    tls = {
      serverName: sn === undefined ? null : hostname(sn, false) ?? null,
      rejectUnauthorized: t?.get('rejectUnauthorized')?.bool() ?? true,
      caFile: ca === undefined ? null : readFile(ca) ?? null,
    };
    if (appProtocol === 'h2c') tf.fail('h2c is cleartext HTTP/2: use appProtocol h2 for HTTP/2 over TLS');
  } else if (appProtocol === 'h2') {
    tls = { serverName: null, rejectUnauthorized: true, caFile: null }; // h2 means HTTP/2 over TLS (ALPN "h2")
  }

  const hc = o.get('healthCheck');
  const outlierField = o.get('outlier')?.object(['consecutiveFailures', 'ejectionTime']);
  const timeoutsField = o.get('timeouts')?.object(['connect', 'request', 'idle']);
  const cluster: ClusterConfig = {
    name: name ?? '',
    appProtocol,
    tls,
    hosts,
    loadBalancing: o.get('loadBalancing')?.oneOf(['round-robin', 'least-request', 'random'] as const) ?? 'round-robin',
    healthCheck: hc === undefined ? null : readHealthCheck(hc) ?? null,
    outlier: {
      consecutiveFailures: outlierField?.get('consecutiveFailures')?.int(0, 1000) ?? DEFAULT_OUTLIER.consecutiveFailures,
      ejectionMs: outlierField?.get('ejectionTime')?.duration() ?? DEFAULT_OUTLIER.ejectionMs,
    },
    timeouts: {
      connectMs: timeoutsField?.get('connect')?.duration() ?? DEFAULT_CLUSTER_TIMEOUTS.connectMs,
      requestMs: timeoutsField?.get('request')?.duration() ?? DEFAULT_CLUSTER_TIMEOUTS.requestMs,
      idleMs: timeoutsField?.get('idle')?.duration() ?? DEFAULT_CLUSTER_TIMEOUTS.idleMs,
    },
    maxStreamsPerConnection: o.get('maxStreamsPerConnection')?.int(0, 2 ** 31 - 1) ?? 0,
    maxConnections: o.get('maxConnections')?.int(0, 1_000_000) ?? 0,
    service,
    demoBackend: null,
  };
  const queueAfter = o.get('queueAfterConnections')?.int(0, 1_000_000);
  if (queueAfter !== undefined) cluster.queueAfterConnections = queueAfter;
  return name === undefined ? undefined : cluster;
}

function readBackends(f: Field): PendingBackend[] {
  const out: PendingBackend[] = [];
  for (const item of f.list() ?? []) {
    if (item.isString()) {
      out.push({ kind: 'cluster', at: item, cluster: item.string()!, weight: 1 });
      continue;
    }
    const o = item.object(['cluster', 'weight']);
    const cf = o?.need('cluster');
    const cluster = cf?.nonEmptyString();
    const weight = o?.get('weight')?.int(0, 1_000_000) ?? 1;
    if (cluster !== undefined) out.push({ kind: 'cluster', at: cf!, cluster, weight });
  }
  return out;
}

function readRoute(f: Field, index: number, draft: Draft): void {
  const o = f.object(['name', 'hostnames', 'listeners', 'matches', 'filters', 'backends', 'timeouts', 'retry']);
  if (o === undefined) return;
  const name = o.get('name') === undefined ? `route-${index}` : readName(o.get('name')!) ?? `route-${index}`;
  const matchesField = o.get('matches');
  const matches: RouteMatch[] = [];
  if (matchesField === undefined) matches.push({ path: DEFAULT_PATH_MATCH, method: null, headers: [], queryParams: [], grpc: null });
  else for (const mf of matchesField.list() ?? []) {
    const m = readHttpMatch(mf, 'native');
    if (m !== undefined) matches.push(m);
  }
  const grpcCount = matches.filter((m) => m.grpc !== null).length;
  if (grpcCount > 0 && grpcCount < matches.length) matchesField?.fail('gRPC matches and HTTP path matches cannot be mixed in one route; split them into two routes');
  const filters = o.get('filters') === undefined ? [] : readFilters(o.get('filters')!, 'native', matches);
  const listeners: Array<{ at: Field; name: string }> = [];
  for (const lf of o.get('listeners')?.list() ?? []) {
    const l = lf.nonEmptyString();
    if (l !== undefined) listeners.push({ at: lf, name: l });
  }
  const backendsField = o.get('backends');
  const redirects = filters.some((x) => x.type === 'RequestRedirect');
  const route: RouteConfig = {
    name,
    hostnames: o.get('hostnames') === undefined ? [] : readHostnames(o.get('hostnames')!),
    listeners: listeners.map((l) => l.name),
    matches,
    filters,
    backends: [],
    timeouts: o.get('timeouts') === undefined ? { request: 0, backendRequest: 0 } : readTimeouts(o.get('timeouts')!),
    retry: o.get('retry') === undefined ? null : readRetry(o.get('retry')!),
    kind: grpcCount > 0 && grpcCount === matches.length ? 'GRPCRoute' : 'HTTPRoute',
  };
  if (backendsField === undefined && !redirects) o.need('backends');
  draft.routes.push({
    route,
    at: o.get('name') ?? f,
    backends: backendsField === undefined ? [] : readBackends(backendsField),
    listeners,
    parents: null,
    redirects,
    backendsWritten: backendsField !== undefined,
  });
}

function readLimits(f: Field): ProxyLimits {
  const o = f.object(['drainTimeout', 'maxRequestBodyBytes', 'maxConnections', 'maxConcurrentStreams', 'maxHeaderListBytes', 'requestHeadersTimeout', 'idleTimeout']);
  const d = DEFAULT_LIMITS;
  return {
    drainTimeoutMs: o?.get('drainTimeout')?.duration() ?? d.drainTimeoutMs,
    maxRequestBodyBytes: o?.get('maxRequestBodyBytes')?.int(0, Number.MAX_SAFE_INTEGER) ?? d.maxRequestBodyBytes,
    maxConnections: o?.get('maxConnections')?.int(0, 10_000_000) ?? d.maxConnections,
    maxConcurrentStreams: o?.get('maxConcurrentStreams')?.int(1, 2 ** 31 - 1) ?? d.maxConcurrentStreams,
    maxHeaderListBytes: o?.get('maxHeaderListBytes')?.int(1024, 16 * 1024 * 1024) ?? d.maxHeaderListBytes,
    requestHeadersTimeoutMs: o?.get('requestHeadersTimeout')?.duration() ?? d.requestHeadersTimeoutMs,
    idleTimeoutMs: o?.get('idleTimeout')?.duration() ?? d.idleTimeoutMs,
  };
}

function once<K extends 'accessLog' | 'admin' | 'limits'>(draft: Draft, key: K, f: Field, value: NonNullable<Draft[K]>['value']): void {
  const prev = draft[key];
  if (prev !== null) {
    const p = prev.at.position;
    f.fail(`"${key}" is already set at ${p.file}:${p.line}:${p.column}`);
    return;
  }
  (draft as unknown as Record<string, unknown>)[key] = { value, at: f };
}

/** Reads one strand-proxy schema document (its root mapping) into the draft. */
export function readNativeDocument(root: Obj, draft: Draft): void {
  root.get('listeners')?.list()?.forEach((lf) => {
    const l = readListener(lf, draft.listeners.length);
    if (l !== undefined) draft.listeners.push({ listener: l, at: lf });
  });
  root.get('clusters')?.list()?.forEach((cf) => {
    const c = readCluster(cf);
    if (c !== undefined) draft.clusters.push({ cluster: c, at: cf });
  });
  root.get('routes')?.list()?.forEach((rf) => readRoute(rf, draft.routes.length, draft));
  const al = root.get('accessLog');
  if (al !== undefined) {
    const value = readAccessLog(al);
    if (value !== undefined) once(draft, 'accessLog', al, value);
  } else if (root.has('accessLog')) once(draft, 'accessLog', root.src.field(root.node, root.sub('accessLog')), null); // `accessLog: null` turns it off
  const ad = root.get('admin');
  if (ad !== undefined) {
    const o = ad.object(['address', 'port']);
    const port = o?.need('port')?.port();
    if (port !== undefined) once(draft, 'admin', ad, { address: o!.get('address')?.nonEmptyString() ?? '127.0.0.1', port });
  } else if (root.has('admin')) once(draft, 'admin', root.src.field(root.node, root.sub('admin')), null);
  const lim = root.get('limits');
  if (lim !== undefined) once(draft, 'limits', lim, readLimits(lim));
  root.get('demoBackends')?.list()?.forEach((df) => {
    if (df.isString()) {
      const name = readName(df);
      if (name !== undefined) draft.demoBackends.push({ demo: { name, port: 0 }, at: df });
      return;
    }
    const o = df.object(['name', 'port']);
    const name = o?.need('name') && readName(o.get('name')!);
    const port = o?.get('port')?.port() ?? 0;
    if (name !== undefined) draft.demoBackends.push({ demo: { name, port }, at: df });
  });
}
