/**
 * Why a header block could not be decoded. Every one of these is a connection error of type
 * COMPRESSION_ERROR in HTTP/2 (RFC 9113 §4.3): the decoder's dynamic table can no longer be
 * trusted to match the peer's, so the decoder refuses further blocks.
 */
export type HpackErrorReason =
  | 'truncated-integer'
  | 'integer-overflow'
  | 'truncated-string'
  | 'invalid-index'
  | 'huffman-eos'
  | 'huffman-padding-too-long'
  | 'huffman-padding-invalid'
  | 'table-size-update-too-large'
  | 'table-size-update-misplaced'
  | 'table-size-update-missing'
  | 'decoder-failed';

/** A malformed header block (RFC 7541 §5, §6). The engine answers with a connection COMPRESSION_ERROR. */
export class HpackError extends Error {
  override name = 'HpackError';
  readonly reason: HpackErrorReason;

  constructor(reason: HpackErrorReason, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** How far over the limit a header list must be before the engine should treat the peer as abusive. */
export const FAR_OVER_LIMIT_FACTOR = 4;

/**
 * The decoded header list is larger than SETTINGS_MAX_HEADER_LIST_SIZE (RFC 9113 §6.5.2, sized as
 * 32 + name length + value length per field). The whole block was still processed, so the dynamic
 * table is in sync with the peer and the decoder stays usable: the engine can reset just the stream.
 */
export class HeaderListTooLargeError extends Error {
  override name = 'HeaderListTooLargeError';
  /** The size of the whole header list carried by the block (it was counted to the end). */
  readonly size: number;
  readonly limit: number;

  constructor(size: number, limit: number) {
    super(`header list size ${size} exceeds the limit of ${limit}`);
    this.size = size;
    this.limit = limit;
  }

  /** True when the list was at least 4 times the limit: a likely HPACK bomb, worth a GOAWAY. */
  get farOverLimit(): boolean {
    return this.size >= FAR_OVER_LIMIT_FACTOR * this.limit;
  }
}

/**
 * The block carried a field with an empty name, and the decoder was told to reject those (HTTP/2 forbids them,
 * RFC 9113 §8.2.1; HPACK itself allows them). Like HeaderListTooLargeError the block was processed to its end
 * without materialising any more fields, so the table is in sync and only the stream is malformed. Cheap on
 * purpose: a flood of blocks full of empty names (CVE-2019-9516) costs parsing, not allocation.
 */
export class EmptyHeaderNameError extends Error {
  override name = 'EmptyHeaderNameError';
  /** The position of the first empty-named field in the block (0-based, size updates not counted). */
  readonly fieldIndex: number;

  constructor(fieldIndex: number) {
    super(`empty header field name (field ${fieldIndex})`);
    this.fieldIndex = fieldIndex;
  }
}
