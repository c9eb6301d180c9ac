// fast-check properties on the sans-IO engine (conformance/fuzz): random sequences of valid and invalid frames, cut at
// random chunk boundaries, with application calls and clock steps in between, fed to H2Connection in both roles.
// Invariants (conformance/fuzz/engine-driver.ts): nothing thrown by receive/pull/tick, no INTERNAL_ERROR, output always
// well-formed frames, nothing after an error GOAWAY, streams within MAX_CONCURRENT_STREAMS, no output amplification,
// and for DATA (whole or in pieces, dataPieces): nothing after a stream's END_STREAM, reset or close, every byte
// charged by a flowControlledLength at or before it, no more bytes than the peer sent; and the heap does not keep growing over the whole run. Long mode: `pnpm fuzz --minutes N`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { H2Connection } from '@strand/connection';
import { playRun } from '../fuzz/engine-driver.js';
import { PROPERTIES } from '../fuzz/properties.js';

// CI runs a fixed sample so a green build stays green; `pnpm fuzz --minutes N` explores with fresh seeds.
const CI_SEED = Number(process.env.STRAND_FUZZ_SEED ?? 20261122);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function retainedHeap(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

for (const p of PROPERTIES.filter((p) => p.name.startsWith('engine'))) {
  test(`${p.name} (${p.ciRuns} runs)`, () => {
    const before = retainedHeap();
    fc.assert(p.property, { numRuns: p.ciRuns, seed: CI_SEED });
    const grown = (retainedHeap() - before) / 1048576;
    assert.ok(grown < 16, `the heap kept ${grown.toFixed(1)} MiB after ${p.ciRuns} runs`);
  });
}

// The driver's checks must be able to fail: an engine that writes after its error GOAWAY, or throws, is caught.
test('the driver reports a frame written after an error GOAWAY', () => {
  const pull = H2Connection.prototype.pull;
  H2Connection.prototype.pull = function (this: H2Connection) {
    const out = pull.call(this);
    return this.finished && out.length > 0 ? [...out, new Uint8Array([0, 0, 8, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])] : out;
  };
  try {
    const dataOnStreamZero = { kind: 'frame' as const, type: 0, flags: 0, target: -1, rawId: 0, payload: new Uint8Array(1), fields: null, continuations: 0, deliver: Infinity };
    assert.throws(() => playRun({ role: 'server', prelude: 'preface+settings', options: {}, actions: [dataOnStreamZero] }), /PING on stream 0 after GOAWAY PROTOCOL_ERROR/);
  } finally {
    H2Connection.prototype.pull = pull;
  }
});

test('the driver reports an exception from receive()', () => {
  const receive = H2Connection.prototype.receive;
  H2Connection.prototype.receive = () => {
    throw new TypeError('boom');
  };
  try {
    assert.throws(() => playRun({ role: 'server', prelude: 'preface', options: {}, actions: [] }), /receive\(\) threw TypeError: boom/);
  } finally {
    H2Connection.prototype.receive = receive;
  }
});

test.run();
