import { BlockCache } from './block-cache.js';
import { ByteWriter } from './byte-writer.js';
import { entrySize } from './dynamic-table.js';
import { NameEntry, ownNameEntry, STATIC_NAME_ENTRIES } from './encoder-index.js';
import { chooseRepresentation, INDEX, namePolicy, NEVER_INDEX, NO_INDEX } from './indexing-policy.js';
import { writeCachedStringLiteral } from './literal-cache.js';
import { checkTableSize } from './size-check.js';
import { writeInteger } from './integer.js';
import { STATIC_TABLE_LENGTH } from './static-table.js';
import { type HuffmanMode, huffmanModeCode, writeStringLiteral } from './string-literal.js';
import { DynamicTableOwner } from './table-owner.js';

/** A field to encode: [name, value] or [name, value, sensitive]. Strings are latin1 (char codes ≤ 255). */
export type HeaderField = readonly [name: string, value: string] | readonly [name: string, value: string, sensitive: boolean];

export interface EncoderOptions {
  /**
   * The peer's SETTINGS_HEADER_TABLE_SIZE when the encoder starts (default 4096, the protocol
   * default); the table uses min(this, tableSizeLimit).
   */
  maxTableSize?: number;
  /** Huffman-code literals: 'auto' (only when strictly shorter, default), 'always' or 'never'. */
  huffman?: HuffmanMode;
  /**
   * The most dynamic-table memory this encoder uses however much the peer allows (default 65536).
   * A smaller table than the peer's limit is always allowed (§4.2).
   */
  tableSizeLimit?: number;
  /**
   * 'default' applies the indexing policy of indexing-policy.ts; 'all' indexes every field that is
   * not marked sensitive and fits the table (as RFC 7541 Appendix C does), ignoring the per-name
   * defaults (credentials included). Fields marked sensitive are never indexed either way.
   */
  indexing?: 'default' | 'all';
}

/** Fraction of the table above which an entry is not indexed: it would flush most of the table. */
const MAX_ENTRY_FRACTION = 0.75;

/**
 * Encodes header lists into header blocks (RFC 7541 §6) with a dynamic table that mirrors the
 * peer decoder's.
 *
 * If `encode` throws (e.g. a char code above 255), the block is discarded and the encoder stays
 * usable: it empties its table and starts the next block with size updates to 0 and back, which
 * empties the peer's table too.
 */
export class Encoder extends DynamicTableOwner {
  /** Names with dynamic-table entries; static-only names are looked up in STATIC_NAME_ENTRIES. */
  private readonly names = new Map<string, NameEntry>();
  /** Scratch for encode() without `out`; created on first such use (an engine always passes its own writer). */
  private writer: ByteWriter | null = null;
  private readonly huffman: number;
  private readonly indexAll: boolean;
  private readonly tableSizeLimit: number;
  /** The peer's last SETTINGS_HEADER_TABLE_SIZE. */
  private peerMaxTableSize: number;
  /** Largest entry worth indexing with the current table size. */
  private maxEntrySize = 0;
  /** A dynamic table size update must start the next block (§4.2). */
  private sizeUpdatePending = false;
  /** The smallest table size since the last block, signalled first if the size then grew (§4.2). */
  private smallestPendingSize = Infinity;
  /** The last block that left the table as it was; created at the second block (a connection that answers once
   *  keeps none: idle memory). */
  private cache: BlockCache | null = null;
  private blocks = 0;
  /** Scratch: where each field of the block being encoded ends (for the cache). */
  private readonly fieldEnds: number[] = [];

