// ConnectionOptions.streamWindowBudget: the stream receive windows of a connection share a budget (RFC 9113 §6.9).
import { CONNECTION_PREFACE, FrameDecoder, FrameType, FrameWriter, MAX_WINDOW_SIZE, SettingId, frameTypeName } from '@strand/frame';
import { Encoder } from '@strand/hpack';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { H2Connection, type H2Event } from '../src/index.js';
import { link } from './link.js';
import { GET } from './pair.js';
import { REQUEST, RawClient } from './raw-peer.js';

const MiB = 1024 * 1024;
const POST: Array<[string, string]> = [[':method', 'POST'], ...GET.slice(1)];

const budgetClient = { settings: { initialWindowSize: 65_535 }, streamWindowBudget: MiB, manualFlowControl: true };

test('a stream alone gets the whole budget: one WINDOW_UPDATE right after its HEADERS', () => {
  const l = link(budgetClient);
  l.c.request(GET, { endStream: true });
  assert.equal(l.take(), ['WINDOW_UPDATE 0 +16711681', 'HEADERS 1', `WINDOW_UPDATE 1 +${MiB - 65_535}`]);
  assert.is(l.s.sendWindow(1), MiB);
});

test('each new stream gets budget ÷ open streams, when that is worth an update; past 16 the initial window is all', () => {
  const l = link(budgetClient);
  l.c.request(GET, { endStream: true });
  l.take();
  l.c.request(GET, { endStream: true });
  assert.equal(l.take(), ['HEADERS 3', `WINDOW_UPDATE 3 +${MiB / 2 - 65_535}`]);
  for (let k = 3; k <= 16; k++) l.c.request(GET, { endStream: true });
  const updates = l.take().filter((f) => f.startsWith('WINDOW_UPDATE'));
  // The k-th stream is owed ⌊MiB / k⌋ − 65,535, sent once it reaches the update threshold (a quarter of the target,
  // at least 16 KiB): the 12th stream's 21,846 does, the 13th's 15,124 does not.
  assert.is(updates.length, 10);
  assert.is(updates[0], `WINDOW_UPDATE 5 +${Math.floor(MiB / 3) - 65_535}`);
  assert.is(updates.at(-1), 'WINDOW_UPDATE 23 +21846');
  l.c.request(GET, { endStream: true });
  assert.equal(l.take(), ['HEADERS 33'], 'the 17th stream: its share is below the initial window');
});

test('a stream whose share shrank is given no credit until it is under its new share, then exactly up to it', () => {
  const l = link(budgetClient);
  l.c.request(GET, { endStream: true });
  l.take();
  l.s.respond(1, [[':status', '200']]);
  l.s.submitData(1, new Uint8Array(512 * 1024));
  l.run();
  assert.is(l.s.sendWindow(1), 512 * 1024);
  for (let i = 0; i < 3; i++) l.c.request(GET, { endStream: true }); // 4 streams open: a share of 256 KiB
  l.take();
  l.c.consume(1, 512 * 1024);
  assert.equal(l.take(), [], 'consumed 512 KiB, but 512 KiB of window is still out: nothing to give');
  l.s.submitData(1, new Uint8Array(512 * 1024));
  l.run();
  assert.is(l.s.sendWindow(1), 0);
  l.c.consume(1, 256 * 1024);
  assert.equal(l.take(), [], 'window out 256 KiB (the share) once these are consumed: still nothing');
  l.c.consume(1, 256 * 1024);
  assert.equal(l.take(), [`WINDOW_UPDATE 1 +${256 * 1024}`]);
  assert.is(l.s.sendWindow(1), 256 * 1024, 'exactly the share');
});

