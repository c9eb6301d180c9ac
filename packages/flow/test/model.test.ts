/**
 * Model-based test: random sequences of sends, peer WINDOW_UPDATEs and SETTINGS, received DATA (fitting or
 * overrunning), application consumption, target changes and WINDOW_UPDATE decisions run against the real windows
 * and against a reference model that keeps only running totals (credited/sent, granted/received/consumed) and
 * derives every window from them. Errors must match in code, scope and stream.
 */
import { ErrorCode, MAX_WINDOW_SIZE as MAX } from '@strand/frame';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ReceiveWindow,
  SendWindow,
  applyInitialWindowDelta,
  consumeSent,
  initialWindowDelta,
  sendable,
  type ReceiveWindowOptions,
} from '../src/index.js';
import { throwsH2, type ExpectedError } from './helpers.js';

const { PROTOCOL_ERROR, FLOW_CONTROL_ERROR } = ErrorCode;
const CONN = -1;
const MAX_STREAMS = 6;

// ---- reference model: totals only ----
interface SendModel { credited: number; sent: number }
interface RecvModel { granted: number; received: number; consumed: number; target: number }
interface StreamModel { id: number; live: boolean; send: SendModel; recv: RecvModel }
interface Model {
  dead: boolean;
  manual: boolean;
  minUpdate: number;
  peerInitial: number;
  localInitial: number;
  conn: { send: SendModel; recv: RecvModel };
  streams: StreamModel[];
}
interface Real {
  sendConn: SendWindow;
  recvConn: ReceiveWindow;
  send: SendWindow[];
  recv: ReceiveWindow[];
  options: ReceiveWindowOptions;
}

const sendWindow = (s: SendModel) => s.credited - s.sent;
const recvSize = (r: RecvModel) => r.granted - r.received;
const buffered = (r: RecvModel) => r.received - r.consumed;
const owed = (r: RecvModel) => r.target - recvSize(r) - buffered(r);
const threshold = (m: Model, target: number) => Math.min(target, Math.max(Math.ceil(target * 0.25), m.minUpdate));
function expectedUpdate(m: Model, r: RecvModel): number {
  const o = owed(r);
  return o > 0 && o >= threshold(m, r.target) ? o : 0;
}
const scopeFor = (code: number, id: number): ExpectedError =>
  id === 0 ? { code, scope: 'connection', streamId: 0 } : { code, scope: 'stream', streamId: id };

const liveStream = (m: Readonly<Model>, idx: number) => !m.dead && idx < m.streams.length && m.streams[idx]!.live;
const liveTarget = (m: Readonly<Model>, idx: number) => (idx === CONN ? !m.dead : liveStream(m, idx));

/** Run `fn` expecting `expected` (an error) or success (null). */
function expectOutcome(fn: () => void, expected: ExpectedError | null): void {
  if (expected === null) fn();
  else throwsH2(fn, expected);
}

/** A stream error kills the stream; in manual mode the engine releases its connection-level bytes. */
function killStream(m: Model, r: Real, idx: number, alsoRelease: number): void {
  const s = m.streams[idx]!;
  s.live = false;
  if (!m.manual) return;
  const release = buffered(s.recv) + alsoRelease;
  m.conn.recv.consumed += release;
  r.recvConn.consume(r.recv[idx]!.buffered + alsoRelease);
}

function compareRecv(m: Model, model: RecvModel, real: ReceiveWindow): void {
  assert.is(real.size, recvSize(model), `size of ${real.streamId}`);
  assert.is(real.buffered, buffered(model), `buffered of ${real.streamId}`);
  assert.is(real.target, model.target, `target of ${real.streamId}`);
  assert.is(real.unacked, owed(model), `unacked of ${real.streamId}`);
  assert.is(real.threshold, threshold(m, model.target));
  assert.ok(real.size + real.unacked <= MAX, 'an update could overflow the peer');
  // Liveness: an exhausted window with nothing waiting on the application is always refilled.
  if (real.size <= 0 && real.buffered === 0 && real.target > 0) assert.ok(expectedUpdate(m, model) > 0, 'stall');
}

function compare(m: Model, r: Real): void {
  if (m.dead) return;
  assert.is(r.sendConn.size, sendWindow(m.conn.send), 'connection send window');
  compareRecv(m, m.conn.recv, r.recvConn);
  m.streams.forEach((s, i) => {
    if (!s.live) return;
    assert.is(r.send[i]!.size, sendWindow(s.send), `send window of ${s.id}`);
    assert.is(sendable(r.send[i]!, r.sendConn), Math.max(0, Math.min(sendWindow(s.send), sendWindow(m.conn.send))));
    compareRecv(m, s.recv, r.recv[i]!);
  });
}

