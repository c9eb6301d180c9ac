import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileAccessLog, compileFormat, DEFAULT_ACCESS_LOG_FIELDS, FormatError } from '../src/observability/access-log-format.js';
import { AccessLog } from '../src/observability/access-log.js';
import type { LogRecord } from '../src/config/types.js';

function record(over: Partial<LogRecord> = {}): LogRecord {
  return {
    startTime: Date.UTC(2024, 1, 29, 13, 4, 5, 678), // 2024-02-29T13:04:05.678Z, a Thursday
    durationMs: 12.6,
    responseDurationMs: 7.2,
    method: 'POST',
    authority: 'api.example.com',
    path: '/v1/items?limit=5',
    scheme: 'https',
    protocol: 'HTTP/2',
    requestHeaders: new Map([['user-agent', 'curl/8.5'], ['x-request-id', 'abc-123'], ['x-forwarded-for', '10.0.0.9'], ['quote', 'say "hi"\n']]),
    responseHeaders: [[':status', '201'], ['content-type', 'application/json'], ['set-cookie', 'a=1'], ['set-cookie', 'b=2']],
    responseTrailers: [['grpc-status', '5']],
    responseCode: 201,
    responseFlags: '',
    responseCodeDetails: 'via_upstream',
    bytesReceived: 42,
    bytesSent: 1024,
    upstreamHost: '10.1.0.7:8080',
    upstreamCluster: 'items',
    upstreamLocalAddress: '10.0.0.2:51234',
    upstreamTransportFailureReason: null,
    downstreamRemoteAddress: '[2001:db8::1]:40000',
    downstreamLocalAddress: '10.0.0.2:8443',
    requestedServerName: 'api.example.com',
    routeName: 'items/0',
    listener: 'https',
    upstreamAttempts: 2,
    connectionId: 77,
    connectionTerminationDetails: null,
    ...over,
  };
}

function one(format: string, r: LogRecord = record()): unknown {
  return JSON.parse(compileAccessLog({ v: format })(r)).v;
}

test('every operator', () => {
  const table: Array<[string, unknown]> = [
    ['%START_TIME%', '2024-02-29T13:04:05.678Z'],
    ['%START_TIME(%Y-%m-%dT%H:%M:%S%z)%', '2024-02-29T13:04:05+0000'],
    ['%START_TIME(%s.%3f)%', '1709211845.678'],
    ['%START_TIME(%6f|%9f|%f)%', '678000|678000000|678000000'],
    ['%START_TIME(%a %b %d %y %j %F %T %Z %%)%', 'Thu Feb 29 24 060 2024-02-29 13:04:05 UTC %'],
    ['%REQ(USER-AGENT)%', 'curl/8.5'],
    ['%REQ(user-agent)%', 'curl/8.5'],
    ['%REQUEST_HEADER(X-REQUEST-ID)%', 'abc-123'],
    ['%REQ(X-MISSING)%', null],
    ['%REQ(X-MISSING?USER-AGENT)%', 'curl/8.5'],
    ['%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%', '/v1/items?limit=5'],
    ['%REQ(:METHOD)%', 'POST'],
    ['%REQ(:AUTHORITY)%', 'api.example.com'],
    ['%REQ(HOST)%', 'api.example.com'],
    ['%REQ(:SCHEME)%', 'https'],
    ['%REQ(USER-AGENT):4%', 'curl'],
    ['%REQ_WITHOUT_QUERY(:PATH)%', '/v1/items'],
    ['%REQ_WITHOUT_QUERY(X-MISSING?:PATH)%', '/v1/items'],
    ['%RESP(CONTENT-TYPE)%', 'application/json'],
    ['%RESPONSE_HEADER(SET-COOKIE)%', 'a=1,b=2'],
    ['%RESP(X-NONE)%', null],
    ['%TRAILER(GRPC-STATUS)%', '5'],
    ['%RESPONSE_TRAILER(X-NONE)%', null],
    ['%PROTOCOL%', 'HTTP/2'],
    ['%RESPONSE_CODE%', 201],
    ['%RESPONSE_CODE_DETAILS%', 'via_upstream'],
    ['%RESPONSE_FLAGS%', null],
    ['%BYTES_RECEIVED%', 42],
    ['%BYTES_SENT%', 1024],
    ['%DURATION%', 12],
    ['%RESPONSE_DURATION%', 7],
    ['%UPSTREAM_HOST%', '10.1.0.7:8080'],
    ['%UPSTREAM_CLUSTER%', 'items'],
    ['%UPSTREAM_LOCAL_ADDRESS%', '10.0.0.2:51234'],
    ['%UPSTREAM_TRANSPORT_FAILURE_REASON%', null],
    ['%UPSTREAM_REQUEST_ATTEMPT_COUNT%', 2],
    ['%DOWNSTREAM_REMOTE_ADDRESS%', '[2001:db8::1]:40000'],
    ['%DOWNSTREAM_DIRECT_REMOTE_ADDRESS%', '[2001:db8::1]:40000'],
    ['%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%', '2001:db8::1'],
    ['%DOWNSTREAM_DIRECT_REMOTE_ADDRESS_WITHOUT_PORT%', '2001:db8::1'],
    ['%DOWNSTREAM_LOCAL_ADDRESS%', '10.0.0.2:8443'],
    ['%DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT%', '10.0.0.2'],
    ['%REQUESTED_SERVER_NAME%', 'api.example.com'],
    ['%ROUTE_NAME%', 'items/0'],
    ['%CONNECTION_ID%', 77],
    ['%CONNECTION_TERMINATION_DETAILS%', null],
    ['%GRPC_STATUS%', 'NotFound'],
    ['%GRPC_STATUS(SNAKE_STRING)%', 'NOT_FOUND'],
    ['%GRPC_STATUS(NUMBER)%', 5],
    ['%GRPC_STATUS_NUMBER%', 5],
    ['%HOSTNAME%', hostname()],
    ['%DYNAMIC_METADATA(envoy.lb:canary)%', null],
    ['%FILTER_STATE(x)%', null],
    ['%DOWNSTREAM_TLS_VERSION%', null],
    ['plain text', 'plain text'],
    ['', ''],
    ['%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%', 'POST /v1/items?limit=5 HTTP/2'],
    ['[%RESPONSE_CODE%] %RESPONSE_FLAGS% %UPSTREAM_TRANSPORT_FAILURE_REASON%', '[201] - -'],
    ['%REQ(QUOTE)%', 'say "hi"\n'],
  ];
  for (const [format, expected] of table) assert.equal(one(format), expected, format);
});

