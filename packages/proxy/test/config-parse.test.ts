import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, parseConfig, parseConfigTexts } from '../src/config/load.js';
import { embeddedDefaultConfig, EMBEDDED_DEFAULT_YAML } from '../src/config/defaults.js';
import { formatDuration, parseDuration } from '../src/config/duration.js';
import { closest, editDistance } from '../src/config/suggest.js';
import { DEFAULT_LIMITS } from '../src/config/native.js';
import { DEFAULT_ACCESS_LOG_FIELDS } from '../src/observability/access-log-format.js';
import type { ProxyConfig } from '../src/config/types.js';

const examples = fileURLToPath(new URL('../examples/', import.meta.url));

function withoutSource(c: ProxyConfig): Omit<ProxyConfig, 'source'> {
  const { source: _source, ...rest } = c;
  return rest;
}

test('durations: Gateway API format to milliseconds', () => {
  const table: Array<[string, number | null]> = [
    ['0s', 0], ['5s', 5000], ['250ms', 250], ['1m', 60_000], ['1h', 3_600_000], ['1h30m', 5_400_000], ['1m30s500ms', 90_500],
    ['99999ms', 99_999], ['1h1m1s1ms', 3_661_001],
    ['', null], ['5', null], ['1.5s', null], ['-1s', null], ['5 s', null], ['100000s', null], ['1d', null], ['1h1m1s1ms1ms', null], ['s', null], ['5S', null],
  ];
  for (const [text, ms] of table) assert.is(parseDuration(text), ms, text);
  for (const ms of [0, 1, 250, 1000, 61_000, 5_400_000, 3_661_001]) assert.is(parseDuration(formatDuration(ms)), ms);
  assert.is(formatDuration(90_500), '1m30s500ms');
});

test('suggestions: transpositions count once; containment as a fallback', () => {
  assert.is(editDistance('grcp', 'grpc', 3), 1);
  assert.is(editDistance('kitten', 'sitting', 5), 3);
  assert.is(editDistance('abc', 'abcdefgh', 2), 3); // capped at limit + 1
  assert.is(closest('prot', ['port', 'name', 'address']), 'port');
  assert.is(closest('Prefix', ['Exact', 'PathPrefix', 'RegularExpression']), 'PathPrefix');
  assert.is(closest('zzzz', ['port', 'name']), null);
});

