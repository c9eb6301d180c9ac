import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { Router } from '../src/routing/router.js';
import type { HeaderMatch, PathMatch, QueryMatch, RouteConfig, RouteMatch, RouteRequest } from '../src/config/types.js';

// A naive reference: does (route, match) match the request, and how specific is it? Written independently of the
// router: no precomputation, no tiers, just the Gateway API rules read literally.

const HOSTS = ['a.example.com', 'c.example.com', 'x.com', 'other.org'];
const PATHS = ['/', '/a', '/a/', '/a/b', '/a/b/c', '/a/bc', '/b', '/a/b/zz'];

function hostRank(route: RouteConfig, host: string): [number, number] | null {
  if (route.hostnames.length === 0) return [0, 0];
  let best: [number, number] | null = null;
  for (const h of route.hostnames) {
    let rank: [number, number] | null = null;
    if (h === host) rank = [2, h.length];
    else if (h.startsWith('*.') && host.endsWith(h.slice(1)) && host.length > h.length - 1) rank = [1, h.length];
    if (rank !== null && (best === null || rank[0] > best[0] || (rank[0] === best[0] && rank[1] > best[1]))) best = rank;
  }
  return best;
}

function pathMatches(p: PathMatch, path: string): boolean {
  if (p.type === 'Exact') return path === p.value;
  if (p.type === 'RegularExpression') return new RegExp(`^(?:${p.value})$`).test(path);
  const prefix = p.value.replace(/\/$/, '');
  return path === prefix || path.startsWith(prefix + '/') || prefix === '';
}

function refMatches(route: RouteConfig, m: RouteMatch, req: RouteRequest): boolean {
  if (route.listeners.length > 0 && !route.listeners.includes(req.listener)) return false;
  if (hostRank(route, req.authority) === null) return false;
  const [path, query] = req.path.split('?') as [string, string | undefined];
  if (!pathMatches(m.path!, path)) return false;
  if (m.method !== null && m.method !== req.method) return false;
  for (const h of m.headers) if (req.headers.get(h.name) !== h.value) return false;
  const params = new URLSearchParams(query ?? '');
  for (const q of m.queryParams) if (params.get(q.name) !== q.value) return false;
  return true;
}

function specificity(route: RouteConfig, m: RouteMatch, host: string): number[] {
  const [tier, len] = hostRank(route, host)!;
  const p = m.path!;
  return [tier, len, p.type === 'Exact' ? 1 : 0, p.value.length, p.type === 'PathPrefix' ? 1 : 0, m.method !== null ? 1 : 0, m.headers.length, m.queryParams.length];
}

function compareTuples(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

const pathMatch: fc.Arbitrary<PathMatch> = fc.oneof(
  fc.constantFrom('/', '/a', '/a/', '/a/b', '/b').map((value) => ({ type: 'PathPrefix' as const, value })),
  fc.constantFrom('/a', '/a/b', '/a/b/c', '/b').map((value) => ({ type: 'Exact' as const, value })),
  fc.constantFrom('/a/.*', '/a/b/[a-z]+', '/[ab]').map((value) => ({ type: 'RegularExpression' as const, value, regex: new RegExp(`^(?:${value})$`) })),
);
const headerMatches: fc.Arbitrary<HeaderMatch[]> = fc.subarray([
  { type: 'Exact' as const, name: 'x-a', value: '1' },
  { type: 'Exact' as const, name: 'x-b', value: '2' },
]);
const queryMatches: fc.Arbitrary<QueryMatch[]> = fc.subarray([{ type: 'Exact' as const, name: 'q', value: '1' }]);
const routeMatch: fc.Arbitrary<RouteMatch> = fc.record({
  path: pathMatch,
  method: fc.constantFrom(null, 'GET', 'POST'),
  headers: headerMatches,
  queryParams: queryMatches,
  grpc: fc.constant(null),
});
const route: fc.Arbitrary<Omit<RouteConfig, 'name'>> = fc.record({
  hostnames: fc.constantFrom([], ['a.example.com'], ['*.example.com'], ['*.com'], ['c.example.com', '*.com'], ['other.org']),
  listeners: fc.constantFrom([], ['http'], ['https']),
  matches: fc.array(routeMatch, { minLength: 1, maxLength: 3 }),
  filters: fc.constant([]),
  backends: fc.constant([{ cluster: 'c', weight: 1 }]),
  timeouts: fc.constant({ request: 0, backendRequest: 0 }),
  retry: fc.constant(null),
  kind: fc.constant('HTTPRoute' as const),
});
const request: fc.Arbitrary<RouteRequest> = fc.record({
  authority: fc.constantFrom(...HOSTS),
  path: fc.tuple(fc.constantFrom(...PATHS), fc.constantFrom('', '?q=1', '?q=2&z=1')).map(([p, q]) => p + q),
  method: fc.constantFrom('GET', 'POST'),
  headers: fc.subarray([['x-a', '1'], ['x-b', '2']] as Array<[string, string]>).map((h) => new Map(h)),
  listener: fc.constantFrom('http', 'https'),
  grpc: fc.constant(false),
});

test('property: the chosen route matches, nothing matches when null, and no strictly more specific match loses', () => {
  fc.assert(
    fc.property(fc.array(route, { minLength: 1, maxLength: 8 }), fc.array(request, { minLength: 1, maxLength: 8 }), (drafts, requests) => {
      const routes: RouteConfig[] = drafts.map((r, i) => ({ ...r, name: `r${i}` }));
      const router = new Router({ routes, listeners: [{ name: 'http', address: '0.0.0.0', port: 80, tls: null }, { name: 'https', address: '0.0.0.0', port: 443, tls: null }] });
      for (const req of requests) {
        const chosen = router.match(req, 0);
        const matching: Array<{ route: RouteConfig; match: RouteMatch; order: number }> = [];
        routes.forEach((r, ri) => r.matches.forEach((m, mi) => {
          if (refMatches(r, m, req)) matching.push({ route: r, match: m, order: ri * 10 + mi });
        }));
        if (chosen === null) {
          assert.is(matching.length, 0, `null, but ${matching.map((m) => m.route.name).join(',')} match ${req.authority}${req.path}`);
          continue;
        }
        assert.ok(refMatches(chosen.route, chosen.match, req), `chosen ${chosen.route.name} does not match`);
        const mine = specificity(chosen.route, chosen.match, req.authority);
        const myOrder = routes.indexOf(chosen.route) * 10 + chosen.route.matches.indexOf(chosen.match);
        for (const other of matching) {
          const d = compareTuples(specificity(other.route, other.match, req.authority), mine);
          assert.ok(d < 0 || (d === 0 && other.order >= myOrder), `${other.route.name} is more specific than ${chosen.route.name} for ${req.method} ${req.authority}${req.path}`);
        }
      }
    }),
    { numRuns: 1000 },
  );
});

test.run();