// ---- commands ----
type Cmd = fc.Command<Model, Real>;

class OpenStream implements Cmd {
  check = (m: Readonly<Model>) => !m.dead && m.streams.length < MAX_STREAMS;
  run(m: Model, r: Real): void {
    const id = 1 + 2 * m.streams.length;
    m.streams.push({
      id,
      live: true,
      send: { credited: m.peerInitial, sent: 0 },
      recv: { granted: m.localInitial, received: 0, consumed: 0, target: m.localInitial },
    });
    r.send.push(new SendWindow(id, m.peerInitial));
    r.recv.push(new ReceiveWindow(id, m.localInitial, r.options));
    compare(m, r);
  }
  toString = () => 'OpenStream';
}

class SendData implements Cmd {
  constructor(readonly idx: number, readonly perMille: number) {}
  check = (m: Readonly<Model>) => liveStream(m, this.idx);
  run(m: Model, r: Real): void {
    const s = m.streams[this.idx]!;
    const allowed = Math.max(0, Math.min(sendWindow(s.send), sendWindow(m.conn.send)));
    const n = Math.floor((allowed * this.perMille) / 1000);
    consumeSent(r.send[this.idx]!, r.sendConn, n);
    s.send.sent += n;
    m.conn.send.sent += n;
    compare(m, r);
  }
  toString = () => `SendData(${this.idx}, ${this.perMille}‰)`;
}

class PeerWindowUpdate implements Cmd {
  constructor(readonly idx: number, readonly increment: number) {}
  check = (m: Readonly<Model>) => liveTarget(m, this.idx);
  run(m: Model, r: Real): void {
    const isConn = this.idx === CONN;
    const model = isConn ? m.conn.send : m.streams[this.idx]!.send;
    const real = isConn ? r.sendConn : r.send[this.idx]!;
    const id = isConn ? 0 : m.streams[this.idx]!.id;
    const before = sendWindow(model);
    let expected: ExpectedError | null = null;
    if (this.increment === 0) expected = scopeFor(PROTOCOL_ERROR, id);
    else if (before + this.increment > MAX) expected = scopeFor(FLOW_CONTROL_ERROR, id);
    let opened = false;
    expectOutcome(() => {
      opened = real.update(this.increment);
    }, expected);
    if (expected === null) {
      model.credited += this.increment;
      assert.is(opened, before <= 0 && before + this.increment > 0, 'opened');
    } else if (isConn) m.dead = true;
    else killStream(m, r, this.idx, 0);
    compare(m, r);
  }
  toString = () => `PeerWindowUpdate(${this.idx}, ${this.increment})`;
}

class PeerSettings implements Cmd {
  constructor(readonly initial: number) {}
  check = (m: Readonly<Model>) => !m.dead;
  run(m: Model, r: Real): void {
    const live = m.streams.filter((s) => s.live);
    const delta = this.initial - m.peerInitial;
    const overflow = this.initial > MAX || live.some((s) => sendWindow(s.send) + delta > MAX);
    const opened: SendWindow[] = [];
    let count = 0;
    expectOutcome(
      () => {
        const d = initialWindowDelta(m.peerInitial, this.initial);
        count = applyInitialWindowDelta(r.send.filter((_, i) => m.streams[i]!.live), d, opened);
      },
      overflow ? scopeFor(FLOW_CONTROL_ERROR, 0) : null,
    );
    if (overflow) {
      m.dead = true;
      return;
    }
    const expectOpened = live.filter((s) => sendWindow(s.send) <= 0 && sendWindow(s.send) + delta > 0).map((s) => s.id);
    assert.equal(opened.map((w) => w.streamId), expectOpened);
    assert.is(count, expectOpened.length);
    for (const s of live) s.send.credited += delta;
    m.peerInitial = this.initial;
    compare(m, r);
  }
  toString = () => `PeerSettings(${this.initial})`;
}

