// Readers for the parts of a routing rule that our own schema shares with Gateway API HTTPRoute/GRPCRoute rules:
// matches, filters, timeouts and retry. Shapes follow gateway.networking.k8s.io/v1; our schema adds shorthands
// (`path: /api`, header maps) documented in docs/proxy.md.
import type { Field } from './reader.js';
import type { HeaderMatch, HeaderModifier, PathMatch, QueryMatch, RouteConfig, RouteFilter, RouteMatch } from './types.js';

export type RuleKind = 'native' | 'HTTPRoute' | 'GRPCRoute';

/** RFC 9110 §5.1 field-name token; Gateway API HTTPHeaderName uses the same character set. */
const TOKEN = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;
/** Gateway API PreciseHostname (RFC 1123, lowercase, no wildcard). */
const PRECISE_HOSTNAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Gateway API Hostname: optionally one leading `*.` label. */
const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Gateway API HTTPMethod. */
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'] as const;
const MATCH_TYPES = ['Exact', 'RegularExpression'] as const;
const PATH_TYPES = ['Exact', 'PathPrefix', 'RegularExpression'] as const;
const FILTER_KEYS: Record<string, string> = {
  RequestHeaderModifier: 'requestHeaderModifier',
  ResponseHeaderModifier: 'responseHeaderModifier',
  RequestRedirect: 'requestRedirect',
  URLRewrite: 'urlRewrite',
  RequestMirror: 'requestMirror',
  ExtensionRef: 'extensionRef',
  CORS: 'cors',
  ExternalAuth: 'externalAuth',
};
const SUPPORTED_FILTERS: Record<RuleKind, readonly string[]> = {
  native: ['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestRedirect', 'URLRewrite'],
  HTTPRoute: ['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestRedirect', 'URLRewrite'],
  GRPCRoute: ['RequestHeaderModifier', 'ResponseHeaderModifier'],
};

export const DEFAULT_PATH_MATCH: PathMatch = { type: 'PathPrefix', value: '/' };

export function headerName(f: Field): string | undefined {
  const s = f.string();
  if (s === undefined) return undefined;
  if (!TOKEN.test(s)) return f.fail(`invalid header name ${JSON.stringify(s)}: only RFC 9110 token characters are allowed`);
  if (s.length > 256) return f.fail('header name longer than 256 characters');
  return s;
}

export function headerValue(f: Field): string | undefined {
  const s = f.string();
  if (s === undefined) return undefined;
  if (/[\r\n\0]/.test(s)) return f.fail('header value must not contain CR, LF or NUL');
  // Field values are octets (RFC 9110 §5.5), one per character on the wire: a character above U+00FF would lose its
  // high byte there (U+010A would become LF).
  const wide = s.search(/[^\0-\xff]/);
  if (wide >= 0) return f.fail(`header value has a character above U+00FF (${codePointName(s, wide)} at offset ${wide}): values are octets, one per character`);
  return s;
}

