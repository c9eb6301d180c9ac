// The strand-proxy side of bench/proxy.ts: one listener, one route to one backend, as its own entry so the bench can
// bundle it alone (the bench itself pulls in tsup). Started with an IPC channel; sends { port } once listening.
//   node --import tsx bench/_proxy-app.ts --serve h2c|http --backend PORT
import { parseArgs } from 'node:util';
import { startProxy } from '../packages/proxy/src/proxy.js';

const { values } = parseArgs({ options: { serve: { type: 'string', default: 'h2c' }, backend: { type: 'string' } } });
const port = Number(values.backend);
const proto = values.serve as 'h2c' | 'http';
const config = {
  source: 'bench',
  listeners: [{ name: 'bench', address: '127.0.0.1', port: 0, tls: null }],
  routes: [{ name: 'all', hostnames: [], listeners: [], matches: [{ path: { type: 'PathPrefix' as const, value: '/' }, method: null, headers: [], queryParams: [], grpc: null }], filters: [], backends: [{ cluster: 'b', weight: 1 }], timeouts: { request: 0, backendRequest: 0 }, retry: null, kind: 'HTTPRoute' as const }],
  clusters: new Map([['b', { name: 'b', appProtocol: proto, tls: null, hosts: [{ address: '127.0.0.1', port, weight: 1 }], loadBalancing: 'round-robin' as const, healthCheck: null, outlier: { consecutiveFailures: 0, ejectionMs: 0 }, timeouts: { connectMs: 5000, requestMs: 0, idleMs: 60_000 }, maxStreamsPerConnection: 0, maxConnections: 0, service: null, demoBackend: null }]]),
  accessLog: null,
  admin: null,
  limits: { drainTimeoutMs: 1000, maxRequestBodyBytes: 0, maxConnections: 0, maxConcurrentStreams: 256, maxHeaderListBytes: 65536, requestHeadersTimeoutMs: 10_000, idleTimeoutMs: 60_000 },
  demoBackends: [],
};
const proxy = await startProxy(config);
process.send!({ port: proxy.ports.get('bench') });
process.on('SIGINT', () => process.exit(0));
