import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseConfig } from '../src/config/load.js';
import { Router } from '../src/routing/router.js';
import { applyHeaderModifier, applyRequestFilters, applyResponseFilters, replacePrefix, type HeaderPairs } from '../src/routing/filters.js';
import type { RouteResult } from '../src/config/types.js';

const BASE = 'listeners: [{ name: l, port: 80 }]\nclusters: [{ name: a, hosts: ["a:1"] }]\nroutes:\n';

function routeFor(routes: string, authority: string, path: string): RouteResult {
  const router = new Router(parseConfig(BASE + routes, 'f.yaml'));
  const r = router.match({ authority, path, method: 'GET', headers: new Map(), listener: 'l', grpc: false }, 0);
  assert.ok(r !== null, `no route for ${authority}${path}`);
  return r!;
}

test('header modifier: remove, then set (replacing every field of that name), then add', () => {
  const headers: HeaderPairs = [[':method', 'GET'], [':path', '/'], ['x-set', 'old1'], ['accept', '*/*'], ['x-set', 'old2'], ['x-drop', '1'], ['x-drop', '2'], ['x-add', 'first']];
  const out = applyHeaderModifier(headers, { set: [['x-set', 'new'], ['x-fresh', 'f']], add: [['x-add', 'second']], remove: ['x-drop', 'x-absent'] });
  assert.ok(out === headers, 'in place');
  assert.equal(headers, [[':method', 'GET'], [':path', '/'], ['accept', '*/*'], ['x-add', 'first'], ['x-set', 'new'], ['x-fresh', 'f'], ['x-add', 'second']]);
});

test('ReplacePrefixMatch: element-wise, trailing slashes as in the Gateway API examples', () => {
  const table: Array<[string, string, string, string]> = [
    // [request path, matched prefix, replacement, result]
    ['/foo/bar', '/foo', '/xyz', '/xyz/bar'],
    ['/foo', '/foo', '/xyz', '/xyz'],
    ['/foo/', '/foo', '/xyz', '/xyz/'],
    ['/foo/bar', '/foo/', '/xyz', '/xyz/bar'],
    ['/foo/bar', '/foo', '/xyz/', '/xyz/bar'],
    ['/foo', '/foo', '/xyz/', '/xyz/'],
    ['/foo/bar', '/foo', '/', '/bar'],
    ['/foo', '/foo', '/', '/'],
    ['/foo/', '/foo', '/', '/'],
    ['/get', '/', '/httpbin/', '/httpbin/get'],
    ['/', '/', '/httpbin/', '/httpbin/'],
    ['/status/418', '/', '/httpbin', '/httpbin/status/418'],
    ['/prefix/one/two', '/prefix/one', '/one', '/one/two'],
  ];
  for (const [path, prefix, replacement, expected] of table) assert.is(replacePrefix(path, prefix, replacement), expected, `${path} ${prefix}→${replacement}`);
});

test('URLRewrite: prefix rewrite keeps the query; hostname rewrite sets :authority and Host', () => {
  const r = routeFor(`
  - name: httpbin
    matches: [{ path: /httpbin }]
    filters:
      - type: URLRewrite
        urlRewrite: { hostname: httpbin.internal, path: { type: ReplacePrefixMatch, replacePrefixMatch: / } }
    backends: [a]
`, 'example.com', '/httpbin/get?x=1');
  const headers: HeaderPairs = [['host', 'example.com'], ['accept', '*/*']];
  const out = applyRequestFilters(r, headers, '/httpbin/get?x=1', 'example.com');
  assert.equal(out, { path: '/get?x=1', authority: 'httpbin.internal', headers: [['host', 'httpbin.internal'], ['accept', '*/*']], redirect: null });

  const root = routeFor(`
  - name: all
    filters: [{ type: URLRewrite, urlRewrite: { path: { type: ReplacePrefixMatch, replacePrefixMatch: /httpbin/ } } }]
    backends: [a]
`, 'h', '/');
  assert.is(applyRequestFilters(root, [], '/status/200?q=%20').path, '/httpbin/status/200?q=%20');
  assert.is(applyRequestFilters(root, [], '/').path, '/httpbin/');
});

