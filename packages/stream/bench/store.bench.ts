// Rough per-operation cost of the store's hot paths. Run: npx tsx packages/stream/bench/store.bench.ts
import { Flag, FrameType } from '@strand/frame';
import { StreamStore } from '../src/index.js';

const { HEADERS, DATA, WINDOW_UPDATE } = FrameType;
const END_BOTH = Flag.END_HEADERS | Flag.END_STREAM;

function measure(name: string, ops: number, run: () => void): void {
  run(); // warm up
  const start = performance.now();
  run();
  const ns = ((performance.now() - start) * 1e6) / ops;
  console.log(`${name.padEnd(58)} ${ns.toFixed(1).padStart(7)} ns/op`);
}

const N = 2_000_000;

measure('receive DATA on an open stream (100 streams)', N, () => {
  const store = new StreamStore('server');
  for (let id = 1; id < 200; id += 2) store.receive(id, HEADERS, Flag.END_HEADERS);
  for (let i = 0; i < N; i++) store.receive(1 + ((i % 100) << 1), DATA, 0);
});

measure('send DATA + receive WINDOW_UPDATE (100 streams), per frame', N, () => {
  const store = new StreamStore('client');
  for (let id = 1; id < 200; id += 2) store.send(id, HEADERS, Flag.END_HEADERS);
  for (let i = 0; i < N; i += 2) {
    const id = 1 + ((i % 100) << 1);
    store.send(id, DATA, 0);
    store.receive(id, WINDOW_UPDATE, 0);
  }
});

measure('whole request: receive HEADERS+ES, send HEADERS, send DATA+ES', N / 4, () => {
  const store = new StreamStore('server');
  for (let i = 0, id = 1; i < N / 4; i++, id += 2) {
    store.receive(id, HEADERS, END_BOTH);
    store.send(id, HEADERS, Flag.END_HEADERS);
    store.send(id, DATA, Flag.END_STREAM);
  }
});

measure('late DATA on a recently reset stream (ignored)', N, () => {
  const store = new StreamStore('server');
  for (let id = 1; id < 200; id += 2) {
    store.receive(id, HEADERS, Flag.END_HEADERS);
    store.send(id, FrameType.RST_STREAM, 0);
  }
  for (let i = 0; i < N; i++) store.receive(1 + ((i % 100) << 1), DATA, 0);
});
