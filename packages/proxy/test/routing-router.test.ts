import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseConfig } from '../src/config/load.js';
import { Router } from '../src/routing/router.js';
import { NO_BACKEND } from '../src/routing/compiled.js';
import { authorityPort, routingHost } from '../src/routing/host.js';
import { queryValue } from '../src/routing/query.js';
import type { RouteRequest } from '../src/config/types.js';

function router(routes: string, extra = ''): Router {
  const text = `listeners: [{ name: http, port: 80 }, { name: https, port: 443 }]\nclusters: [{ name: a, hosts: ["a:1"] }, { name: b, hosts: ["b:1"] }, { name: c, hosts: ["c:1"] }]\n${extra}routes:\n${routes}`;
  return new Router(parseConfig(text, 'r.yaml'));
}

function req(authority: string, path: string, more: Partial<RouteRequest> & { h?: Record<string, string> } = {}): RouteRequest {
  const { h, ...rest } = more;
  return { authority, path, method: 'GET', headers: new Map(Object.entries(h ?? {})), listener: 'http', grpc: false, ...rest };
}

function name(r: Router, request: RouteRequest): string | null {
  return r.match(request, 0)?.route.name ?? null;
}

test('routingHost: port, case, trailing dot, IPv6; authorityPort', () => {
  const table: Array<[string, string, string]> = [
    ['example.com', 'example.com', ''], ['Example.COM:8080', 'example.com', '8080'], ['example.com.', 'example.com', ''],
    ['example.com.:443', 'example.com', '443'], ['[::1]:8443', '[::1]', '8443'], ['[::1]', '[::1]', ''], ['', '', ''], ['10.0.0.1:80', '10.0.0.1', '80'],
  ];
  for (const [authority, host, port] of table) {
    assert.is(routingHost(authority), host, authority);
    assert.is(authorityPort(authority), port, authority);
  }
  const lower = 'already.lower';
  assert.ok(routingHost(lower) === lower, 'no copy when nothing changes');
});

test('queryValue: first occurrence, bare keys, percent-decoding', () => {
  const p = '/x?a=1&b=&c&a=2&d%20e=f%2Fg&long=v';
  const q = p.indexOf('?');
  assert.is(queryValue(p, q, 'a'), '1');
  assert.is(queryValue(p, q, 'b'), '');
  assert.is(queryValue(p, q, 'c'), '');
  assert.is(queryValue(p, q, 'd e'), 'f/g');
  assert.is(queryValue(p, q, 'long'), 'v');
  assert.is(queryValue(p, q, 'lon'), null);
  assert.is(queryValue(p, q, 'zz'), null);
  assert.is(queryValue('/x?', 2, 'a'), null);
  assert.is(queryValue('/x?a=%zz', 2, 'a'), '%zz', 'undecodable stays as is');
});

test('hostname precedence: exact > longer wildcard > shorter wildcard > any; fall through when a tier has no match', () => {
  const r = router(`
  - { name: any, backends: [a] }
  - { name: wild-short, hostnames: ["*.com"], backends: [a] }
  - { name: wild-long, hostnames: ["*.example.com"], backends: [a] }
  - { name: exact, hostnames: [www.example.com], backends: [a], matches: [{ path: /app }] }
  - { name: apex, hostnames: [example.com], backends: [a] }
`);
  const table: Array<[string, string, string]> = [
    ['www.example.com', '/app/x', 'exact'],
    ['WWW.Example.com:8080', '/app', 'exact'],
    ['www.example.com', '/other', 'wild-long'], // exact-host routes do not match: fall through to the wildcard tier
    ['a.b.example.com', '/', 'wild-long'], // a wildcard matches any number of labels
    ['example.com', '/', 'apex'], // *.example.com does not match the apex
    ['other.com', '/', 'wild-short'],
    ['example.org', '/', 'any'],
    ['', '/', 'any'],
  ];
  for (const [host, path, expected] of table) assert.is(name(r, req(host, path)), expected, `${host}${path}`);
});

