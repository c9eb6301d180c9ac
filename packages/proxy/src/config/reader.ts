// Typed, position-aware reading of YAML/JSON nodes. Every problem becomes a ConfigProblem with the file, the 1-based
// line:column of the offending node (or of the mapping missing a required key) and the field path. Nothing throws:
// readers record the problem and return undefined, so one pass reports every error of a file.
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Scalar } from 'yaml';
import type { ConfigProblem } from './types.js';
import { didYouMean } from './suggest.js';
import { parseDuration } from './duration.js';

export interface Position {
  file: string;
  line: number;
  column: number;
}

/** One parsed document of one file: turns node offsets into positions and collects problems. */
export class Source {
  constructor(
    readonly file: string,
    private readonly lines: LineCounter,
    private readonly doc: Document,
    readonly problems: ConfigProblem[],
    /** Directory that relative file paths in this document resolve against. */
    readonly baseDir: string,
    /** Report file paths (certificates, CA bundles) that do not exist. */
    readonly checkFiles: boolean,
  ) {}

  position(node: Node | null | undefined): Position {
    const offset = node?.range?.[0] ?? this.doc.contents?.range?.[0] ?? 0;
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line: line === 0 ? 1 : line, column: col === 0 ? 1 : col };
  }

  report(at: Node | Position | null | undefined, field: string, message: string): undefined {
    const pos = at !== null && at !== undefined && 'line' in at ? at : this.position(at as Node | null | undefined);
    this.problems.push({ file: pos.file, line: pos.line, column: pos.column, field, message });
    return undefined;
  }

  /** Follows `*alias` references to the anchored node. */
  deref(node: Node | null | undefined): Node | null {
    let n = node ?? null;
    for (let hops = 0; n !== null && isAlias(n) && hops < 32; hops++) n = (n.resolve(this.doc) as Node | undefined) ?? null;
    return n;
  }

  field(node: Node | null | undefined, path: string): Field {
    return new Field(this, this.deref(node), path);
  }
}

function describe(node: Node | null): string {
  if (node === null) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return 'null';
    if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
    return `${typeof v} ${String(v)}`;
  }
  return 'an unsupported node';
}

/** A value at a field path. Conversions record a problem and return undefined when the value has the wrong shape. */
export class Field {
  constructor(
    readonly src: Source,
    readonly node: Node | null,
    readonly path: string,
  ) {}

  get position(): Position {
    return this.src.position(this.node);
  }

  fail(message: string): undefined {
    return this.src.report(this.node, this.path, message);
  }

  private scalar(): Scalar | null {
    return this.node !== null && isScalar(this.node) ? this.node : null;
  }

  isString(): boolean {
    return typeof this.scalar()?.value === 'string';
  }

  isMap(): boolean {
    return this.node !== null && isMap(this.node);
  }

  isList(): boolean {
    return this.node !== null && isSeq(this.node);
  }

  string(): string | undefined {
    const v = this.scalar()?.value;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return this.fail(`expected a string, got ${describe(this.node)} (quote it: "${String(v)}")`);
    return this.fail(`expected a string, got ${describe(this.node)}`);
  }

  nonEmptyString(): string | undefined {
    const s = this.string();
    if (s === '') return this.fail('must not be empty');
    return s;
  }

  int(min: number, max: number): number | undefined {
    const v = this.scalar()?.value;
    if (typeof v !== 'number' || !Number.isInteger(v)) return this.fail(`expected an integer, got ${describe(this.node)}`);
    if (v < min || v > max) return this.fail(`${v} is out of range ${min}..${max}`);
    return v;
  }

  port(allowZero = true): number | undefined {
    return this.int(allowZero ? 0 : 1, 65535);
  }

  bool(): boolean | undefined {
    const v = this.scalar()?.value;
    if (typeof v !== 'boolean') return this.fail(`expected true or false, got ${describe(this.node)}`);
    return v;
  }

