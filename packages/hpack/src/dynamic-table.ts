/**
 * The dynamic table (RFC 7541 §2.3.2, §4) as a ring buffer: inserting and evicting are O(1), and
 * so is looking up an index. Entry i (1 = newest) lives at `(head + length - i) & mask`; the
 * oldest entry is at `head`.
 *
 * Strings are latin1 (one char per octet), so an entry's size is 32 + name.length + value.length (§4.1).
 */
import type { DecodedHeader } from './decoder.js';

export const ENTRY_OVERHEAD = 32;

export function entrySize(name: string, value: string): number {
  return ENTRY_OVERHEAD + name.length + value.length;
}

export class DynamicTable {
  private names: string[];
  private values: string[];
  /** Per slot, the entry's [name, value] once field() made it (a decoder sharing fields); null until first used. */
  private fields: Array<DecodedHeader | undefined> | null = null;
  private mask: number;
  private head = 0;
  /** Number of entries. */
  length = 0;
  /** Sum of the entries' sizes, in octets. */
  size = 0;
  /** Maximum size (the last dynamic table size update, or the initial setting). */
  maxSize: number;
  /** Entries ever inserted: the encoder numbers entries with it to find their index in O(1). */
  insertCount = 0;

  constructor(maxSize: number) {
    this.maxSize = maxSize;
    // Small at first (it doubles on demand): most connections keep a handful of entries, and every connection has two.
    this.names = new Array<string>(8).fill('');
    this.values = new Array<string>(8).fill('');
    this.mask = 7;
  }

  /** Name of entry `i` (1 = newest); `i` must be in [1, length]. */
  name(i: number): string {
    return this.names[(this.head + this.length - i) & this.mask]!;
  }

  /** Value of entry `i` (1 = newest); `i` must be in [1, length]. */
  value(i: number): string {
    return this.values[(this.head + this.length - i) & this.mask]!;
  }

  /**
   * Entry `i` (1 = newest) as one [name, value] tuple, made on first use and handed out again for every later block
   * that indexes the entry: an indexed field costs no allocation per block. Not frozen: a frozen array is another
   * elements kind, and every `field[0]` site that sees both kinds turns into a generic keyed load (measured: ~2.5 %
   * of a proxy's CPU); the decoder's option documents that callers must not modify fields.
   */
  field(i: number): DecodedHeader {
    const slot = (this.head + this.length - i) & this.mask;
    const fields = (this.fields ??= new Array<DecodedHeader | undefined>(this.mask + 1).fill(undefined));
    return (fields[slot] ??= [this.names[slot]!, this.values[slot]!]);
  }

  oldestName(): string {
    return this.names[this.head]!;
  }

  oldestValue(): string {
    return this.values[this.head]!;
  }

  /** Removes the oldest entry (§4.4). */
  evictOldest(): void {
    const head = this.head;
    this.size -= entrySize(this.names[head]!, this.values[head]!);
    this.names[head] = '';
    this.values[head] = '';
    if (this.fields !== null) this.fields[head] = undefined; // a slot is inserted into only after its entry left
    this.head = (head + 1) & this.mask;
    this.length--;
  }

  /**
   * Adds an entry, evicting the oldest ones until it fits (§4.4). An entry larger than the maximum
   * size empties the table and is not added; returns whether it was added.
   */
  add(name: string, value: string): boolean {
    const size = entrySize(name, value);
    while (this.length > 0 && this.size + size > this.maxSize) this.evictOldest();
    if (size > this.maxSize) return false;
    this.insert(name, value, size);
    return true;
  }

  /** Adds an entry that the caller has made room for. */
  insert(name: string, value: string, size: number): void {
    if (this.length > this.mask) this.growRing();
    const slot = (this.head + this.length) & this.mask;
    this.names[slot] = name;
    this.values[slot] = value;
    this.length++;
    this.size += size;
    this.insertCount++;
  }

  /** Sets a new maximum size and evicts down to it (§4.3). */
  setMaxSize(maxSize: number): void {
    this.maxSize = maxSize;
    while (this.size > maxSize) this.evictOldest();
  }

  /** Entries from newest to oldest, as [name, value] pairs. */
  entries(): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (let i = 1; i <= this.length; i++) out.push([this.name(i), this.value(i)]);
    return out;
  }

  private growRing(): void {
    const capacity = (this.mask + 1) * 2;
    const names = new Array<string>(capacity).fill('');
    const values = new Array<string>(capacity).fill('');
    const old = this.fields;
    const fields = old === null ? null : new Array<DecodedHeader | undefined>(capacity).fill(undefined);
    for (let i = 0; i < this.length; i++) {
      const from = (this.head + i) & this.mask;
      names[i] = this.names[from]!;
      values[i] = this.values[from]!;
      if (fields !== null) fields[i] = old![from];
    }
    this.names = names;
    this.values = values;
    this.fields = fields;
    this.head = 0;
    this.mask = capacity - 1;
  }
}
