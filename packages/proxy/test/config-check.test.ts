import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkCommand } from '../src/config/check.js';

const examples = fileURLToPath(new URL('../examples/', import.meta.url));

test('check: ok with a summary', () => {
  assert.equal(checkCommand([join(examples, 'proxy.yaml'), join(examples, 'httproute.yaml')]), { ok: true, output: 'ok: 2 files, 1 listener, 7 routes, 5 clusters' });
  assert.equal(checkCommand([join(examples, 'quickstart.yaml')]), { ok: true, output: 'ok: 1 file, 1 listener, 1 route, 1 cluster' });
});

test('check: every problem with the source line and a caret', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strand-check-'));
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, 'listeners:\n  - name: web\n    prot: 80\nclusters: []\n');
  const r = checkCommand([file]);
  assert.is(r.ok, false);
  assert.is(r.output, [
    `${file}:2:5 listeners[0].port: required field is missing`,
    '    2 |   - name: web',
    '      |     ^',
    `${file}:3:5 listeners[0].prot: unknown field "prot" (did you mean "port"?)`,
    '    3 |     prot: 80',
    '      |     ^',
    '2 problems',
  ].join('\n'));
});

test('check: unreadable files and no arguments', () => {
  assert.equal(checkCommand(['/nonexistent/x.yaml']), { ok: false, output: '/nonexistent/x.yaml:1:1 (file): cannot read: ENOENT\n1 problem' });
  assert.equal(checkCommand([]), { ok: false, output: 'usage: strand-proxy check FILE...' });
});

test.run();
