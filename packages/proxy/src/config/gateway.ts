// Gateway API HTTPRoute and GRPCRoute documents (gateway.networking.k8s.io), exactly as given to `kubectl apply`.
// Each rule becomes one RouteConfig named `<name>/<rule index or rule name>` (namespace-prefixed outside
// "default"); backendRefs and parentRefs are kept pending and resolved against our listeners and clusters later.
import type { Field, Obj } from './reader.js';
import type { Draft, PendingBackend, PendingParent } from './draft.js';
import type { RouteConfig, RouteMatch } from './types.js';
import { DEFAULT_PATH_MATCH, readFilters, readGrpcMatch, readHostnames, readHttpMatch, readRetry, readTimeouts } from './route-parts.js';

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';
const API_VERSIONS: Record<string, readonly string[]> = {
  HTTPRoute: [`${GATEWAY_GROUP}/v1`, `${GATEWAY_GROUP}/v1beta1`],
  GRPCRoute: [`${GATEWAY_GROUP}/v1`, `${GATEWAY_GROUP}/v1alpha2`],
};
/** Kubernetes object names (RFC 1123 subdomain). */
const K8S_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function k8sName(f: Field): string | undefined {
  const s = f.string();
  if (s === undefined) return undefined;
  if (!K8S_NAME.test(s) || s.length > 253) return f.fail(`invalid Kubernetes name ${JSON.stringify(s)} (lowercase letters, digits, "-" and ".")`);
  return s;
}

function readParentRef(f: Field): PendingParent | undefined {
  const o = f.object(['group', 'kind', 'namespace', 'name', 'sectionName', 'port']);
  if (o === undefined) return undefined;
  const group = o.get('group')?.string() ?? GATEWAY_GROUP;
  const kind = o.get('kind')?.string() ?? 'Gateway';
  if (group !== GATEWAY_GROUP || kind !== 'Gateway') {
    o.get(group !== GATEWAY_GROUP ? 'group' : 'kind')?.fail(`parentRefs must name a Gateway (group ${GATEWAY_GROUP}); strand-proxy does not act as a mesh (kind Service)`);
    return undefined;
  }
  o.get('namespace')?.string();
  const name = o.need('name') && k8sName(o.get('name')!);
  const sectionName = o.get('sectionName')?.nonEmptyString() ?? null;
  const port = o.get('port')?.port(false) ?? null;
  return name === undefined ? undefined : { at: o.get('sectionName') ?? o.get('name')!, name, sectionName, port };
}

function readBackendRef(f: Field, namespace: string, kind: 'HTTPRoute' | 'GRPCRoute'): PendingBackend | undefined {
  const o = f.object(['group', 'kind', 'name', 'namespace', 'port', 'weight', 'filters']);
  if (o === undefined) return undefined;
  const group = o.get('group')?.string() ?? '';
  const refKind = o.get('kind')?.string() ?? 'Service';
  if (group !== '' || refKind !== 'Service') {
    o.get(refKind !== 'Service' ? 'kind' : 'group')?.fail(`only backendRefs to a core Service are supported (got ${group === '' ? '' : group + '/'}${refKind})`);
    return undefined;
  }
  if (o.has('filters')) o.get('filters')?.fail('per-backend filters are not supported by strand-proxy; put the filters on the rule');
  const nameField = o.need('name');
  const name = nameField && k8sName(nameField);
  const nsField = o.get('namespace');
  const ns = nsField === undefined ? undefined : k8sName(nsField);
  const port = o.need('port')?.port(false);
  const weight = o.get('weight')?.int(0, 1_000_000) ?? 1;
  if (name === undefined || port === undefined) return undefined;
  return {
    kind: 'service',
    at: nameField!,
    name,
    namespace: ns ?? namespace,
    namespaced: ns !== undefined,
    port,
    weight,
    appProtocol: kind === 'GRPCRoute' ? 'grpc' : 'http',
  };
}

