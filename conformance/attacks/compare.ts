// Runs every attack once against strand and once against node:http2 (each server in its own child process) and prints
// a Markdown table: defended?, RSS growth and CPU time of the server process, and what the attacking client saw.
//   npx tsx conformance/attacks/compare.ts [--only <attack id part>]
// "defended" = the attack was stopped or contained (its own criterion), within strand's budget for it, and a fresh
// connection got 200 "hello" right after. node:http2's behaviour varies with its version: this is a report, not a test.
import { ATTACKS, runAttack, type AttackResult } from './index.js';

const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;
const attacks = ATTACKS.filter((a) => only === undefined || a.id.includes(only));

function cell(r: AttackResult): string {
  const m = r.measures;
  return `${r.defended ? 'yes' : '**no**'} · +${m.rssGrowthMiB.toFixed(1)} MiB · ${m.cpuMs.toFixed(0)} ms`;
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

const rows: string[] = [];
const notes: string[] = [];
for (const attack of attacks) {
  const strand = await runAttack(attack, 'strand');
  const node = await runAttack(attack, 'node');
  rows.push(`| ${attack.title} | ${attack.cve} | ${attack.budget.rssMiB} MiB · ${attack.budget.cpuMs} ms | ${cell(strand)} | ${cell(node)} |`);
  notes.push(`- **${attack.title}** — strand: ${escape(strand.outcome.seen)}${strand.outcome.problems.length ? ` (problems: ${escape(strand.outcome.problems.join('; '))})` : ''}. node:http2: ${escape(node.outcome.seen)}${node.after.status !== 200 ? ` (fresh connection: ${node.after.detail})` : ''}.`);
  process.stderr.write(`${attack.id}: strand ${strand.defended ? 'defended' : 'NOT defended'}, node ${node.defended ? 'defended' : 'NOT defended'}\n`);
}

console.log(`Measured ${new Date().toISOString().slice(0, 10)} on Node ${process.version} (${process.platform} ${process.arch}).\n`);
console.log('| attack | CVE | budget (RSS · CPU) | strand: defended? · RSS growth · CPU | node:http2: defended? · RSS growth · CPU |');
console.log('| --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
console.log('\nWhat the attacking client saw:\n');
for (const note of notes) console.log(note);