function codePointName(s: string, at: number): string {
  return `U+${s.codePointAt(at)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

export function hostname(f: Field, wildcard: boolean): string | undefined {
  const s = f.string();
  if (s === undefined) return undefined;
  if (s !== s.toLowerCase()) return f.fail(`hostname ${JSON.stringify(s)} must be lowercase`);
  if (!(wildcard ? HOSTNAME : PRECISE_HOSTNAME).test(s) || s.length > 253) {
    return f.fail(`invalid hostname ${JSON.stringify(s)}${wildcard ? ' (a wildcard must be the whole first label: "*.example.com")' : ''}`);
  }
  return s;
}

/** Compiles a full-match (anchored) regular expression, reporting syntax errors at `f`. */
export function regex(f: Field, source: string): RegExp | undefined {
  try {
    return new RegExp(`^(?:${source})$`);
  } catch (e) {
    return f.fail(`invalid regular expression ${JSON.stringify(source)}: ${(e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '')}`);
  }
}

function pathValue(f: Field): string | undefined {
  const s = f.string();
  if (s === undefined) return undefined;
  if (!s.startsWith('/')) return f.fail(`path ${JSON.stringify(s)} must start with "/"`);
  if (/[?#\s]/.test(s)) return f.fail(`path ${JSON.stringify(s)} must not contain "?", "#" or whitespace`);
  // RFC 3986 §2: a path on the wire is ASCII; anything else is percent-encoded (a character above U+00FF would
  // otherwise lose its high byte on the way to the backend).
  const other = s.search(/[^\x21-\x7e]/);
  if (other >= 0) return f.fail(`path ${JSON.stringify(s)} has ${codePointName(s, other)} at offset ${other}: only visible ASCII is allowed (percent-encode other characters)`);
  if (s.length > 1024) return f.fail('path longer than 1024 characters');
  return s;
}

function readPathMatch(f: Field, kind: RuleKind): PathMatch | undefined {
  if (kind === 'native' && f.isString()) {
    const value = pathValue(f); // shorthand: `path: /api` is PathPrefix /api
    return value === undefined ? undefined : { type: 'PathPrefix', value };
  }
  const o = f.object(['type', 'value']);
  if (o === undefined) return undefined;
  const type = o.get('type')?.oneOf(PATH_TYPES) ?? 'PathPrefix';
  const vf = o.get('value');
  if (type === 'RegularExpression') {
    if (vf === undefined) {
      o.need('value');
      return undefined;
    }
    const source = vf.nonEmptyString();
    const re = source === undefined ? undefined : regex(vf, source);
    return source === undefined || re === undefined ? undefined : { type, value: source, regex: re };
  }
  const value = vf === undefined ? '/' : pathValue(vf);
  return value === undefined ? undefined : { type, value };
}

function readValueMatches(f: Field, what: 'header' | 'query'): Array<HeaderMatch | QueryMatch> | undefined {
  const out: Array<HeaderMatch | QueryMatch> = [];
  const seen = new Set<string>();
  const push = (nameField: Field, name: string, type: 'Exact' | 'RegularExpression', valueField: Field, value: string): void => {
    const key = what === 'header' ? name.toLowerCase() : name;
    if (seen.has(key)) {
      nameField.fail(`duplicate ${what} match for ${JSON.stringify(name)}`);
      return;
    }
    seen.add(key);
    if (type === 'RegularExpression') {
      const re = regex(valueField, value);
      if (re !== undefined) out.push({ type, name: key, value, regex: re });
    } else out.push({ type, name: key, value });
  };
  if (!f.isList()) {
    // Our shorthand: `headers: { x-env: canary, x-id: { regex: "[0-9]+" } }`.
    const entries = f.entries();
    if (entries === undefined) return undefined;
    for (const [k, v] of entries) {
      const name = headerName(k);
      if (name === undefined) continue;
      if (!v.isMap()) {
        const value = v.string(); // reports non-strings ("quote it")
        if (value !== undefined) push(k, name, 'Exact', v, value);
        continue;
      }
      const o = v.object(['exact', 'regex']);
      if (o === undefined) continue;
      const exact = o.get('exact');
      const re = o.get('regex');
      if ((exact === undefined) === (re === undefined)) {
        o.fail('give exactly one of "exact" or "regex"');
        continue;
      }
      const vf = (exact ?? re)!;
      const value = vf.string();
      if (value !== undefined) push(k, name, exact !== undefined ? 'Exact' : 'RegularExpression', vf, value);
    }
    return out;
  }
  for (const item of f.list() ?? []) {
    const o = item.object(['type', 'name', 'value']);
    if (o === undefined) continue;
    const type = o.get('type')?.oneOf(MATCH_TYPES) ?? 'Exact';
    const nf = o.need('name');
    const vf = o.need('value');
    const name = nf === undefined ? undefined : headerName(nf);
    const value = vf === undefined ? undefined : what === 'header' ? headerValue(vf) : vf.string();
    if (name !== undefined && value !== undefined) push(nf!, name, type, vf!, value);
  }
  return out;
}

/** HTTPRouteMatch (or a native route's match). */
export function readHttpMatch(f: Field, kind: RuleKind): RouteMatch | undefined {
  const keys = kind === 'native' ? ['path', 'method', 'headers', 'queryParams', 'grpc'] : ['path', 'method', 'headers', 'queryParams'];
  const o = f.object(keys);
  if (o === undefined) return undefined;
  const grpcField = o.get('grpc');
  if (grpcField !== undefined) {
    // Native gRPC match: `grpc: { service, method, type }` (+ headers); no path/method/query.
    for (const k of ['path', 'method', 'queryParams']) if (o.has(k)) o.get(k)?.fail('not allowed together with "grpc"');
    const grpc = readGrpcMethod(grpcField);
    const headers = o.get('headers');
    return {
      path: null,
      method: null,
      headers: (headers === undefined ? [] : readValueMatches(headers, 'header') ?? []) as HeaderMatch[],
      queryParams: [],
      grpc: grpc ?? { type: 'Exact', service: null, method: null },
    };
  }
  const pathField = o.get('path');
  const path = pathField === undefined ? DEFAULT_PATH_MATCH : readPathMatch(pathField, kind);
  const methodField = o.get('method');
  const method = methodField === undefined ? null : methodField.oneOf(HTTP_METHODS);
  const headers = o.get('headers');
  const query = o.get('queryParams');
  return {
    path: path ?? DEFAULT_PATH_MATCH,
    method: method ?? null,
    headers: (headers === undefined ? [] : readValueMatches(headers, 'header') ?? []) as HeaderMatch[],
    queryParams: (query === undefined ? [] : readValueMatches(query, 'query') ?? []) as QueryMatch[],
    grpc: null,
  };
}

/** GRPCMethodMatch: `{ type?: Exact | RegularExpression, service?, method? }`. */
function readGrpcMethod(f: Field): RouteMatch['grpc'] | undefined {
  const o = f.object(['type', 'service', 'method']);
  if (o === undefined) return undefined;
  const type = o.get('type')?.oneOf(MATCH_TYPES) ?? 'Exact';
  const sf = o.get('service');
  const mf = o.get('method');
  const service = sf?.nonEmptyString() ?? null;
  const method = mf?.nonEmptyString() ?? null;
  if (sf === undefined && mf === undefined && type === 'Exact') {
    o.fail('an Exact gRPC method match needs "service", "method" or both');
    return undefined;
  }
  if (type === 'Exact') {
    // Gateway API GRPCMethodMatch: service is a dotted name, method a bare identifier.
    if (service !== null && !/^[A-Za-z_][A-Za-z_0-9]*(\.[A-Za-z_][A-Za-z_0-9]*)*$/.test(service)) return sf!.fail(`invalid gRPC service name ${JSON.stringify(service)}`);
    if (method !== null && !/^[A-Za-z_][A-Za-z_0-9]*$/.test(method)) return mf!.fail(`invalid gRPC method name ${JSON.stringify(method)}`);
    return { type, service, method };
  }
  const serviceRegex = service === null ? undefined : regex(sf!, service);
  const methodRegex = method === null ? undefined : regex(mf!, method);
  if ((service !== null && serviceRegex === undefined) || (method !== null && methodRegex === undefined)) return undefined;
  const out: NonNullable<RouteMatch['grpc']> = { type, service, method };
  if (serviceRegex !== undefined) out.serviceRegex = serviceRegex;
  if (methodRegex !== undefined) out.methodRegex = methodRegex;
  return out;
}

/** GRPCRouteMatch: `{ method?: GRPCMethodMatch, headers? }`. A match without `method` matches every gRPC request. */
export function readGrpcMatch(f: Field): RouteMatch | undefined {
  const o = f.object(['method', 'headers']);
  if (o === undefined) return undefined;
  const mf = o.get('method');
  const grpc = mf === undefined ? { type: 'Exact' as const, service: null, method: null } : readGrpcMethod(mf);
  const headers = o.get('headers');
  if (grpc === undefined) return undefined;
  return { path: null, method: null, headers: (headers === undefined ? [] : readValueMatches(headers, 'header') ?? []) as HeaderMatch[], queryParams: [], grpc };
}

function readHeaderPairs(f: Field, seen: Set<string>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const add = (nf: Field, name: string | undefined, value: string | undefined): void => {
    if (name === undefined || value === undefined) return;
    const lower = name.toLowerCase();
    if (seen.has(lower)) {
      nf.fail(`header ${JSON.stringify(name)} is modified twice in this filter`);
      return;
    }
    seen.add(lower);
    out.push([lower, value]);
  };
  if (!f.isList()) {
    for (const [k, v] of f.entries() ?? []) add(k, headerName(k), headerValue(v));
    return out;
  }
  for (const item of f.list() ?? []) {
    const o = item.object(['name', 'value']);
    if (o === undefined) continue;
    const nf = o.need('name');
    const vf = o.need('value');
    add(nf ?? item, nf === undefined ? undefined : headerName(nf), vf === undefined ? undefined : headerValue(vf));
  }
  return out;
}

function readHeaderModifier(f: Field): HeaderModifier | undefined {
  const o = f.object(['set', 'add', 'remove']);
  if (o === undefined) return undefined;
  const seen = new Set<string>();
  const set = o.get('set');
  const add = o.get('add');
  const removeField = o.get('remove');
  const remove: string[] = [];
  for (const item of removeField?.list() ?? []) {
    const name = headerName(item);
    if (name === undefined) continue;
    if (seen.has(name.toLowerCase()) || remove.includes(name.toLowerCase())) {
      item.fail(`header ${JSON.stringify(name)} is modified twice in this filter`);
      continue;
    }
    remove.push(name.toLowerCase());
  }
  for (const r of remove) seen.add(r);
  const modifier = { set: set === undefined ? [] : readHeaderPairs(set, seen), add: add === undefined ? [] : readHeaderPairs(add, seen), remove };
  if (modifier.set.length + modifier.add.length + modifier.remove.length === 0 && set === undefined && add === undefined && removeField === undefined) {
    o.fail('a header modifier needs at least one of "set", "add" or "remove"');
  }
  return modifier;
}

type PathModifier = { type: 'ReplaceFullPath'; value: string } | { type: 'ReplacePrefixMatch'; value: string };

function readPathModifier(f: Field): PathModifier | undefined {
  const o = f.object(['type', 'replaceFullPath', 'replacePrefixMatch']);
  if (o === undefined) return undefined;
  const type = o.need('type')?.oneOf(['ReplaceFullPath', 'ReplacePrefixMatch'] as const);
  if (type === undefined) return undefined;
  const key = type === 'ReplaceFullPath' ? 'replaceFullPath' : 'replacePrefixMatch';
  const other = type === 'ReplaceFullPath' ? 'replacePrefixMatch' : 'replaceFullPath';
  if (o.has(other)) o.get(other)?.fail(`only allowed when type is ${other === 'replaceFullPath' ? 'ReplaceFullPath' : 'ReplacePrefixMatch'}`);
  const vf = o.need(key);
  const value = vf === undefined ? undefined : pathValue(vf);
  return value === undefined ? undefined : { type, value };
}

function readFilter(f: Field, kind: RuleKind): RouteFilter | undefined {
  const o = f.object(['type', ...Object.values(FILTER_KEYS)]);
  if (o === undefined) return undefined;
  const type = o.need('type')?.oneOf(Object.keys(FILTER_KEYS));
  if (type === undefined) return undefined;
  const key = FILTER_KEYS[type]!;
  for (const k of o.keys()) if (k !== 'type' && k !== key) o.get(k)?.fail(`only allowed when type is ${Object.keys(FILTER_KEYS).find((t) => FILTER_KEYS[t] === k)}`);
  if (!SUPPORTED_FILTERS[kind].includes(type)) {
    o.get('type')!.fail(`filter ${type} is not supported by strand-proxy${kind === 'GRPCRoute' ? ' in a GRPCRoute' : ''}; supported: ${SUPPORTED_FILTERS[kind].join(', ')}`);
    return undefined;
  }
  const body = o.need(key);
  if (body === undefined) return undefined;
  switch (type) {
    case 'RequestHeaderModifier':
    case 'ResponseHeaderModifier': {
      const modifier = readHeaderModifier(body);
      return modifier === undefined ? undefined : { type, modifier };
    }
    case 'URLRewrite': {
      const b = body.object(['hostname', 'path']);
      if (b === undefined) return undefined;
      const hf = b.get('hostname');
      const pf = b.get('path');
      return { type, hostname: hf === undefined ? null : hostname(hf, false) ?? null, path: pf === undefined ? null : readPathModifier(pf) ?? null };
    }
    default: {
      const b = body.object(['scheme', 'hostname', 'path', 'port', 'statusCode']);
      if (b === undefined) return undefined;
      const hf = b.get('hostname');
      const pf = b.get('path');
      return {
        type: 'RequestRedirect',
        scheme: b.get('scheme')?.oneOf(['http', 'https'] as const) ?? null,
        hostname: hf === undefined ? null : hostname(hf, false) ?? null,
        port: b.get('port')?.port(false) ?? null,
        path: pf === undefined ? null : readPathModifier(pf) ?? null,
        statusCode: (b.get('statusCode')?.oneOfInt([301, 302, 303, 307, 308] as const) ?? 302) as 301 | 302 | 303 | 307 | 308,
      };
    }
  }
}

/** A rule's filters, with the Gateway API rules on combinations checked. */
export function readFilters(f: Field, kind: RuleKind, matches: RouteMatch[]): RouteFilter[] {
  const out: RouteFilter[] = [];
  const items = f.list() ?? [];
  items.forEach((item, i) => {
    const filter = readFilter(item, kind);
    if (filter === undefined) return;
    if (out.some((x) => x.type === filter.type)) {
      item.fail(`filter ${filter.type} appears twice in one rule`);
      return;
    }
    if ((filter.type === 'URLRewrite' && out.some((x) => x.type === 'RequestRedirect')) || (filter.type === 'RequestRedirect' && out.some((x) => x.type === 'URLRewrite'))) {
      item.fail('RequestRedirect and URLRewrite cannot be used in the same rule');
      return;
    }
    const path = filter.type === 'URLRewrite' || filter.type === 'RequestRedirect' ? filter.path : null;
    if (path?.type === 'ReplacePrefixMatch' && !matches.every((m) => m.path?.type === 'PathPrefix')) {
      items[i]!.fail('ReplacePrefixMatch needs every match of the rule to be a PathPrefix path match');
      return;
    }
    out.push(filter);
  });
  return out;
}

/** HTTPRouteTimeouts: `{ request?, backendRequest? }` → ms (0 = none). */
export function readTimeouts(f: Field): RouteConfig['timeouts'] {
  const o = f.object(['request', 'backendRequest']);
  const request = o?.get('request')?.duration() ?? 0;
  const backendRequest = o?.get('backendRequest')?.duration() ?? 0;
  if (request > 0 && backendRequest > request) o?.get('backendRequest')?.fail('backendRequest must not be longer than request');
  return { request, backendRequest };
}

/** HTTPRouteRetry (GEP-1731): `{ codes?, attempts?, backoff? }`; attempts counts retries after the first try. */
export function readRetry(f: Field): RouteConfig['retry'] {
  const o = f.object(['codes', 'attempts', 'backoff']);
  if (o === undefined) return null;
  const codes: number[] = [];
  for (const item of o.get('codes')?.list() ?? []) {
    const code = item.int(400, 599);
    if (code !== undefined) codes.push(code);
  }
  return {
    attempts: o.get('attempts')?.int(0, 10) ?? 1,
    backoffMs: o.get('backoff')?.duration() ?? 0,
    codes: o.has('codes') ? codes : [502, 503, 504],
  };
}

/** Route hostnames (wildcards allowed), duplicates reported. */
export function readHostnames(f: Field): string[] {
  const out: string[] = [];
  for (const item of f.list() ?? []) {
    const h = hostname(item, true);
    if (h === undefined) continue;
    if (out.includes(h)) item.fail(`duplicate hostname ${JSON.stringify(h)}`);
    else out.push(h);
  }
  return out;
}
