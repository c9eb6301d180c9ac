import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EulerTour, type Token } from '../src/euler-tour.js';

/** Reads the whole sequence back by position. */
function order(tour: EulerTour, tokens: Token[]): Token[] {
  const out = new Array<Token>(tour.length);
  for (const t of tokens) {
    const i = tour.indexOf(t);
    assert.ok(i >= 0 && i < out.length && out[i] === undefined, 'positions are distinct and in range');
    out[i] = t;
  }
  return out;
}

test('cut and insert of runs behave like array splices', () => {
  fc.assert(
    fc.property(
      fc.integer(),
      fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat()), { maxLength: 30 }),
      (seed, moves) => {
        const tour = new EulerTour(seed);
        const model: Token[] = [];
        // Start with 10 pairs inserted at varied places.
        for (let i = 0; i < 10; i++) {
          const a = tour.token();
          const b = tour.token();
          const at = model.length === 0 ? -1 : (i * 7) % model.length;
          tour.insertPairAfter(at, a, b);
          model.splice(at + 1, 0, a, b);
        }
        assert.equal(order(tour, model), model);
        for (const [x, y, z] of moves) {
          const lo = x % model.length;
          const hi = lo + (y % (model.length - lo));
          const run = model.splice(lo, hi - lo + 1);
          const cut = tour.cut(lo, hi);
          assert.is(cut.size, run.length);
          const at = model.length === 0 ? 0 : z % (model.length + 1);
          model.splice(at, 0, ...run);
          tour.insert(at, cut);
          assert.equal(order(tour, model), model);
        }
        const gone = model.splice(3, 1)[0]!;
        tour.remove(gone);
        assert.equal(order(tour, model), model);
      },
    ),
    { numRuns: 1000 },
  );
});

test('the work counter grows with visits, a seed of 0 still works', () => {
  const tour = new EulerTour(0);
  const a = tour.token();
  const b = tour.token();
  assert.is.not(a.rank, b.rank);
  tour.insertPairAfter(-1, a, b);
  const before = tour.work;
  assert.is(tour.indexOf(b), 1);
  assert.ok(tour.work > before);
});

test.run();
