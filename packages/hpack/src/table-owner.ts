import { DynamicTable } from './dynamic-table.js';

/** What the Decoder and the Encoder both show of their dynamic table. */
export class DynamicTableOwner {
  protected readonly table: DynamicTable;

  constructor(maxTableSize: number) {
    this.table = new DynamicTable(maxTableSize);
  }

  /** Current size of the dynamic table in octets (RFC 7541 §4.1). */
  get tableSize(): number {
    return this.table.size;
  }

  /** Number of entries in the dynamic table. */
  get tableLength(): number {
    return this.table.length;
  }

  /** The dynamic table's maximum size (the last size update, sent or received, or the initial one). */
  get tableMaxSize(): number {
    return this.table.maxSize;
  }

  /** Dynamic table entries, newest first, as [name, value] (for diagnostics and tests). */
  tableEntries(): Array<[string, string]> {
    return this.table.entries();
  }
}
