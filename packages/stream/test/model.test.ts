// Model-based test: random sequences of opens, half-closes, resets, late frames, pushes and limit changes run
// against StreamStore and against a plain model whose transitions come from ./rfc.ts. After every step the outcome,
// the state of every id in play, the counters and the active counts must agree.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { errorCodeName, Flag, FrameType, H2Error } from '@strand/frame';
import { STATE_NAMES, StreamStore, StreamUsageError, type Role, type StreamCounters } from '../src/index.js';
import { expectReceive, expectSend, type Frame } from './rfc.js';

type Outcome = string; // "ok <state>", "null", "connection <CODE>", "stream <CODE>", "usage"
const ACTIVE = ['open', 'half-closed (local)', 'half-closed (remote)'];
const RESET_SENT = 'closed [reset sent]';

class Model {
  readonly live = new Map<number, { state: string; local: boolean }>();
  readonly counters: StreamCounters = {
    openedLocal: 0,
    openedRemote: 0,
    closedLocal: 0,
    closedRemote: 0,
    resetsSent: 0,
    resetsReceived: 0,
    refused: 0,
  };
  highestLocal = 0;
  highestRemote = 0;
  localMax = Infinity;
  remoteMax = Infinity;
  private readonly ring: number[] = [];
  private readonly remembered = new Map<number, string>();
  private readonly evictedMax = [0, 0];

  constructor(
    readonly role: Role,
    readonly memory: number,
  ) {}

  isLocal(id: number): boolean {
    return (id % 2 === 1) === (this.role === 'client');
  }

  active(local: boolean): number {
    let n = 0;
    for (const s of this.live.values()) if (s.local === local && ACTIVE.includes(s.state)) n++;
    return n;
  }

  stateOf(id: number): string {
    const live = this.live.get(id);
    if (live) return live.state;
    if (id > (this.isLocal(id) ? this.highestLocal : this.highestRemote)) return 'idle';
    return this.remembered.get(id) ?? (id <= this.evictedMax[id % 2]! ? 'closed [forgotten]' : 'closed [unused]');
  }

  remember(id: number, state: string): void {
    if (!this.remembered.has(id)) {
      this.ring.push(id);
      if (this.ring.length > this.memory) {
        const old = this.ring.shift()!;
        this.remembered.delete(old);
        this.evictedMax[old % 2] = Math.max(this.evictedMax[old % 2]!, old);
      }
    }
    if (this.ring.includes(id)) this.remembered.set(id, state);
  }

  create(id: number, local: boolean, state: string): Outcome {
    this.live.set(id, { state, local });
    if (local) this.counters.openedLocal++;
    else this.counters.openedRemote++;
    return `ok ${state}`;
  }

  move(id: number, next: string): void {
    const s = this.live.get(id)!;
    s.state = next;
    if (!next.startsWith('closed')) return;
    this.live.delete(id);
    this.remember(id, next);
    if (s.local) this.counters.closedLocal++;
    else this.counters.closedRemote++;
  }

  /** We answer with RST_STREAM: the stream (live or not) becomes closed [reset sent]. */
  resetByUs(id: number): void {
    this.counters.resetsSent++;
    if (this.live.has(id)) this.move(id, RESET_SENT);
    else this.remember(id, RESET_SENT);
  }

