import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseConfig, parseConfigTexts } from '../src/config/load.js';
import { ConfigError } from '../src/config/types.js';
import { Router } from '../src/routing/router.js';

// Our listeners and clusters; the Gateway API documents below attach to them.
const BASE = `
listeners:
  - { name: http, port: 8080 }
  - { name: https, port: 8443 }
clusters:
  - name: store-v1
    hosts: ["10.1.0.1:8080"]
    service: { name: store-v1, port: 8080 }
  - name: store-v2
    appProtocol: h2c
    hosts: ["10.1.0.2:8080"]
    service: { name: store-v2, namespace: shop, port: 8080 }
  - name: search
    hosts: ["10.1.0.3:80"]
`;

function load(docs: string): ReturnType<typeof parseConfig> {
  return parseConfig(`${BASE}---\n${docs}`, 'gw.yaml', { checkFiles: false });
}

function problems(docs: string): string[] {
  try {
    load(docs);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems.map((p) => `${p.line}:${p.column} ${p.field}: ${p.message}`);
  }
  throw new Error('expected a ConfigError');
}

test('HTTPRoute: path, header and query matches; weights; Service aliases; Gateway API defaults', () => {
  const c = load(`
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: store
spec:
  parentRefs:
    - name: example-gateway
  hostnames: ["store.example.com"]
  rules:
    - matches:
        - path:
            type: PathPrefix
            value: /checkout
          headers:
            - name: env
              value: canary
          queryParams:
            - type: RegularExpression
              name: session
              value: "[a-f0-9]+"
      backendRefs:
        - name: store-v2
          namespace: shop
          port: 8080
          weight: 10
        - name: store-v1
          port: 8080
          weight: 90
    - backendRefs:
        - name: store-v1
          port: 8080
`);
  const [r0, r1] = c.routes;
  assert.is(r0!.name, 'store/0');
  assert.is(r0!.kind, 'HTTPRoute');
  assert.equal(r0!.hostnames, ['store.example.com']);
  assert.equal(r0!.listeners, [], 'a parentRef naming a Gateway (not a listener) attaches to every listener');
  assert.equal(r0!.matches[0]!.path, { type: 'PathPrefix', value: '/checkout' });
  assert.equal(r0!.matches[0]!.headers.map((h) => [h.type, h.name, h.value]), [['Exact', 'env', 'canary']]);
  assert.equal(r0!.matches[0]!.queryParams.map((q) => [q.type, q.name, q.value]), [['RegularExpression', 'session', '[a-f0-9]+']]);
  assert.equal(r0!.backends, [{ cluster: 'store-v2', weight: 10 }, { cluster: 'store-v1', weight: 90 }]);
  assert.is(r1!.name, 'store/1');
  assert.equal(r1!.matches, [{ path: { type: 'PathPrefix', value: '/' }, method: null, headers: [], queryParams: [], grpc: null }]);
  assert.equal(r1!.backends, [{ cluster: 'store-v1', weight: 1 }]);
  assert.equal(r1!.timeouts, { request: 0, backendRequest: 0 });
  assert.is(r1!.retry, null);
});

test('HTTPRoute: backendRefs resolve to an alias, else a cluster of that name, else an implicit cluster name:port', () => {
  const c = load(`
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: mix, namespace: web }
spec:
  parentRefs: [{ name: gw }]
  rules:
    - backendRefs:
        - { name: store-v2, namespace: shop, port: 8080 }
        - { name: store-v1, port: 8080 }
        - { name: search, port: 80 }
        - { name: billing, port: 9090 }
        - { name: ledger, namespace: finance, port: 7000 }
`);
  const r = c.routes[0]!;
  assert.is(r.name, 'web/mix/0');
  // store-v1's alias is Service default/store-v1, but this route means web/store-v1: a different Service, so an
  // implicit cluster. "search" has no alias: a cluster of that name is taken.
  assert.equal(r.backends.map((b) => b.cluster), ['store-v2', 'store-v1:8080', 'search', 'billing:9090', 'ledger.finance:7000']);
  assert.equal(c.clusters.get('billing:9090')!.hosts, [{ address: 'billing', port: 9090, weight: 1 }]);
  assert.equal(c.clusters.get('billing:9090')!.service, { name: 'billing', namespace: 'web', port: 9090 });
  assert.is(c.clusters.get('billing:9090')!.appProtocol, 'http');
  assert.equal(c.clusters.get('ledger.finance:7000')!.hosts, [{ address: 'ledger.finance', port: 7000, weight: 1 }]);
});