test('failure details, flags, IPv4 and missing values', () => {
  const r = record({
    responseCode: 503, responseFlags: 'UF,URX', upstreamTransportFailureReason: 'connection refused', responseTrailers: null, responseHeaders: null,
    downstreamRemoteAddress: '192.0.2.1:5555', upstreamHost: null, responseDurationMs: null, connectionTerminationDetails: 'idle timeout',
  });
  assert.is(one('%RESPONSE_FLAGS%', r), 'UF,URX');
  assert.is(one('%UPSTREAM_TRANSPORT_FAILURE_REASON%', r), 'connection refused');
  assert.is(one('%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%', r), '192.0.2.1');
  assert.is(one('%UPSTREAM_HOST%', r), null);
  assert.is(one('%RESPONSE_DURATION%', r), null);
  assert.is(one('%GRPC_STATUS%', r), null);
  assert.is(one('%RESP(CONTENT-TYPE)%', r), null);
  assert.is(one('%CONNECTION_TERMINATION_DETAILS%', r), 'idle timeout');
  assert.is(one('%GRPC_STATUS%', record({ responseTrailers: null, responseHeaders: [['grpc-status', '0']] })), 'OK');
  assert.is(one('%GRPC_STATUS(SNAKE_STRING)%', record({ responseTrailers: [['grpc-status', '1']] })), 'CANCELLED');
  assert.is(one('%GRPC_STATUS%', record({ responseTrailers: [['grpc-status', '99']] })), '99');
});

test('the compiled line is exact JSON, keys in order, one line', () => {
  const format = compileAccessLog({ code: '%RESPONSE_CODE%', 'ua "quoted"': '%REQ(USER-AGENT)%', none: '%UPSTREAM_TRANSPORT_FAILURE_REASON%', mixed: '%REQ(:METHOD)% %RESPONSE_CODE%' });
  assert.is(format(record()), '{"code":201,"ua \\"quoted\\"":"curl/8.5","none":null,"mixed":"POST 201"}\n');
  assert.is(compileAccessLog({})(record()), '{}\n');
});

