// "Did you mean" hints for unknown field names, enum values and references (cluster and listener names).

/** Edit distance counting an adjacent transposition as one edit (optimal string alignment), capped at limit + 1. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const width = b.length + 1;
  const d = new Array<number>((a.length + 1) * width);
  for (let j = 0; j <= b.length; j++) d[j] = j;
  for (let i = 1; i <= a.length; i++) {
    d[i * width] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(d[(i - 1) * width + j]! + 1, d[i * width + j - 1]! + 1, d[(i - 1) * width + j - 1]! + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        v = Math.min(v, d[(i - 2) * width + j - 2]! + 1);
      }
      d[i * width + j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
  }
  return d[a.length * width + b.length]!;
}

/**
 * The closest candidate within a third of the word's length (at least 1, at most 3 edits; case-insensitive), else
 * the one candidate that contains the word or is contained in it ("Prefix" → "PathPrefix").
 */
export function closest(word: string, candidates: Iterable<string>): string | null {
  const w = word.toLowerCase();
  const list = [...candidates];
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: string | null = null;
  let bestDistance = limit + 1;
  for (const c of list) {
    const d = editDistance(w, c.toLowerCase(), limit);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  if (best !== null || w.length < 3) return best;
  const containing = list.filter((c) => c.toLowerCase().includes(w) || (c.length >= 3 && w.includes(c.toLowerCase())));
  return containing.length === 1 ? containing[0]! : null;
}

/** `' (did you mean "x"?)'` or ''. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const c = closest(word, candidates);
  return c === null ? '' : ` (did you mean ${JSON.stringify(c)}?)`;
}
