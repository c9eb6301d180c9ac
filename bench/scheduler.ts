// Scheduler and priority-tree throughput: `npx tsx bench/scheduler.ts`.
// One push/pop op = pop() + sent(id, 16 KiB, stillReady = false) + push(id): the stream is served one
// frame, runs out of window and gets it back, so every op takes a stream out of the ready set and puts
// it back in. Cost per op must stay flat as streams grow: the last column is ns/op ÷ ns/op at 10 streams.
import { PriorityTree, type StreamScheduler, TreeScheduler, UrgencyScheduler } from '@strand/priority';

const SIZES = [10, 1_000, 10_000];
const OPS = 1_000_000;
const TREE_NODES = 10_000;
const FRAMES = 300_000;

function xorshift(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

/** Best of three timed runs of `ops` push/pop ops, in ns per op. */
function timePushPop(s: StreamScheduler, ops: number): number {
  let best = Infinity;
  for (let round = 0; round < 4; round++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < ops; i++) {
      const id = s.pop();
      s.sent(id, 16_384, false);
      s.push(id);
    }
    const ns = Number(process.hrtime.bigint() - t0) / ops;
    if (round > 0) best = Math.min(best, ns); // round 0 warms up
  }
  return best;
}

interface Case {
  name: string;
  make: (n: number) => StreamScheduler;
}
const random = xorshift(0x5eed);
const cases: Case[] = [
  {
    name: 'rfc9218 non-incremental, one urgency',
    make: (n) => {
      const s = new UrgencyScheduler();
      for (let i = 0; i < n; i++) s.open(2 * i + 1, { urgency: 3, incremental: false });
      return s;
    },
  },
  {
    name: 'rfc9218 incremental, one urgency',
    make: (n) => {
      const s = new UrgencyScheduler();
      for (let i = 0; i < n; i++) s.open(2 * i + 1, { urgency: 3, incremental: true });
      return s;
    },
  },
  {
    name: 'rfc9218 mixed urgencies and kinds',
    make: (n) => {
      const s = new UrgencyScheduler();
      for (let i = 0; i < n; i++) s.open(2 * i + 1, { urgency: i % 8, incremental: i % 2 === 0 });
      return s;
    },
  },
  {
    name: 'rfc7540 flat, weights 1..256',
    make: (n) => {
      const s = new TreeScheduler({ seed: 1 });
      for (let i = 0; i < n; i++) s.open(2 * i + 1, { parent: 0, weight: 1 + Math.floor(random() * 256), exclusive: false });
      return s;
    },
  },
  {
    name: 'rfc7540 random tree, 1/4 ready',
    make: (n) => {
      const s = new TreeScheduler({ seed: 1 });
      for (let i = 0; i < n; i++) {
        const parent = i === 0 || random() < 0.1 ? 0 : 2 * Math.floor(random() * i) + 1;
        s.open(2 * i + 1, { parent, weight: 1 + Math.floor(random() * 256), exclusive: false });
      }
      return s;
    },
  },
];

console.log(`push/pop: ns per op (pop + sent + push), best of 3 × ${OPS.toLocaleString('en')} ops`);
console.log(`${'scheduler'.padEnd(40)}${SIZES.map((n) => `${n} streams`.padStart(16)).join('')}   ratio 10k/10`);
for (const c of cases) {
  const results: number[] = [];
  for (const n of SIZES) {
    const s = c.make(n);
    const quarter = c.name.includes('1/4');
    for (let i = 0; i < n; i++) if (!quarter || i % 4 === 0) s.push(2 * i + 1);
    results.push(timePushPop(s, OPS));
  }
  const cells = results.map((ns) => `${ns.toFixed(0)} ns ${(1e3 / ns).toFixed(1)}M/s`.padStart(16)).join('');
  console.log(`${c.name.padEnd(40)}${cells}   ${(results[2]! / results[0]!).toFixed(2)}`);
}

/** A tree of `nodes` open streams, each depending on a random earlier one (or the root). */
function randomTree(nodes: number): PriorityTree {
  const tree = new PriorityTree({ maxInactive: nodes, seed: 7 });
  for (let i = 0; i < nodes; i++) {
    const parent = i === 0 || random() < 0.05 ? 0 : 2 * Math.floor(random() * i) + 1;
    tree.open(2 * i + 1, { parent, weight: 1 + Math.floor(random() * 256), exclusive: false });
  }
  return tree;
}

/** PRIORITY frames on random streams: random parent and weight, exclusive one time in five. */
function timePriorityFrames(nodes: number): { ns: number; work: number } {
  const tree = randomTree(nodes);
  const ids = new Int32Array(FRAMES);
  const parents = new Int32Array(FRAMES);
  const weights = new Int32Array(FRAMES);
  const exclusive = new Uint8Array(FRAMES);
  for (let i = 0; i < FRAMES; i++) {
    ids[i] = 2 * Math.floor(random() * nodes) + 1;
    parents[i] = random() < 0.05 ? 0 : 2 * Math.floor(random() * nodes) + 1;
    weights[i] = 1 + Math.floor(random() * 256);
    exclusive[i] = random() < 0.2 ? 1 : 0;
  }
  const dep = { parent: 0, weight: 16, exclusive: false };
  let best = Infinity;
  let work = 0;
  for (let round = 0; round < 4; round++) {
    const w0 = tree.workUnits;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < FRAMES; i++) {
      dep.parent = parents[i]!;
      dep.weight = weights[i]!;
      dep.exclusive = exclusive[i] === 1;
      if (dep.parent !== ids[i]) tree.reprioritize(ids[i]!, dep);
    }
    const ns = Number(process.hrtime.bigint() - t0) / FRAMES;
    if (round > 0 && ns < best) {
      best = ns;
      work = (tree.workUnits - w0) / FRAMES;
    }
  }
  return { ns: best, work };
}

console.log(`\nPRIORITY frames applied (random reprioritizations, 20% exclusive), best of 3 × ${FRAMES.toLocaleString('en')}`);
const small = timePriorityFrames(100);
const big = timePriorityFrames(TREE_NODES);
for (const [n, r] of [[100, small], [TREE_NODES, big]] as const) {
  console.log(`${`${n}-node tree`.padEnd(40)}${`${r.ns.toFixed(0)} ns`.padStart(10)}${`${(1e3 / r.ns).toFixed(2)}M frames/s`.padStart(18)}${`${r.work.toFixed(0)} work units/frame`.padStart(24)}`);
}
console.log(`${'ratio 10 000-node / 100-node'.padEnd(40)}${(big.ns / small.ns).toFixed(2).padStart(10)}`);