test('HTTPRoute: parentRefs sectionName and port pick listeners', () => {
  const c = load(`
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: a }
spec:
  parentRefs: [{ name: gw, sectionName: https }]
  rules: [{ backendRefs: [{ name: search, port: 80 }] }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: b }
spec:
  parentRefs: [{ name: gw, port: 8080 }]
  rules: [{ backendRefs: [{ name: search, port: 80 }] }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: c }
spec:
  parentRefs: [{ name: http }, { name: gw, sectionName: https }]
  rules: [{ backendRefs: [{ name: search, port: 80 }] }]
`);
  assert.equal(c.routes.map((r) => [r.name, r.listeners]), [['a/0', ['https']], ['b/0', ['http']], ['c/0', ['http', 'https']]]);
});

test('HTTPRoute: redirect (http → https), rewrite, header modifiers, timeouts and retry', () => {
  const c = load(`
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: http-filter-redirect
spec:
  parentRefs:
    - name: example-gateway
      sectionName: http
  hostnames:
    - redirect.example
  rules:
    - filters:
        - type: RequestRedirect
          requestRedirect:
            scheme: https
            statusCode: 301
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: http-filter-rewrite
spec:
  parentRefs:
    - name: example-gateway
  hostnames:
    - rewrite.example
  rules:
    - name: prefix
      matches:
        - path:
            type: PathPrefix
            value: /cardamom
      filters:
        - type: URLRewrite
          urlRewrite:
            hostname: elsewhere.example
            path:
              type: ReplacePrefixMatch
              replacePrefixMatch: /fennel
        - type: RequestHeaderModifier
          requestHeaderModifier:
            set:
              - name: my-header
                value: bar
            add:
              - name: my-other
                value: baz
            remove: ["x-drop"]
        - type: ResponseHeaderModifier
          responseHeaderModifier:
            remove: ["server"]
      backendRefs:
        - name: search
          port: 80
      timeouts:
        request: 10s
        backendRequest: 2s
      retry:
        codes: [503]
        attempts: 2
        backoff: 100ms
`);
  const [redirect, rewrite] = c.routes;
  assert.is(redirect!.name, 'http-filter-redirect/0');
  assert.equal(redirect!.listeners, ['http']);
  assert.equal(redirect!.backends, []);
  assert.equal(redirect!.filters, [{ type: 'RequestRedirect', scheme: 'https', hostname: null, port: null, path: null, statusCode: 301 }]);
  assert.is(rewrite!.name, 'http-filter-rewrite/prefix');
  assert.equal(rewrite!.filters, [
    { type: 'URLRewrite', hostname: 'elsewhere.example', path: { type: 'ReplacePrefixMatch', value: '/fennel' } },
    { type: 'RequestHeaderModifier', modifier: { set: [['my-header', 'bar']], add: [['my-other', 'baz']], remove: ['x-drop'] } },
    { type: 'ResponseHeaderModifier', modifier: { set: [], add: [], remove: ['server'] } },
  ]);
  assert.equal(rewrite!.timeouts, { request: 10_000, backendRequest: 2000 });
  assert.equal(rewrite!.retry, { attempts: 2, backoffMs: 100, codes: [503] });
});

