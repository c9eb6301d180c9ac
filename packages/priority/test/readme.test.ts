import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const example = readFileSync(new URL('./readme-example.ts', import.meta.url), 'utf8');

test('the README usage example is readme-example.ts, verbatim', () => {
  const block = /```ts\n([\s\S]*?)```/.exec(readme);
  assert.ok(block, 'README has a ts block');
  assert.fixture(block![1]!, example);
});

test('the README usage example runs: its node:assert checks pass', () => {
  // require, not import(): it loads through the same tsx hook as the other tests, so it shares their copy of
  // the package (one coverage record) and a failing check fails this test instead of the whole run.
  createRequire(import.meta.url)('./readme-example.ts');
});

test.run();
