// @strand/proxy: strand-proxy as a library. The binary is src/cli.ts (`strand-proxy`).
export * from './config/index.js';
export * from './routing/index.js';
export * from './observability/index.js';
export { startProxy, type ProxyDeps, type RunningProxy } from './proxy.js';
export { runWorkers, type WorkersHandle, type WorkersOptions, type WorkerProxy } from './server/workers.js';