test('GRPCRoute: method matches, headers, default match-all, gRPC implicit clusters', () => {
  const c = load(`
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata:
  name: greeter
spec:
  parentRefs:
    - name: example-gateway
  hostnames:
    - "grpc.example.com"
  rules:
    - matches:
        - method:
            service: helloworld.Greeter
            method: SayHello
          headers:
            - type: Exact
              name: magic
              value: foo
        - method:
            type: RegularExpression
            service: "helloworld\\\\..*"
      backendRefs:
        - name: greeter-v2
          port: 50051
    - backendRefs:
        - name: greeter
          port: 50051
`);
  const [r0, r1] = c.routes;
  assert.is(r0!.kind, 'GRPCRoute');
  assert.equal(r0!.matches[0]!.grpc, { type: 'Exact', service: 'helloworld.Greeter', method: 'SayHello' });
  assert.equal(r0!.matches[0]!.headers.map((h) => [h.name, h.value]), [['magic', 'foo']]);
  assert.is(r0!.matches[0]!.path, null);
  assert.is(r0!.matches[1]!.grpc!.serviceRegex!.test('helloworld.Other'), true);
  assert.equal(r1!.matches, [{ path: null, method: null, headers: [], queryParams: [], grpc: { type: 'Exact', service: null, method: null } }]);
  assert.is(c.clusters.get('greeter-v2:50051')!.appProtocol, 'grpc');

  const router = new Router(c);
  const req = (path: string, headers: Array<[string, string]> = []) => ({ authority: 'grpc.example.com:443', path, method: 'POST', headers: new Map(headers), listener: 'https', grpc: true });
  assert.is(router.match(req('/helloworld.Greeter/SayHello', [['magic', 'foo']]))!.route.name, 'greeter/0');
  assert.is(router.match(req('/helloworld.Greeter/SayHello'))!.route.name, 'greeter/0', 'the regex match catches it');
  assert.is(router.match(req('/other.Svc/Do'))!.route.name, 'greeter/1');
  assert.is(router.match({ ...req('/other.Svc/Do'), grpc: false }), null, 'GRPCRoute matches need a gRPC request');
});

