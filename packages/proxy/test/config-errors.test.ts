import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig, parseConfig, parseConfigTexts } from '../src/config/load.js';
import { ConfigError } from '../src/config/types.js';

function problems(text: string, file = 'bad.yaml'): string[] {
  try {
    parseConfig(text, file, { checkFiles: true });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.field}: ${p.message}`);
  }
  throw new Error('expected a ConfigError');
}

const OK_HEAD = 'listeners: [{ name: web, port: 80 }]\nclusters: [{ name: app, hosts: ["app:80"] }]\n';

// [what, config text, expected problems]. Line 1-2 of every OK_HEAD case are the valid head above.
const YAML_CASES: Array<[string, string, string[]]> = [
  ['unknown root field (no "no listeners" follow-up)', 'listner:\n  - port: 80\n', [
    'bad.yaml:1:1 listner: unknown field "listner" (did you mean "listeners"?)',
  ]],
  ['port out of range', 'listeners:\n  - name: a\n    port: 70000\n', ['bad.yaml:3:11 listeners[0].port: 70000 is out of range 0..65535']],
  ['port as a string', 'listeners:\n  - name: a\n    port: "80"\n', ['bad.yaml:3:11 listeners[0].port: expected an integer, got the string "80"']],
  ['unknown listener field with hint', 'listeners:\n  - name: a\n    port: 80\n    adress: 127.0.0.1\n', ['bad.yaml:4:5 listeners[0].adress: unknown field "adress" (did you mean "address"?)']],
  ['bad duration', OK_HEAD + 'routes:\n  - backends: [app]\n    timeouts: { request: 5 seconds }\n', [
    'bad.yaml:5:26 routes[0].timeouts.request: invalid duration "5 seconds": use 1-4 groups of <number><h|m|s|ms>, e.g. "5s", "250ms", "1m30s"',
  ]],
  ['path match type typo', OK_HEAD + 'routes:\n  - backends: [app]\n    matches:\n      - path: { type: Prefix, value: /a }\n', [
    'bad.yaml:6:23 routes[0].matches[0].path.type: unknown value "Prefix" (did you mean "PathPrefix"?); expected one of Exact, PathPrefix, RegularExpression',
  ]],
  ['invalid regex', OK_HEAD + 'routes:\n  - backends: [app]\n    matches:\n      - path: { type: RegularExpression, value: "/a(" }\n', [
    'bad.yaml:6:49 routes[0].matches[0].path.value: invalid regular expression "/a(": Unterminated group',
  ]],
  ['non-ASCII path (would lose its high bytes on the wire)', OK_HEAD + 'routes:\n  - backends: [app]\n    matches: [{ path: "/caf\u00e9" }]\n', [
    'bad.yaml:5:23 routes[0].matches[0].path: path "/café" has U+00E9 at offset 4: only visible ASCII is allowed (percent-encode other characters)',
  ]],
  ['header value above U+00FF (U+010A would write LF to the backend)', OK_HEAD + 'routes:\n  - backends: [app]\n    filters:\n      - type: RequestHeaderModifier\n        requestHeaderModifier: { set: [{ name: x-a, value: "a\u010a\u010db" }] }\n', [
    'bad.yaml:7:60 routes[0].filters[0].requestHeaderModifier.set[0].value: header value has a character above U+00FF (U+010A at offset 1): values are octets, one per character',
  ]],
  ['path without leading slash', OK_HEAD + 'routes:\n  - backends: [app]\n    matches: [{ path: api }]\n', [
    'bad.yaml:5:23 routes[0].matches[0].path: path "api" must start with "/"',
  ]],
  ['invalid header name', OK_HEAD + 'routes:\n  - backends: [app]\n    matches: [{ headers: [{ name: "x y", value: v }] }]\n', [
    'bad.yaml:5:35 routes[0].matches[0].headers[0].name: invalid header name "x y": only RFC 9110 token characters are allowed',
  ]],
  ['header value not a string', OK_HEAD + 'routes:\n  - backends: [app]\n    matches: [{ headers: { x-v: 1 } }]\n', [
    'bad.yaml:5:33 routes[0].matches[0].headers.x-v: expected a string, got number 1 (quote it: "1")',
  ]],
  ['method typo', OK_HEAD + 'routes:\n  - backends: [app]\n    matches: [{ method: get }]\n', [
    'bad.yaml:5:25 routes[0].matches[0].method: unknown value "get" (did you mean "GET"?); expected one of GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH',
  ]],
  ['unknown cluster with hint', OK_HEAD + 'routes:\n  - backends: [apq]\n', ['bad.yaml:4:16 routes[0].backends[0]: unknown cluster "apq" (did you mean "app"?)']],
  ['unknown listener', OK_HEAD + 'routes:\n  - backends: [app]\n    listeners: [webb]\n', ['bad.yaml:5:17 routes[0].listeners[0]: unknown listener "webb" (did you mean "web"?)']],
  ['negative weight', OK_HEAD + 'routes:\n  - backends: [{ cluster: app, weight: -1 }]\n', ['bad.yaml:4:40 routes[0].backends[0].weight: -1 is out of range 0..1000000']],
  ['wildcard not in the first label', OK_HEAD + 'routes:\n  - backends: [app]\n    hostnames: ["a.*.com"]\n', [
    'bad.yaml:5:17 routes[0].hostnames[0]: invalid hostname "a.*.com" (a wildcard must be the whole first label: "*.example.com")',
  ]],
  ['uppercase hostname', OK_HEAD + 'routes:\n  - backends: [app]\n    hostnames: [Example.com]\n', ['bad.yaml:5:17 routes[0].hostnames[0]: hostname "Example.com" must be lowercase']],
  ['route without backends', OK_HEAD + 'routes:\n  - name: lonely\n', [
    'bad.yaml:4:5 routes[0].backends: required field is missing',
    'bad.yaml:4:11 routes[0].name: route has no backends: give "backends" (or a RequestRedirect filter)',
  ]],
  ['ReplacePrefixMatch needs PathPrefix matches', OK_HEAD + 'routes:\n  - backends: [app]\n    matches: [{ path: { type: Exact, value: /a } }]\n    filters:\n      - type: URLRewrite\n        urlRewrite: { path: { type: ReplacePrefixMatch, replacePrefixMatch: /b } }\n', [
    'bad.yaml:7:9 routes[0].filters[0]: ReplacePrefixMatch needs every match of the rule to be a PathPrefix path match',
  ]],
  ['filter twice', OK_HEAD + 'routes:\n  - backends: [app]\n    filters:\n      - { type: RequestHeaderModifier, requestHeaderModifier: { remove: [a] } }\n      - { type: RequestHeaderModifier, requestHeaderModifier: { remove: [b] } }\n', [
    'bad.yaml:7:9 routes[0].filters[1]: filter RequestHeaderModifier appears twice in one rule',
  ]],
  ['redirect and rewrite together', OK_HEAD + 'routes:\n  - backends: [app]\n    filters:\n      - { type: RequestRedirect, requestRedirect: { scheme: https } }\n      - { type: URLRewrite, urlRewrite: { hostname: x.com } }\n', [
    'bad.yaml:7:9 routes[0].filters[1]: RequestRedirect and URLRewrite cannot be used in the same rule',
  ]],
  ['filter body under the wrong key', OK_HEAD + 'routes:\n  - backends: [app]\n    filters:\n      - type: URLRewrite\n        requestRedirect: { scheme: https }\n', [
    'bad.yaml:6:9 routes[0].filters[0].urlRewrite: required field is missing',
    'bad.yaml:7:26 routes[0].filters[0].requestRedirect: only allowed when type is RequestRedirect',
  ]],
  ['unsupported filter', OK_HEAD + 'routes:\n  - backends: [app]\n    filters:\n      - { type: RequestMirror, requestMirror: {} }\n', [
    'bad.yaml:6:17 routes[0].filters[0].type: filter RequestMirror is not supported by strand-proxy; supported: RequestHeaderModifier, ResponseHeaderModifier, RequestRedirect, URLRewrite',
  ]],
  ['redirect status code', OK_HEAD + 'routes:\n  - filters: [{ type: RequestRedirect, requestRedirect: { statusCode: 305 } }]\n', [
    'bad.yaml:4:71 routes[0].filters[0].requestRedirect.statusCode: expected one of 301, 302, 303, 307, 308, got number 305',
  ]],
  ['header modified twice', OK_HEAD + 'routes:\n  - backends: [app]\n    filters:\n      - type: RequestHeaderModifier\n        requestHeaderModifier: { set: { x-a: "1" }, remove: [X-A] }\n', [
    'bad.yaml:7:41 routes[0].filters[0].requestHeaderModifier.set.x-a: header "x-a" is modified twice in this filter',
  ]],
  ['gRPC and HTTP matches mixed', OK_HEAD + 'routes:\n  - backends: [app]\n    matches: [{ path: /a }, { grpc: { service: a.B } }]\n', [
    'bad.yaml:5:14 routes[0].matches: gRPC matches and HTTP path matches cannot be mixed in one route; split them into two routes',
  ]],
  ['empty exact gRPC match', OK_HEAD + 'routes:\n  - backends: [app]\n    matches: [{ grpc: {} }]\n', [
    'bad.yaml:5:23 routes[0].matches[0].grpc: an Exact gRPC method match needs "service", "method" or both',
  ]],
  ['backendRequest longer than request', OK_HEAD + 'routes:\n  - backends: [app]\n    timeouts: { request: 1s, backendRequest: 2s }\n', [
    'bad.yaml:5:46 routes[0].timeouts.backendRequest: backendRequest must not be longer than request',
  ]],
  ['retry code out of range', OK_HEAD + 'routes:\n  - backends: [app]\n    retry: { codes: [200] }\n', ['bad.yaml:5:22 routes[0].retry.codes[0]: 200 is out of range 400..599']],
  ['appProtocol typo', 'listeners: [{ port: 80 }]\nclusters:\n  - name: a\n    appProtocol: grcp\n    hosts: ["a:1"]\n', [
    'bad.yaml:4:18 clusters[0].appProtocol: unknown value "grcp" (did you mean "grpc"?); expected one of http, h2c, kubernetes.io/h2c, h2, grpc, grpc-web, auto',
  ]],
  ['cluster without hosts', 'listeners: [{ port: 80 }]\nclusters:\n  - name: a\n', ['bad.yaml:3:5 clusters[0].hosts: required field is missing']],
  ['bad host shorthand', 'listeners: [{ port: 80 }]\nclusters:\n  - name: a\n    hosts: [a]\n', [
    'bad.yaml:4:13 clusters[0].hosts[0]: expected "host:port" or a mapping { address, port, weight }, got "a"',
  ]],
  ['h2c with TLS', 'listeners: [{ port: 80 }]\nclusters:\n  - name: a\n    appProtocol: h2c\n    hosts: ["a:1"]\n    tls: {}\n', [
    'bad.yaml:6:10 clusters[0].tls: h2c is cleartext HTTP/2: use appProtocol h2 for HTTP/2 over TLS',
  ]],
  ['health check timeout longer than interval', 'listeners: [{ port: 80 }]\nclusters:\n  - name: a\n    hosts: ["a:1"]\n    healthCheck: { interval: 1s, timeout: 2s }\n', [
    'bad.yaml:5:43 clusters[0].healthCheck.timeout: must not be longer than interval',
  ]],
  ['duplicate cluster', 'listeners: [{ port: 80 }]\nclusters:\n  - { name: a, hosts: ["a:1"] }\n  - { name: a, hosts: ["b:1"] }\n', [
    'bad.yaml:4:5 clusters[1]: cluster name "a" is already used at bad.yaml:3:5',
  ]],
  ['duplicate listener name and port clash', 'listeners:\n  - { name: a, port: 80 }\n  - { name: a, port: 81 }\n  - { name: b, port: 80 }\nadmin: { address: 0.0.0.0, port: 81 }\n', [
    'bad.yaml:3:5 listeners[1]: listener name "a" is already used at bad.yaml:2:5',
    'bad.yaml:4:5 listeners[2]: port 80 is already used by listener "a" at bad.yaml:2:5',
  ]],
  ['TLS certificate files missing', 'listeners:\n  - port: 443\n    tls:\n      certificates:\n        - { certFile: /nonexistent/c.pem, keyFile: /nonexistent/k.pem }\n', [
    'bad.yaml:5:23 listeners[0].tls.certificates[0].certFile: file not found: /nonexistent/c.pem',
    'bad.yaml:5:52 listeners[0].tls.certificates[0].keyFile: file not found: /nonexistent/k.pem',
  ]],
  ['TLS listener without certificates', 'listeners:\n  - port: 443\n    tls: { certificates: [] }\n', ['bad.yaml:3:26 listeners[0].tls.certificates: a TLS listener needs at least one certificate']],
  ['access log operator typo', 'listeners: [{ port: 80 }]\naccessLog:\n  fields:\n    code: "%RESPONSE_COED%"\n', [
    'bad.yaml:4:11 accessLog.fields.code: unknown access log operator %RESPONSE_COED% (did you mean "RESPONSE_CODE"?)',
  ]],
  ['access log START_TIME specifier', 'listeners: [{ port: 80 }]\naccessLog: { fields: { t: "%START_TIME(%Q)%" } }\n', [
    'bad.yaml:2:27 accessLog.fields.t: unsupported START_TIME specifier "%Q" (supported: %Y %y %m %d %H %M %S %s %F %T %a %b %j %z %Z %f %3f %6f %9f %%)',
  ]],
  ['access log unterminated operator', 'listeners: [{ port: 80 }]\naccessLog: { fields: { t: "x %DURATION" } }\n', [
    'bad.yaml:2:27 accessLog.fields.t: unterminated or malformed operator at column 3: "%DURATION"',
  ]],
  ['accessLog set in two documents', 'listeners: [{ port: 80 }]\naccessLog: {}\n---\naccessLog: { path: stderr }\n', [
    'bad.yaml:4:12 accessLog: "accessLog" is already set at bad.yaml:2:12',
  ]],
  ['limits out of range', 'listeners: [{ port: 80 }]\nlimits: { maxConcurrentStreams: 0, drainTimeout: 30 }\n', [
    'bad.yaml:2:33 limits.maxConcurrentStreams: 0 is out of range 1..2147483647',
    'bad.yaml:2:50 limits.drainTimeout: expected a duration string such as "5s" or "250ms", got number 30',
  ]],
  ['document not a mapping', '- a\n- b\n', ['bad.yaml:1:1 (root): a config document must be a mapping']],
  ['YAML syntax error', 'listeners:\n  - name: a\n   port: 80\n', ['bad.yaml:3:1 (syntax): Sequence item without - indicator']],
  ['duplicate key', 'listeners: [{ port: 80 }]\nlisteners: [{ port: 81 }]\n', ['bad.yaml:2:1 (syntax): Map keys must be unique']],
  ['no listeners at all', 'clusters: [{ name: a, hosts: ["a:1"] }]\n', ['bad.yaml:1:1 listeners: no listeners: declare at least one under "listeners"']],
];

for (const [what, text, expected] of YAML_CASES) {
  test(`YAML: ${what}`, () => {
    assert.equal(problems(text), expected);
  });
}

test('JSON: positions, nested unknown fields and types', () => {
  const json = `{
  "listeners": [
    { "name": "web", "port": 80, "tsl": {} }
  ],
  "clusters": [
    { "name": "app", "hosts": ["app:80"], "timeouts": { "connect": "1 s" } }
  ],
  "routes": [
    { "backends": ["app"], "matches": [{ "path": { "type": "Exact", "value": 5 } }] }
  ]
}
`;
  assert.equal(problems(json, 'bad.json'), [
    'bad.json:3:34 listeners[0].tsl: unknown field "tsl" (did you mean "tls"?)',
    'bad.json:6:68 clusters[0].timeouts.connect: invalid duration "1 s": use 1-4 groups of <number><h|m|s|ms>, e.g. "5s", "250ms", "1m30s"',
    'bad.json:9:78 routes[0].matches[0].path.value: expected a string, got number 5 (quote it: "5")',
  ]);
});

test('JSON: a missing required field is reported at its object; syntax errors too', () => {
  assert.equal(problems('{ "listeners": [ { "name": "a" } ] }', 'x.json'), ['x.json:1:18 listeners[0].port: required field is missing']);
  const syntax = problems('{ "listeners": [ { "port": 80 } ', 'y.json');
  assert.ok(syntax.some((p) => p.startsWith('y.json:1:') && p.includes('(syntax)')), syntax.join('\n'));
});

test('ConfigError: the message lists every problem as file:line:col field: message', () => {
  try {
    parseConfig('listeners:\n  - port: x\n  - port: 1\n    nme: a\n', 'm.yaml');
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.is((e as Error).message, 'm.yaml:2:11 listeners[0].port: expected an integer, got the string "x"\nm.yaml:4:5 listeners[1].nme: unknown field "nme" (did you mean "name"?)');
    assert.is((e as ConfigError).problems.length, 2);
  }
});

test('problems of several files are all reported, in file order', () => {
  try {
    parseConfigTexts([
      { file: 'b.yaml', text: 'routes: [{ backends: [nope] }]\n' },
      { file: 'a.yaml', text: 'listeners: [{ port: -1 }]\n' },
    ]);
    assert.unreachable();
  } catch (e) {
    assert.equal((e as ConfigError).problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.field}`), [
      'b.yaml:1:23 routes[0].backends[0]',
      'a.yaml:1:21 listeners[0].port',
    ]);
  }
});

test('loadConfig: an unreadable file is a problem', () => {
  try {
    loadConfig(['/nonexistent/strand.yaml']);
    assert.unreachable();
  } catch (e) {
    assert.equal((e as ConfigError).problems, [{ file: '/nonexistent/strand.yaml', line: 1, column: 1, field: '(file)', message: 'cannot read: ENOENT' }]);
  }
});

test.run();
