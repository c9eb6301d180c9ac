// Shared by packages whose README usage example lives verbatim in test/readme-example.ts: the README block and the
// file must be identical, and the example must run (its node:assert checks pass).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

/** `testUrl`: the calling test file's import.meta.url (the package's test/ folder). */
export function readmeExampleTests(testUrl: string): void {
  const readme = readFileSync(new URL('../README.md', testUrl), 'utf8');
  const example = readFileSync(new URL('./readme-example.ts', testUrl), 'utf8');

  test('the README usage example is readme-example.ts, verbatim', () => {
    const block = /```ts\n([\s\S]*?)```/.exec(readme);
    assert.ok(block, 'README has a ts block');
    assert.fixture(block![1]!, example);
  });

  test('the README usage example runs: its node:assert checks pass', () => {
    // require, not import(): it loads through the same tsx hook as the other test files, so the example shares
    // their copy of the package (one coverage record) and a failing check fails this test instead of the run.
    createRequire(testUrl)('./readme-example.ts');
  });

  test.run();
}
