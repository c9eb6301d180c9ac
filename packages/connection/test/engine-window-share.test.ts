// ConnectionOptions.streamWindowBudget: the stream receive windows of a connection share a budget (RFC 9113 §6.9).
import { FrameDecoder, FrameType, frameTypeName, type Frame } from '@strand/frame';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { H2Connection, type ConnectionOptions } from '../src/index.js';
import { GET } from './pair.js';
import { REQUEST, RawClient } from './raw-peer.js';

const MiB = 1024 * 1024;
const POST: Array<[string, string]> = [[':method', 'POST'], ...GET.slice(1)];

/** A client and a server; every byte between them is also decoded, so tests can assert on the exact frames. */
function link(client: Partial<ConnectionOptions>, server: Partial<ConnectionOptions> = {}) {
  const c = new H2Connection({ role: 'client', ...client });
  const s = new H2Connection({ role: 'server', ...server });
  const decoder = new FrameDecoder({ maxFrameSize: 16_777_215 });
  let skippedPreface = false;
  const sent: Frame[] = [];
  const run = () => {
    for (let round = 0; round < 100; round++) {
      let moved = false;
      for (const chunk of c.pull()) {
        moved = true;
        s.receive(chunk);
        decoder.push(skippedPreface ? chunk : chunk.subarray(24));
        skippedPreface = true;
      }
      for (const chunk of s.pull()) {
        moved = true;
        c.receive(chunk);
      }
      c.takeEvents();
      s.takeEvents();
      if (!moved) break;
    }
    for (let f = decoder.next(); f !== null; f = decoder.next()) sent.push(f);
  };
  /** Frames the client sent since the last call: [type name, stream, increment for WINDOW_UPDATE]. */
  const take = () => {
    run();
    const out = sent.splice(0).map((f) => (f.type === FrameType.WINDOW_UPDATE ? `WINDOW_UPDATE ${f.streamId} +${f.increment}` : `${frameTypeName(f.type)} ${f.streamId}`));
    return out.filter((line) => !line.startsWith('SETTINGS'));
  };
  return { c, s, run, take };
}

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

test.run();
