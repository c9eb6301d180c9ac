// FrameWriter slab boundaries: a frame header that does not fit the current slab goes into a new one, including
// for referenced payloads (a regression: raw() once wrote the header into the old slab), and release() frees the slab.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameType, FrameWriter, decodeFrames, concatBytes } from '../src/index.js';

test('a referenced raw payload whose header starts a new slab', () => {
  const w = new FrameWriter({ slabSize: 16, copyThreshold: 4 });
  w.settingsAck(); // 9 of 16 octets used: the next 9-octet header needs a new slab
  w.raw(0xfa, 0, 1, new Uint8Array([1, 2, 3, 4, 5]));
  const frames = decodeFrames(concatBytes(w.flush()));
  assert.equal(frames.map((f) => f.type), [FrameType.SETTINGS, -1]);
  const raw = frames[1]!;
  assert.ok(raw.type === -1 && raw.frameType === 0xfa);
  assert.equal(raw.type === -1 ? [...raw.payload] : [], [1, 2, 3, 4, 5]);
});

test('release() drops the slab only when nothing is pending; writing afterwards works', () => {
  let slabs = 0;
  const w = new FrameWriter({ allocate: (n) => (slabs++, new Uint8Array(n)) });
  w.ping(new Uint8Array(8));
  assert.is(w.release(), false);
  const first = w.flush();
  assert.is(w.release(), true);
  assert.is(slabs, 1);
  w.windowUpdate(0, 1000);
  assert.is(slabs, 2, 'the released slab is dropped: the next frame gets a new one');
  const frames = decodeFrames(concatBytes([...first, ...w.flush()]));
  assert.equal(frames.map((f) => f.type), [FrameType.PING, FrameType.WINDOW_UPDATE]);
});

test('allocate: slabs come from the caller and every chunk is a view of one', () => {
  class Marked extends Uint8Array {}
  const sizes: number[] = [];
  const w = new FrameWriter({ slabSize: 32, allocate: (n) => (sizes.push(n), new Marked(n)) });
  w.ping(new Uint8Array(8)); // 17 octets
  w.ping(new Uint8Array(8), true); // 17 more: a second slab
  w.windowUpdate(0, 1);
  const chunks = w.flush();
  assert.equal(sizes, [32, 32]);
  assert.ok(chunks.every((c) => c instanceof Marked), 'every chunk is a view of an allocated slab');
  assert.equal(decodeFrames(concatBytes(chunks)).map((f) => f.type), [FrameType.PING, FrameType.PING, FrameType.WINDOW_UPDATE]);
});

test.run();
