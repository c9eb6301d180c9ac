// The README example really runs and prints what its comments say; docs/stream.md embeds the current table.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderTable } from './render-table.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

test('README usage example runs and prints what its comments say', async () => {
  const readme = readFileSync(here('../README.md'), 'utf8');
  const example = /## Usage\s+```ts\n([\s\S]*?)```/.exec(readme)![1]!;
  const expected = [...example.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map((m) => m[1]);
  assert.ok(expected.length >= 4);
  const source = example
    .replace("from '@strand/frame'", `from '${here('../../frame/src/index.ts')}'`)
    .replace("from '@strand/stream'", `from '${here('../src/index.ts')}'`);
  const dir = mkdtempSync(join(tmpdir(), 'strand-stream-readme-'));
  const file = join(dir, 'example.ts');
  writeFileSync(file, source);
  const printed: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void printed.push(args.map(String).join(' '));
  try {
    await import(file);
  } finally {
    console.log = log;
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(printed, expected);
});

test('docs/stream.md contains the table as TABLE renders it today', () => {
  const doc = readFileSync(here('../../../docs/stream.md'), 'utf8');
  const embedded = /<!-- table:start -->\n([\s\S]*?)<!-- table:end -->/.exec(doc);
  assert.ok(embedded, 'table markers present');
  assert.fixture(embedded![1]!, renderTable());
});

test.run();
