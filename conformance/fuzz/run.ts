// Long fuzzing: `pnpm fuzz --minutes N [--seed S] [--only substring]` runs every property of conformance/fuzz/properties.ts
// for its share of N minutes (fast-check, as many runs as fit) and prints, for any failure, the seed and path that
// replay it: `pnpm fuzz --seed S --path P --only "<name>"` (or fc.assert(prop, { seed, path }) in a test).
import fc from 'fast-check';
import { coverage } from './engine-driver.js';
import { PROPERTIES } from './properties.js';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const minutes = Number(option('minutes') ?? '1');
const only = option('only');
const seedArg = option('seed');
const path = option('path');
const chosen = PROPERTIES.filter((p) => only === undefined || p.name.includes(only));
if (!(minutes > 0) || chosen.length === 0) {
  console.error('usage: pnpm fuzz --minutes N [--seed S] [--path P] [--only "<property name part>"]');
  process.exit(2);
}

const share = (minutes * 60_000) / chosen.length;
let failed = 0;
for (const p of chosen) {
  const seed = seedArg !== undefined ? Number(seedArg) : (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
  const started = Date.now();
  const before = { ...coverage };
  const details = fc.check(p.property, {
    seed,
    ...(path !== undefined ? { path, numRuns: 1 } : { numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: share, markInterruptAsFailure: false }),
  }) as fc.RunDetails<unknown[]>;
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  if (details.failed) {
    failed++;
    console.log(`FAIL ${p.name}: seed ${details.seed}, path "${details.counterexamplePath}" after ${details.numRuns} runs (${seconds} s)`);
    console.log(fc.defaultReportMessage(details));
    console.log(`replay: pnpm fuzz --seed ${details.seed} --path "${details.counterexamplePath}" --only "${p.name}"`);
  } else {
    const pieces = coverage.pieceRuns - before.pieceRuns;
    const note = coverage.runs > before.runs ? `, ${pieces} with DATA delivered in pieces` : '';
    console.log(`ok   ${p.name}: ${details.numRuns} runs in ${seconds} s (seed ${details.seed}${note})`);
  }
}
process.exit(failed > 0 ? 1 : 0);
