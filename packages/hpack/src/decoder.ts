import { ByteReader } from './byte-reader.js';
import { ENTRY_OVERHEAD } from './dynamic-table.js';
import { EmptyHeaderNameError, HeaderListTooLargeError, HpackError } from './errors.js';
import { readInteger } from './integer.js';
import { checkListSize, checkTableSize } from './size-check.js';
import { DynamicTableOwner } from './table-owner.js';
import { STATIC_NAMES, STATIC_TABLE_LENGTH, STATIC_VALUES } from './static-table.js';
import { readStringLiteral, skipStringLiteral } from './string-literal.js';

const NO_BYTES = new Uint8Array(0);

export interface DecoderOptions {
  /**
   * SETTINGS_HEADER_TABLE_SIZE as both sides know it when the decoder starts: the limit that a
   * dynamic table size update may not exceed, and the table's initial maximum size. Default 4096.
   */
  maxTableSize?: number;
  /** SETTINGS_MAX_HEADER_LIST_SIZE (RFC 9113 §6.5.2). Default Infinity. */
  maxHeaderListSize?: number;
  /**
   * Reject fields with an empty name (HTTP/2 forbids them, RFC 9113 §8.2.1) with EmptyHeaderNameError after the
   * block, allocating nothing past the first one. Default false: RFC 7541 alone allows empty names.
   */
  rejectEmptyNames?: boolean;
  /**
   * Hand out one tuple per table entry: an indexed field (static or dynamic table) is the same [name, value] array in
   * every list that indexes it, so a repeated request costs no allocation per indexed field and holds no copies. The
   * caller then must never modify a field in place (replace it in the list instead): a changed tuple would change
   * every later list that indexes its entry. Default false: every field is a new tuple.
   */
  shareIndexedFields?: boolean;
}

/**
 * A decoded header field: [name, value], both latin1 strings (one char per octet). With shareIndexedFields, fields
 * from the tables are shared tuples (see the option); the list itself is always new per block and the caller's.
 */
export type DecodedHeader = [name: string, value: string];

/** The static table's entries as tuples by index (slot 0 unused), for decoders that share fields. */
const STATIC_FIELDS: readonly DecodedHeader[] = STATIC_NAMES.map((name, i) => [name, STATIC_VALUES[i]!]);

const NO_PENDING_LIMIT = Infinity;

/**
 * Decodes header blocks (RFC 7541 §3, §6) with a dynamic table kept in sync with the peer's encoder.
 *
 * Errors: HpackError for a malformed block (a connection error; the decoder then refuses every
 * later block), HeaderListTooLargeError when the list exceeds maxHeaderListSize (the block was still
 * processed to the end so the decoder stays usable).
 */
export class Decoder extends DynamicTableOwner {
  private readonly reader = new ByteReader();
  /** The largest table size a size update may set (§6.3): our ACKed SETTINGS_HEADER_TABLE_SIZE. */
  private limit: number;
  /**
   * After we lowered the limit below the table's current maximum size, the peer's next block must
   * start with a size update no larger than this (§4.2). Infinity when nothing is pending.
   */
  private pendingLimit = NO_PENDING_LIMIT;
  private maxHeaderListSize: number;
  private readonly rejectEmptyNames: boolean;
  private readonly shareFields: boolean;
  private failed = false;

  constructor(options: DecoderOptions = {}) {
    const { maxTableSize = 4096, maxHeaderListSize = Infinity, rejectEmptyNames = false, shareIndexedFields = false } = options;
    checkTableSize('maxTableSize', maxTableSize);
    checkListSize(maxHeaderListSize);
    super(maxTableSize);
    this.limit = maxTableSize;
    this.maxHeaderListSize = maxHeaderListSize;
    this.rejectEmptyNames = rejectEmptyNames;
    this.shareFields = shareIndexedFields;
  }

  /**
   * Applies a new SETTINGS_HEADER_TABLE_SIZE that the peer has ACKed. If it is below the table's
   * current maximum size, the peer's next block must begin with a size update within it (§4.2).
   */
  setMaxTableSize(size: number): void {
    checkTableSize('maxTableSize', size);
    this.limit = size;
    if (size < this.table.maxSize && size < this.pendingLimit) this.pendingLimit = size;
  }

  /** Applies a new SETTINGS_MAX_HEADER_LIST_SIZE (Infinity for none). */
  setMaxHeaderListSize(size: number): void {
    checkListSize(size);
    this.maxHeaderListSize = size;
  }

  /**
   * Decodes one complete header block (the concatenated HEADERS/PUSH_PROMISE + CONTINUATION
   * fragments) into fields in order, duplicates kept.
   */
  decode(block: Uint8Array): DecodedHeader[] {
    if (this.failed) throw new HpackError('decoder-failed', 'the decoder failed on an earlier block (connection error)');
    try {
      return this.decodeBlock(block);
    } catch (error) {
      // Only an oversized list or a rejected name leaves the table in sync (the block was processed to its end).
      if (!(error instanceof HeaderListTooLargeError) && !(error instanceof EmptyHeaderNameError)) this.failed = true;
      throw error;
    } finally {
      this.reader.reset(NO_BYTES); // the block is usually a view of a socket read: holding it would keep the read alive
    }
  }

