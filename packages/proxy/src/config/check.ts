// `strand-proxy check FILE...`: validate only. Prints "ok" and a one-line summary, or every problem with the
// offending source line and a caret under the column.
import { readFileSync } from 'node:fs';
import { loadConfig } from './load.js';
import { ConfigError, type ConfigProblem } from './types.js';

function excerpt(problem: ConfigProblem, cache: Map<string, string[] | null>): string {
  let lines = cache.get(problem.file);
  if (lines === undefined) {
    try {
      lines = readFileSync(problem.file, 'utf8').split(/\r?\n/);
    } catch {
      lines = null;
    }
    cache.set(problem.file, lines);
  }
  const text = lines?.[problem.line - 1];
  if (text === undefined || problem.field === '(file)') return '';
  const gutter = String(problem.line).padStart(5);
  return `\n${gutter} | ${text}\n${' '.repeat(gutter.length)} | ${' '.repeat(Math.max(problem.column - 1, 0))}^`;
}

export function checkCommand(files: string[]): { ok: boolean; output: string } {
  if (files.length === 0) return { ok: false, output: 'usage: strand-proxy check FILE...' };
  try {
    const c = loadConfig(files);
    const n = (k: number, what: string): string => `${k} ${what}${k === 1 ? '' : 's'}`;
    return {
      ok: true,
      output: `ok: ${n(files.length, 'file')}, ${n(c.listeners.length, 'listener')}, ${n(c.routes.length, 'route')}, ${n(c.clusters.size, 'cluster')}`,
    };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const cache = new Map<string, string[] | null>();
    const lines = e.problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.field}: ${p.message}${excerpt(p, cache)}`);
    lines.push(`${e.problems.length} problem${e.problems.length === 1 ? '' : 's'}`);
    return { ok: false, output: lines.join('\n') };
  }
}