test('URLRewrite ReplacePrefixMatch uses the match that won', () => {
  const r = routeFor(`
  - name: two
    matches: [{ path: /short }, { path: /much/longer }]
    filters: [{ type: URLRewrite, urlRewrite: { path: { type: ReplacePrefixMatch, replacePrefixMatch: /x } } }]
    backends: [a]
`, 'h', '/much/longer/tail');
  assert.is(applyRequestFilters(r, [], '/much/longer/tail').path, '/x/tail');
});

test('URLRewrite ReplaceFullPath replaces the path and keeps the query', () => {
  const r = routeFor(`
  - name: full
    filters: [{ type: URLRewrite, urlRewrite: { path: { type: ReplaceFullPath, replaceFullPath: /fixed } } }]
    backends: [a]
`, 'h', '/anything');
  assert.equal(applyRequestFilters(r, [], '/anything/else?k=v', 'h'), { path: '/fixed?k=v', authority: 'h', headers: [], redirect: null });
});

test('RequestRedirect: scheme, hostname, port and path rules', () => {
  const redirect = (spec: string, authority: string, path: string, scheme: 'http' | 'https' = 'http') => {
    const r = routeFor(`  - name: r\n    matches: [{ path: /old }]\n    filters: [{ type: RequestRedirect, requestRedirect: ${spec} }]\n`, authority, path);
    return applyRequestFilters(r, [['x', 'y']], path, authority, scheme).redirect;
  };
  assert.equal(redirect('{ scheme: https, statusCode: 301 }', 'example.com:8080', '/old/a?q=1'), { statusCode: 301, location: 'https://example.com/old/a?q=1' });
  assert.equal(redirect('{}', 'example.com:8080', '/old'), { statusCode: 302, location: 'http://example.com:8080/old' });
  assert.equal(redirect('{}', 'example.com:80', '/old'), { statusCode: 302, location: 'http://example.com/old' });
  assert.equal(redirect('{ scheme: https, port: 8443 }', 'example.com', '/old'), { statusCode: 302, location: 'https://example.com:8443/old' });
  assert.equal(redirect('{ port: 443 }', 'example.com', '/old', 'https'), { statusCode: 302, location: 'https://example.com/old' });
  assert.equal(redirect('{ hostname: new.example.com, statusCode: 308 }', 'Example.com', '/old'), { statusCode: 308, location: 'http://new.example.com/old' });
  assert.equal(redirect('{ path: { type: ReplacePrefixMatch, replacePrefixMatch: /new }, statusCode: 307 }', 'h', '/old/x?y=1'), { statusCode: 307, location: 'http://h/new/x?y=1' });
  assert.equal(redirect('{ path: { type: ReplaceFullPath, replaceFullPath: /moved }, statusCode: 303 }', '[::1]:8080', '/old/x'), { statusCode: 303, location: 'http://[::1]:8080/moved' });
});

test('RequestRedirect leaves the request untouched otherwise', () => {
  const r = routeFor('  - name: r\n    filters: [{ type: RequestRedirect, requestRedirect: { scheme: https } }]\n', 'h', '/p');
  const headers: HeaderPairs = [['a', 'b']];
  const out = applyRequestFilters(r, headers, '/p', 'h');
  assert.equal(out, { path: '/p', authority: 'h', headers: [['a', 'b']], redirect: { statusCode: 302, location: 'https://h/p' } });
  assert.is(r.backend.cluster, '', 'no backend: the redirect is the answer');
});

test('request and response header modifiers apply to their side only', () => {
  const r = routeFor(`
  - name: hm
    filters:
      - type: RequestHeaderModifier
        requestHeaderModifier: { set: { x-req: "1" } }
      - type: ResponseHeaderModifier
        responseHeaderModifier: { add: [{ name: x-resp, value: "2" }], remove: [server] }
    backends: [a]
`, 'h', '/');
  const req: HeaderPairs = [['x-req', '0']];
  assert.equal(applyRequestFilters(r, req, '/', 'h').headers, [['x-req', '1']]);
  const res: HeaderPairs = [[':status', '200'], ['server', 'backend'], ['x-req', 'kept']];
  assert.ok(applyResponseFilters(r, res) === res);
  assert.equal(res, [[':status', '200'], ['x-req', 'kept'], ['x-resp', '2']]);
});

test.run();
