// The whole h2spec-style catalogue, strict cases included, against strand's own conformance server
// (conformance/engine-server.ts: the engine through EnginePump), cleartext and TLS. Every case must pass.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startEngineServer } from '../engine-server.js';
import { formatReport } from '../h2spec/report.js';
import { runH2spec } from '../h2spec/runner.js';

for (const tls of [false, true]) {
  test(`strand over ${tls ? 'TLS' : 'cleartext'}: 147 of 147 cases pass (strict)`, async () => {
    const server = await startEngineServer({ tls });
    try {
      const run = await runH2spec({ host: '127.0.0.1', port: server.port, tls, strict: true, timeoutMs: 1000 });
      const report = formatReport(run);
      assert.is(run.total, 147);
      assert.equal(run.results.filter((r) => r.status !== 'passed').map((r) => r.id), [], report);
      assert.ok(report.endsWith('147 tests, 147 passed, 0 skipped, 0 failed'), report.slice(-200));
    } finally {
      await server.close();
    }
  });
}

test.run();
