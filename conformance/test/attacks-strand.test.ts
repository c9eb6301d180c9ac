// Every attack of conformance/attacks/ against a real strand server (a child process on loopback): the peer must see
// the documented answer (GOAWAY code and debug text, 431, RST_STREAM), the server process must stay within the attack's
// memory and CPU budget, and a fresh connection must get 200 "hello" right after. docs/security.md lists them all.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ATTACKS, runAttack } from '../attacks/index.js';

for (const attack of ATTACKS) {
  test(`${attack.title} (${attack.cve}): ${attack.budget.rssMiB} MiB, ${attack.budget.cpuMs} ms CPU`, async () => {
    const r = await runAttack(attack, 'strand');
    const m = r.measures;
    const where = `${attack.id}: ${r.outcome.seen} | RSS +${m.rssGrowthMiB.toFixed(1)} MiB, CPU ${m.cpuMs.toFixed(0)} ms`;
    assert.equal(r.outcome.problems, [], where);
    assert.ok(r.outcome.stopped, `not stopped: ${where}`);
    assert.ok(m.rssGrowthMiB <= attack.budget.rssMiB, `RSS grew ${m.rssGrowthMiB.toFixed(1)} MiB > ${attack.budget.rssMiB} MiB: ${where}`);
    assert.ok(m.cpuMs <= attack.budget.cpuMs, `CPU ${m.cpuMs.toFixed(0)} ms > ${attack.budget.cpuMs} ms: ${where}`);
    assert.equal([r.after.status, r.after.bytes], [200, 5], `fresh connection after the attack: ${r.after.detail}`);
  });
}

test.run();
