// `--workers N`: N processes (node:cluster) sharing the listening sockets; the primary forks them, restarts ones that
// crash, forwards SIGHUP (reload) and turns SIGTERM/SIGINT into a graceful shutdown of every worker.
import cluster from 'node:cluster';

/** What `start` returns in each worker (RunningProxy fits). */
export interface WorkerProxy {
  readonly ports: Map<string, number>;
  shutdown(deadlineMs?: number): Promise<void>;
}

export type WorkersHandle<P extends WorkerProxy> =
  | { role: 'primary'; workers: number; ports: Map<string, number>; stop(): Promise<void> }
  | { role: 'single' | 'worker'; proxy: P; stop(): Promise<void> };

export interface WorkersOptions {
  /** Called in a worker on SIGHUP (the primary forwards it): reload the configuration. */
  onReload?: () => void;
  /** Install SIGTERM/SIGINT handlers (default true). */
  signals?: boolean;
  log?: (message: string) => void;
}

/**
 * V8 flags every worker process starts with. `--initial-old-space-size=64`: a proxy's old generation sits around
 * 8–16 MB, where V8 (Node 20) ran back-to-back incremental mark-compacts under load — 63 in one 5 s run of proxied
 * 1 MiB downloads against 1 with the flag, 1 773 → 2 275 req/s (docs/benchmarks.md). A worker's heap may then grow to
 * about 64 MB before its first full collection.
 */
export const WORKER_V8_FLAGS: readonly string[] = ['--initial-old-space-size=64'];

/**
 * The workers' execArgv: `execArgv` plus WORKER_V8_FLAGS, unless the operator sized the initial heap already (in
 * `execArgv` or NODE_OPTIONS, whose words Node lets one double-quote; dashes or underscores, `=N` or ` N`).
 */
export function workerExecArgv(execArgv: readonly string[], nodeOptions: string = process.env['NODE_OPTIONS'] ?? ''): string[] {
  const sized = [...execArgv, ...nodeOptions.split(/\s+/)].some((arg) => /^"?--initial[-_](old[-_]space|heap)[-_]size(=|"?$)/.test(arg));
  return sized ? [...execArgv] : [...execArgv, ...WORKER_V8_FLAGS];
}

interface ReadyMessage {
  type: 'strand-proxy-ready';
  ports: Array<[string, number]>;
}

/**
 * Runs `start` in `n` worker processes (n ≤ 1: in this process). In the primary it resolves once every worker has
 * bound its ports; in a worker once `start` resolved. `stop()` shuts down gracefully (workers exit when drained).
 */
export async function runWorkers<P extends WorkerProxy>(n: number, start: () => Promise<P>, options: WorkersOptions = {}): Promise<WorkersHandle<P>> {
  const log = options.log ?? (() => undefined);
  const signals = options.signals ?? true;
  if (n <= 1 || cluster.isWorker) {
    const proxy = await start();
    let stopping: Promise<void> | null = null;
    const stop = () => (stopping ??= proxy.shutdown().then(() => {
      if (cluster.isWorker) process.exit(0);
    }));
    if (cluster.isWorker) {
      process.on('message', (m: unknown) => {
        if (m === 'strand-proxy-shutdown') void stop();
      });
      const ready: ReadyMessage = { type: 'strand-proxy-ready', ports: [...proxy.ports] };
      process.send?.(ready);
    }
    if (signals) {
      process.once('SIGTERM', () => void stop());
      process.once('SIGINT', () => void stop());
    }
    // Always handled: SIGHUP's default action would kill the process (the primary forwards it to every worker).
    process.on('SIGHUP', options.onReload ?? (() => undefined));
    return { role: cluster.isWorker ? 'worker' : 'single', proxy, stop };
  }

  let shuttingDown = false;
  const ports = new Map<string, number>();
  // Restarted workers fork with the same settings. An embedder's own setupPrimary({ execArgv }) is kept, and a second
  // runWorkers call finds the flag already there.
  cluster.setupPrimary({ execArgv: workerExecArgv(cluster.settings.execArgv ?? process.execArgv) });
  const fork = () => {
    const worker = cluster.fork();
    worker.on('message', (m: ReadyMessage) => {
      if (m?.type !== 'strand-proxy-ready') return;
      for (const [name, port] of m.ports) ports.set(name, port);
      worker.emit('strand-ready');
    });
    return worker;
  };
  cluster.on('exit', (worker, code, signal) => {
    if (shuttingDown) return;
    log(`worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
    setTimeout(fork, 100).unref();
  });
  const workers = Array.from({ length: n }, fork);
  await Promise.all(workers.map((w) => new Promise<void>((resolve, reject) => {
    w.once('strand-ready', () => resolve());
    w.once('exit', (code) => reject(new Error(`worker exited with ${code} before it was ready`)));
  })));
  log(`${n} workers ready`);
  const stop = async () => {
    shuttingDown = true;
    const live = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined && !w.isDead());
    await Promise.all(live.map((w) => new Promise<void>((resolve) => {
      w!.once('exit', () => resolve());
      w!.send('strand-proxy-shutdown');
    })));
  };
  if (signals) {
    process.once('SIGTERM', () => void stop());
    process.once('SIGINT', () => void stop());
  }
  process.on('SIGHUP', () => {
    for (const w of Object.values(cluster.workers ?? {})) if (w !== undefined) w.process.kill('SIGHUP');
  });
  return { role: 'primary', workers: n, ports, stop };
}