type DataKind = 'fit' | 'overStream' | 'overConn';
class PeerData implements Cmd {
  constructor(readonly idx: number, readonly kind: DataKind, readonly amount: number) {}
  check = (m: Readonly<Model>) => liveStream(m, this.idx);
  run(m: Model, r: Real): void {
    const s = m.streams[this.idx]!;
    const connSize = recvSize(m.conn.recv);
    const streamSize = recvSize(s.recv);
    const n =
      this.kind === 'fit'
        ? Math.floor((Math.max(0, Math.min(connSize, streamSize)) * this.amount) / 1000)
        : Math.max(0, this.kind === 'overStream' ? streamSize : connSize) + this.amount;
    const connFails = n > connSize;
    expectOutcome(() => r.recvConn.receive(n), connFails ? scopeFor(FLOW_CONTROL_ERROR, 0) : null);
    if (connFails) {
      m.dead = true;
      return;
    }
    m.conn.recv.received += n;
    if (!m.manual) m.conn.recv.consumed += n;
    const streamFails = n > streamSize;
    expectOutcome(() => r.recv[this.idx]!.receive(n), streamFails ? scopeFor(FLOW_CONTROL_ERROR, s.id) : null);
    if (streamFails) {
      killStream(m, r, this.idx, n);
    } else {
      s.recv.received += n;
      if (!m.manual) s.recv.consumed += n;
    }
    compare(m, r);
  }
  toString = () => `PeerData(${this.idx}, ${this.kind}, ${this.amount})`;
}

class AppConsume implements Cmd {
  constructor(readonly idx: number, readonly perMille: number) {}
  check = (m: Readonly<Model>) => m.manual && liveStream(m, this.idx);
  run(m: Model, r: Real): void {
    const s = m.streams[this.idx]!;
    const n = Math.floor((buffered(s.recv) * this.perMille) / 1000);
    r.recv[this.idx]!.consume(n);
    r.recvConn.consume(n);
    s.recv.consumed += n;
    m.conn.recv.consumed += n;
    compare(m, r);
  }
  toString = () => `AppConsume(${this.idx}, ${this.perMille}‰)`;
}

class TakeUpdate implements Cmd {
  constructor(readonly idx: number) {}
  check = (m: Readonly<Model>) => liveTarget(m, this.idx);
  run(m: Model, r: Real): void {
    const model = this.idx === CONN ? m.conn.recv : m.streams[this.idx]!.recv;
    const real = this.idx === CONN ? r.recvConn : r.recv[this.idx]!;
    const expected = expectedUpdate(m, model);
    assert.is(real.takeUpdate(), expected, 'WINDOW_UPDATE increment');
    model.granted += expected;
    compare(m, r);
  }
  toString = () => `TakeUpdate(${this.idx})`;
}

class SetTarget implements Cmd {
  constructor(readonly idx: number, readonly target: number) {}
  check = (m: Readonly<Model>) => liveTarget(m, this.idx);
  run(m: Model, r: Real): void {
    (this.idx === CONN ? r.recvConn : r.recv[this.idx]!).setTarget(this.target);
    (this.idx === CONN ? m.conn.recv : m.streams[this.idx]!.recv).target = this.target;
    compare(m, r);
  }
  toString = () => `SetTarget(${this.idx}, ${this.target})`;
}

/** Our SETTINGS_INITIAL_WINDOW_SIZE change, acknowledged by the peer. */
class LocalSettingsAcked implements Cmd {
  constructor(readonly initial: number) {}
  check = (m: Readonly<Model>) => !m.dead;
  run(m: Model, r: Real): void {
    const delta = this.initial - m.localInitial;
    const live = m.streams.map((s, i) => [s, i] as const).filter(([s]) => s.live);
    const overflow = live.some(([s]) => recvSize(s.recv) + delta > MAX || s.recv.target + delta > MAX);
    expectOutcome(() => {
      for (const [, i] of live) r.recv[i]!.adjustInitial(delta);
    }, overflow ? scopeFor(FLOW_CONTROL_ERROR, 0) : null);
    if (overflow) {
      m.dead = true;
      return;
    }
    for (const [s] of live) {
      s.recv.granted += delta;
      s.recv.target = Math.max(0, s.recv.target + delta);
    }
    m.localInitial = this.initial;
    compare(m, r);
  }
  toString = () => `LocalSettingsAcked(${this.initial})`;
}

// ---- generators ----
const streamIdx = fc.nat({ max: MAX_STREAMS - 1 });
const windowIdx = fc.integer({ min: CONN, max: MAX_STREAMS - 1 });
const perMille = fc.integer({ min: 0, max: 1000 });
const nearMax = fc.integer({ min: MAX - 200_000, max: MAX });
const increment = fc.oneof(
  { arbitrary: fc.constant(0), weight: 1 },
  { arbitrary: fc.integer({ min: 1, max: 100_000 }), weight: 8 },
  { arbitrary: nearMax, weight: 1 },
);
const settingValue = fc.oneof(
  { arbitrary: fc.constant(0), weight: 1 },
  { arbitrary: fc.integer({ min: 1, max: 200_000 }), weight: 8 },
  { arbitrary: nearMax, weight: 1 },
);
const weighted = (arbitrary: fc.Arbitrary<Cmd>, weight: number) => ({ arbitrary, weight });