function readRule(f: Field, kind: 'HTTPRoute' | 'GRPCRoute', index: number, base: { name: string; namespace: string; hostnames: string[]; parents: PendingParent[] }, draft: Draft): void {
  const keys = kind === 'HTTPRoute'
    ? ['name', 'matches', 'filters', 'backendRefs', 'timeouts', 'retry', 'sessionPersistence']
    : ['name', 'matches', 'filters', 'backendRefs', 'sessionPersistence'];
  const o = f.object(keys);
  if (o === undefined) return;
  if (o.has('sessionPersistence')) o.get('sessionPersistence')?.fail('sessionPersistence is not supported by strand-proxy');
  const ruleName = o.get('name') === undefined ? String(index) : k8sName(o.get('name')!) ?? String(index);
  const matches: RouteMatch[] = [];
  const mf = o.get('matches');
  for (const item of mf?.list() ?? []) {
    const m = kind === 'HTTPRoute' ? readHttpMatch(item, 'HTTPRoute') : readGrpcMatch(item);
    if (m !== undefined) matches.push(m);
  }
  // Gateway API defaults: no matches = PathPrefix "/" (HTTPRoute) or every gRPC request (GRPCRoute).
  if (mf === undefined || (mf.isList() && matches.length === 0 && (mf.list() ?? []).length === 0)) {
    matches.push(kind === 'HTTPRoute'
      ? { path: DEFAULT_PATH_MATCH, method: null, headers: [], queryParams: [], grpc: null }
      : { path: null, method: null, headers: [], queryParams: [], grpc: { type: 'Exact', service: null, method: null } });
  }
  const filters = o.get('filters') === undefined ? [] : readFilters(o.get('filters')!, kind, matches);
  const backends: PendingBackend[] = [];
  for (const item of o.get('backendRefs')?.list() ?? []) {
    const b = readBackendRef(item, base.namespace, kind);
    if (b !== undefined) backends.push(b);
  }
  const prefix = base.namespace === 'default' ? '' : `${base.namespace}/`;
  const route: RouteConfig = {
    name: `${prefix}${base.name}/${ruleName}`,
    hostnames: base.hostnames,
    listeners: [],
    matches,
    filters,
    backends: [],
    timeouts: o.get('timeouts') === undefined ? { request: 0, backendRequest: 0 } : readTimeouts(o.get('timeouts')!),
    retry: o.get('retry') === undefined ? null : readRetry(o.get('retry')!),
    kind,
  };
  const refs = o.get('backendRefs');
  draft.routes.push({
    route,
    at: f,
    backends,
    listeners: [],
    parents: base.parents,
    redirects: filters.some((x) => x.type === 'RequestRedirect'),
    backendsWritten: refs !== undefined && refs.isList() && refs.node !== null && (refs.list() ?? []).length > 0,
  });
}

/** Reads one Kubernetes-style document (it has apiVersion or kind) into the draft. */
export function readGatewayDocument(root: Obj, draft: Draft): void {
  const kindField = root.need('kind');
  const apiField = root.need('apiVersion');
  const kind = kindField?.string();
  if (kindField === undefined || kind === undefined) return;
  if (kind !== 'HTTPRoute' && kind !== 'GRPCRoute') {
    kindField.fail(`kind ${JSON.stringify(kind)} is not supported: strand-proxy reads Gateway API HTTPRoute and GRPCRoute documents; declare listeners and clusters in the strand-proxy schema`);
    return;
  }
  const api = apiField?.string();
  if (api !== undefined && !API_VERSIONS[kind]!.includes(api)) {
    apiField!.fail(`apiVersion ${JSON.stringify(api)} is not supported for ${kind}; use ${API_VERSIONS[kind]![0]}`);
  }
  const meta = root.need('metadata')?.object(['name', 'namespace', 'labels', 'annotations']);
  const name = meta?.need('name') && k8sName(meta.get('name')!);
  const namespace = (meta?.get('namespace') && k8sName(meta.get('namespace')!)) ?? 'default';
  meta?.get('labels')?.entries();
  meta?.get('annotations')?.entries();
  root.get('status'); // `kubectl get -o yaml` output carries status; it is ignored.
  const spec = root.need('spec')?.object(['parentRefs', 'hostnames', 'rules']);
  if (spec === undefined) return;
  if (name !== undefined) {
    const id = `${kind}/${namespace}/${name}`;
    const seen = draft.gatewayNames.get(id);
    if (seen !== undefined) {
      const p = seen.position;
      meta!.get('name')!.fail(`${kind} ${namespace}/${name} is already defined at ${p.file}:${p.line}:${p.column}`);
      return;
    }
    draft.gatewayNames.set(id, meta!.get('name')!);
  }
  const parents: PendingParent[] = [];
  const pf = spec.get('parentRefs');
  for (const item of pf?.list() ?? []) {
    const p = readParentRef(item);
    if (p !== undefined) parents.push(p);
  }
  if (pf === undefined) spec.fail('no parentRefs: the route would not be attached to any listener (add parentRefs naming the Gateway or a listener)');
  const hostnames = spec.get('hostnames') === undefined ? [] : readHostnames(spec.get('hostnames')!);
  const rules = spec.get('rules');
  const base = { name: name ?? '(invalid)', namespace, hostnames, parents }; // keep reading to report every problem
  if (rules === undefined) {
    // Gateway API: a route without rules has one default rule (match everything) with no backends → 500.
    spec.fail('no rules: every request would be answered 500; add rules with backendRefs');
    return;
  }
  (rules.list() ?? []).forEach((rf, i) => readRule(rf, kind, i, base, draft));
}