test('every field of the strand-proxy schema is read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strand-proxy-'));
  mkdirSync(join(dir, 'certs'));
  for (const f of ['a.pem', 'a-key.pem', 'b.pem', 'b-key.pem', 'ca.pem']) writeFileSync(join(dir, 'certs', f), 'x');
  const file = join(dir, 'proxy.yaml');
  writeFileSync(file, `
listeners:
  - name: plain
    address: 127.0.0.1
    port: 8080
  - name: secure
    port: 8443
    tls:
      minVersion: TLSv1.3
      certificates:
        - serverNames: [a.example.com, "*.a.example.com"]
          certFile: certs/a.pem
          keyFile: certs/a-key.pem
        - certFile: ${join(dir, 'certs', 'b.pem')}
          keyFile: certs/b-key.pem
clusters:
  - name: api
    appProtocol: h2
    hosts: ["10.0.0.1:443", "[::1]:8443", { address: api.internal, port: 444, weight: 7 }]
    service: { name: api, namespace: prod, port: 443 }
    loadBalancing: random
    tls: { serverName: api.internal, rejectUnauthorized: false, caFile: certs/ca.pem }
    healthCheck: { type: http, path: /ready, interval: 10s, timeout: 2s, unhealthyThreshold: 4, healthyThreshold: 3 }
    outlier: { consecutiveFailures: 0, ejectionTime: 1m }
    timeouts: { connect: 1s, request: 30s, idle: 2m }
    maxStreamsPerConnection: 50
    maxConnections: 8
  - name: grpc
    appProtocol: grpc
    hosts: [grpc.internal:50051]
    healthCheck: { type: grpc, service: pkg.Svc }
routes:
  - name: everything
    hostnames: [a.example.com, "*.b.example.com"]
    listeners: [secure]
    matches:
      - path: { type: Exact, value: /exact }
        method: POST
        headers: [{ name: X-Env, value: canary }, { type: RegularExpression, name: x-id, value: "[0-9]+" }]
        queryParams: [{ name: debug, value: "1" }]
      - path: /prefix
        headers: { x-a: b, x-re: { regex: "v[0-9]" }, x-ex: { exact: e } }
    filters:
      - type: RequestHeaderModifier
        requestHeaderModifier:
          set: [{ name: X-Set, value: s }]
          add: { x-add: a }
          remove: [X-Remove]
      - type: ResponseHeaderModifier
        responseHeaderModifier: { add: [{ name: x-resp, value: r }] }
      - type: URLRewrite
        urlRewrite: { hostname: internal.example.com, path: { type: ReplaceFullPath, replaceFullPath: /new } }
    backends: [api, { cluster: grpc, weight: 0 }]
    timeouts: { request: 10s, backendRequest: 2s }
    retry: { attempts: 3, backoff: 250ms, codes: [500, 503] }
  - name: rpc
    matches:
      - grpc: { service: pkg.Svc, method: Get }
      - grpc: { type: RegularExpression, service: "pkg\\\\..*" }
        headers: { x-tenant: t1 }
    backends: [grpc]
accessLog:
  path: logs/access.log
  fields: { code: "%RESPONSE_CODE%" }
admin: { address: 0.0.0.0, port: 9000 }
limits:
  drainTimeout: 5s
  maxRequestBodyBytes: 1048576
  maxConnections: 1000
  maxConcurrentStreams: 250
  maxHeaderListBytes: 32768
  requestHeadersTimeout: 3s
  idleTimeout: 1m
demoBackends: [{ name: demo, port: 9100 }, demo2]
`);
  const c = loadConfig(file);
  assert.is(c.source, file);
  assert.equal(c.listeners, [
    { name: 'plain', address: '127.0.0.1', port: 8080, tls: null },
    {
      name: 'secure', address: '0.0.0.0', port: 8443,
      tls: {
        minVersion: 'TLSv1.3',
        certificates: [
          { serverNames: ['a.example.com', '*.a.example.com'], certFile: join(dir, 'certs/a.pem'), keyFile: join(dir, 'certs/a-key.pem') },
          { serverNames: [], certFile: join(dir, 'certs/b.pem'), keyFile: join(dir, 'certs/b-key.pem') },
        ],
      },
    },
  ]);
  assert.equal(c.clusters.get('api'), {
    name: 'api', appProtocol: 'h2',
    tls: { serverName: 'api.internal', rejectUnauthorized: false, caFile: join(dir, 'certs/ca.pem') },
    hosts: [{ address: '10.0.0.1', port: 443, weight: 1 }, { address: '::1', port: 8443, weight: 1 }, { address: 'api.internal', port: 444, weight: 7 }],
    loadBalancing: 'random',
    healthCheck: { type: 'http', path: '/ready', intervalMs: 10_000, timeoutMs: 2000, unhealthyThreshold: 4, healthyThreshold: 3, grpcService: '' },
    outlier: { consecutiveFailures: 0, ejectionMs: 60_000 },
    timeouts: { connectMs: 1000, requestMs: 30_000, idleMs: 120_000 },
    maxStreamsPerConnection: 50, maxConnections: 8,
    service: { name: 'api', namespace: 'prod', port: 443 },
    demoBackend: null,
  });
  assert.equal(c.clusters.get('grpc')!.healthCheck, { type: 'grpc', path: '/grpc.health.v1.Health/Check', intervalMs: 5000, timeoutMs: 1000, unhealthyThreshold: 3, healthyThreshold: 2, grpcService: 'pkg.Svc' });
  assert.equal([...c.clusters.keys()], ['api', 'grpc', 'demo', 'demo2']);
  assert.equal(c.clusters.get('demo')!.hosts, [{ address: '127.0.0.1', port: 9100, weight: 1 }]);
  assert.is(c.clusters.get('demo2')!.demoBackend, 'demo2');
  assert.is(c.clusters.get('demo2')!.appProtocol, 'h2c');

  const [r0, r1] = c.routes;
  assert.is(r0!.name, 'everything');
  assert.equal(r0!.hostnames, ['a.example.com', '*.b.example.com']);
  assert.equal(r0!.listeners, ['secure']);
  assert.is(r0!.kind, 'HTTPRoute');
  const m0 = r0!.matches[0]!;
  assert.equal(m0.path, { type: 'Exact', value: '/exact' });
  assert.is(m0.method, 'POST');
  assert.equal(m0.headers.map((h) => [h.type, h.name, h.value, h.regex?.source]), [['Exact', 'x-env', 'canary', undefined], ['RegularExpression', 'x-id', '[0-9]+', '^(?:[0-9]+)$']]);
  assert.equal(m0.queryParams, [{ type: 'Exact', name: 'debug', value: '1' }]);
  assert.is(m0.grpc, null);
  const m1 = r0!.matches[1]!;
  assert.equal(m1.path, { type: 'PathPrefix', value: '/prefix' });
  assert.equal(m1.headers.map((h) => [h.type, h.name, h.value]), [['Exact', 'x-a', 'b'], ['RegularExpression', 'x-re', 'v[0-9]'], ['Exact', 'x-ex', 'e']]);
  assert.equal(r0!.filters, [
    { type: 'RequestHeaderModifier', modifier: { set: [['x-set', 's']], add: [['x-add', 'a']], remove: ['x-remove'] } },
    { type: 'ResponseHeaderModifier', modifier: { set: [], add: [['x-resp', 'r']], remove: [] } },
    { type: 'URLRewrite', hostname: 'internal.example.com', path: { type: 'ReplaceFullPath', value: '/new' } },
  ]);
  assert.equal(r0!.backends, [{ cluster: 'api', weight: 1 }, { cluster: 'grpc', weight: 0 }]);
  assert.equal(r0!.timeouts, { request: 10_000, backendRequest: 2000 });
  assert.equal(r0!.retry, { attempts: 3, backoffMs: 250, codes: [500, 503] });

  assert.is(r1!.kind, 'GRPCRoute');
  assert.equal(r1!.matches[0]!.grpc, { type: 'Exact', service: 'pkg.Svc', method: 'Get' });
  assert.is(r1!.matches[0]!.path, null);
  assert.is(r1!.matches[1]!.grpc!.serviceRegex!.source, '^(?:pkg\\..*)$');
  assert.equal(r1!.matches[1]!.headers.map((h) => h.name), ['x-tenant']);
  assert.equal(r1!.listeners, []);

  assert.equal(c.accessLog, { path: join(dir, 'logs/access.log'), fields: { code: '%RESPONSE_CODE%' } });
  assert.equal(c.admin, { address: '0.0.0.0', port: 9000 });
  assert.equal(c.limits, {
    drainTimeoutMs: 5000, maxRequestBodyBytes: 1_048_576, maxConnections: 1000, maxConcurrentStreams: 250, maxHeaderListBytes: 32_768,
    requestHeadersTimeoutMs: 3000, idleTimeoutMs: 60_000,
  });
  assert.equal(c.demoBackends, [{ name: 'demo', port: 9100 }, { name: 'demo2', port: 0 }]);
});