test('path precedence: Exact > longest prefix/regex (prefix first at equal length) > method > headers > query > order', () => {
  const r = router(`
  - { name: root, backends: [a] }
  - { name: api, backends: [a], matches: [{ path: /api }] }
  - { name: api-v1, backends: [a], matches: [{ path: /api/v1/ }] }
  - { name: api-exact, backends: [a], matches: [{ path: { type: Exact, value: /api/v1/users } }] }
  - { name: regex-11, backends: [a], matches: [{ path: { type: RegularExpression, value: "/api/v[0-9]" } }] }
  - { name: tie-regex, backends: [a], matches: [{ path: { type: RegularExpression, value: "/api/v1/a.c" } }] }
  - { name: tie-prefix, backends: [a], matches: [{ path: /api/v1/abc }] }
  - { name: regex-long, backends: [a], matches: [{ path: { type: RegularExpression, value: "/api/v[0-9]+/users/[0-9]+" } }] }
  - { name: api-post, backends: [a], matches: [{ path: /api, method: POST }] }
  - { name: api-header, backends: [a], matches: [{ path: /api, headers: { x-a: "1" } }] }
  - { name: api-2-headers, backends: [a], matches: [{ path: /api, headers: { x-a: "1", x-b: { regex: "b+" } } }] }
  - { name: api-query, backends: [a], matches: [{ path: /api, queryParams: [{ name: q, value: "1" }] }] }
  - { name: api-query-later, backends: [a], matches: [{ path: /api, queryParams: [{ name: q, value: "1" }] }] }
  - { name: api-method-and-query, backends: [a], matches: [{ path: /api, method: POST, queryParams: [{ name: q, value: "1" }] }] }
`);
  const table: Array<[string, Partial<RouteRequest> & { h?: Record<string, string> }, string]> = [
    ['/', {}, 'root'],
    ['/apix', {}, 'root'], // element-wise prefix: /api does not match /apix
    ['/api', {}, 'api'],
    ['/api/', {}, 'api'],
    ['/api?x=1', {}, 'api'],
    ['/api/v1', {}, 'regex-11'], // 11 characters of regex beat the 8 of prefix /api/v1/
    ['/api/v1/x', {}, 'api-v1'],
    ['/api/v1/abc', {}, 'tie-prefix'], // equal length: PathPrefix before RegularExpression, whatever the order
    ['/api/v1/aXc', {}, 'tie-regex'],
    ['/api/v1/users', {}, 'api-exact'],
    ['/api/v1/users?page=2', {}, 'api-exact'], // the query is not part of the path
    ['/api/v1/users/7', {}, 'regex-long'],
    ['/api/v2', {}, 'regex-11'],
    ['/api/v2/x', {}, 'api'], // regexes match the whole path
    ['/api/x', { method: 'POST' }, 'api-post'],
    ['/api/x', { method: 'POST', h: { 'x-a': '1', 'x-b': 'bbb' } }, 'api-post'], // method beats headers
    ['/api/x', { h: { 'x-a': '1', 'x-b': 'bbb' } }, 'api-2-headers'],
    ['/api/x', { h: { 'x-a': '1', 'x-b': 'c' } }, 'api-header'],
    ['/api/x?q=1', { h: { 'x-a': '1' } }, 'api-header'], // headers beat query params
    ['/api/x?q=1', {}, 'api-query'], // ties go to the route created first
    ['/api/x?q=1', { method: 'POST' }, 'api-method-and-query'],
    ['/api/x?q=2', { method: 'POST' }, 'api-post'],
  ];
  for (const [path, more, expected] of table) assert.is(name(r, req('h', path, more)), expected, `${more.method ?? 'GET'} ${path} ${JSON.stringify(more.h ?? {})}`);
});

test('no route: null', () => {
  const r = router('  - { name: only, backends: [a], hostnames: [a.example], matches: [{ path: /x }] }\n');
  assert.is(r.match(req('a.example', '/y')), null);
  assert.is(r.match(req('b.example', '/x')), null);
});

test('listeners: routes attach to named listeners; unknown listener names see only unattached routes', () => {
  const r = router(`
  - { name: secure-only, listeners: [https], backends: [a], matches: [{ path: /s }] }
  - { name: everywhere, backends: [b] }
`);
  assert.is(name(r, req('h', '/s', { listener: 'https' })), 'secure-only');
  assert.is(name(r, req('h', '/s', { listener: 'http' })), 'everywhere');
  assert.is(name(r, req('h', '/s', { listener: 'nope' })), 'everywhere');
});

