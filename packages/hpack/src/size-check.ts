/** Validates a table size setting (SETTINGS values are 32-bit, RFC 9113 §6.5.1). */
export function checkTableSize(what: string, size: number): void {
  if (!Number.isInteger(size) || size < 0 || size > 0xffffffff) {
    throw new RangeError(`${what} must be an integer in [0, 2^32), got ${size}`);
  }
}

/** Validates SETTINGS_MAX_HEADER_LIST_SIZE (Infinity means no limit). */
export function checkListSize(size: number): void {
  if (size !== Infinity) checkTableSize('maxHeaderListSize', size);
}