test('a stream whose share grew (the others finished) gets the difference at its next update', () => {
  const l = link(budgetClient);
  l.c.request(GET, { endStream: true });
  l.c.request(GET, { endStream: true }); // stream 1 got MiB, stream 3 MiB / 2
  l.take();
  l.s.respond(1, [[':status', '200']], true); // stream 1 done: stream 3 is alone
  l.s.respond(3, [[':status', '200']]);
  l.s.submitData(3, new Uint8Array(16_384));
  assert.equal(l.take(), [`WINDOW_UPDATE 3 +${MiB / 2}`], 'decided when its DATA arrived');
  assert.is(l.s.sendWindow(3), MiB - 16_384);
  l.c.consume(3, 16_384);
  assert.equal(l.take(), [], '16 KiB owed is below the threshold of a 1 MiB window');
});

test('automatic flow control shares too: credit follows the share as DATA arrives', () => {
  const l = link({ settings: { initialWindowSize: 65_535 }, streamWindowBudget: 256 * 1024 });
  l.c.request(GET, { endStream: true });
  l.c.request(GET, { endStream: true });
  assert.equal(l.take().filter((f) => f.startsWith('WINDOW_UPDATE 3')), [`WINDOW_UPDATE 3 +${128 * 1024 - 65_535}`]);
  l.s.respond(3, [[':status', '200']]);
  l.s.submitData(3, new Uint8Array(64 * 1024));
  l.run();
  // Four 16 KiB frames, credit returned at each 32 KiB (a quarter of the 128 KiB share).
  assert.equal(l.take(), ['WINDOW_UPDATE 3 +32768', 'WINDOW_UPDATE 3 +32768']);
  assert.is(l.s.sendWindow(3), 128 * 1024);
});

test('server: a request with a body gets its share after its HEADERS; one without a body gets nothing', () => {
  const peer = new RawClient({ settings: { initialWindowSize: 65_535 }, streamWindowBudget: 512 * 1024 });
  peer.frames.length = 0;
  peer.headers(1, REQUEST, true).flush();
  assert.equal(peer.frames.filter((f) => f.type === FrameType.WINDOW_UPDATE), [], 'GET with END_STREAM: no body to make room for');
  peer.headers(3, [[':method', 'POST'], ...REQUEST.slice(1)], false).flush();
  const updates = peer.frames.filter((f) => f.type === FrameType.WINDOW_UPDATE);
  // Stream 1 is still open (not answered), so stream 3 shares with it.
  assert.equal(updates.map((f) => [f.streamId, (f as { increment: number }).increment]), [[3, 256 * 1024 - 65_535]]);
});

test('a pushed stream counts among the open streams from its PUSH_PROMISE, and gets its share at its first DATA', () => {
  const l = link({ ...budgetClient, settings: { initialWindowSize: 65_535, enablePush: true } });
  l.c.request(GET, { endStream: true });
  l.take();
  const pushed = l.s.pushPromise(1, GET);
  l.s.respond(pushed, [[':status', '200']]);
  assert.equal(l.take(), [], 'reserved, then its response HEADERS: no WINDOW_UPDATE yet');
  l.s.submitData(pushed, new Uint8Array(16_384));
  // Two streams live: a share of MiB / 2, less the 16 KiB received and not consumed (manual mode).
  assert.equal(l.take(), [`WINDOW_UPDATE ${pushed} +${MiB / 2 - 65_535}`]);
  assert.is(l.s.sendWindow(pushed), MiB / 2 - 16_384);
});

test('a request queued for a concurrency slot gets its share only after its HEADERS, counted when it opens', () => {
  const l = link(budgetClient, { settings: { maxConcurrentStreams: 1 } });
  l.take();
  l.c.request(GET, { endStream: true });
  const queued = l.c.request(GET, { endStream: true });
  assert.equal(l.take(), ['HEADERS 1', `WINDOW_UPDATE 1 +${MiB - 65_535}`]);
  l.c.consume(queued, 1); // nothing to consume, and the stream is idle: no frame
  assert.equal(l.take(), []);
  l.s.respond(1, [[':status', '200']], true); // stream 1 closes: stream 3 opens, alone
  assert.equal(l.take(), [`HEADERS ${queued}`, `WINDOW_UPDATE ${queued} +${MiB - 65_535}`]);
});

test('off by default: no stream WINDOW_UPDATE at open', () => {
  const l = link({ settings: { initialWindowSize: 65_535 } });
  l.c.request(POST);
  assert.equal(l.take(), ['WINDOW_UPDATE 0 +16711681', 'HEADERS 1']);
});