  /** Gateway API duration (`"5s"`, `"250ms"`, `"1h30m"`) → milliseconds. */
  duration(): number | undefined {
    const v = this.scalar()?.value;
    if (typeof v === 'number') return this.fail(`expected a duration string such as "5s" or "250ms", got number ${v}`);
    const s = this.string();
    if (s === undefined) return undefined;
    const ms = parseDuration(s);
    if (ms === null) return this.fail(`invalid duration ${JSON.stringify(s)}: use 1-4 groups of <number><h|m|s|ms>, e.g. "5s", "250ms", "1m30s"`);
    return ms;
  }

  oneOf<T extends string>(values: readonly T[]): T | undefined {
    const s = this.string();
    if (s === undefined) return undefined;
    if ((values as readonly string[]).includes(s)) return s as T;
    return this.fail(`unknown value ${JSON.stringify(s)}${didYouMean(s, values)}; expected one of ${values.join(', ')}`);
  }

  oneOfInt<T extends number>(values: readonly T[]): T | undefined {
    const v = this.scalar()?.value;
    if (typeof v === 'number' && (values as readonly number[]).includes(v)) return v as T;
    return this.fail(`expected one of ${values.join(', ')}, got ${describe(this.node)}`);
  }

  list(): Field[] | undefined {
    if (this.node === null || !isSeq(this.node)) return this.fail(`expected a list, got ${describe(this.node)}`);
    return this.node.items.map((item, i) => this.src.field(item as Node | null, `${this.path}[${i}]`));
  }

  /** A list of strings (non-string items are reported and skipped). */
  strings(): string[] | undefined {
    const items = this.list();
    if (items === undefined) return undefined;
    const out: string[] = [];
    for (const item of items) {
      const s = item.string();
      if (s !== undefined) out.push(s);
    }
    return out;
  }

  object(keys: readonly string[]): Obj | undefined {
    if (this.node === null || !isMap(this.node)) return this.fail(`expected a mapping, got ${describe(this.node)}`);
    return new Obj(this.src, this.node, this.path, keys);
  }

  /** A mapping with free-form string keys (header names, labels): [key field, value field] pairs. */
  entries(): Array<[Field, Field]> | undefined {
    if (this.node === null || !isMap(this.node)) return this.fail(`expected a mapping, got ${describe(this.node)}`);
    const out: Array<[Field, Field]> = [];
    for (const pair of this.node.items) {
      const key = this.src.deref(pair.key as Node | null);
      const name = key !== null && isScalar(key) ? String(key.value) : '?';
      out.push([new Field(this.src, key, `${this.path}.${name}`), this.src.field(pair.value as Node | null, `${this.path}.${name}`)]);
    }
    return out;
  }
}

/** A mapping read against a fixed set of keys; unknown keys are reported (with a "did you mean") on construction. */
export class Obj {
  private readonly values = new Map<string, Node | null>();

  constructor(
    readonly src: Source,
    readonly node: Node,
    readonly path: string,
    keys: readonly string[],
  ) {
    if (!isMap(node)) return;
    for (const pair of node.items) {
      const key = src.deref(pair.key as Node | null);
      const name = key !== null && isScalar(key) && (typeof key.value === 'string' || typeof key.value === 'number') ? String(key.value) : null;
      if (name === null) {
        src.report(key, this.path || '(root)', 'mapping keys must be strings');
        continue;
      }
      if (!keys.includes(name)) {
        src.report(key, this.sub(name), `unknown field ${JSON.stringify(name)}${didYouMean(name, keys)}`);
        continue;
      }
      this.values.set(name, (pair.value as Node | null) ?? null);
    }
  }

  sub(key: string): string {
    return this.path === '' ? key : `${this.path}.${key}`;
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  keys(): string[] {
    return [...this.values.keys()];
  }

  get(key: string): Field | undefined {
    if (!this.values.has(key)) return undefined;
    const f = this.src.field(this.values.get(key), this.sub(key));
    // An explicit `key: null` / `key:` counts as absent, as in Kubernetes.
    if (f.node === null || (isScalar(f.node) && f.node.value === null)) return undefined;
    return f;
  }

  /** Like get(), but a missing key is a problem reported at this mapping. */
  need(key: string): Field | undefined {
    const f = this.get(key);
    if (f === undefined) this.src.report(this.node, this.sub(key), 'required field is missing');
    return f;
  }

  fail(message: string): undefined {
    return this.src.report(this.node, this.path || '(root)', message);
  }
}
