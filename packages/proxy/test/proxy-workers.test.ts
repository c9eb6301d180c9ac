// --workers N: runWorkers forks N processes (node:cluster) sharing the listener; SIGTERM to the primary drains every
// worker (an in-flight request completes) and the process exits 0.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { workerExecArgv } from '../src/server/workers.js';
import { h1Request, httpBackend } from './proxy-fixtures.js';

const here = fileURLToPath(new URL('.', import.meta.url));

test('runWorkers(2): both workers serve the shared port; SIGTERM drains and exits 0', async () => {
  const pids = new Set<string>();
  const argvs = new Set<string>();
  const backend = await httpBackend((req, res) => {
    pids.add(String(req.headers['x-worker']));
    argvs.add(String(req.headers['x-argv']));
    setTimeout(() => res.end('ok'), req.url === '/slow' ? 300 : 0);
  });
  const dir = mkdtempSync(join(tmpdir(), 'strand-workers-'));
  const script = join(dir, 'main.mts');
  writeFileSync(script, `
import { startProxy } from ${JSON.stringify(join(here, '../src/proxy.js'))};
import { runWorkers } from ${JSON.stringify(join(here, '../src/server/workers.js'))};
import { cluster, config, listener, route, standInRouter } from ${JSON.stringify(join(here, './proxy-fixtures.js'))};
const cfg = config([listener('p')], [route('r', 'c', '/', { filters: [{ type: 'RequestHeaderModifier', modifier: { set: [['x-worker', String(process.pid)], ['x-argv', process.execArgv.join(' ')]], add: [], remove: [] } }] })], [cluster('c', 'http', [${backend.port}])]);
const handle = await runWorkers(2, () => startProxy(cfg, { router: standInRouter }));
if (handle.role === 'primary') {
  console.log(JSON.stringify({ port: handle.ports.get('p'), workers: handle.workers }));
  process.once('SIGTERM', async () => { await handle.stop(); process.exit(0); });
}
`);
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'], cwd: join(here, '../../..'), env: { ...process.env, NODE_V8_COVERAGE: '' } });
  const ready = await new Promise<{ port: number; workers: number }>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line));
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}`)));
  });
  assert.is(ready.workers, 2);
  for (let i = 0; i < 30 && pids.size < 2; i++) assert.is((await h1Request(ready.port, { path: '/' })).status, 200);
  assert.is(pids.size, 2, 'both workers answered');
  // Workers start with WORKER_V8_FLAGS after the primary's own execArgv (--import tsx).
  assert.equal([...argvs], ['--import tsx --initial-old-space-size=64']);
  // A worker that dies is replaced by one forked with the same flags.
  process.kill(Number([...pids][0]), 'SIGKILL');
  for (let i = 0; i < 100 && pids.size < 3; i++) {
    await new Promise((r) => setTimeout(r, 20));
    assert.is((await h1Request(ready.port, { path: '/' })).status, 200);
  }
  assert.is(pids.size, 3, 'the replacement worker answered');
  assert.equal([...argvs], ['--import tsx --initial-old-space-size=64']);
  const slow = new Promise<number>((resolve) => {
    http.get({ host: '127.0.0.1', port: ready.port, path: '/slow', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    }).on('error', () => resolve(0));
  });
  await new Promise((r) => setTimeout(r, 100));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  assert.is(await slow, 200);
  assert.is(await exited, 0);
  rmSync(dir, { recursive: true, force: true });
  await backend.close();
});

test('workerExecArgv adds the heap flag unless the operator sized the initial heap (execArgv or NODE_OPTIONS)', () => {
  assert.equal(workerExecArgv(['--import', 'tsx'], ''), ['--import', 'tsx', '--initial-old-space-size=64']);
  assert.equal(workerExecArgv(['--initial-old-space-size=256'], ''), ['--initial-old-space-size=256']);
  assert.equal(workerExecArgv([], '--max-old-space-size=512 --initial_heap_size=32'), []);
  assert.equal(workerExecArgv([], '--max-old-space-size=512'), ['--initial-old-space-size=64']);
  // Spellings Node and V8 accept: a separate value, underscores, double-quoted NODE_OPTIONS words, extra spaces.
  assert.equal(workerExecArgv(['--initial-old-space-size', '128'], ''), ['--initial-old-space-size', '128']);
  assert.equal(workerExecArgv([], '--initial_old_space_size=16'), []);
  assert.equal(workerExecArgv([], '  --initial-old-space-size 128 '), []);
  assert.equal(workerExecArgv([], '"--initial-old-space-size=128" --trace-gc'), []);
  assert.equal(workerExecArgv([], '"--initial-old-space-size" 128'), []);
  // Only the initial size counts: a flag that merely starts like it does not.
  assert.equal(workerExecArgv([], '--initial-old-space-sizes=1 --max-semi-space-size=16'), ['--initial-old-space-size=64']);
});

test.run();
