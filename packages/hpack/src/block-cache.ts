import type { ByteWriter } from './byte-writer.js';
import type { HeaderField } from './encoder.js';

/**
 * The last header block an encoder produced that changed nothing in its dynamic table, with the fields it came from
 * and where each field's bytes end. Encoding fields against a table gives bytes that depend only on those fields and
 * that table, and a block that inserted nothing left the table as it found it; so while the table is as it was
 * (insert count and length; a size change drops the block), any run of leading fields equal to the cached ones
 * encodes to the cached bytes up to the end of that run. A server repeating its response headers (`:status`, a few
 * fixed fields, this second's `date`) copies the whole block; a proxy whose requests differ only in a last generated
 * field (x-request-id) copies all but that field.
 *
 * Fields are compared by their strings (the same string objects in practice: shared constants, table entries, the
 * second's date). After a run of misses (every block different from its first field on) only one miss in sixteen is
 * remembered, so a cache that does not pay costs a comparison and rarely a copy.
 */
export class BlockCache {
  /** name, value, name, value, … of the cached block's fields. */
  private fields: string[] = [];
  /** Bit i: field i was marked sensitive (lists of up to 31 fields are cached). */
  private sensitiveBits = 0;
  /** Offset in `bytes` where field i's encoding ends. */
  private ends: number[] = [];
  /** The block as a latin1 string (one char per octet): a string is the smallest heap object for a few bytes. */
  private bytes = '';
  /** The table state the block was encoded against: entries ever inserted, and entries now in it. */
  private insertCount = -1;
  private tableLength = -1;
  private misses = 0;
  /** The field at which the last partial replay stopped: its position and the name and value that differed. */
  private stopAt = -1;
  private stopName = '';
  private stopValue = '';
  /**
   * Set by replay() when a partial replay stopped at the same field, with the same new value, as the one before: the
   * cached block is out of date (this second's `date` replaced the last second's), so the encoder stores the block it
   * is finishing. A field that differs every time (a generated x-request-id) never sets it: the cache keeps its
   * leading fields and costs no store per block.
   */
  refresh = false;

  /**
   * Writes to `w` the cached encoding of the longest run of leading fields of `list` equal to the cached ones, and
   * returns how many fields that was (0: nothing written; `list.length`: the whole block).
   */
  replay(w: ByteWriter, list: readonly HeaderField[], insertCount: number, tableLength: number): number {
    const bytes = this.bytes;
    if (bytes === '' || insertCount !== this.insertCount || tableLength !== this.tableLength) return this.miss();
    const fields = this.fields;
    const n = Math.min(list.length, fields.length >> 1);
    let same = 0;
    while (same < n) {
      const field = list[same]!;
      const sensitive = field.length > 2 && field[2] === true ? 1 : 0;
      if (field[0] !== fields[2 * same] || field[1] !== fields[2 * same + 1] || sensitive !== ((this.sensitiveBits >>> same) & 1)) break;
      same++;
    }
    if (same === 0) return this.miss();
    this.misses = 0;
    if (same < list.length) {
      const field = list[same]!;
      this.refresh = same === this.stopAt && field[0] === this.stopName && field[1] === this.stopValue;
      this.stopAt = same;
      this.stopName = field[0];
      this.stopValue = field[1];
    }
    const end = this.ends[same - 1]!;
    w.ensure(end);
    const buf = w.buf;
    let pos = w.pos;
    for (let i = 0; i < end; i++) buf[pos++] = bytes.charCodeAt(i);
    w.pos = pos;
    return same;
  }

  /**
   * After a block was encoded without touching the table: remember it, with `ends[i]` the offset where field i ends
   * (unless misses are the rule, or it is large). `replayed`: its first fields were copied from the cached block by
   * replay(), whose ends are kept (`ends` holds only those of the fields encoded after them).
   */
  store(list: readonly HeaderField[], block: Uint8Array, ends: readonly number[], insertCount: number, tableLength: number, replayed = 0): void {
    if ((this.misses > 4 && (this.misses & 15) !== 0) || list.length > 31 || block.length > MAX_CACHED_BLOCK) return;
    const fields = this.fields;
    fields.length = 0;
    this.ends.length = replayed;
    let sensitiveBits = 0;
    for (let i = 0; i < list.length; i++) {
      const field = list[i]!;
      fields.push(field[0], field[1]);
      if (i >= replayed) this.ends.push(ends[i]!);
      if (field.length > 2 && field[2] === true) sensitiveBits |= 1 << i;
    }
    this.sensitiveBits = sensitiveBits;
    this.refresh = false;
    this.stopAt = -1;
    this.bytes = String.fromCharCode.apply(null, block as unknown as number[]);
    this.insertCount = insertCount;
    this.tableLength = tableLength;
  }

  /** The table's size changed: a cached block may hold representations chosen for the old size (at size 0,
   *  "with indexing" literals that inserted nothing, which a larger table would take in). */
  forget(): void {
    this.bytes = '';
  }

  private miss(): 0 {
    this.misses++;
    return 0;
  }
}

/** Larger blocks are not kept: they rarely repeat, and the copy would cost what the cache saves. */
const MAX_CACHED_BLOCK = 1024;
