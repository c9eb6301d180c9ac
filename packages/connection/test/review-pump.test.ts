// Review: EnginePump against a scripted engine and socket — a flush that runs out of rounds goes on from the next
// microtask; a later deadline keeps the armed timer, an earlier one replaces it; the last read is let go of even when
// the engine has no deadline (a quiet connection with a stream open, or no idle timeout); deadlines still fire while
// the socket waits for a drain that may never come.
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EnginePump, H2Connection } from '../src/index.js';

class FakeSocket extends EventEmitter {
  writes = 0;
  writableLength = 0;
  setNoDelay(): this {
    return this;
  }
  write(): boolean {
    this.writes++;
    return true;
  }
  cork(): void {}
  uncork(): void {}
  pause(): this {
    return this;
  }
  resume(): this {
    return this;
  }
  isPaused(): boolean {
    return false;
  }
  end(): this {
    return this;
  }
  destroy(): this {
    return this;
  }
}

/** An engine with `chunksLeft` one-chunk pulls to give and a settable next deadline. */
function fakeEngine(chunksLeft: number) {
  const engine = {
    chunksLeft,
    pulls: 0,
    deadline: Infinity,
    finished: false,
    wantRead: true,
    get wantWrite() {
      return engine.chunksLeft > 0;
    },
    pull(): Uint8Array[] {
      engine.pulls++;
      if (engine.chunksLeft === 0) return [];
      engine.chunksLeft--;
      return [new Uint8Array(1)];
    },
    takeEvents: () => [],
    nextDeadline: () => engine.deadline,
    receive: () => [],
    tick(): void {},
  };
  return engine;
}

test('a flush that runs out of rounds goes on in the next microtask until the engine has nothing', async () => {
  const engine = fakeEngine(150);
  const socket = new FakeSocket();
  const pump = new EnginePump(socket as unknown as Socket, engine as unknown as H2Connection, () => {});
  pump.flush();
  assert.is(socket.writes, 64); // one flush is at most 64 rounds
  for (let i = 0; i < 5; i++) await Promise.resolve();
  assert.is(socket.writes, 150);
  assert.is(engine.chunksLeft, 0);
  pump.stop();
});

test('a later deadline keeps the armed timer, an earlier one replaces it, none clears it', () => {
  const engine = fakeEngine(0);
  const socket = new FakeSocket();
  const pump = new EnginePump(socket as unknown as Socket, engine as unknown as H2Connection, () => {});
  const timerOf = () => (pump as unknown as { timer: NodeJS.Timeout | null }).timer;
  const now = Date.now();
  engine.deadline = now + 60_000;
  pump.flush();
  const first = timerOf();
  assert.ok(first !== null);
  engine.deadline = now + 120_000;
  pump.flush();
  assert.is(timerOf(), first, 'later deadline: the armed timer stays (it fires early and re-arms)');
  engine.deadline = now + 30_000;
  pump.flush();
  const earlier = timerOf();
  assert.ok(earlier !== null && earlier !== first, 'earlier deadline: a new timer');
  pump.stop();
  assert.is(timerOf(), null);
});

test('while the peer reads nothing (waiting for drain) the engine deadlines still fire; a finished engine lingers out', async () => {
  const engine = Object.assign(fakeEngine(1), { ticks: 0 });
  engine.tick = () => {
    engine.ticks++;
    engine.deadline = Infinity;
    engine.finished = true; // e.g. SETTINGS_TIMEOUT: GOAWAY queued, the connection is finished
  };
  const socket = new FakeSocket();
  socket.write = function (this: FakeSocket): boolean {
    this.writes++;
    return false; // the peer never reads: no 'drain' will come
  };
  const pump = new EnginePump(socket as unknown as Socket, engine as unknown as H2Connection, () => {});
  pump.flush();
  assert.is(socket.writes, 1);
  engine.deadline = Date.now() + 20;
  pump.flush(); // waiting for drain: nothing to write, but the deadline is armed
  for (let waited = 0; engine.ticks === 0 && waited < 2000; waited += 20) await new Promise((r) => setTimeout(r, 20));
  assert.is(engine.ticks, 1, "the engine's deadline fired while the socket waited for drain");
  const linger = (pump as unknown as { lingerTimer: NodeJS.Timeout | null }).lingerTimer;
  assert.ok(linger !== null, 'the finished connection is torn down after the linger time, not left waiting for a drain');
  pump.stop();
  clearTimeout(linger!);
});

test('the last read is let go of within a second even when the engine has no deadline', async () => {
  const engine = fakeEngine(0); // deadline Infinity: a stream open (no idle timeout applies), nothing pending
  const socket = new FakeSocket();
  const pump = new EnginePump(socket as unknown as Socket, engine as unknown as H2Connection, () => {});
  const read = new Uint8Array(64 * 1024);
  pump.receive(read);
  assert.is(pump.lastRead, read, 'held until the next read');
  // Poll rather than assert a time: without a hold limit the read stays referenced for as long as the stream is open.
  for (let waited = 0; pump.lastRead !== null && waited < 4000; waited += 100) await new Promise((r) => setTimeout(r, 100));
  assert.is(pump.lastRead, null, 'a quiet connection does not keep its last read');
  pump.receive(read);
  pump.stop();
  assert.is(pump.lastRead, null, 'stop() lets go of it');
});

test('waiting for drain with a deadline already due that cannot act (idle compaction, a PING ACK unwritten): no timer spin', async () => {
  let shift = -2000; // the engine's times are set two seconds back: its idle compaction deadline is past on return
  const clock = () => Date.now() + shift;
  const client = new H2Connection({ role: 'client', clock });
  const server = new H2Connection({ role: 'server', clock, idleTimeout: 60_000 });
  const socket = new FakeSocket();
  let blocked = false;
  const toClient: Uint8Array[] = [];
  socket.write = function (this: FakeSocket, ...args: unknown[]): boolean {
    this.writes++;
    if (!blocked) toClient.push(args[0] as Uint8Array);
    return !blocked;
  };
  const pump = new EnginePump(socket as unknown as Socket, server, () => {});
  const exchange = () => {
    for (const c of client.pull()) pump.receive(c);
    pump.flush();
    for (const c of toClient.splice(0)) client.receive(c);
  };
  exchange();
  exchange();
  exchange();
  let ticks = 0;
  const tick = server.tick;
  server.tick = function (this: H2Connection): number {
    ticks++;
    return tick.call(this);
  };
  blocked = true;
  client.ping();
  exchange(); // the write of the PING ACK is refused: waiting for drain (the socket holds it)
  client.ping();
  exchange(); // the next ACK stays in the engine's writer (nothing is pulled while waiting)
  shift = 0; // past the idle compaction deadline, which cannot act while bytes wait in the writer
  pump.flush();
  await new Promise((r) => setTimeout(r, 100));
  server.tick = tick;
  const armed = (pump as unknown as { timer: NodeJS.Timeout | null }).timer;
  pump.stop();
  assert.ok(armed !== null, 'a timer stays armed (the tick also acts on the idle timeout the due deadline hides)');
  assert.ok(ticks <= 2, `the engine was ticked ${ticks} times in 100 ms by a timer re-armed for a deadline already past`);
});

test.run();
