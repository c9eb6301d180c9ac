// Loading: files (YAML or JSON, several documents per file with `---`) → documents → Draft → ProxyConfig. Every
// problem of every file is collected and thrown together as one ConfigError, sorted by file, line and column.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isMap, isScalar, LineCounter, parseAllDocuments, type Node } from 'yaml';
import { emptyDraft, type Draft } from './draft.js';
import { Obj, Source, type Field } from './reader.js';
import { readNativeDocument, ROOT_KEYS } from './native.js';
import { readGatewayDocument } from './gateway.js';
import { assemble } from './assemble.js';
import { ConfigError, type ConfigProblem, type ProxyConfig } from './types.js';

export interface LoadOptions {
  /** Report certificate / CA files that do not exist (default true). */
  checkFiles?: boolean;
}

const GATEWAY_ROOT_KEYS = ['apiVersion', 'kind', 'metadata', 'spec', 'status'];

function readText(text: string, file: string, draft: Draft, problems: ConfigProblem[], options: LoadOptions): void {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, strict: true });
  if (!Array.isArray(docs)) return; // an empty stream: nothing to read
  const baseDir = dirname(resolve(file));
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      // A document with syntax errors is not interpreted further: its content would only yield confusing follow-ups.
      for (const e of doc.errors) {
        const { line, col } = lines.linePos(e.pos[0]);
        problems.push({ file, line: Math.max(line, 1), column: Math.max(col, 1), field: '(syntax)', message: e.message.split('\n')[0]! });
      }
      continue;
    }
    const src = new Source(file, lines, doc, problems, baseDir, options.checkFiles ?? true);
    const root = src.deref(doc.contents as Node | null);
    if (root === null || (isScalar(root) && root.value === null)) continue; // an empty document (e.g. a trailing `---`)
    if (!isMap(root)) {
      src.report(root, '(root)', 'a config document must be a mapping');
      continue;
    }
    const keys = root.items.map((p) => String((p.key as { value?: unknown } | null)?.value));
    const gateway = keys.includes('apiVersion') || keys.includes('kind');
    const obj = new Obj(src, root, '', gateway ? GATEWAY_ROOT_KEYS : ROOT_KEYS);
    if (gateway) readGatewayDocument(obj, draft);
    else readNativeDocument(obj, draft);
  }
}

function finish(draft: Draft, problems: ConfigProblem[], files: string[]): ProxyConfig {
  const first = files[0] ?? '<config>';
  const config = assemble(draft, files.join(', '), (at: Field | null, message: string) => {
    // Whole-config problems ("no listeners") are follow-ups when something else was already wrong.
    if (at === null) {
      if (problems.length === 0) problems.push({ file: first, line: 1, column: 1, field: 'listeners', message });
    }
    else at.fail(message);
  });
  if (problems.length > 0) {
    const order = new Map(files.map((f, i) => [f, i]));
    problems.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || a.line - b.line || a.column - b.column);
    throw new ConfigError(problems);
  }
  return config;
}

/** Parses one file's text (YAML or JSON; `file` names it in problems and anchors relative paths). Throws ConfigError. */
export function parseConfig(text: string, file: string, options: LoadOptions = {}): ProxyConfig {
  const draft = emptyDraft();
  const problems: ConfigProblem[] = [];
  readText(text, file, draft, problems, options);
  return finish(draft, problems, [file]);
}

/** Parses several files' texts as one configuration (in order: earlier documents are "created" first). */
export function parseConfigTexts(files: Array<{ text: string; file: string }>, options: LoadOptions = {}): ProxyConfig {
  const draft = emptyDraft();
  const problems: ConfigProblem[] = [];
  for (const { text, file } of files) readText(text, file, draft, problems, options);
  return finish(draft, problems, files.map((f) => f.file));
}

/** Reads and parses config files. A file that cannot be read is a problem like any other. Throws ConfigError. */
export function loadConfig(paths: string | string[], options: LoadOptions = {}): ProxyConfig {
  const list = typeof paths === 'string' ? [paths] : paths;
  const texts: Array<{ text: string; file: string }> = [];
  const problems: ConfigProblem[] = [];
  for (const file of list) {
    try {
      texts.push({ text: readFileSync(file, 'utf8'), file });
    } catch (e) {
      problems.push({ file, line: 1, column: 1, field: '(file)', message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return parseConfigTexts(texts, options);
}