const dataKind = fc.oneof(
  { arbitrary: fc.constant<DataKind>('fit'), weight: 18 },
  { arbitrary: fc.constant<DataKind>('overStream'), weight: 1 },
  { arbitrary: fc.constant<DataKind>('overConn'), weight: 1 },
);
// fc.commands picks uniformly among its arbitraries; one weighted oneof sets how often each command appears.
const command: fc.Arbitrary<Cmd> = fc.oneof(
  weighted(fc.constant(new OpenStream()), 1),
  weighted(fc.tuple(streamIdx, perMille).map(([i, p]) => new SendData(i, p)), 4),
  weighted(fc.tuple(windowIdx, increment).map(([i, inc]) => new PeerWindowUpdate(i, inc)), 3),
  weighted(
    fc.oneof({ arbitrary: settingValue, weight: 9 }, { arbitrary: fc.constant(MAX + 1), weight: 1 }).map(
      (v) => new PeerSettings(v),
    ),
    1,
  ),
  weighted(
    fc
      .tuple(streamIdx, dataKind, fc.integer({ min: 1, max: 70_000 }))
      .map(([i, kind, a]) => new PeerData(i, kind, kind === 'fit' ? a % 1001 : a)),
    5,
  ),
  weighted(fc.tuple(streamIdx, perMille).map(([i, p]) => new AppConsume(i, p)), 3),
  weighted(windowIdx.map((i) => new TakeUpdate(i)), 5),
  weighted(
    fc
      .tuple(windowIdx, fc.oneof(fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 0, max: 1 << 25 })))
      .map(([i, t]) => new SetTarget(i, t)),
    1,
  ),
  weighted(settingValue.map((v) => new LocalSettingsAcked(v)), 1),
);
const commands = fc.commands([command], { maxCommands: 60, size: 'max' });

const setup = fc.record({
  manual: fc.boolean(),
  minUpdate: fc.constantFrom(1, 1_024, 16_384),
  connTarget: fc.constantFrom(65_535, 1 << 20, 16 << 20),
});

test('flow-control windows match the reference model over random sequences (1000 runs)', () => {
  fc.assert(
    fc.property(setup, commands, ({ manual, minUpdate, connTarget }, cmds) => {
      const options: ReceiveWindowOptions = { manual, minUpdate };
      const model: Model = {
        dead: false,
        manual,
        minUpdate,
        peerInitial: 65_535,
        localInitial: 65_535,
        conn: {
          send: { credited: 65_535, sent: 0 },
          recv: { granted: 65_535, received: 0, consumed: 0, target: connTarget },
        },
        streams: [],
      };
      const real: Real = {
        sendConn: new SendWindow(0),
        recvConn: new ReceiveWindow(0, 65_535, { manual, minUpdate, target: connTarget }),
        send: [],
        recv: [],
        options,
      };
      const open = new OpenStream();
      open.run(model, real);
      open.run(model, real);
      fc.modelRun(() => ({ model, real }), cmds);
    }),
    { numRuns: 1000 },
  );
});

test('the model test can fail: a wrong increment is caught', () => {
  const m: Model = {
    dead: false,
    manual: false,
    minUpdate: 1,
    peerInitial: 65_535,
    localInitial: 65_535,
    conn: { send: { credited: 65_535, sent: 0 }, recv: { granted: 65_535, received: 0, consumed: 0, target: 65_535 } },
    streams: [],
  };
  const r: Real = {
    sendConn: new SendWindow(0),
    recvConn: new ReceiveWindow(0, 65_535, { target: 65_535, minUpdate: 1 }),
    send: [],
    recv: [],
    options: { minUpdate: 1 },
  };
  new OpenStream().run(m, r);
  r.recv[0]!.receive(20_000); // behind the model's back: the real window now owes an update the model does not
  let caught: unknown;
  try {
    new TakeUpdate(0).run(m, r);
  } catch (e) {
    caught = e;
  }
  assert.instance(caught, assert.Assertion);
  assert.match((caught as Error).message, 'WINDOW_UPDATE increment');
});

test.run();
