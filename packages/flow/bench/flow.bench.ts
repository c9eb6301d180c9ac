/**
 * Per-frame cost of the flow-control bookkeeping. Run: `npx tsx packages/flow/bench/flow.bench.ts` (from the repo root).
 * Each loop is what an engine does per 16 KiB DATA frame; the result is nanoseconds per frame.
 */
import { ReceiveWindow, SendWindow, WindowTuner, consumeSent, sendable } from '@strand/flow';

const FRAME = 16_384;
const N = 5_000_000;

function bench(name: string, body: () => void): void {
  for (let round = 0; round < 3; round++) {
    const start = process.hrtime.bigint();
    body();
    const ns = Number(process.hrtime.bigint() - start) / N;
    if (round === 2) console.log(`${name.padEnd(44)} ${ns.toFixed(1)} ns/frame`);
  }
}

bench('receive: conn+stream receive, 2× takeUpdate', () => {
  const conn = new ReceiveWindow(0, 65_535, { target: 1 << 30 });
  const stream = new ReceiveWindow(1, 1 << 20);
  for (let i = 0; i < N; i++) {
    conn.receive(FRAME);
    stream.receive(FRAME);
    conn.takeUpdate();
    stream.takeUpdate();
  }
});

bench('receive with tuner (RTT 20 ms, 0.01 ms/frame)', () => {
  const tuner = new WindowTuner();
  tuner.onRtt(20, 0);
  const conn = new ReceiveWindow(0, 65_535, { tuner });
  const stream = new ReceiveWindow(1, 1 << 20, { tuner });
  let now = 0;
  for (let i = 0; i < N; i++) {
    now += 0.01;
    conn.receive(FRAME, now);
    stream.receive(FRAME, now);
    conn.takeUpdate();
    stream.takeUpdate();
  }
});

bench('send: sendable, consumeSent, update when blocked', () => {
  const conn = new SendWindow(0);
  const stream = new SendWindow(1);
  for (let i = 0; i < N; i++) {
    let n = sendable(stream, conn);
    if (n === 0) {
      conn.update(1 << 20);
      stream.update(1 << 20);
      n = sendable(stream, conn);
    }
    consumeSent(stream, conn, n < FRAME ? n : FRAME);
  }
});