test('streamWindowBudget must be an integer from 0 to 2^31-1', () => {
  for (const bad of [-1, 1.5, 2 ** 31, Number.NaN]) {
    assert.throws(() => new H2Connection({ role: 'client', streamWindowBudget: bad }), RangeError, String(bad));
  }
  new H2Connection({ role: 'client', streamWindowBudget: 0x7fff_ffff });
});

/**
 * A scripted server that keeps the flow-control books of a conforming peer (RFC 9113 §6.9): it sends DATA only within
 * the windows our client gave it, and checks every WINDOW_UPDATE the client sends against the stream's state.
 */
class BookkeepingServer {
  readonly w = new FrameWriter();
  readonly hpack = new Encoder();
  readonly decoder = new FrameDecoder({ maxFrameSize: 16_777_215 });
  /** Window the client advertises for new streams (its SETTINGS_INITIAL_WINDOW_SIZE, applied when received). */
  initial = 65_535;
  connWindow = 65_535;
  /** Send window per stream whose HEADERS the client sent; deleted once the client reported our END_STREAM. */
  readonly windows = new Map<number, number>();
  readonly responded = new Set<number>();
  readonly violations: string[] = [];
  private skippedPreface = false;

  constructor(readonly client: H2Connection, maxConcurrentStreams: number) {
    this.w.settings([[SettingId.MAX_CONCURRENT_STREAMS, maxConcurrentStreams]]);
    this.send(1);
  }

  /**
   * Writes what was queued to the client in chunks of `chunkSize` bytes, reading the client's answer after each, until
   * neither side has more to say (our SETTINGS ACKs are queued by read() and go out in the next round).
   */
  send(chunkSize = 1 << 20): void {
    this.read();
    for (let chunks = this.w.flush(); chunks.length > 0; chunks = this.w.flush()) {
      for (const chunk of chunks) {
        for (let at = 0; at < chunk.length; at += chunkSize) {
          this.ended(this.client.receive(chunk.subarray(at, Math.min(chunk.length, at + chunkSize))));
          this.ended(this.client.takeEvents());
          this.read();
        }
      }
    }
  }

  /** The client has received END_STREAM on these streams: from now on a WINDOW_UPDATE for them is a violation. */
  private ended(events: H2Event[]): void {
    for (const e of events) if ((e.type === 'data' || e.type === 'headers') && e.endStream) this.windows.delete(e.streamId);
  }

  private read(): void {
    for (const out of this.client.pull()) {
      this.decoder.push(this.skippedPreface ? out : out.subarray(CONNECTION_PREFACE.length));
      this.skippedPreface = true;
    }
    for (let f = this.decoder.next(); f !== null; f = this.decoder.next()) {
      if (f.type === FrameType.HEADERS) this.windows.set(f.streamId, this.initial);
      else if (f.type === FrameType.SETTINGS && !f.ack) {
        for (const [id, value] of f.settings) {
          if (id !== SettingId.INITIAL_WINDOW_SIZE) continue;
          for (const [stream, window] of this.windows) this.windows.set(stream, window + value - this.initial); // §6.9.2
          this.initial = value;
        }
        this.w.settingsAck();
      } else if (f.type === FrameType.WINDOW_UPDATE && f.streamId === 0) {
        this.connWindow += f.increment;
      } else if (f.type === FrameType.WINDOW_UPDATE) {
        const window = this.windows.get(f.streamId);
        if (window === undefined) this.violations.push(`WINDOW_UPDATE on stream ${f.streamId}: idle, or its END_STREAM was received`);
        else if (window + f.increment > MAX_WINDOW_SIZE) this.violations.push(`WINDOW_UPDATE overflows stream ${f.streamId}`);
        else this.windows.set(f.streamId, window + f.increment);
      } else if (f.type === FrameType.RST_STREAM || f.type === FrameType.GOAWAY) {
        this.violations.push(`${frameTypeName(f.type)} ${f.streamId} code ${f.errorCode}`);
      }
    }
  }