  constructor(options: EncoderOptions = {}) {
    const { maxTableSize = 4096, huffman = 'auto', tableSizeLimit = 65536, indexing = 'default' } = options;
    checkTableSize('maxTableSize', maxTableSize);
    checkTableSize('tableSizeLimit', tableSizeLimit);
    if (indexing !== 'default' && indexing !== 'all') throw new TypeError(`indexing must be 'default' or 'all', got ${String(indexing)}`);
    const size = Math.min(maxTableSize, tableSizeLimit);
    super(size);
    this.huffman = huffmanModeCode(huffman);
    this.indexAll = indexing === 'all';
    this.tableSizeLimit = tableSizeLimit;
    this.peerMaxTableSize = maxTableSize;
    this.maxEntrySize = Math.floor(size * MAX_ENTRY_FRACTION);
    // Using less than the peer allows must be signalled once, like any change of size.
    if (size !== maxTableSize) this.sizeUpdatePending = true;
  }

  /**
   * Applies the peer's new SETTINGS_HEADER_TABLE_SIZE. The next block starts with the dynamic
   * table size update(s): the smallest size reached first when the size shrank then grew again
   * before a block was sent, then the final size (§4.2).
   */
  setMaxTableSize(size: number): void {
    checkTableSize('maxTableSize', size);
    if (size === this.peerMaxTableSize) return;
    this.peerMaxTableSize = size;
    this.resizeTable(Math.min(size, this.tableSizeLimit));
  }

  /**
   * Encodes one header list into a header block.
   *
   * Without `out`, returns a new Uint8Array holding the block. With `out`, appends the block to it
   * and returns a view of the appended bytes (no copy; valid until `out` next grows or is reset).
   */
  encode(headers: Iterable<HeaderField>, out?: ByteWriter): Uint8Array {
    const w = out ?? (this.writer ??= new ByteWriter(1024));
    if (out === undefined) w.reset();
    const start = w.pos;
    const table = this.table;
    const list = Array.isArray(headers) ? (headers as readonly HeaderField[]) : null;
    const cache = this.cache ?? (++this.blocks > 1 ? (this.cache = new BlockCache()) : null);
    const sizeUpdate = this.sizeUpdatePending;
    // Leading fields the cached block has (encoded against this same table) are copied from it.
    const replayed = cache !== null && list !== null && !sizeUpdate ? cache.replay(w, list, table.insertCount, table.length) : 0;
    if (replayed > 0 && replayed === list!.length) return out === undefined ? w.buf.slice(start, w.pos) : w.buf.subarray(start, w.pos);
    const insertsBefore = table.insertCount;
    const lengthBefore = table.length;
    const ends = this.fieldEnds;
    try {
      if (sizeUpdate) this.writeSizeUpdates(w);
      if (list !== null) {
        for (let i = replayed; i < list.length; i++) {
          const field = list[i]!;
          this.encodeField(w, field[0], field[1], field.length > 2 && field[2] === true);
          ends[i] = w.pos - start;
        }
      } else {
        for (const field of headers) this.encodeField(w, field[0], field[1], field.length > 2 && field[2] === true);
      }
    } catch (error) {
      w.pos = start;
      this.forgetTable();
      throw error;
    }
    const block = w.buf.subarray(start, w.pos);
    // A block that left the table as it found it can be replayed against the same table. A partly replayed one is
    // stored only once the cache is out of date (BlockCache.refresh: the same new value twice, e.g. the next second's
    // date); otherwise the cached block's leading fields keep serving, and the rest (a generated id) differs every time.
    if (
      cache !== null &&
      list !== null &&
      (replayed === 0 || cache.refresh) &&
      !sizeUpdate &&
      table.insertCount === insertsBefore &&
      table.length === lengthBefore
    ) {
      cache.store(list, block, ends, insertsBefore, lengthBefore, replayed);
    }
    return out === undefined ? block.slice() : block;
  }

