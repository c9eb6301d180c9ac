import { namePolicy } from './indexing-policy.js';
import { STATIC_TABLE } from './static-table.js';

/**
 * What the encoder knows about one field name: where it is in the static table, which of its
 * values are in the static or dynamic table, and its indexing policy. Dynamic entries are
 * identified by their insertion number ("seq"); an entry's index is then
 * 61 + (insertCount - seq), computed in O(1) without touching the table.
 */
export class NameEntry {
  /** First static index with this name (0 if none). */
  readonly staticIndex: number;
  /** Static (name, value) matches: value → static index. Shared, never mutated. */
  readonly staticValues: ReadonlyMap<string, number> | null;
  /** Policy kind from indexing-policy.ts. */
  readonly policy: number;
  /**
   * value → seq of the newest dynamic entry with this (name, value): one value kept inline (most names only ever
   * have one in the table at a time), the others in a map created for the second. The two never hold the same value.
   */
  inlineValue: string | null = null;
  inlineSeq = -1;
  dynamicValues: Map<string, number> | null = null;
  /** seq of the newest dynamic entry with this name (-1 if none). */
  latestSeq = -1;
  /** How many dynamic entries have this name. */
  dynamicCount = 0;

  constructor(staticIndex: number, staticValues: ReadonlyMap<string, number> | null, policy: number) {
    this.staticIndex = staticIndex;
    this.staticValues = staticValues;
    this.policy = policy;
  }

  /** seq of the newest dynamic entry (name, value), or undefined. */
  seqOf(value: string): number | undefined {
    if (this.inlineValue === value) return this.inlineSeq;
    return this.dynamicValues === null ? undefined : this.dynamicValues.get(value);
  }

  /** (name, value) entered the table as insertion `seq`. */
  added(value: string, seq: number): void {
    if (this.inlineValue === value) this.inlineSeq = seq;
    else if (this.dynamicValues !== null && this.dynamicValues.has(value)) this.dynamicValues.set(value, seq);
    else if (this.inlineValue === null) {
      this.inlineValue = value;
      this.inlineSeq = seq;
    } else (this.dynamicValues ??= new Map()).set(value, seq);
  }

  /** Entry `seq` with `value` left the table; a newer entry with the same value keeps the mapping. */
  evicted(value: string, seq: number): void {
    if (this.inlineValue === value) {
      if (this.inlineSeq === seq) this.inlineValue = null;
    } else if (this.dynamicValues !== null && this.dynamicValues.get(value) === seq) {
      this.dynamicValues.delete(value);
    }
  }
}

interface StaticName {
  index: number;
  values: Map<string, number>;
}

/** Static table names → their first index and their (name, value) matches (empty values included). */
const STATIC_NAMES_INDEX: ReadonlyMap<string, StaticName> = buildStaticIndex();

function buildStaticIndex(): Map<string, StaticName> {
  const byName = new Map<string, StaticName>();
  STATIC_TABLE.forEach(([name, value], i) => {
    const index = i + 1;
    let entry = byName.get(name);
    if (entry === undefined) {
      entry = { index, values: new Map() };
      byName.set(name, entry);
    }
    entry.values.set(value, index);
  });
  return byName;
}

/**
 * Entries for the static names, shared by every encoder and never mutated (no dynamic values). An encoder keeps its
 * own NameEntry only for names that have dynamic-table entries, so a new encoder costs no per-name objects.
 */
export const STATIC_NAME_ENTRIES: ReadonlyMap<string, NameEntry> = new Map(
  [...STATIC_NAMES_INDEX].map(([name, { index, values }]) => [name, new NameEntry(index, values, namePolicy(name))]),
);

/** An encoder's own entry for `name`, created from the shared static one (or fresh) when it gets dynamic entries. */
export function ownNameEntry(name: string): NameEntry {
  const shared = STATIC_NAME_ENTRIES.get(name);
  return shared === undefined ? new NameEntry(0, null, namePolicy(name)) : new NameEntry(shared.staticIndex, shared.staticValues, shared.policy);
}
