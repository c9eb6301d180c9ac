import { DEFAULT_INCREMENTAL, DEFAULT_URGENCY, MAX_URGENCY, MIN_URGENCY } from './constants.js';
import { DictionaryReader, ItemKind } from './structured-field.js';
import type { Priority } from './types.js';

const reader = new DictionaryReader();

/** An RFC 9218 §4.1 urgency: an integer 0..7. */
export function isUrgency(u: number): boolean {
  return Number.isInteger(u) && u >= MIN_URGENCY && u <= MAX_URGENCY;
}

/**
 * Parses a `priority` header field value or a PRIORITY_UPDATE Priority Field Value (RFC 9218 §4, §5,
 * §7): an RFC 8941 dictionary where `u` is an integer 0..7 and `i` a boolean (a bare `i` means true).
 * Missing, out-of-range or wrongly typed values and unknown keys are ignored (the default u=3, i=false
 * stands); a value that is not a valid dictionary is ignored as a whole (RFC 8941 §4.2). For duplicate
 * keys the last one counts. Never throws. Several field lines may be joined with ", " first.
 */
export function parsePriority(value: string): Priority {
  let urgency = DEFAULT_URGENCY;
  let incremental = DEFAULT_INCREMENTAL;
  if (typeof value !== 'string') return { urgency, incremental };
  reader.start(value);
  while (reader.nextMember()) {
    const key = reader.key;
    if (key === 'u') {
      const ok = reader.kind === ItemKind.Integer && isUrgency(reader.number);
      urgency = ok ? reader.number : DEFAULT_URGENCY;
    } else if (key === 'i') {
      incremental = reader.kind === ItemKind.Boolean ? reader.number === 1 : DEFAULT_INCREMENTAL;
    }
  }
  if (reader.failed) return { urgency: DEFAULT_URGENCY, incremental: DEFAULT_INCREMENTAL };
  return { urgency, incremental };
}

/**
 * Serializes a priority as a field value, leaving out members at their defaults (RFC 9218 §4):
 * `{ urgency: 1, incremental: true }` → "u=1, i"; the defaults → "" (send no field, or an empty
 * PRIORITY_UPDATE value). Throws a RangeError for an urgency that is not an integer 0..7.
 */
export function serializePriority(p: Priority): string {
  const u = p.urgency;
  if (!isUrgency(u)) {
    throw new RangeError(`urgency must be an integer in 0..7, got ${u}`);
  }
  if (u === DEFAULT_URGENCY) return p.incremental ? 'i' : '';
  return p.incremental ? `u=${u}, i` : `u=${u}`;
}
