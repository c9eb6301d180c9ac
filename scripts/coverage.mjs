// Per-package line coverage from c8's json-summary (coverage/coverage-summary.json).
// Prints one line per package and fails when a package with a coverage floor falls below it.
import { readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';

const FLOOR = 95; // percent of lines, per package (issues #2, #3)
const FLOORED = new Set(['frame', 'hpack', 'stream', 'flow', 'priority']);
const summary = JSON.parse(readFileSync('coverage/coverage-summary.json', 'utf8'));
const byPackage = new Map();
for (const [file, s] of Object.entries(summary)) {
  if (file === 'total') continue;
  const parts = relative(process.cwd(), file).split(sep);
  if (parts[0] !== 'packages') continue;
  const pkg = parts[1];
  const acc = byPackage.get(pkg) ?? { covered: 0, total: 0 };
  acc.covered += s.lines.covered;
  acc.total += s.lines.total;
  byPackage.set(pkg, acc);
}
let low = 0;
for (const [pkg, { covered, total }] of [...byPackage].sort()) {
  if (total === 0) continue;
  const pct = (100 * covered) / total;
  const bad = FLOORED.has(pkg) && pct < FLOOR;
  if (bad) low++;
  console.log(`coverage @strand/${pkg}: ${pct.toFixed(2)}% lines (${covered}/${total})${bad ? `  BELOW ${FLOOR}%` : ''}`);
}
process.exitCode = low ? 1 : 0;