test("Envoy Gateway's default fields render", () => {
  const line = compileAccessLog({ ...DEFAULT_ACCESS_LOG_FIELDS })(record());
  const parsed = JSON.parse(line) as Record<string, unknown>;
  assert.is(parsed['start_time'], '2024-02-29T13:04:05.678Z');
  assert.is(parsed['x-envoy-origin-path'], '/v1/items?limit=5');
  assert.is(parsed['response_code'], 201);
  assert.is(parsed[':authority'], 'api.example.com');
  assert.is(parsed['route_name'], 'items/0');
  assert.is(Object.keys(parsed).length, Object.keys(DEFAULT_ACCESS_LOG_FIELDS).length);
});

test('ENVIRONMENT(X) reads the variable once, at compile time', () => {
  process.env['STRAND_TEST_ENV'] = 'pod-7';
  const f = compileAccessLog({ pod: '%ENVIRONMENT(STRAND_TEST_ENV)%', missing: '%ENVIRONMENT(STRAND_TEST_NOPE)%' });
  delete process.env['STRAND_TEST_ENV'];
  assert.is(f(record()), '{"pod":"pod-7","missing":null}\n');
});

test('format errors', () => {
  const bad: Array<[string, string]> = [
    ['%RESPONSE_COED%', 'unknown access log operator %RESPONSE_COED% (did you mean "RESPONSE_CODE"?)'],
    ['%REQ%', '%REQ(HEADER)% needs a header name'],
    ['%REQ()%', '%REQ(...)% needs a header name, optionally "NAME?ALTERNATIVE"'],
    ['%REQ(A?B?C)%', '%REQ(...)% needs a header name, optionally "NAME?ALTERNATIVE"'],
    ['%PROTOCOL(x)%', '%PROTOCOL% takes no argument'],
    ['%GRPC_STATUS(LOUD)%', '%GRPC_STATUS(LOUD)%: use CAMEL_STRING, SNAKE_STRING or NUMBER'],
    ['%ENVIRONMENT()%', '%ENVIRONMENT(NAME)% needs a variable name'],
    ['100%', 'unterminated or malformed operator at column 4: "%"'],
    ['%START_TIME(%E)%', 'unsupported START_TIME specifier "%E" (supported: %Y %y %m %d %H %M %S %s %F %T %a %b %j %z %Z %f %3f %6f %9f %%)'],
  ];
  for (const [format, message] of bad) {
    try {
      compileFormat(format);
      assert.unreachable(format);
    } catch (e) {
      assert.instance(e, FormatError, format);
      assert.is((e as Error).message, message);
    }
  }
  assert.throws(() => compileAccessLog({ k: '%NOPE%' }), (e: Error) => e.message.startsWith('k: unknown access log operator %NOPE%'));
});

test('AccessLog: buffered, flushed by size, by flush(), by close(), and on a timer', async () => {
  const chunks: string[] = [];
  const sink = { write: (c: string) => chunks.push(c) };
  const log = new AccessLog({ path: 'stdout', fields: { c: '%RESPONSE_CODE%' } }, { sink, maxBufferBytes: 30, flushIntervalMs: 5 });
  log.log(record());
  log.log(record({ responseCode: 404 }));
  assert.equal(chunks, [], 'buffered');
  log.log(record({ responseCode: 500 })); // 3 × 11 bytes ≥ 30: flushed now
  assert.equal(chunks, ['{"c":201}\n{"c":404}\n{"c":500}\n']);
  log.log(record({ responseCode: 204 }));
  log.flush();
  assert.equal(chunks.length, 2);
  log.log(record({ responseCode: 302 }));
  await new Promise((r) => setTimeout(r, 40));
  assert.equal(chunks, ['{"c":201}\n{"c":404}\n{"c":500}\n', '{"c":204}\n', '{"c":302}\n'], 'the timer flushed');
  log.log(record({ responseCode: 418 }));
  await log.close();
  log.log(record({ responseCode: 999 })); // after close: dropped
  log.flush();
  assert.equal(chunks.slice(3), ['{"c":418}\n']);
});

test('AccessLog: writes JSON lines to a file', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'strand-log-')), 'access.log');
  const log = new AccessLog({ path: file, fields: { code: '%RESPONSE_CODE%', route: '%ROUTE_NAME%' } });
  log.log(record());
  log.log(record({ routeName: null, responseCode: 404 }));
  await log.close();
  assert.is(readFileSync(file, 'utf8'), '{"code":201,"route":"items/0"}\n{"code":404,"route":null}\n');
});

test.run();
