// Cross-document checks and resolution: listener and cluster names are unique, routes name known listeners and
// clusters (Gateway API backendRefs resolve to a cluster's `service` alias, a cluster of the same name, or an implicit
// cluster for host `name:port`), demo backends become clusters, and the final ProxyConfig is built.
import type { Draft, PendingBackend } from './draft.js';
import type { Field } from './reader.js';
import type { BackendRef, ClusterConfig, ProxyConfig } from './types.js';
import { didYouMean } from './suggest.js';
import { DEFAULT_CLUSTER_TIMEOUTS, DEFAULT_LIMITS, DEFAULT_OUTLIER } from './native.js';

function where(at: { position: { file: string; line: number; column: number } }): string {
  const p = at.position;
  return `${p.file}:${p.line}:${p.column}`;
}

export function implicitCluster(name: string, address: string, port: number, appProtocol: ClusterConfig['appProtocol'], service: ClusterConfig['service']): ClusterConfig {
  return {
    name,
    appProtocol,
    tls: null,
    hosts: [{ address, port, weight: 1 }],
    loadBalancing: 'round-robin',
    healthCheck: null,
    outlier: { ...DEFAULT_OUTLIER },
    timeouts: { ...DEFAULT_CLUSTER_TIMEOUTS },
    maxStreamsPerConnection: 0,
    maxConnections: 0,
    service,
    demoBackend: null,
  };
}

function resolveService(b: Extract<PendingBackend, { kind: 'service' }>, clusters: Map<string, ClusterConfig>): string {
  let byName: ClusterConfig | null = null;
  for (const c of clusters.values()) {
    const s = c.service;
    if (s !== null && s.name === b.name && s.namespace === b.namespace && (s.port === null || s.port === b.port)) return c.name;
    if (byName === null && c.name === b.name && c.service === null && c.demoBackend === null) byName = c;
  }
  if (byName !== null) return byName.name;
  // No declared cluster: the Service's DNS name, as a pod in the route's namespace would resolve it.
  const address = b.namespaced ? `${b.name}.${b.namespace}` : b.name;
  const name = `${address}:${b.port}`;
  if (!clusters.has(name)) clusters.set(name, implicitCluster(name, address, b.port, b.appProtocol, { name: b.name, namespace: b.namespace, port: b.port }));
  return name;
}

