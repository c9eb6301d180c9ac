#!/usr/bin/env node
// strand-proxy: the command line.
//   strand-proxy [--config FILE]... [--workers N] [--quiet]   run (no --config: the embedded default config + demo backend)
//   strand-proxy check FILE...                                  validate only; prints `ok …` or every problem (exit 1)
// SIGHUP or an edit of a config file reloads (an invalid config is rejected and the old one keeps serving);
// SIGTERM/SIGINT drain gracefully.
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { checkCommand } from './config/check.js';
import { embeddedDefaultConfig } from './config/defaults.js';
import { loadConfig } from './config/load.js';
import type { ProxyConfig } from './config/types.js';
import { ConfigWatcher } from './config/watch.js';
import { ProxyMetrics } from './observability/proxy-metrics.js';
import { startProxy, type RunningProxy } from './proxy.js';
import { runWorkers } from './server/workers.js';

const USAGE = `usage: strand-proxy [--config FILE]... [--workers N] [--quiet]
       strand-proxy check FILE...
  --config   a config file (YAML or JSON; Gateway API HTTPRoute/GRPCRoute documents allowed); repeatable.
             Without it the embedded default config runs: :8080 → built-in demo backend, admin on :9901.
  --workers  processes to run (node:cluster; default: one per core)
  --quiet    no startup lines`;

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'check') {
    const files = argv.slice(1);
    if (files.length === 0) {
      console.error(USAGE);
      return 2;
    }
    const result = checkCommand(files);
    (result.ok ? console.log : console.error)(result.output);
    return result.ok ? 0 : 1;
  }
  let values: { config?: string[]; workers?: string; quiet?: boolean; help?: boolean };
  try {
    values = parseArgs({
      args: argv,
      options: {
        config: { type: 'string', short: 'c', multiple: true },
        workers: { type: 'string', short: 'w' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const files = values.config ?? [];
  let config: ProxyConfig;
  try {
    config = files.length > 0 ? loadConfig(files) : embeddedDefaultConfig();
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
  const workers = values.workers === undefined ? availableParallelism() : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1) {
    console.error(`--workers must be a whole number >= 1, got ${values.workers}\n${USAGE}`);
    return 2;
  }
  const log = values.quiet ? () => undefined : (message: string) => console.error(`strand-proxy: ${message}`);
  let running: RunningProxy | null = null;
  let watcher: ConfigWatcher | null = null;
  const handle = await runWorkers(
    workers,
    async () => {
      const metrics = new ProxyMetrics();
      running = await startProxy(config, { metrics, metricsText: () => metrics.expose() });
      if (files.length > 0) {
        watcher = new ConfigWatcher(
          files,
          (next) => {
            metrics.configReload(true);
            void running!.reload(next).then(() => log(`reloaded ${files.join(', ')}`));
          },
          (error) => {
            metrics.configReload(false);
            log(`config rejected, still serving the previous one:\n${error.message}`);
          },
        ).start();
      }
      return running;
    },
    { log, onReload: () => watcher?.reload() },
  );
  const ports = handle.role === 'primary' ? handle.ports : handle.proxy.ports;
  if (handle.role !== 'worker') {
    const source = files.length > 0 ? files.join(', ') : 'embedded default config';
    log(`${source}; ${workers} worker${workers === 1 ? '' : 's'}`);
    for (const [name, port] of ports) log(`${name.startsWith('demo:') ? 'demo backend' : name === 'admin' ? 'admin' : 'listener'} ${name} on port ${port}`);
    if (files.length === 0) log(`try: curl --http2-prior-knowledge http://localhost:${ports.get('http') ?? [...ports.values()][0]}/`);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exit(code);
  },
  (error: unknown) => {
    console.error(`strand-proxy: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
