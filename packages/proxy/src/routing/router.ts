// Request → route, with Gateway API precedence. Everything is decided at construction: per listener, per exact
// hostname and per wildcard suffix, one list of compiled matches already in precedence order (exact hostname tier,
// then longer wildcards, then routes without hostnames; within a tier the HTTPRoute/GRPCRoute match ordering).
// match() walks one list and returns the first hit; it allocates nothing beyond what slicing the request needs.
import type { ProxyConfig, RouteConfig, RouteRequest, RouteResult } from '../config/types.js';
import { comparePrecedence, compileMatch, PATH_EXACT, PATH_PREFIX, PATH_REGEX, type CompiledMatch } from './compiled.js';
import { routingHost } from './host.js';
import { queryValue } from './query.js';

interface HostTable {
  /** Raw :authority → list, so repeat hosts skip normalisation; bounded (cleared when full) against random hosts. */
  cache: Map<string, CompiledMatch[]>;
  exact: Map<string, CompiledMatch[]>;
  /** Key: the suffix after `*`, e.g. ".example.com". */
  wildcard: Map<string, CompiledMatch[]>;
  any: CompiledMatch[];
}

function sorted(list: CompiledMatch[]): CompiledMatch[] {
  return list.sort(comparePrecedence);
}

function concatUnique(tiers: CompiledMatch[][]): CompiledMatch[] {
  const seen = new Set<CompiledMatch>();
  const out: CompiledMatch[] = [];
  for (const tier of tiers) for (const m of tier) if (!seen.has(m)) {
    seen.add(m);
    out.push(m);
  }
  return out;
}

/** `.a.example.com` → suffixes a host can match by wildcard, longest first: `.a.example.com`, `.example.com`, `.com`. */
function wildcardSuffixes(host: string): string[] {
  const out: string[] = [];
  for (let i = host.indexOf('.'); i >= 0; i = host.indexOf('.', i + 1)) out.push(host.slice(i));
  return out;
}

function buildTable(entries: Array<{ route: RouteConfig; matches: CompiledMatch[] }>): HostTable {
  const byExact = new Map<string, CompiledMatch[]>();
  const byWildcard = new Map<string, CompiledMatch[]>();
  const any: CompiledMatch[] = [];
  for (const { route, matches } of entries) {
    if (route.hostnames.length === 0) any.push(...matches);
    for (const h of route.hostnames) {
      const [map, key] = h.startsWith('*.') ? [byWildcard, h.slice(1)] : [byExact, h];
      let list = map.get(key);
      if (list === undefined) map.set(key, (list = []));
      list.push(...matches);
    }
  }
  for (const list of [...byExact.values(), ...byWildcard.values()]) sorted(list);
  sorted(any);
  const wildcardChain = (host: string): CompiledMatch[][] => wildcardSuffixes(host).map((s) => byWildcard.get(s) ?? []);
  const exact = new Map<string, CompiledMatch[]>();
  for (const [host, list] of byExact) exact.set(host, concatUnique([list, ...wildcardChain(host), any]));
  const wildcard = new Map<string, CompiledMatch[]>();
  // A wildcard key ".example.com" stands for hosts "x.example.com": the chain starts at the key itself.
  for (const [suffix, list] of byWildcard) wildcard.set(suffix, concatUnique([list, ...wildcardChain(suffix.slice(1)).filter((t) => t !== list), any]));
  return { cache: new Map(), exact, wildcard, any };
}

const HOST_CACHE_SIZE = 1024;

/** Exact host, else the longest wildcard suffix, else the routes without hostnames. */
function lookup(table: HostTable, host: string): CompiledMatch[] {
  const exact = table.exact.get(host);
  if (exact !== undefined) return exact;
  if (table.wildcard.size > 0) {
    for (let i = host.indexOf('.'); i > 0; i = host.indexOf('.', i + 1)) {
      const list = table.wildcard.get(host.slice(i));
      if (list !== undefined) return list;
    }
  }
  return table.any;
}

export class Router {
  private readonly tables = new Map<string, HostTable>();
  private readonly fallback: HostTable;
  /** Every compiled match, in config order (for diagnostics and tests). */
  readonly compiled: CompiledMatch[] = [];

