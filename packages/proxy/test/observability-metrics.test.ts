import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatValue, Registry } from '../src/observability/registry.js';
import { ProxyMetrics, noopMetrics } from '../src/observability/proxy-metrics.js';
import type { LogRecord } from '../src/config/types.js';
import { Observer } from '../src/server/observer.js';

test('Prometheus text format 0.0.4: counters, gauges, histograms, escaping', () => {
  const r = new Registry();
  const c = r.counter('demo_requests_total', 'Requests.\nSecond line with \\ backslash.', ['route', 'code']);
  const g = r.gauge('demo_temperature', 'A gauge without labels.');
  const h = r.histogram('demo_latency_seconds', 'Latency.', ['route'], [0.1, 0.5, 1]);
  c.labels('a', '200').inc();
  c.labels('a', '200').inc(2);
  c.labels('quote"back\\slash\nnewline', '500').inc();
  g.set(-1.5);
  h.labels('a').observe(0.05);
  h.labels('a').observe(0.1);
  h.labels('a').observe(0.7);
  h.labels('a').observe(3);
  assert.is(r.expose(), [
    '# HELP demo_requests_total Requests.\\nSecond line with \\\\ backslash.',
    '# TYPE demo_requests_total counter',
    'demo_requests_total{route="a",code="200"} 3',
    'demo_requests_total{route="quote\\"back\\\\slash\\nnewline",code="500"} 1',
    '# HELP demo_temperature A gauge without labels.',
    '# TYPE demo_temperature gauge',
    'demo_temperature -1.5',
    '# HELP demo_latency_seconds Latency.',
    '# TYPE demo_latency_seconds histogram',
    'demo_latency_seconds_bucket{route="a",le="0.1"} 2',
    'demo_latency_seconds_bucket{route="a",le="0.5"} 2',
    'demo_latency_seconds_bucket{route="a",le="1"} 3',
    'demo_latency_seconds_bucket{route="a",le="+Inf"} 4',
    'demo_latency_seconds_sum{route="a"} 3.85',
    'demo_latency_seconds_count{route="a"} 4',
    '',
  ].join('\n'));
});

test('unlabelled metrics start at 0; an unlabelled histogram; remove and reset', () => {
  const r = new Registry();
  const c = r.counter('x_total', 'X.');
  const h = r.histogram('y_seconds', 'Y.', [], [1]);
  assert.is(r.expose(), '# HELP x_total X.\n# TYPE x_total counter\nx_total 0\n# HELP y_seconds Y.\n# TYPE y_seconds histogram\ny_seconds_bucket{le="1"} 0\ny_seconds_bucket{le="+Inf"} 0\ny_seconds_sum 0\ny_seconds_count 0\n');
  c.inc(5);
  h.observe(2);
  assert.ok(r.expose().includes('x_total 5\n'));
  assert.ok(r.expose().includes('y_seconds_bucket{le="1"} 0\ny_seconds_bucket{le="+Inf"} 1\ny_seconds_sum 2\n'));
  const g = r.gauge('z', 'Z.', ['host']);
  g.labels('a').set(1);
  g.labels('b').set(0);
  g.remove('a');
  assert.ok(r.expose().endsWith('# TYPE z gauge\nz{host="b"} 0\n'));
  g.reset();
  assert.ok(r.expose().endsWith('# TYPE z gauge\n'));
});

test('registry misuse throws', () => {
  const r = new Registry();
  r.counter('a_total', 'A.');
  assert.throws(() => r.counter('a_total', 'again'), /already registered/);
  assert.throws(() => r.gauge('bad-name', 'B.'), /invalid metric name/);
  assert.throws(() => r.gauge('ok', 'B.', ['le']), /invalid label name/);
  assert.throws(() => r.gauge('ok2', 'B.', ['__x']), /invalid label name/);
  assert.throws(() => r.histogram('h', 'H.', [], [1, 1]), /buckets must increase/);
  const c = r.counter('c_total', 'C.', ['x']);
  assert.throws(() => c.labels(), /expected 1 label values, got 0/);
  assert.throws(() => c.labels('a').inc(-1), /only go up/);
  assert.equal([NaN, Infinity, -Infinity, 0.5, 1e21].map(formatValue), ['NaN', '+Inf', '-Inf', '0.5', '1e+21']);
});