  private decodeBlock(block: Uint8Array): DecodedHeader[] {
    const r = this.reader;
    r.reset(block);
    const table = this.table;
    const share = this.shareFields;
    const headers: DecodedHeader[] = [];
    const listLimit = this.maxHeaderListSize;
    let listSize = 0;
    let overLimit = false;
    // Past the list limit or an empty name: the rest of the block is parsed (tables stay in sync) but not kept.
    let discard = false;
    let emptyNameAt = -1;
    let fieldCount = 0;
    let atBlockStart = true;

    while (r.pos < r.end) {
      const first = block[r.pos]!;
      let name: string;
      let value: string;
      /** The table's own tuple for this field, when fields are shared and it has one (indexed, or just inserted). */
      let shared: DecodedHeader | null = null;

      if (first >= 0x80) {
        // §6.1 Indexed Header Field: 1xxxxxxx
        const index = readInteger(r, 7);
        if (atBlockStart) atBlockStart = this.endOfSizeUpdates();
        if (index <= STATIC_TABLE_LENGTH) {
          if (index === 0) throw new HpackError('invalid-index', 'index 0 in an indexed header field');
          if (share) shared = STATIC_FIELDS[index]!;
          name = STATIC_NAMES[index]!;
          value = STATIC_VALUES[index]!;
        } else {
          const dynamicIndex = index - STATIC_TABLE_LENGTH;
          if (dynamicIndex > table.length) throw indexError(index, table.length);
          if (share) {
            shared = table.field(dynamicIndex);
            name = shared[0];
            value = shared[1];
          } else {
            name = table.name(dynamicIndex);
            value = table.value(dynamicIndex);
          }
        }
      } else if (first >= 0x40) {
        // §6.2.1 Literal Header Field with Incremental Indexing: 01xxxxxx. Always materialised:
        // the entry must enter the table even once the list is over its limit.
        const index = readInteger(r, 6);
        if (atBlockStart) atBlockStart = this.endOfSizeUpdates();
        name = index === 0 ? readStringLiteral(r) : this.nameAt(index);
        value = readStringLiteral(r);
        if (table.add(name, value) && share) shared = table.field(1);
      } else if (first >= 0x20) {
        // §6.3 Dynamic Table Size Update: 001xxxxx, only before the first field (§4.2)
        if (!atBlockStart) throw new HpackError('table-size-update-misplaced', 'dynamic table size update after a header field');
        const size = readInteger(r, 5);
        if (size > this.limit) {
          throw new HpackError('table-size-update-too-large', `dynamic table size update to ${size} exceeds the limit of ${this.limit}`);
        }
        if (size <= this.pendingLimit) this.pendingLimit = NO_PENDING_LIMIT;
        table.setMaxSize(size);
        continue;
      } else {
        // §6.2.2 without indexing (0000xxxx), §6.2.3 never indexed (0001xxxx)
        const index = readInteger(r, 4);
        if (atBlockStart) atBlockStart = this.endOfSizeUpdates();
        if (discard) {
          // Discarding: validate and measure, but allocate nothing.
          listSize += ENTRY_OVERHEAD + (index === 0 ? skipStringLiteral(r) : this.nameAt(index).length) + skipStringLiteral(r);
          if (listSize > listLimit) overLimit = true;
          continue;
        }
        name = index === 0 ? readStringLiteral(r) : this.nameAt(index);
        value = readStringLiteral(r);
      }

      // RFC 9113 §6.5.2: the size of a header list counts 32 octets of overhead per field.
      listSize += ENTRY_OVERHEAD + name.length + value.length;
      fieldCount++;
      if (overLimit) continue;
      if (listSize > listLimit) {
        // Over the limit wins over an empty name: far over it is an HPACK bomb (the caller's GOAWAY).
        overLimit = discard = true;
        headers.length = 0;
        continue;
      }
      if (discard) continue;
      if (name.length === 0 && this.rejectEmptyNames) {
        emptyNameAt = fieldCount - 1;
        discard = true;
        headers.length = 0;
        continue;
      }
      if (shared !== null) headers.push(shared);
      else headers.push([name, value]);
    }

    if (atBlockStart) this.endOfSizeUpdates();
    if (overLimit) throw new HeaderListTooLargeError(listSize, listLimit);
    if (emptyNameAt >= 0) throw new EmptyHeaderNameError(emptyNameAt);
    return headers;
  }

  /** Called at the first field of a block (or its end): a required size update must have come. */
  private endOfSizeUpdates(): false {
    if (this.pendingLimit !== NO_PENDING_LIMIT) {
      throw new HpackError(
        'table-size-update-missing',
        `the block must start with a dynamic table size update to at most ${this.pendingLimit} (RFC 7541 §4.2)`,
      );
    }
    return false;
  }

  private nameAt(index: number): string {
    if (index <= STATIC_TABLE_LENGTH) return STATIC_NAMES[index]!;
    const dynamicIndex = index - STATIC_TABLE_LENGTH;
    if (dynamicIndex > this.table.length) throw indexError(index, this.table.length);
    return this.table.name(dynamicIndex);
  }
}

function indexError(index: number, dynamicLength: number): HpackError {
  return new HpackError('invalid-index', `index ${index} is past the end of the tables (61 static + ${dynamicLength} dynamic entries)`);
}
