// Renders a run in h2spec's shape: spec → sections → `✔ n: title` lines, then the failures again with
// what was expected and seen, then `N tests, N passed, N skipped, N failed`.
import { SECTIONS } from './cases/index.js';
import { SPEC_TITLES, type SpecKey } from './cases/types.js';
import type { CaseResult, H2specRun } from './runner.js';

const SPEC_ORDER: SpecKey[] = ['generic', 'http2', 'hpack'];

function indent(level: number): string {
  return '  '.repeat(level);
}

/** Depth of a section: '6' → 1, '6.9' → 2, '6.9.1' → 3. */
function depth(section: string): number {
  return section.split('.').length;
}

function caseLine(r: CaseResult, level: number): string[] {
  const pad = indent(level);
  if (r.status === 'passed') return [`${pad}✔ ${r.seq}: ${r.title}`];
  if (r.status === 'skipped') return [`${pad}- ${r.seq}: ${r.title} (skipped: ${r.actual ?? ''})`];
  const lines = [`${pad}× ${r.seq}: ${r.title}`, `${pad}  -> ${r.requirement}`];
  (r.expected ?? []).forEach((e, i) => lines.push(`${pad}     ${i === 0 ? 'Expected:' : '         '} ${e}`));
  lines.push(`${pad}       Actual: ${r.actual ?? ''}`);
  return lines;
}

/** Lines for the results `pick` keeps, grouped under spec and section headings that have any. */
function tree(results: CaseResult[], pick: (r: CaseResult) => boolean): string[] {
  const kept = results.filter(pick);
  const lines: string[] = [];
  for (const spec of SPEC_ORDER) {
    const inSpec = kept.filter((r) => r.spec === spec);
    if (inSpec.length === 0) continue;
    lines.push(SPEC_TITLES[spec]);
    for (const s of SECTIONS) {
      if (s.spec !== spec) continue;
      const under = inSpec.filter((r) => r.section === s.section || r.section.startsWith(`${s.section}.`));
      if (under.length === 0) continue;
      const level = depth(s.section);
      lines.push(`${indent(level)}${s.section}. ${s.name}`);
      const own = under.filter((r) => r.section === s.section).sort((a, b) => a.seq - b.seq);
      for (const r of own) lines.push(...caseLine(r, level + 1));
      if (own.length > 0) lines.push('');
    }
  }
  return lines;
}

export function summaryLine(run: Pick<H2specRun, 'total' | 'passed' | 'skipped' | 'failed'>): string {
  return `${run.total} tests, ${run.passed} passed, ${run.skipped} skipped, ${run.failed} failed`;
}

export function formatReport(run: H2specRun): string {
  const lines = tree(run.results, () => true);
  if (run.failed > 0) lines.push('Failures:', '', ...tree(run.results, (r) => r.status === 'failed'));
  lines.push(`Finished in ${(run.durationMs / 1000).toFixed(4)} seconds`, summaryLine(run));
  return lines.join('\n');
}
