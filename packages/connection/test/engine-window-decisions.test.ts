// When the engine decides on a stream WINDOW_UPDATE (RFC 9113 §6.9): after our SETTINGS_INITIAL_WINDOW_SIZE decrease
// is acknowledged, and not for a DATA frame that ends the stream, even when it arrives in pieces.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { link } from './link.js';
import { GET, pair } from './pair.js';

test('a SETTINGS_INITIAL_WINDOW_SIZE decrease, once acknowledged, gives back the credit it made due (no stall)', () => {
  const p = pair();
  p.client.request(GET, { endStream: true });
  p.client.settings({ initialWindowSize: 1 << 20 });
  p.run();
  p.server.respond(1, [[':status', '200']]);
  p.server.submitData(1, new Uint8Array(16_384));
  p.run();
  // 16 KiB received is below the update threshold of a 1 MiB window: nothing owed is sent yet.
  assert.is(p.server.sendWindow(1), (1 << 20) - 16_384);
  p.client.settings({ initialWindowSize: 1 });
  p.run();
  // The window the server sees moved by −(2^20 − 1) and the 16 KiB owed went out: exactly the new initial window.
  assert.is(p.server.sendWindow(1), 1, 'without the decision at the ACK the server is left at −16,383 for good');
});

test('no stream WINDOW_UPDATE for a DATA frame that ends the stream, when its first piece arrives alone', () => {
  const l = link({ dataPieces: true, settings: { initialWindowSize: 65_535 } });
  l.c.request(GET, { endStream: true });
  l.take();
  l.s.respond(1, [[':status', '200']]);
  // 16,384 octets with END_STREAM, delivered in 4,000-octet cuts: the first piece charges the whole frame to the stream
  // window, which reaches the 16 KiB update threshold of the 65,535 window while the stream has not ended yet.
  l.s.submitData(1, new Uint8Array(16_384), true);
  const frames = l.take(4_000);
  assert.is(l.c.activeStreams, 0, 'the frame arrived, in pieces, and ended the stream');
  assert.equal(frames.filter((f) => f.startsWith('WINDOW_UPDATE 1 ')), [], 'the stream ends with this frame: no room is asked for it');
});

test('minStreamWindowUpdate: a 64 KiB stream window is replenished per 32 KiB consumed instead of per 16 KiB', () => {
  for (const [minUpdate, expected] of [[undefined, [16_384, 16_384, 16_384, 16_384]], [32_768, [32_768, 32_768]]] as const) {
    const p = pair({ manualFlowControl: true, settings: { initialWindowSize: 65_536 }, ...(minUpdate === undefined ? {} : { minStreamWindowUpdate: minUpdate }) });
    p.client.request(GET, { endStream: true });
    p.run();
    p.server.respond(1, [[':status', '200']]);
    const updates: number[] = [];
    let window = p.server.sendWindow(1);
    for (let i = 0; i < 4; i++) {
      p.server.submitData(1, new Uint8Array(16_384));
      p.run();
      p.client.consume(1, 16_384);
      p.run();
      const now = p.server.sendWindow(1);
      if (now > window - 16_384) updates.push(now - (window - 16_384));
      window = now;
    }
    assert.equal(updates, expected, `minStreamWindowUpdate ${minUpdate}`);
  }
});

test('minStreamWindowUpdate must be an integer from 0 to 2^31-1', () => {
  for (const bad of [-1, 1.5, 2 ** 31, Number.NaN]) {
    assert.throws(() => pair({ minStreamWindowUpdate: bad }), (e: unknown) => e instanceof RangeError && /minStreamWindowUpdate/.test(String(e)));
  }
});

test.run();