function rec(over: Partial<LogRecord>): LogRecord {
  return {
    startTime: 0, durationMs: 20, responseDurationMs: null, method: 'GET', authority: 'h', path: '/', scheme: 'http', protocol: 'HTTP/2',
    requestHeaders: new Map(), responseHeaders: null, responseTrailers: null, responseCode: 200, responseFlags: '', responseCodeDetails: null,
    bytesReceived: 0, bytesSent: 100, upstreamHost: null, upstreamCluster: null, upstreamLocalAddress: null, upstreamTransportFailureReason: null,
    downstreamRemoteAddress: '1.2.3.4:5', downstreamLocalAddress: '5.6.7.8:80', requestedServerName: null, routeName: 'web/0', listener: 'http',
    upstreamAttempts: 1, connectionId: 1, connectionTerminationDetails: null, ...over,
  };
}

test("the proxy's metrics, exactly", () => {
  const m = new ProxyMetrics();
  m.connectionOpened('http', 'h2c');
  m.connectionOpened('http', 'h2c');
  m.connectionClosed('http', 'h2c');
  m.streamOpened('http');
  m.requestCompleted(rec({}));
  m.requestCompleted(rec({ responseCode: 404, routeName: null, durationMs: 1500, bytesReceived: 7, protocol: 'HTTP/1.1' }));
  m.streamClosed('http');
  m.upstreamRequest('web', '10.0.0.1:80', 200, 4);
  m.upstreamConnectFailure('web', '10.0.0.2:80', 'ECONNREFUSED');
  m.upstreamHealth('web', '10.0.0.1:80', true);
  m.upstreamHealth('web', '10.0.0.2:80', false);
  m.outlierEjection('web', '10.0.0.2:80');
  m.retry('web/0');
  m.limitTripped('maxConnections');
  m.configReload(true);
  m.configReload(false);
  const buckets = (labels: string, values: number[]): string[] =>
    ['0.001', '0.0025', '0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '30', '+Inf'].map((le, i) => `${labels.replace('}', `,le="${le}"}`)} ${values[i]}`);
  const expected = [
    '# HELP strand_proxy_requests_total Downstream requests completed, by route, status code and protocol.',
    '# TYPE strand_proxy_requests_total counter',
    'strand_proxy_requests_total{route="web/0",code="200",protocol="HTTP/2"} 1',
    'strand_proxy_requests_total{route="",code="404",protocol="HTTP/1.1"} 1',
    '# HELP strand_proxy_request_duration_seconds Downstream request duration, first byte in to last byte out.',
    '# TYPE strand_proxy_request_duration_seconds histogram',
    ...buckets('strand_proxy_request_duration_seconds_bucket{route="web/0"}', [0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]),
    'strand_proxy_request_duration_seconds_sum{route="web/0"} 0.02',
    'strand_proxy_request_duration_seconds_count{route="web/0"} 1',
    ...buckets('strand_proxy_request_duration_seconds_bucket{route=""}', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]),
    'strand_proxy_request_duration_seconds_sum{route=""} 1.5',
    'strand_proxy_request_duration_seconds_count{route=""} 1',
    '# HELP strand_proxy_request_body_bytes_total Request body bytes received from clients, by route.',
    '# TYPE strand_proxy_request_body_bytes_total counter',
    'strand_proxy_request_body_bytes_total{route=""} 7',
    '# HELP strand_proxy_response_body_bytes_total Response body bytes sent to clients, by route.',
    '# TYPE strand_proxy_response_body_bytes_total counter',
    'strand_proxy_response_body_bytes_total{route="web/0"} 100',
    'strand_proxy_response_body_bytes_total{route=""} 100',
    '# HELP strand_proxy_active_connections Open downstream connections.',
    '# TYPE strand_proxy_active_connections gauge',
    'strand_proxy_active_connections{listener="http",protocol="h2c"} 1',
    '# HELP strand_proxy_connections_total Downstream connections accepted.',
    '# TYPE strand_proxy_connections_total counter',
    'strand_proxy_connections_total{listener="http",protocol="h2c"} 2',
    '# HELP strand_proxy_active_streams Downstream requests (HTTP/2 streams or HTTP/1.1 exchanges) in flight.',
    '# TYPE strand_proxy_active_streams gauge',
    'strand_proxy_active_streams{listener="http"} 0',
    '# HELP strand_proxy_upstream_requests_total Upstream attempts, by cluster and status code (0 = no response).',
    '# TYPE strand_proxy_upstream_requests_total counter',
    'strand_proxy_upstream_requests_total{cluster="web",code="200"} 1',
    '# HELP strand_proxy_upstream_request_duration_seconds Upstream attempt duration.',
    '# TYPE strand_proxy_upstream_request_duration_seconds histogram',
    ...buckets('strand_proxy_upstream_request_duration_seconds_bucket{cluster="web"}', [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]),
    'strand_proxy_upstream_request_duration_seconds_sum{cluster="web"} 0.004',
    'strand_proxy_upstream_request_duration_seconds_count{cluster="web"} 1',
    '# HELP strand_proxy_upstream_connect_failures_total Failed upstream connection attempts.',
    '# TYPE strand_proxy_upstream_connect_failures_total counter',
    'strand_proxy_upstream_connect_failures_total{cluster="web",host="10.0.0.2:80",reason="ECONNREFUSED"} 1',
    '# HELP strand_proxy_upstream_host_healthy Active health check state of each upstream host (1 healthy, 0 not).',
    '# TYPE strand_proxy_upstream_host_healthy gauge',
    'strand_proxy_upstream_host_healthy{cluster="web",host="10.0.0.1:80"} 1',
    'strand_proxy_upstream_host_healthy{cluster="web",host="10.0.0.2:80"} 0',
    '# HELP strand_proxy_outlier_ejections_total Hosts ejected by passive outlier detection.',
    '# TYPE strand_proxy_outlier_ejections_total counter',
    'strand_proxy_outlier_ejections_total{cluster="web",host="10.0.0.2:80"} 1',
    '# HELP strand_proxy_retries_total Upstream retries, by route.',
    '# TYPE strand_proxy_retries_total counter',
    'strand_proxy_retries_total{route="web/0"} 1',
    '# HELP strand_proxy_limits_tripped_total Requests or connections refused because a limit was hit.',
    '# TYPE strand_proxy_limits_tripped_total counter',
    'strand_proxy_limits_tripped_total{limit="maxConnections"} 1',
    '# HELP strand_proxy_config_reloads_total Configuration reloads, by result.',
    '# TYPE strand_proxy_config_reloads_total counter',
    'strand_proxy_config_reloads_total{result="success"} 1',
    'strand_proxy_config_reloads_total{result="failure"} 1',
    '',
  ].join('\n');
  assert.is(m.expose(), expected);
});

test('noopMetrics accepts every call, and with it (and no access log) the data path builds no LogRecords', () => {
  noopMetrics.requestCompleted(rec({}));
  noopMetrics.connectionOpened('a', 'b');
  noopMetrics.limitTripped('x');
  assert.ok(true);
  // Every method ProxyMetrics reports through has a no-op twin.
  const reported = Object.getOwnPropertyNames(ProxyMetrics.prototype).filter((n) => n !== 'constructor' && n !== 'expose');
  assert.equal(Object.keys(noopMetrics).sort(), reported.sort());
  assert.is(new Observer().wantsRecords, false);
  assert.is(new Observer(new ProxyMetrics()).wantsRecords, true);
  assert.is(new Observer(noopMetrics, { log() {} }).wantsRecords, true);
});

test.run();
