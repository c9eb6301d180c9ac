/**
 * Field values that passed a check, remembered by their position in the last header list that had them. A peer
 * repeats its fields in the same order, and the HPACK decoder hands out a table entry's own string each time, so
 * `===` against the remembered value (a pointer comparison for the same string; equal text passes equally) stands
 * in for a scan of the value. Only values that passed are remembered: a hit is a pass, a miss is checked again.
 */
export class RememberedValues {
  /** By position; null holds the place of a value that did not pass, so the positions after it are remembered too. */
  private readonly values: Array<string | null> = [];

  /** `value` passed the check when it last stood at position `i`. */
  has(i: number, value: string): boolean {
    return i < this.values.length && this.values[i] === value;
  }

  /** `value`, at position `i`, passed the check (the first 32 positions are remembered). */
  add(i: number, value: string): void {
    if (i >= REMEMBERED_POSITIONS) return;
    while (this.values.length < i) this.values.push(null);
    this.values[i] = value;
  }
}

const REMEMBERED_POSITIONS = 32;
