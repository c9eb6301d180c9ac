import { MAX_WINDOW_SIZE } from '@strand/frame';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ReceiveWindow, SendWindow, WindowTuner, consumeSent, sendable } from '../src/index.js';

const MiB = 1024 * 1024;
const isRange = (e: unknown) => e instanceof RangeError;

test('onRtt smooths samples with gain 1/8 and rejects nonsense', () => {
  const t = new WindowTuner();
  assert.is(t.rttMs, -1);
  t.onRtt(100, 1_000);
  assert.is(t.rttMs, 100);
  t.onRtt(200, 2_000);
  assert.is(t.rttMs, 112.5);
  assert.is(t.lastRttAtMs, 2_000);
  for (const bad of [-1, Number.NaN, Infinity]) assert.throws(() => t.onRtt(bad, 0), isRange);
  assert.throws(() => new WindowTuner({ growThreshold: 0 }), isRange);
  assert.throws(() => new WindowTuner({ growThreshold: 1.5 }), isRange);
  assert.is(new WindowTuner({ maxStreamWindow: 2 ** 40 }).maxStreamWindow, MAX_WINDOW_SIZE);
});

test('a tuner whose bar a window-bound peer might not reach is refused', () => {
  const tuner = new WindowTuner(); // growThreshold 2/3
  assert.throws(() => new ReceiveWindow(1, 65_535, { tuner, updateRatio: 0.5 }), isRange);
  new ReceiveWindow(1, 65_535, { tuner: new WindowTuner({ growThreshold: 0.4 }), updateRatio: 0.5 });
  assert.throws(() => new ReceiveWindow(1, 65_535, { updateRatio: 0 }), isRange);
});

test('no growth before the first RTT sample', () => {
  const tuner = new WindowTuner();
  const w = new ReceiveWindow(1, 65_535, { tuner });
  w.receive(65_535, 10);
  assert.is(w.target, 65_535);
  assert.is(w.takeUpdate(), 65_535);
});

test('a window consumed (≥ 2/3) within one RTT doubles, and the growth goes out with the next update', () => {
  const tuner = new WindowTuner();
  tuner.onRtt(100, 0);
  const w = new ReceiveWindow(1, 65_535, { tuner });
  w.receive(30_000, 1_000);
  w.receive(13_689, 1_050); // 43,689 < 2/3 × 65,535 = 43,690
  assert.is(w.target, 65_535);
  w.receive(1, 1_099);
  assert.is(w.target, 131_070);
  assert.is(w.sample!.bytesPerRtt, 43_690);
  assert.is(w.takeUpdate(), 43_690 + 65_535, 'consumed bytes plus the growth');
  assert.is(w.size, 131_070);
  assert.is(tuner.learnedStreamWindow, 131_070);
});

test('the same bytes spread over more than one RTT do not grow the window', () => {
  const tuner = new WindowTuner();
  tuner.onRtt(100, 0);
  const w = new ReceiveWindow(1, 65_535, { tuner });
  let now = 0;
  for (let i = 0; i < 50; i++) {
    w.receive(30_000, now);
    w.takeUpdate();
    now += 100; // each chunk lands in a fresh RTT interval
  }
  assert.is(w.target, 65_535);
  assert.is(w.sample!.bytesPerRtt, 30_000);
});

test('growth is capped, never passes the cap, never shrinks', () => {
  const tuner = new WindowTuner({ maxStreamWindow: 300_000 });
  tuner.onRtt(10, 0);
  const w = new ReceiveWindow(1, 65_535, { tuner });
  const targets: number[] = [];
  let now = 0;
  for (let i = 0; i < 200; i++) {
    const n = Math.min(w.size, 16_384);
    w.receive(n, now);
    w.takeUpdate();
    if (targets[targets.length - 1] !== w.target) targets.push(w.target);
    now += 0.01; // far faster than the window allows per RTT
  }
  assert.equal(targets, [65_535, 131_070, 262_140, 300_000]);
});

test('the connection window grows toward its own cap', () => {
  const tuner = new WindowTuner({ maxConnectionWindow: 40 * MiB });
  tuner.onRtt(50, 0);
  const conn = new ReceiveWindow(0, 65_535, { tuner });
  conn.takeUpdate();
  conn.receive(11 * MiB, 1);
  assert.is(conn.target, 32 * MiB);
  conn.takeUpdate();
  conn.receive(22 * MiB, 2);
  assert.is(conn.target, 40 * MiB);
  assert.is(tuner.learnedStreamWindow, 0, 'connection growth is not a stream hint');
});