/** Resolves the draft into a ProxyConfig, reporting problems at the fields that caused them. */
/** `report(null, …)` is a problem with the whole configuration (reported at the first file's start). */
export function assemble(draft: Draft, source: string, report: (at: Field | null, message: string) => void): ProxyConfig {
  const listeners = new Map<string, Draft['listeners'][number]>();
  for (const entry of draft.listeners) {
    const l = entry.listener;
    const prev = listeners.get(l.name);
    if (prev !== undefined) {
      report(entry.at, `listener name ${JSON.stringify(l.name)} is already used at ${where(prev.at)}`);
      continue;
    }
    const clash = [...listeners.values()].find((x) => l.port !== 0 && x.listener.port === l.port && (x.listener.address === l.address || x.listener.address === '0.0.0.0' || l.address === '0.0.0.0'));
    if (clash !== undefined) report(entry.at, `port ${l.port} is already used by listener ${JSON.stringify(clash.listener.name)} at ${where(clash.at)}`);
    listeners.set(l.name, entry);
  }
  if (draft.admin?.value != null) {
    const a = draft.admin.value;
    const clash = [...listeners.values()].find((x) => a.port !== 0 && x.listener.port === a.port && (x.listener.address === a.address || x.listener.address === '0.0.0.0' || a.address === '0.0.0.0'));
    if (clash !== undefined) report(draft.admin.at, `admin port ${a.port} is already used by listener ${JSON.stringify(clash.listener.name)}`);
  }

  const clusters = new Map<string, ClusterConfig>();
  const clusterAt = new Map<string, Draft['clusters'][number]['at']>();
  for (const { cluster, at } of draft.clusters) {
    if (clusterAt.has(cluster.name)) {
      report(at, `cluster name ${JSON.stringify(cluster.name)} is already used at ${where({ position: clusterAt.get(cluster.name)!.position })}`);
      continue;
    }
    clusters.set(cluster.name, cluster);
    clusterAt.set(cluster.name, at);
  }
  const demoBackends = [];
  for (const { demo, at } of draft.demoBackends) {
    if (clusterAt.has(demo.name)) {
      report(at, `demo backend ${JSON.stringify(demo.name)} clashes with the cluster of that name at ${where({ position: clusterAt.get(demo.name)!.position })}`);
      continue;
    }
    const c = implicitCluster(demo.name, '127.0.0.1', demo.port, 'h2c', null);
    c.demoBackend = demo.name;
    clusters.set(demo.name, c);
    clusterAt.set(demo.name, at);
    demoBackends.push(demo);
  }

  const routes = [];
  const routeNames = new Map<string, Draft['routes'][number]['at']>();
  for (const d of draft.routes) {
    const r = d.route;
    const prev = routeNames.get(r.name);
    if (prev !== undefined) report(d.at, `route name ${JSON.stringify(r.name)} is already used at ${where(prev)}`);
    routeNames.set(r.name, d.at);
    for (const l of d.listeners) {
      if (!listeners.has(l.name)) report(l.at, `unknown listener ${JSON.stringify(l.name)}${didYouMean(l.name, listeners.keys())}`);
    }
    if (d.parents !== null) {
      const attached = new Set<string>();
      let all = false;
      for (const p of d.parents) {
        // sectionName names a listener; a bare name that is a listener's name attaches there; any other Gateway name
        // means "this proxy", i.e. every listener (optionally narrowed by port).
        const candidates = [...listeners.values()].map((x) => x.listener).filter((l) => p.port === null || l.port === p.port);
        if (p.sectionName !== null) {
          if (candidates.some((l) => l.name === p.sectionName)) attached.add(p.sectionName);
          else report(p.at, `sectionName ${JSON.stringify(p.sectionName)} names no listener${p.port === null ? '' : ` on port ${p.port}`}${didYouMean(p.sectionName, listeners.keys())}`);
        } else if (listeners.has(p.name)) {
          attached.add(p.name);
        } else if (p.port !== null) {
          if (candidates.length === 0) report(p.at, `no listener on port ${p.port}`);
          for (const l of candidates) attached.add(l.name);
        } else all = true;
      }
      r.listeners = all ? [] : [...attached];
    }
    const backends: BackendRef[] = [];
    for (const b of d.backends) {
      if (b.kind === 'cluster') {
        if (!clusters.has(b.cluster)) report(b.at, `unknown cluster ${JSON.stringify(b.cluster)}${didYouMean(b.cluster, clusters.keys())}`);
        else backends.push({ cluster: b.cluster, weight: b.weight });
      } else backends.push({ cluster: resolveService(b, clusters), weight: b.weight });
    }
    if (!d.backendsWritten && !d.redirects && d.parents === null) report(d.at, 'route has no backends: give "backends" (or a RequestRedirect filter)');
    if (!d.backendsWritten && !d.redirects && d.parents !== null) report(d.at, 'rule has no backendRefs: every request would be answered 500 (add backendRefs or a RequestRedirect filter)');
    r.backends = backends;
    routes.push(r);
  }

  if (listeners.size === 0) report(null, 'no listeners: declare at least one under "listeners"');
  return {
    source,
    listeners: [...listeners.values()].map((x) => x.listener),
    routes,
    clusters,
    accessLog: draft.accessLog === null ? null : draft.accessLog.value,
    admin: draft.admin === null ? null : draft.admin.value,
    limits: draft.limits?.value ?? { ...DEFAULT_LIMITS },
    demoBackends,
  };
}
