import type { ByteWriter } from './byte-writer.js';
import type { HeaderField } from './encoder.js';

/**
 * The last header block an encoder produced that changed nothing in its dynamic table, with the fields it came from.
 * Encoding the same fields again while the table is as it was gives the same bytes (an encoding is a function of the
 * fields and the table), so a server answering with the same response headers over and over — `:status`, a couple of
 * fixed fields, the `date` of this second — copies the block instead of encoding it again.
 *
 * Fields are compared by their strings (the same string objects in practice: shared constants, the second's date).
 * After a run of misses (every response different) only one miss in sixteen is remembered, so a cache that does not
 * pay costs a comparison and rarely a copy.
 */
/** Larger blocks are not kept: they rarely repeat, and the copy would cost what the cache saves. */
const MAX_CACHED_BLOCK = 1024;

export class BlockCache {
  /** name, value, name, value, … of the cached block's fields. */
  private fields: string[] = [];
  /** Bit i: field i was marked sensitive (lists of up to 31 fields are cached). */
  private sensitiveBits = 0;
  /** The block as a latin1 string (one char per octet): a string is the smallest heap object for a few bytes. */
  private bytes = '';
  /** The table state the block was encoded against: entries ever inserted, and entries now in it. */
  private insertCount = -1;
  private tableLength = -1;
  private misses = 0;

  /** Writes the cached block to `w` and returns true if `list` is the cached fields and the table is unchanged. */
  replay(w: ByteWriter, list: readonly HeaderField[], insertCount: number, tableLength: number): boolean {
    const bytes = this.bytes;
    const fields = this.fields;
    if (bytes === '' || insertCount !== this.insertCount || tableLength !== this.tableLength || list.length * 2 !== fields.length) {
      return this.miss();
    }
    let sensitiveBits = 0;
    for (let i = 0; i < list.length; i++) {
      const field = list[i]!;
      if (field[0] !== fields[2 * i] || field[1] !== fields[2 * i + 1]) return this.miss();
      if (field.length > 2 && field[2] === true) sensitiveBits |= 1 << i;
    }
    if (sensitiveBits !== this.sensitiveBits) return this.miss();
    this.misses = 0;
    w.ensure(bytes.length);
    const buf = w.buf;
    let pos = w.pos;
    for (let i = 0; i < bytes.length; i++) buf[pos++] = bytes.charCodeAt(i);
    w.pos = pos;
    return true;
  }

  /** After a miss was encoded without touching the table: remember it (unless misses are the rule). */
  store(list: readonly HeaderField[], block: Uint8Array, insertCount: number, tableLength: number): void {
    if ((this.misses > 4 && (this.misses & 15) !== 0) || list.length > 31 || block.length > MAX_CACHED_BLOCK) return;
    const fields = this.fields;
    fields.length = 0;
    let sensitiveBits = 0;
    for (let i = 0; i < list.length; i++) {
      const field = list[i]!;
      fields.push(field[0], field[1]);
      if (field.length > 2 && field[2] === true) sensitiveBits |= 1 << i;
    }
    this.sensitiveBits = sensitiveBits;
    this.bytes = String.fromCharCode.apply(null, block as unknown as number[]);
    this.insertCount = insertCount;
    this.tableLength = tableLength;
  }

  /** The table's size changed: a cached block may hold representations chosen for the old size (at size 0,
   *  "with indexing" literals that inserted nothing, which a larger table would take in). */
  forget(): void {
    this.bytes = '';
  }

  private miss(): false {
    this.misses++;
    return false;
  }
}