test('manual mode samples on consume(), not on receive()', () => {
  const tuner = new WindowTuner();
  tuner.onRtt(100, 0);
  const w = new ReceiveWindow(1, 65_535, { tuner, manual: true });
  w.receive(65_535, 0);
  assert.is(w.target, 65_535, 'received but unprocessed data says nothing about the app keeping up');
  w.consume(65_535, 500);
  assert.is(w.target, 131_070);
});

test('a window with target 0 is never tuned', () => {
  const tuner = new WindowTuner();
  tuner.onRtt(100, 0);
  const w = new ReceiveWindow(1, 10, { tuner, target: 0 });
  w.receive(10, 1);
  assert.is(w.target, 0);
});

/**
 * Deterministic link simulation: the peer sends as fast as its windows and a bottleneck of `bytesPerMs` allow,
 * each byte takes rtt/2 to arrive, each WINDOW_UPDATE rtt/2 to return. Returns the final targets and the bytes
 * delivered during the last second.
 */
function simulate(rttMs: number, bytesPerMs: number, durationMs: number, tunerOptions = {}) {
  const tuner = new WindowTuner(tunerOptions);
  const conn = new ReceiveWindow(0, 65_535, { tuner });
  const stream = new ReceiveWindow(1, 65_535, { tuner });
  const peerConn = new SendWindow(0);
  const peerStream = new SendWindow(1);
  const half = rttMs / 2;
  const data: number[] = []; // [arrivalMs, bytes] pairs
  const updates: number[] = []; // [arrivalMs, streamId, increment] triples
  let di = 0;
  let ui = 0;
  let lastSecond = 0;
  const sendUpdates = (now: number) => {
    const c = conn.takeUpdate();
    if (c > 0) updates.push(now + half, 0, c);
    const s = stream.takeUpdate();
    if (s > 0) updates.push(now + half, 1, s);
  };
  sendUpdates(0);
  for (let now = 0; now < durationMs; now++) {
    if (now % 1_000 === 0) tuner.onRtt(rttMs, now); // a PING every second
    while (ui < updates.length && updates[ui]! <= now) {
      (updates[ui + 1] === 0 ? peerConn : peerStream).update(updates[ui + 2]!);
      ui += 3;
    }
    const n = Math.min(bytesPerMs, sendable(peerStream, peerConn));
    if (n > 0) {
      consumeSent(peerStream, peerConn, n);
      data.push(now + half, n);
    }
    while (di < data.length && data[di]! <= now) {
      const bytes = data[di + 1]!;
      conn.receive(bytes, now);
      stream.receive(bytes, now);
      if (now >= durationMs - 1_000) lastSecond += bytes;
      di += 2;
    }
    sendUpdates(now);
  }
  return { conn: conn.target, stream: stream.target, lastSecond };
}

test('simulation: a 1 MB/s, 100 ms link (BDP 100 kB) grows the stream window past the BDP, not far beyond', () => {
  const r = simulate(100, 1_000, 10_000);
  assert.is(r.stream, 262_140, 'BDP ≤ window ≤ 3 × BDP');
  assert.is(r.conn, 16 * MiB, 'connection window already above the BDP: untouched');
  assert.ok(r.lastSecond >= 990_000, `link saturated: ${r.lastSecond} B/s`);
});

test('simulation: without tuning the same link is window-bound at 64 KiB per RTT', () => {
  const r = simulate(100, 1_000, 10_000, { maxStreamWindow: 65_535 });
  assert.is(r.stream, 65_535);
  assert.ok(r.lastSecond < 700_000, `window-bound: ${r.lastSecond} B/s`);
});

test('simulation: a 100 MB/s, 100 ms link (BDP 10 MB) takes the stream window to the 16 MiB cap region', () => {
  const r = simulate(100, 100_000, 8_000);
  assert.is(r.stream, 65_535 * 256, 'eight doublings; 2/3 of that exceeds the BDP so growth stops');
  assert.is(r.conn, 16 * MiB);
  assert.ok(r.lastSecond >= 99_000_000, `link saturated: ${r.lastSecond} B/s`);
});

test.run();
