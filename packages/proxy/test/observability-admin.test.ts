import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { request } from 'node:http';
import { startAdminServer } from '../src/observability/admin.js';
import { ProxyMetrics } from '../src/observability/proxy-metrics.js';
import { parseConfig } from '../src/config/load.js';
import { redactedConfig } from '../src/config/redact.js';

function get(port: number, path: string, method = 'GET'): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const config = parseConfig(`
listeners:
  - name: https
    port: 8443
    tls: { certificates: [{ certFile: /etc/tls/c.pem, keyFile: /etc/tls/k.pem }] }
clusters: [{ name: api, hosts: ["10.0.0.1:80"] }]
routes:
  - name: api
    matches: [{ path: { type: RegularExpression, value: "/v[0-9]+/.*" } }]
    filters:
      - type: RequestHeaderModifier
        requestHeaderModifier: { set: { authorization: "Bearer s3cret", x-plain: visible, x-api-token: t0ken } }
    backends: [api]
`, 'admin.yaml', { checkFiles: false });

test('admin endpoints on an ephemeral port', async () => {
  const metrics = new ProxyMetrics();
  metrics.limitTripped('maxConnections');
  let ready = true;
  const admin = await startAdminServer({ address: '127.0.0.1', port: 0, metrics: () => metrics.expose(), config: () => config, ready: () => ready });
  try {
    assert.ok(admin.port > 0);
    const m = await get(admin.port, '/metrics');
    assert.is(m.status, 200);
    assert.is(m.type, 'text/plain; version=0.0.4; charset=utf-8');
    assert.is(m.body, metrics.expose());
    assert.ok(m.body.includes('strand_proxy_limits_tripped_total{limit="maxConnections"} 1\n'));

    assert.equal(await get(admin.port, '/ready'), { status: 200, type: 'text/plain; charset=utf-8', body: 'ready\n' });
    ready = false;
    assert.equal(await get(admin.port, '/ready'), { status: 503, type: 'text/plain; charset=utf-8', body: 'draining\n' });
    assert.equal(await get(admin.port, '/healthz'), { status: 200, type: 'text/plain; charset=utf-8', body: 'ok\n' });

    const c = await get(admin.port, '/config?pretty');
    assert.is(c.status, 200);
    assert.is(c.type, 'application/json');
    const json = JSON.parse(c.body);
    assert.equal(json, redactedConfig(config));
    assert.is(json.listeners[0].tls.certificates[0].keyFile, '<redacted>');
    assert.is(json.listeners[0].tls.certificates[0].certFile, '/etc/tls/c.pem');
    assert.equal(json.routes[0].filters[0].modifier.set, [['authorization', '<redacted>'], ['x-plain', 'visible'], ['x-api-token', '<redacted>']]);
    assert.equal(json.routes[0].matches[0].path, { type: 'RegularExpression', value: '/v[0-9]+/.*' });
    assert.equal(Object.keys(json.clusters), ['api']);
    assert.ok(!c.body.includes('s3cret') && !c.body.includes('t0ken'));

    assert.is((await get(admin.port, '/nope')).status, 404);
    assert.is((await get(admin.port, '/')).body, 'strand-proxy admin: /metrics /ready /healthz /config\n');
    assert.is((await get(admin.port, '/metrics', 'POST')).status, 405);
    assert.is((await get(admin.port, '/metrics', 'HEAD')).status, 200);
  } finally {
    await admin.close();
  }
});

test('startAdminServer rejects when the port is taken', async () => {
  const first = await startAdminServer({ address: '127.0.0.1', port: 0, metrics: () => '', config: () => config, ready: () => true });
  try {
    await startAdminServer({ address: '127.0.0.1', port: first.port, metrics: () => '', config: () => config, ready: () => true }).then(
      () => assert.unreachable('should not listen twice'),
      (e: NodeJS.ErrnoException) => assert.is(e.code, 'EADDRINUSE'),
    );
  } finally {
    await first.close();
  }
});

test.run();