test('defaults of a minimal config', () => {
  const c = parseConfig('listeners: [{ port: 80 }]\nclusters: [{ name: web, hosts: ["web:80"] }]\nroutes: [{ backends: [web] }]\n', 'min.yaml');
  assert.equal(c.listeners, [{ name: 'listener-80', address: '0.0.0.0', port: 80, tls: null }]);
  assert.equal(c.clusters.get('web'), {
    name: 'web', appProtocol: 'http', tls: null, hosts: [{ address: 'web', port: 80, weight: 1 }], loadBalancing: 'round-robin', healthCheck: null,
    outlier: { consecutiveFailures: 5, ejectionMs: 30_000 }, timeouts: { connectMs: 5000, requestMs: 0, idleMs: 60_000 },
    maxStreamsPerConnection: 0, maxConnections: 0, service: null, demoBackend: null,
  });
  assert.equal(c.routes, [{
    name: 'route-0', hostnames: [], listeners: [], matches: [{ path: { type: 'PathPrefix', value: '/' }, method: null, headers: [], queryParams: [], grpc: null }],
    filters: [], backends: [{ cluster: 'web', weight: 1 }], timeouts: { request: 0, backendRequest: 0 }, retry: null, kind: 'HTTPRoute',
  }]);
  assert.is(c.accessLog, null);
  assert.is(c.admin, null);
  assert.equal(c.limits, DEFAULT_LIMITS);
  assert.equal(c.demoBackends, []);
});

test('defaults inside optional blocks', () => {
  const c = parseConfig(`
listeners: [{ name: l, port: 80 }]
clusters:
  - { name: k8s, appProtocol: kubernetes.io/h2c, service: { name: svc, port: 9000 } }
  - { name: tls, appProtocol: h2, hosts: ["t:443"], healthCheck: {} }
routes: [{ backends: [k8s], retry: {}, filters: [{ type: RequestRedirect, requestRedirect: {} }] }]
accessLog: {}
admin: { port: 0 }
limits: {}
`, 'd.yaml');
  const k8s = c.clusters.get('k8s')!;
  assert.is(k8s.appProtocol, 'h2c');
  assert.equal(k8s.hosts, [{ address: 'svc.default.svc', port: 9000, weight: 1 }]);
  assert.equal(k8s.service, { name: 'svc', namespace: 'default', port: 9000 });
  const tls = c.clusters.get('tls')!;
  assert.equal(tls.tls, { serverName: null, rejectUnauthorized: true, caFile: null });
  assert.equal(tls.healthCheck, { type: 'http', path: '/healthz', intervalMs: 5000, timeoutMs: 1000, unhealthyThreshold: 3, healthyThreshold: 2, grpcService: '' });
  assert.equal(c.routes[0]!.retry, { attempts: 1, backoffMs: 0, codes: [502, 503, 504] });
  assert.equal(c.routes[0]!.filters, [{ type: 'RequestRedirect', scheme: null, hostname: null, port: null, path: null, statusCode: 302 }]);
  assert.equal(c.accessLog, { path: 'stdout', fields: { ...DEFAULT_ACCESS_LOG_FIELDS } });
  assert.equal(c.admin, { address: '127.0.0.1', port: 0 });
  assert.equal(c.limits, DEFAULT_LIMITS);
});

