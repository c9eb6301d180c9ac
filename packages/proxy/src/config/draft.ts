// What the per-document readers produce before cross-document checks: config pieces plus the fields where each
// reference was written, so that "unknown cluster" is reported at the right file:line:column after every file was read.
import type { Field } from './reader.js';
import type { AccessLogConfig, AdminConfig, AppProtocol, ClusterConfig, DemoBackendConfig, ListenerConfig, ProxyLimits, RouteConfig } from './types.js';

export type PendingBackend =
  | { kind: 'cluster'; at: Field; cluster: string; weight: number }
  /** A Gateway API backendRef to a Service: resolved to a cluster alias, a cluster of that name, or host name:port. */
  | { kind: 'service'; at: Field; name: string; namespace: string; namespaced: boolean; port: number; weight: number; appProtocol: AppProtocol };

export type PendingParent = { at: Field; name: string; sectionName: string | null; port: number | null };

export interface DraftRoute {
  route: RouteConfig;
  at: Field;
  backends: PendingBackend[];
  /** Native routes: listener names as written. */
  listeners: Array<{ at: Field; name: string }>;
  /** Gateway routes: parentRefs. */
  parents: PendingParent[] | null;
  /** Rule has a RequestRedirect, so having no backend is fine. */
  redirects: boolean;
  /** Backends were written (possibly invalid ones, already reported): do not also report "no backends". */
  backendsWritten: boolean;
}

export interface Draft {
  listeners: Array<{ listener: ListenerConfig; at: Field }>;
  clusters: Array<{ cluster: ClusterConfig; at: Field }>;
  routes: DraftRoute[];
  accessLog: { value: AccessLogConfig | null; at: Field } | null;
  admin: { value: AdminConfig | null; at: Field } | null;
  limits: { value: ProxyLimits; at: Field } | null;
  demoBackends: Array<{ demo: DemoBackendConfig; at: Field }>;
  /** Gateway routes seen so far, `kind/namespace/name`, to report duplicates. */
  gatewayNames: Map<string, Field>;
}

export function emptyDraft(): Draft {
  return { listeners: [], clusters: [], routes: [], accessLog: null, admin: null, limits: null, demoBackends: [], gatewayNames: new Map() };
}
