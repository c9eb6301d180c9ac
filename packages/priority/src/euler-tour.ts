/**
 * An Euler-tour sequence of the priority tree kept in an implicit treap (a randomized balanced tree ordered
 * by position). Each tree node owns two tokens, `enter` and `exit`; a node's subtree is exactly the tokens
 * between them. That gives, in O(log n) expected time and without walking the tree:
 *   - "is A an ancestor of D?" (RFC 7540 §5.3.3 needs it on every reprioritization): compare positions;
 *   - moving a whole subtree, or the whole run of a node's children (exclusive insertion, §5.3.3): cut a
 *     contiguous run of tokens and paste it elsewhere.
 * Sibling order in the sequence carries no meaning.
 */
export class Token {
  left: Token | null = null;
  right: Token | null = null;
  up: Token | null = null;
  size = 1;
  readonly rank: number;
  constructor(rank: number) {
    this.rank = rank;
  }
}

function sizeOf(t: Token | null): number {
  return t === null ? 0 : t.size;
}

function resize(t: Token): void {
  t.size = 1 + sizeOf(t.left) + sizeOf(t.right);
}

export class EulerTour {
  private root: Token | null = null;
  private seed: number;
  /** Treap nodes visited so far: the unit of work the flood tests budget. */
  work = 0;
  // Results of split(), kept in fields so splitting allocates nothing.
  private lo: Token | null = null;
  private hi: Token | null = null;

  constructor(seed = 0x9e3779b9) {
    this.seed = seed | 0 || 1;
  }

  /** A fresh token, not yet in the sequence. */
  token(): Token {
    // xorshift32: treap priorities only need to be unpredictable enough to keep the tree balanced.
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x;
    return new Token(x >>> 0);
  }

  get length(): number {
    return sizeOf(this.root);
  }

  /** 0-based position of `t` in the sequence. */
  indexOf(t: Token): number {
    let i = sizeOf(t.left);
    let work = 1;
    for (let up = t.up; up !== null; t = up, up = up.up) {
      if (up.right === t) i += sizeOf(up.left) + 1;
      work++;
    }
    this.work += work;
    return i;
  }

  /** Appends a two-token run `a b` (a new leaf's enter and exit) right after position `at`. */
  insertPairAfter(at: number, a: Token, b: Token): void {
    this.insert(at + 1, this.merge(a, b)!);
  }

  /** Removes the tokens at positions lo..hi (inclusive) and returns them as one run. */
  cut(lo: number, hi: number): Token {
    this.split(this.root, hi + 1);
    const right = this.hi;
    this.split(this.lo, lo);
    const run = this.hi!;
    this.setRoot(this.merge(this.lo, right));
    return run;
  }

  /** Inserts a run (from cut) so that its first token lands at position `at`. */
  insert(at: number, run: Token): void {
    this.split(this.root, at);
    const right = this.hi;
    this.setRoot(this.merge(this.merge(this.lo, run), right));
  }

  /** Removes one token. */
  remove(t: Token): void {
    const i = this.indexOf(t);
    this.cut(i, i);
    t.left = t.right = t.up = null;
    t.size = 1;
  }

  private setRoot(t: Token | null): void {
    if (t !== null) t.up = null;
    this.root = t;
  }

  /** Splits `t` into its first `k` tokens (this.lo) and the rest (this.hi); both roots get up = null. */
  private split(t: Token | null, k: number): void {
    if (t === null) {
      this.lo = this.hi = null;
      return;
    }
    this.work++;
    const leftSize = sizeOf(t.left);
    if (k <= leftSize) {
      this.split(t.left, k);
      t.left = this.hi;
      if (t.left !== null) t.left.up = t;
      resize(t);
      t.up = null;
      this.hi = t;
    } else {
      this.split(t.right, k - leftSize - 1);
      t.right = this.lo;
      if (t.right !== null) t.right.up = t;
      resize(t);
      t.up = null;
      this.lo = t;
    }
  }

  /** Concatenates two runs; the caller fixes `up` of the result. */
  private merge(a: Token | null, b: Token | null): Token | null {
    if (a === null) return b;
    if (b === null) return a;
    this.work++;
    if (a.rank > b.rank) {
      const r = this.merge(a.right, b)!;
      a.right = r;
      r.up = a;
      resize(a);
      return a;
    }
    const l = this.merge(a, b.left)!;
    b.left = l;
    l.up = b;
    resize(b);
    return b;
  }
}