  receive(id: number, frame: Frame, endStream: boolean): Outcome {
    const live = this.live.get(id);
    const state = this.stateOf(id);
    if (!live && state === 'idle' && frame === 'HEADERS') {
      if (this.role === 'client' || this.isLocal(id)) return 'connection PROTOCOL_ERROR';
      this.highestRemote = id;
      if (this.active(false) >= this.localMax) {
        this.counters.openedRemote++;
        this.counters.closedRemote++;
        this.counters.refused++;
        this.resetByUs(id);
        return 'stream REFUSED_STREAM';
      }
      return this.create(id, false, endStream ? 'half-closed (remote)' : 'open');
    }
    const expected = expectReceive(state, frame, endStream);
    if (expected.startsWith('connection')) return expected;
    if (expected.startsWith('stream')) {
      this.resetByUs(id);
      return expected;
    }
    if (!live) {
      if (frame === 'RST_STREAM') this.counters.resetsReceived++;
      return 'null';
    }
    const next = expected.slice(2);
    if (!live.local && ACTIVE.includes(next) && !ACTIVE.includes(state) && this.active(false) >= this.localMax) {
      this.counters.refused++;
      this.resetByUs(id);
      return 'stream REFUSED_STREAM';
    }
    this.move(id, next);
    if (frame === 'RST_STREAM') this.counters.resetsReceived++;
    return `ok ${next}`;
  }

  send(id: number, frame: Frame, endStream: boolean): Outcome {
    const live = this.live.get(id);
    const state = this.stateOf(id);
    if (!live && state === 'idle' && frame === 'HEADERS') {
      if (this.role === 'server' || !this.isLocal(id)) return 'usage';
      this.highestLocal = id;
      return this.create(id, true, endStream ? 'half-closed (local)' : 'open');
    }
    const expected = expectSend(state, frame, endStream);
    if (expected === 'usage') return 'usage';
    const next = expected.slice(2);
    if (frame === 'RST_STREAM') this.counters.resetsSent++;
    if (live) {
      this.move(id, next);
      return `ok ${next}`;
    }
    if (next !== state) this.remember(id, next);
    return 'null';
  }

  receivePushPromise(associated: number, promised: number): Outcome {
    if (this.role === 'server' || !this.isLocal(associated) || this.isLocal(promised)) return 'connection PROTOCOL_ERROR';
    const onAssociated = expectReceive(this.stateOf(associated), 'PUSH_PROMISE', false);
    if (onAssociated.startsWith('connection')) return onAssociated;
    if (expectReceive(this.stateOf(promised), 'PROMISED', false) !== '→ reserved (remote)') return 'connection PROTOCOL_ERROR';
    this.highestRemote = promised;
    return this.create(promised, false, 'reserved (remote)');
  }

  sendPushPromise(associated: number, promised: number): Outcome {
    if (this.role === 'client' || this.isLocal(associated) || !this.isLocal(promised)) return 'usage';
    if (expectSend(this.stateOf(associated), 'PUSH_PROMISE', false) === 'usage') return 'usage';
    if (expectSend(this.stateOf(promised), 'PROMISED', false) === 'usage') return 'usage';
    this.highestLocal = promised;
    return this.create(promised, true, 'reserved (local)');
  }

  abandon(id: number): Outcome {
    if (!this.live.has(id)) return 'null';
    this.move(id, RESET_SENT);
    return `ok ${RESET_SENT}`;
  }
}

interface Real {
  store: StreamStore;
}

function outcomeOf(fn: () => { state: number } | null | undefined): Outcome {
  try {
    const s = fn();
    return s ? `ok ${STATE_NAMES[s.state]}` : 'null';
  } catch (error) {
    if (error instanceof H2Error) return `${error.scope} ${errorCodeName(error.code)}`;
    if (error instanceof StreamUsageError) return 'usage';
    throw error;
  }
}

// ---- Picking ids: mostly a live stream; else an id already used, the next new id of a side, or any small id ----

type Pick = { mode: number; n: number };
const pickArb = fc.record({ mode: fc.integer({ min: 0, max: 5 }), n: fc.nat(1000) });

/** The next id a side would use (sometimes skipping one, which closes it implicitly). */
function nextId(model: Model, local: boolean, skip: boolean): number {
  const highest = local ? model.highestLocal : model.highestRemote;
  const first = (model.role === 'client') === local ? 1 : 2;
  return (highest === 0 ? first : highest + 2) + (skip ? 2 : 0);
}