test('a redirect-only route needs no backends; accessLog null and admin null turn them off', () => {
  const c = parseConfig(`
listeners: [{ name: l, port: 80 }]
routes:
  - filters: [{ type: RequestRedirect, requestRedirect: { scheme: https, port: 8443, hostname: secure.example.com, statusCode: 308 } }]
accessLog: null
admin: null
`, 'r.yaml');
  assert.equal(c.routes[0]!.backends, []);
  assert.equal(c.routes[0]!.filters[0], { type: 'RequestRedirect', scheme: 'https', hostname: 'secure.example.com', port: 8443, path: null, statusCode: 308 });
  assert.is(c.accessLog, null);
  assert.is(c.admin, null);
});

test('JSON and YAML spellings of one config are the same config', () => {
  const yaml = 'listeners:\n  - { name: a, port: 1 }\nclusters:\n  - name: c\n    hosts: ["h:1"]\nroutes:\n  - name: r\n    matches: [{ path: { type: Exact, value: /x } }]\n    backends: [c]\n';
  const json = JSON.stringify({ listeners: [{ name: 'a', port: 1 }], clusters: [{ name: 'c', hosts: ['h:1'] }], routes: [{ name: 'r', matches: [{ path: { type: 'Exact', value: '/x' } }], backends: ['c'] }] }, null, '\t');
  assert.equal(withoutSource(parseConfig(yaml, 'a.yaml')), withoutSource(parseConfig(json, 'a.json')));
});

test('several files and documents make one config; later files may reference earlier ones and vice versa', () => {
  const c = parseConfigTexts([
    { file: 'routes.yaml', text: 'routes: [{ name: r, backends: [c] }]\n---\nlisteners: [{ name: l2, port: 2 }]\n' },
    { file: 'base.yaml', text: 'listeners: [{ name: l1, port: 1 }]\nclusters: [{ name: c, hosts: ["h:1"] }]\n---\n' },
  ]);
  assert.is(c.source, 'routes.yaml, base.yaml');
  assert.equal(c.listeners.map((l) => l.name), ['l2', 'l1']);
  assert.equal(c.routes[0]!.backends, [{ cluster: 'c', weight: 1 }]);
});

test('the embedded default is the quick start: examples/quickstart.yaml', () => {
  const c = embeddedDefaultConfig();
  assert.equal(withoutSource(c), withoutSource(loadConfig(join(examples, 'quickstart.yaml'))));
  assert.is(c.source, '<embedded default>');
  assert.equal(c.listeners, [{ name: 'http', address: '0.0.0.0', port: 8080, tls: null }]);
  assert.equal(c.admin, { address: '0.0.0.0', port: 9901 });
  assert.is(c.accessLog!.path, 'stdout');
  assert.equal(c.demoBackends, [{ name: 'demo', port: 0 }]);
  const demo = c.clusters.get('demo')!;
  assert.is(demo.appProtocol, 'h2c');
  assert.is(demo.demoBackend, 'demo');
  assert.equal(c.routes[0]!.backends, [{ cluster: 'demo', weight: 1 }]);
  assert.ok(EMBEDDED_DEFAULT_YAML.includes('port: 8080'));
  assert.ok(embeddedDefaultConfig() !== c, 'a fresh copy each time');
});

test('every example config is valid', () => {
  const all = loadConfig([join(examples, 'proxy.yaml'), join(examples, 'httproute.yaml')]);
  assert.equal(all.routes.map((r) => r.name), ['greeter', 'httpbin', 'canary', 'old-docs', 'echo/0', 'echo/1', 'greeter/0']);
  assert.equal([...all.clusters.keys()], ['httpbin', 'greeter', 'api-v2', 'echo:8080', 'echo-canary:8080']);
  const json = loadConfig(join(examples, 'proxy.json'));
  assert.equal(json.accessLog!.fields, { code: '%RESPONSE_CODE%', ua: '%REQ(USER-AGENT)%' });
  assert.ok(readFileSync(join(examples, 'proxy.json'), 'utf8').startsWith('{'));
});

test.run();