  constructor(config: Pick<ProxyConfig, 'routes' | 'listeners'>) {
    const entries = config.routes.map((route, routeIndex) => {
      const matches = route.matches.map((m, i) => compileMatch(route, routeIndex, m, i));
      this.compiled.push(...matches);
      return { route, matches };
    });
    for (const l of config.listeners) {
      this.tables.set(l.name, buildTable(entries.filter((e) => e.route.listeners.length === 0 || e.route.listeners.includes(l.name))));
    }
    this.fallback = buildTable(entries.filter((e) => e.route.listeners.length === 0));
  }

  /** The compiled matches a request for `authority` on `listener` is tried against, in precedence order. */
  candidates(listener: string, authority: string): readonly CompiledMatch[] {
    const table = this.tables.get(listener) ?? this.fallback;
    const cached = table.cache.get(authority);
    if (cached !== undefined) return cached;
    const list = lookup(table, routingHost(authority));
    if (table.cache.size >= HOST_CACHE_SIZE) table.cache.clear();
    table.cache.set(authority, list);
    return list;
  }

  /**
   * The route for `req`, or null (404). `random` in [0, 1) picks the backend by weight (default Math.random()).
   * The returned RouteResult is shared and must not be modified.
   */
  match(req: RouteRequest, random?: number): RouteResult | null {
    const list = this.candidates(req.listener, req.authority);
    const path = req.path;
    const q = path.indexOf('?');
    const pathEnd = q < 0 ? path.length : q;
    let pathOnly: string | null = null;
    let service: string | null = null;
    let method = '';
    for (let i = 0; i < list.length; i++) {
      const c = list[i]!;
      const m = c.match;
      if (c.grpc) {
        if (!req.grpc) continue;
        if (service === null) {
          // gRPC :path is /package.Service/Method (gRPC over HTTP/2 protocol spec).
          const slash = path.indexOf('/', 1);
          service = slash > 0 ? path.slice(1, slash) : '';
          method = slash > 0 ? path.slice(slash + 1, pathEnd) : '';
        }
        const g = m.grpc!;
        if (g.type === 'Exact') {
          if (g.service !== null && g.service !== service) continue;
          if (g.method !== null && g.method !== method) continue;
        } else {
          if (g.serviceRegex !== undefined && !g.serviceRegex.test(service)) continue;
          if (g.methodRegex !== undefined && !g.methodRegex.test(method)) continue;
        }
      } else {
        switch (c.pathKind) {
          case PATH_EXACT:
            if (pathEnd !== c.pathValue.length || !path.startsWith(c.pathValue)) continue;
            break;
          case PATH_PREFIX: {
            // Gateway API PathPrefix: element-wise, "/abc" matches "/abc", "/abc/" and "/abc/d" but not "/abcd".
            const n = c.pathValue.length;
            if (pathEnd < n || !path.startsWith(c.pathValue) || (pathEnd > n && path.charCodeAt(n) !== 47)) continue;
            break;
          }
          case PATH_REGEX:
            if (pathOnly === null) pathOnly = q < 0 ? path : path.slice(0, q);
            if (!c.pathRegex!.test(pathOnly)) continue;
            break;
        }
        if (m.method !== null && m.method !== req.method) continue;
        if (m.queryParams.length > 0) {
          if (q < 0) continue;
          let ok = true;
          for (const qm of m.queryParams) {
            const v = queryValue(path, q, qm.name);
            if (v === null || (qm.regex !== undefined ? !qm.regex.test(v) : v !== qm.value)) {
              ok = false;
              break;
            }
          }
          if (!ok) continue;
        }
      }
      if (m.headers.length > 0) {
        let ok = true;
        for (const hm of m.headers) {
          const v = req.headers.get(hm.name);
          if (v === undefined || (hm.regex !== undefined ? !hm.regex.test(v) : v !== hm.value)) {
            ok = false;
            break;
          }
        }
        if (!ok) continue;
      }
      return pick(c, random);
    }
    return null;
  }
}

/** The weighted backend choice: `random` in [0, 1). */
export function pick(c: CompiledMatch, random?: number): RouteResult {
  const results = c.results;
  if (results.length === 1) return results[0]!;
  const target = (random ?? Math.random()) * c.totalWeight;
  const cumulative = c.cumulative;
  for (let i = 0; i < cumulative.length; i++) if (target < cumulative[i]!) return results[i]!;
  return results[results.length - 1]!;
}