  private encodeField(w: ByteWriter, name: string, value: string, sensitive: boolean): void {
    const entry = this.names.get(name) ?? STATIC_NAME_ENTRIES.get(name);
    let nameIndex = 0;
    let policy: number;
    if (entry !== undefined) {
      policy = entry.policy;
      if (!sensitive) {
        // §6.1: a full (name, value) match is a single indexed field.
        const staticIndex = entry.staticValues?.get(value);
        if (staticIndex !== undefined) {
          writeInteger(w, staticIndex, 7, 0x80);
          return;
        }
        const seq = entry.seqOf(value);
        if (seq !== undefined) {
          writeInteger(w, STATIC_TABLE_LENGTH + this.table.insertCount - seq, 7, 0x80);
          return;
        }
      }
      if (entry.staticIndex !== 0) nameIndex = entry.staticIndex;
      else if (entry.latestSeq >= 0) nameIndex = STATIC_TABLE_LENGTH + this.table.insertCount - entry.latestSeq;
    } else {
      policy = namePolicy(name);
    }

    const size = entrySize(name, value);
    let representation: number;
    if (sensitive) representation = NEVER_INDEX;
    else if (this.indexAll) representation = size > this.table.maxSize ? NO_INDEX : INDEX;
    else representation = chooseRepresentation(policy, value, size, this.maxEntrySize);
    // With a zero-size table, "with indexing" adds nothing on either side but its 6-bit name index
    // prefix is shorter than the 4-bit one of "without indexing".
    if (representation === INDEX || (representation !== NEVER_INDEX && this.table.maxSize === 0)) {
      writeInteger(w, nameIndex, 6, 0x40);
      if (nameIndex === 0) writeStringLiteral(w, name, this.huffman);
      writeStringLiteral(w, value, this.huffman);
      this.insert(name, value, size);
    } else {
      writeInteger(w, nameIndex, 4, representation === NEVER_INDEX ? 0x10 : 0x00);
      if (nameIndex === 0) writeStringLiteral(w, name, this.huffman);
      // `date` is one-off by policy (kept out of the table) yet the same in every response of a second: reuse its
      // recent encodings. Only date: for values that really are unique the lookup and copy cost ~10 % of encode time.
      if (name === 'date' && representation === NO_INDEX) writeCachedStringLiteral(w, value, this.huffman);
      else writeStringLiteral(w, value, this.huffman);
    }
  }

  /** Adds an entry to the table and the lookup maps, evicting as the peer's decoder will (§4.4). */
  private insert(name: string, value: string, size: number): void {
    const table = this.table;
    while (table.length > 0 && table.size + size > table.maxSize) this.evictOldest();
    if (size > table.maxSize) return;
    const seq = table.insertCount;
    table.insert(name, value, size);
    let entry = this.names.get(name);
    if (entry === undefined) {
      entry = ownNameEntry(name);
      this.names.set(name, entry);
    }
    entry.added(value, seq);
    entry.latestSeq = seq;
    entry.dynamicCount++;
  }

  private evictOldest(): void {
    const table = this.table;
    const name = table.oldestName();
    const value = table.oldestValue();
    const seq = table.insertCount - table.length;
    table.evictOldest();
    const entry = this.names.get(name)!;
    entry.evicted(value, seq);
    if (--entry.dynamicCount === 0) {
      entry.latestSeq = -1;
      this.names.delete(name);
    }
  }

  private resizeTable(size: number): void {
    while (this.table.size > size) this.evictOldest();
    this.table.maxSize = size;
    this.maxEntrySize = Math.floor(size * MAX_ENTRY_FRACTION);
    if (size < this.smallestPendingSize) this.smallestPendingSize = size;
    this.sizeUpdatePending = true;
    // A block cached under the old size is not valid under the new one (see BlockCache.forget).
    this.cache?.forget();
  }

  /** §6.3 Dynamic Table Size Update(s) at the start of the block: 001xxxxx. */
  private writeSizeUpdates(w: ByteWriter): void {
    const size = this.table.maxSize;
    if (this.smallestPendingSize < size) writeInteger(w, this.smallestPendingSize, 5, 0x20);
    writeInteger(w, size, 5, 0x20);
    this.sizeUpdatePending = false;
    this.smallestPendingSize = Infinity;
  }

  /** After a failed encode: empty our table, and the peer's with a size update to 0 first. */
  private forgetTable(): void {
    const size = this.table.maxSize;
    this.resizeTable(0);
    this.resizeTable(size);
  }
}
