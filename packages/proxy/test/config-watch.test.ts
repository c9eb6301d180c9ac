import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigWatcher } from '../src/config/watch.js';
import type { ConfigError, ProxyConfig } from '../src/config/types.js';

const VALID = (port: number) => `listeners: [{ name: l, port: ${port} }]\nclusters: [{ name: c, hosts: ["c:1"] }]\nroutes: [{ backends: [c] }]\n`;

/** Resolves when `check()` holds, polling every 10 ms; fails after 5 s (file events can be slow on busy CI). */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('the watcher rejects an invalid edit (old config keeps serving) and accepts a valid one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strand-watch-'));
  const file = join(dir, 'proxy.yaml');
  writeFileSync(file, VALID(8080));
  const valid: ProxyConfig[] = [];
  const invalid: ConfigError[] = [];
  const w = new ConfigWatcher([file], (c) => valid.push(c), (e) => invalid.push(e), { debounceMs: 20 }).start();
  try {
    writeFileSync(file, 'listeners: [{ name: l, port: "x" }]\n');
    await until(() => invalid.length === 1, 'the invalid edit');
    assert.is(valid.length, 0);
    assert.is(invalid[0]!.problems[0]!.field, 'listeners[0].port');
    assert.is(invalid[0]!.problems[0]!.line, 1);

    // Editors often write a temp file and rename it over the original.
    writeFileSync(join(dir, 'proxy.yaml.tmp'), VALID(9090));
    renameSync(join(dir, 'proxy.yaml.tmp'), file);
    await until(() => valid.length === 1, 'the valid edit');
    assert.is(valid[0]!.listeners[0]!.port, 9090);

    // reload() (SIGHUP) reports synchronously, even when nothing changed.
    const again = w.reload();
    assert.is(again!.listeners[0]!.port, 9090);
    assert.is(valid.length, 2);

    writeFileSync(join(dir, 'unrelated.txt'), 'x'); // other files in the directory are ignored
    writeFileSync(file, VALID(9090)); // same content: no reload
    await new Promise((r) => setTimeout(r, 100));
    assert.is(valid.length, 2);
    assert.is(invalid.length, 1);
  } finally {
    w.close();
  }
  assert.is(w.reload(), null, 'closed');
});

test('a Kubernetes ConfigMap update (the ..data symlink swapped) is seen', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strand-cm-'));
  mkdirSync(join(dir, '..v1'));
  writeFileSync(join(dir, '..v1', 'proxy.yaml'), VALID(8080));
  symlinkSync('..v1', join(dir, '..data'));
  symlinkSync('..data/proxy.yaml', join(dir, 'proxy.yaml'));
  const valid: ProxyConfig[] = [];
  const w = new ConfigWatcher([join(dir, 'proxy.yaml')], (c) => valid.push(c), () => assert.unreachable(), { debounceMs: 20 }).start();
  try {
    mkdirSync(join(dir, '..v2'));
    writeFileSync(join(dir, '..v2', 'proxy.yaml'), VALID(7070));
    symlinkSync('..v2', join(dir, '..data_tmp'));
    renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
    await until(() => valid.length === 1, 'the ConfigMap update');
    assert.is(valid[0]!.listeners[0]!.port, 7070);
  } finally {
    w.close();
  }
});

test('reload() of an invalid file reports the ConfigError and returns null', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strand-watch-'));
  const file = join(dir, 'p.yaml');
  writeFileSync(file, 'nope: 1\n');
  const errors: ConfigError[] = [];
  const w = new ConfigWatcher([file, join(dir, 'missing.yaml')], () => assert.unreachable(), (e) => errors.push(e));
  assert.is(w.reload(), null);
  assert.equal(errors[0]!.problems.map((p) => p.field), ['(file)']);
  w.close();
});

test.run();