test('gRPC: service+method beats service beats any; HTTPRoute matches still apply to gRPC requests', () => {
  const r = router(`
  - { name: any-grpc, backends: [a], matches: [{ grpc: { service: x } }] }
  - { name: svc, backends: [a], matches: [{ grpc: { service: pkg.Svc } }] }
  - { name: svc-method, backends: [a], matches: [{ grpc: { service: pkg.Svc, method: Get } }] }
  - { name: method-only, backends: [a], matches: [{ grpc: { method: Health } }] }
  - { name: regex, backends: [a], matches: [{ grpc: { type: RegularExpression, service: "other\\\\..*", method: "L.*" } }] }
  - { name: http-prefix, backends: [b], matches: [{ path: /pkg.Other/ }] }
`);
  const g = (path: string): string | null => name(r, req('h', path, { method: 'POST', grpc: true }));
  assert.is(g('/pkg.Svc/Get'), 'svc-method');
  assert.is(g('/pkg.Svc/Put'), 'svc');
  assert.is(g('/a.B/Health'), 'method-only');
  assert.is(g('/other.X/List'), 'regex');
  assert.is(g('/other.X/Get'), null);
  assert.is(g('/pkg.Other/Get'), 'http-prefix');
  assert.is(name(r, req('h', '/pkg.Svc/Get', { method: 'POST' })), null, 'not gRPC: GRPC matches are skipped');
});

test('weighted backend choice by the caller-supplied random number; results are preallocated', () => {
  const r = router(`
  - name: split
    backends: [{ cluster: a, weight: 1 }, { cluster: b, weight: 0 }, { cluster: c, weight: 3 }]
  - name: zero
    hostnames: [zero.example]
    backends: [{ cluster: a, weight: 0 }]
`);
  const pickAt = (x: number): string => r.match(req('h', '/'), x)!.backend.cluster;
  assert.equal([0, 0.1, 0.2499, 0.25, 0.5, 0.9999].map(pickAt), ['a', 'a', 'a', 'c', 'c', 'c']);
  assert.ok(r.match(req('h', '/'), 0.6) === r.match(req('h', '/'), 0.7), 'the same RouteResult object');
  const zero = r.match(req('zero.example', '/'), 0.5)!;
  assert.is(zero.route.name, 'zero');
  assert.is(zero.backend, NO_BACKEND);
  assert.is(zero.backend.cluster, '');
  const counts = new Map<string, number>();
  for (let i = 0; i < 1000; i++) {
    const c = r.match(req('h', '/'))!.backend.cluster;
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  assert.is(counts.get('b'), undefined, 'weight 0 is never chosen');
  assert.is((counts.get('a') ?? 0) + (counts.get('c') ?? 0), 1000);
});

test('the winning match is reported (for ReplacePrefixMatch)', () => {
  const r = router('  - { name: two, backends: [a], matches: [{ path: /a }, { path: /b/c }] }\n');
  assert.equal(r.match(req('h', '/b/c/d'))!.match.path, { type: 'PathPrefix', value: '/b/c' });
  assert.equal(r.match(req('h', '/a'))!.match.path, { type: 'PathPrefix', value: '/a' });
});

test('candidates(): the precomputed precedence list', () => {
  const r = router(`
  - { name: any, backends: [a] }
  - { name: wild, hostnames: ["*.example.com"], backends: [a] }
  - { name: exact, hostnames: [www.example.com], backends: [a] }
`);
  assert.equal(r.candidates('http', 'www.example.com').map((c) => c.route.name), ['exact', 'wild', 'any']);
  assert.equal(r.candidates('http', 'x.example.com').map((c) => c.route.name), ['wild', 'any']);
  assert.equal(r.candidates('http', 'example.com').map((c) => c.route.name), ['any']);
  assert.is(r.compiled.length, 3);
  // The per-listener cache of raw authorities is bounded: many distinct hosts still route right.
  for (let i = 0; i < 3000; i++) assert.is(r.candidates('http', `h${i}.example.com:${i}`)[0]!.route.name, 'wild');
  assert.is(r.candidates('http', 'WWW.example.com:1')[0]!.route.name, 'exact');
});

test.run();