function resolvePick(model: Model, pick: Pick, local: boolean): number {
  const live = [...model.live.keys()];
  const used = Math.max(model.highestLocal, model.highestRemote);
  if (pick.mode <= 2 && live.length > 0) return live[pick.n % live.length]!;
  if (pick.mode === 3 && used > 0) return 1 + (pick.n % used);
  if (pick.mode === 5) return 1 + (pick.n % 40);
  return nextId(model, local, pick.n % 4 === 0);
}

const frameTypes: Record<Frame, number> = {
  HEADERS: FrameType.HEADERS,
  DATA: FrameType.DATA,
  RST_STREAM: FrameType.RST_STREAM,
  WINDOW_UPDATE: FrameType.WINDOW_UPDATE,
  PRIORITY: FrameType.PRIORITY,
  PUSH_PROMISE: FrameType.PUSH_PROMISE,
  PROMISED: -1,
};

function check(model: Model, real: Real, expected: Outcome, actual: Outcome, what: string): void {
  assert.is(actual, expected, what);
  const { store } = real;
  const top = Math.max(model.highestLocal, model.highestRemote) + 4;
  for (let id = 1; id <= top; id++) assert.is(STATE_NAMES[store.stateOf(id)], model.stateOf(id), `${what}: stateOf(${id})`);
  assert.equal({ ...store.counters }, model.counters, `${what}: counters`);
  assert.is(store.activeLocal, model.active(true), `${what}: activeLocal`);
  assert.is(store.activeRemote, model.active(false), `${what}: activeRemote`);
  assert.is(store.size, model.live.size, `${what}: size`);
  assert.ok(store.closedRemembered <= model.memory);
  assert.is(store.highestLocalId, model.highestLocal);
  assert.is(store.highestRemoteId, model.highestRemote);
}

/** Every command can run in any model state; invalid ones must fail the same way in both. */
abstract class Step implements fc.Command<Model, Real> {
  check(): boolean {
    return true;
  }
  abstract run(model: Model, real: Real): void;
  abstract toString(): string;
}

class FrameCommand extends Step {
  constructor(
    readonly sending: boolean,
    readonly frame: Frame,
    readonly endStream: boolean,
    readonly pick: Pick,
  ) {
    super();
  }
  run(model: Model, real: Real): void {
    const id = resolvePick(model, this.pick, this.sending);
    const flags = Flag.END_HEADERS | (this.endStream ? Flag.END_STREAM : 0);
    const type = frameTypes[this.frame];
    const what = `${this.sending ? 'send' : 'receive'} ${this.frame}${this.endStream ? '+ES' : ''} on ${id}`;
    const actual = outcomeOf(() => (this.sending ? real.store.send(id, type, flags) : real.store.receive(id, type, flags)));
    // END_STREAM only means something on HEADERS and DATA; the store must ignore it elsewhere.
    const endStream = this.endStream && (this.frame === 'HEADERS' || this.frame === 'DATA');
    const expected = this.sending ? model.send(id, this.frame, endStream) : model.receive(id, this.frame, endStream);
    check(model, real, expected, actual, what);
  }
  toString(): string {
    return `${this.sending ? 'send' : 'recv'}(${this.frame}${this.endStream ? '+ES' : ''}, ${JSON.stringify(this.pick)})`;
  }
}

/** A PUSH_PROMISE the way the role sees one (a server sends, a client receives), or now and then the wrong way. */
class PushCommand extends Step {
  sending = false;
  constructor(
    readonly wrongWay: boolean,
    readonly associated: Pick,
    readonly promised: Pick,
  ) {
    super();
  }
  run(model: Model, real: Real): void {
    // The associated stream is one the client opened; the promised one is the server's.
    const clientSide = model.role === 'client';
    this.sending = clientSide === this.wrongWay;
    const associated = resolvePick(model, this.associated, clientSide);
    const promised = resolvePick(model, this.promised, !clientSide);
    const what = `${this.sending ? 'send' : 'receive'} PUSH_PROMISE ${associated} → ${promised}`;
    const actual = outcomeOf(() =>
      this.sending ? real.store.sendPushPromise(associated, promised) : real.store.receivePushPromise(associated, promised),
    );
    const expected = this.sending ? model.sendPushPromise(associated, promised) : model.receivePushPromise(associated, promised);
    check(model, real, expected, actual, what);
  }
  toString(): string {
    return `push(${this.sending ? 'send' : 'recv'}, ${JSON.stringify(this.associated)}, ${JSON.stringify(this.promised)})`;
  }
}