test('Gateway API documents in separate files mix with our schema in any order', () => {
  const c = parseConfigTexts([
    { file: 'route.yaml', text: 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: { name: r }\nspec:\n  parentRefs: [{ name: gw }]\n  rules: [{ backendRefs: [{ name: api, port: 80 }] }]\n' },
    { file: 'proxy.yaml', text: 'listeners: [{ name: l, port: 80 }]\nclusters: [{ name: api-cluster, hosts: ["10.0.0.9:80"], service: { name: api } }]\n' },
  ], { checkFiles: false });
  assert.equal(c.routes[0]!.backends, [{ cluster: 'api-cluster', weight: 1 }], 'an alias without port matches any port');
});

test('Gateway API documents: errors at their positions', () => {
  const head = 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: { name: r }\n';
  // BASE ends on line 14, "---" is line 15: documents start at line 16.
  assert.equal(problems('apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: { name: g }\n'), [
    '17:7 kind: kind "Gateway" is not supported: strand-proxy reads Gateway API HTTPRoute and GRPCRoute documents; declare listeners and clusters in the strand-proxy schema',
  ]);
  assert.equal(problems('apiVersion: gateway.networking.k8s.io/v2\nkind: HTTPRoute\nmetadata: { name: r }\nspec: { parentRefs: [{ name: g }], rules: [{ backendRefs: [{ name: search, port: 80 }] }] }\n'), [
    '16:13 apiVersion: apiVersion "gateway.networking.k8s.io/v2" is not supported for HTTPRoute; use gateway.networking.k8s.io/v1',
  ]);
  assert.equal(problems(head + 'spec:\n  parentRefs: [{ name: g, sectionName: htps }]\n  rules: [{ backendRefs: [{ name: search, port: 80 }] }]\n'), [
    '20:40 spec.parentRefs[0].sectionName: sectionName "htps" names no listener (did you mean "https"?)',
  ]);
  assert.equal(problems(head + 'spec:\n  parentRefs: [{ name: g }]\n  rules:\n    - backendRefs: [{ name: search }]\n      sessionPersistence: {}\n'), [
    '22:21 spec.rules[0].backendRefs[0].port: required field is missing',
    '23:27 spec.rules[0].sessionPersistence: sessionPersistence is not supported by strand-proxy',
  ]);
  assert.equal(problems(head + 'spec:\n  parentRefs: [{ name: g }]\n  rules:\n    - backendRefs: [{ name: search, port: 80, kind: Pod }]\n'), [
    '22:53 spec.rules[0].backendRefs[0].kind: only backendRefs to a core Service are supported (got Pod)',
  ]);
  assert.equal(problems(head + 'spec:\n  parentRefs: [{ name: g }]\n  rules:\n    - matches: [{ path: { value: /x } }]\n'), [
    '22:7 spec.rules[0]: rule has no backendRefs: every request would be answered 500 (add backendRefs or a RequestRedirect filter)',
  ]);
  assert.equal(problems(head + 'spec:\n  hostnames: [a.example.com]\n  rules: [{ backendRefs: [{ name: search, port: 80 }] }]\n  parentRef: []\n'), [
    '20:3 spec: no parentRefs: the route would not be attached to any listener (add parentRefs naming the Gateway or a listener)',
    '22:3 spec.parentRef: unknown field "parentRef" (did you mean "parentRefs"?)',
  ]);
  assert.equal(problems(head + 'spec:\n  parentRefs: [{ name: g }]\n  rules: [{ matches: [{ path: { type: Exact, value: /a } }], filters: [{ type: URLRewrite, urlRewrite: { path: { type: ReplacePrefixMatch, replacePrefixMatch: /b } } }], backendRefs: [{ name: search, port: 80 }] }]\n'), [
    '21:72 spec.rules[0].filters[0]: ReplacePrefixMatch needs every match of the rule to be a PathPrefix path match',
  ]);
  assert.equal(problems(`${head}spec: { parentRefs: [{ name: g }], rules: [{ backendRefs: [{ name: search, port: 80 }] }] }\n---\n${head}spec: { parentRefs: [{ name: g }], rules: [{ backendRefs: [{ name: search, port: 80 }] }] }\n`), [
    '23:19 metadata.name: HTTPRoute default/r is already defined at gw.yaml:18:19',
  ]);
  assert.equal(problems('apiVersion: gateway.networking.k8s.io/v1\nkind: GRPCRoute\nmetadata: { name: Bad_Name }\nspec: { parentRefs: [{ name: g }], rules: [{ backendRefs: [{ name: search, port: 80 }], timeouts: {} }] }\n'), [
    '18:19 metadata.name: invalid Kubernetes name "Bad_Name" (lowercase letters, digits, "-" and ".")',
    '19:89 spec.rules[0].timeouts: unknown field "timeouts"',
  ]);
  assert.equal(problems(head + 'spec:\n  parentRefs: [{ name: g }]\n  rules: [{ backendRefs: [{ name: search, port: 80 }], filters: [{ type: URLRewrite, urlRewrite: {} }] }]\n  extra: 1\n'), [
    '22:3 spec.extra: unknown field "extra"',
  ]);
});

test('GRPCRoute: only header modifier filters are supported', () => {
  assert.equal(problems('apiVersion: gateway.networking.k8s.io/v1\nkind: GRPCRoute\nmetadata: { name: g }\nspec:\n  parentRefs: [{ name: gw }]\n  rules: [{ filters: [{ type: URLRewrite, urlRewrite: {} }], backendRefs: [{ name: search, port: 80 }] }]\n'), [
    '21:31 spec.rules[0].filters[0].type: filter URLRewrite is not supported by strand-proxy in a GRPCRoute; supported: RequestHeaderModifier, ResponseHeaderModifier',
  ]);
});

test('kubectl get -o yaml output (status, labels, annotations) is accepted', () => {
  const c = load(`
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: r
  namespace: default
  labels: { app: store }
  annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{}" }
spec:
  parentRefs: [{ group: gateway.networking.k8s.io, kind: Gateway, name: gw }]
  rules: [{ backendRefs: [{ group: "", kind: Service, name: search, port: 80 }] }]
status:
  parents: []
`);
  assert.is(c.routes[0]!.name, 'r/0');
});

test.run();
