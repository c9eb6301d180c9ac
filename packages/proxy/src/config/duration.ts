// Gateway API Duration (GEP-2257): 1 to 4 groups of <1-5 digits><unit>, unit h, m, s or ms, e.g. "1h", "250ms",
// "1m30s". No fractions, no signs, no spaces; "0s" means zero.

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
const DURATION = /^(?:[0-9]{1,5}(?:h|ms|m|s)){1,4}$/;
const GROUP = /([0-9]{1,5})(h|ms|m|s)/g;

/** Milliseconds, or null when `text` is not a Gateway API duration. */
export function parseDuration(text: string): number | null {
  if (!DURATION.test(text)) return null;
  let ms = 0;
  for (const m of text.matchAll(GROUP)) ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  return ms;
}

/** Shortest Gateway API spelling of `ms` ("1m30s", "250ms", "0s"), for /config and docs. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.round(ms);
  let out = '';
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