class LimitCommand extends Step {
  constructor(
    readonly ours: boolean,
    readonly limit: number,
  ) {
    super();
  }
  run(model: Model, real: Real): void {
    if (this.ours) {
      model.localMax = this.limit;
      real.store.setLocalMaxConcurrent(this.limit);
    } else {
      model.remoteMax = this.limit;
      real.store.setRemoteMaxConcurrent(this.limit);
    }
    assert.is(real.store.canOpenLocal(), model.active(true) < model.remoteMax);
  }
  toString(): string {
    return `limit(${this.ours ? 'ours' : 'peer'}, ${this.limit})`;
  }
}

/** A new stream the way the role opens one: a server receives HEADERS, a client sends them. */
class OpenCommand extends Step {
  constructor(
    readonly endStream: boolean,
    readonly skip: boolean,
  ) {
    super();
  }
  run(model: Model, real: Real): void {
    const client = model.role === 'client';
    const id = nextId(model, client, this.skip);
    const flags = Flag.END_HEADERS | (this.endStream ? Flag.END_STREAM : 0);
    const actual = outcomeOf(() => (client ? real.store.send(id, FrameType.HEADERS, flags) : real.store.receive(id, FrameType.HEADERS, flags)));
    const expected = client ? model.send(id, 'HEADERS', this.endStream) : model.receive(id, 'HEADERS', this.endStream);
    check(model, real, expected, actual, `open ${id}`);
  }
  toString(): string {
    return `open(${this.endStream ? 'ES' : ''}${this.skip ? ', skip' : ''})`;
  }
}

class AbandonCommand extends Step {
  constructor(readonly pick: Pick) {
    super();
  }
  run(model: Model, real: Real): void {
    const id = resolvePick(model, this.pick, true);
    check(model, real, model.abandon(id), outcomeOf(() => real.store.abandon(id)), `abandon ${id}`);
  }
  toString(): string {
    return `abandon(${JSON.stringify(this.pick)})`;
  }
}

const frameArb = fc.constantFrom<Frame>('HEADERS', 'HEADERS', 'DATA', 'DATA', 'RST_STREAM', 'WINDOW_UPDATE', 'PRIORITY');
const commands = [
  fc.tuple(fc.boolean(), fc.boolean()).map(([es, skip]) => new OpenCommand(es, skip)),
  fc.tuple(frameArb, fc.boolean(), pickArb).map(([f, es, p]) => new FrameCommand(false, f, es, p)),
  fc.tuple(frameArb, fc.boolean(), pickArb).map(([f, es, p]) => new FrameCommand(true, f, es, p)),
  fc.tuple(fc.nat(4), pickArb, pickArb).map(([w, a, p]) => new PushCommand(w === 0, a, p)),
  fc.tuple(fc.boolean(), fc.constantFrom(0, 1, 1, 2, 3, Infinity)).map(([o, n]) => new LimitCommand(o, n)),
  pickArb.map((p) => new AbandonCommand(p)),
];

test('StreamStore agrees with the model over random command sequences (1000 runs, both roles)', () => {
  fc.assert(
    fc.property(
      fc.constantFrom<Role>('client', 'server'),
      fc.integer({ min: 0, max: 6 }),
      fc.commands(commands, { maxCommands: 60, size: 'max' }),
      (role, memory, cmds) => {
        const setup = () => ({ model: new Model(role, memory), real: { store: new StreamStore(role, { closedMemory: memory }) } });
        fc.modelRun(setup, cmds);
      },
    ),
    { numRuns: 1000 },
  );
});

test.run();
