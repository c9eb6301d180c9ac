import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const example = readFileSync(new URL('./readme-example.ts', import.meta.url), 'utf8');

test('the README usage example is readme-example.ts, verbatim', () => {
  const block = /```ts\n([\s\S]*?)```/.exec(readme);
  assert.ok(block, 'README has a ts block');
  assert.fixture(block![1]!, example);
});

test('the README usage example runs (its node:assert checks pass)', async () => {
  await import('./readme-example.js');
});

test.run();