  respond(id: number): void {
    this.w.headers(id, this.hpack.encode([[':status', '200']]));
    this.responded.add(id);
    this.send();
  }

  /** As much DATA as the windows allow, times `fraction`, with `pad` bytes of padding when they fit. */
  data(id: number, fraction: number, pad: number, endStream: boolean, chunkSize: number): void {
    const room = Math.min(this.windows.get(id)!, this.connWindow, 16_384);
    const padding = pad > 0 && room > pad ? pad : 0;
    const length = Math.floor((room - (padding > 0 ? padding + 1 : 0)) * fraction);
    if (length < 0 || (length === 0 && padding === 0 && !endStream)) return;
    const charged = length + (padding > 0 ? padding + 1 : 0);
    this.windows.set(id, this.windows.get(id)! - charged);
    this.connWindow -= charged;
    this.w.data(id, new Uint8Array(length), endStream, padding);
    this.send(chunkSize);
  }
}

const shareAction = fc.oneof(
  fc.record({ kind: fc.constant('open' as const), body: fc.boolean() }),
  fc.record({ kind: fc.constant('respond' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('data' as const), pick: fc.nat(), fraction: fc.constantFrom(1, 1, 0.5, 0.1), pad: fc.constantFrom(0, 0, 7, 255), end: fc.boolean(), chunk: fc.constantFrom(1 << 20, 5, 1000) }),
  fc.record({ kind: fc.constant('consume' as const), pick: fc.nat(), n: fc.integer({ min: 1, max: 200_000 }) }),
  fc.record({ kind: fc.constant('settings' as const), initial: fc.constantFrom(0, 1, 16_384, 65_535, 1 << 20) }),
);

test('property: against a peer that keeps to its windows, no WINDOW_UPDATE on an idle or remotely ended stream, no flow-control error, never a stall', () => {
  fc.assert(
    fc.property(
      fc.record({ budget: fc.constantFrom(65_536, 300_000, 1 << 20), manual: fc.boolean(), pieces: fc.boolean(), slots: fc.constantFrom(1, 2, 100) }),
      fc.array(shareAction, { maxLength: 40 }),
      (config, actions) => {
        const client = new H2Connection({
          role: 'client',
          settings: { initialWindowSize: 65_535 },
          streamWindowBudget: config.budget,
          manualFlowControl: config.manual,
          dataPieces: config.pieces,
        });
        const server = new BookkeepingServer(client, config.slots);
        const requested: number[] = [];
        for (const a of actions) {
          if (a.kind === 'open') {
            // A request with a body stays open on our side after the response ended (half-closed (remote)).
            requested.push(a.body ? client.request(POST) : client.request(GET, { endStream: true }));
            server.send();
            continue;
          }
          if (a.kind === 'settings') {
            client.settings({ initialWindowSize: a.initial }); // read by the peer with the next action's frames
            continue;
          }
          if (a.kind === 'consume') {
            // Any stream, also one whose response ended (or not yet opened: queued for a slot).
            if (requested.length > 0) client.consume(requested[a.pick % requested.length]!, a.n);
            server.send();
            continue;
          }
          const open = [...server.windows.keys()];
          if (open.length === 0) continue;
          const id = open[a.pick % open.length]!;
          if (a.kind === 'respond') {
            if (!server.responded.has(id)) server.respond(id);
          } else if (server.responded.has(id)) {
            server.data(id, a.fraction, a.pad, a.end, a.chunk);
          }
        }
        assert.equal(server.violations, []);
        // Liveness: once the application consumed all it received, every stream still open can be sent on — also after
        // we lowered SETTINGS_INITIAL_WINDOW_SIZE (the engine decides on each stream when that is acknowledged).
        for (const id of requested) client.consume(id, Number.MAX_SAFE_INTEGER);
        server.send();
        assert.equal(server.violations, []);
        for (const [id, window] of server.windows) assert.ok(window > 0, `stream ${id} stalled: window ${window}`);
      },
    ),
    { numRuns: 1000 },
  );
});

test.run();
