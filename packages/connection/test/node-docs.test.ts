// The README usage example really runs (server, client, HTTP/1.1 fallback) and prints what its comments say.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

test('README usage example runs and prints what its comments say', async () => {
  const readme = readFileSync(here('../README.md'), 'utf8');
  const example = /## Usage\s+```ts\n([\s\S]*?)```/.exec(readme)![1]!;
  const expected = [...example.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map((m) => m[1]);
  assert.is(expected.length, 3);
  const source = example.replace("from '@strand/connection'", `from '${here('../src/index.ts')}'`);
  const dir = mkdtempSync(join(tmpdir(), 'strand-connection-readme-'));
  const file = join(dir, 'example.mts'); // ESM: the example uses top-level await
  writeFileSync(file, source);
  // A child process, so the example's ESM copy of the sources does not blur this run's coverage.
  const env = { ...process.env };
  env.NODE_V8_COVERAGE = ''; // present but empty: child_process would copy the parent's value otherwise
  delete env.FORCE_COLOR;
  env.NO_COLOR = '1';
  let printed: string[];
  try {
    const stdout = execFileSync(process.execPath, ['--import', 'tsx', file], { env, cwd: here('../../..'), encoding: 'utf8', timeout: 20_000 });
    printed = stdout.trimEnd().split('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(printed, expected);
});

test.run();
