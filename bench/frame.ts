// @strand/frame throughput: FrameDecoder on a realistic mixed stream and on large DATA frames, and
// FrameWriter encoding. Run: npx tsx bench/frame.ts   (optional: --seconds=N per measurement, default 0.8)
import { DEFAULT_MAX_FRAME_SIZE, FrameDecoder, FrameWriter, MAX_MAX_FRAME_SIZE, concatBytes } from '@strand/frame';

const secondsArg = process.argv.find((a) => a.startsWith('--seconds='));
const SECONDS = secondsArg ? Number(secondsArg.slice('--seconds='.length)) : 0.8;

/** Runs `pass` repeatedly for about SECONDS (after a warm-up) and returns passes per second. */
function measure(pass: () => number): { passesPerSecond: number; sink: number } {
  let sink = 0;
  const warmEnd = performance.now() + Math.min(300, SECONDS * 400);
  while (performance.now() < warmEnd) sink += pass();
  let passes = 0;
  const start = performance.now();
  let now = start;
  const end = start + SECONDS * 1000;
  while (now < end) {
    sink += pass();
    passes++;
    now = performance.now();
  }
  return { passesPerSecond: (passes * 1000) / (now - start), sink };
}

/** Cuts `bytes` into Buffer chunks of `size`, as a socket would deliver them. */
function chunked(bytes: Uint8Array, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(Buffer.from(bytes.subarray(i, Math.min(bytes.length, i + size))));
  return out;
}

function decodePass(chunks: readonly Uint8Array[], maxFrameSize: number): number {
  const decoder = new FrameDecoder({ maxFrameSize });
  let frames = 0;
  for (const chunk of chunks) {
    decoder.push(chunk);
    while (decoder.next() !== null) frames++;
  }
  return frames;
}

// ---- workloads ----

const block = Uint8Array.from({ length: 200 }, (_, i) => (i * 31) & 0xff);
const body = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 7) & 0xff);

/** HEADERS, DATA of 100 B – 16 KiB, WINDOW_UPDATE and PING, as a busy proxy connection carries them. */
function mixedStream(): Uint8Array {
  const w = new FrameWriter();
  const sizes = [100, 1200, 4096, 16_384, 300, 8000, 16_384, 512];
  for (let i = 0, stream = 1; w.pendingBytes < 8 << 20; i++, stream += 2) {
    w.headers(stream, block.subarray(0, 60 + (i % 5) * 30), { endStream: false });
    for (let j = 0; j < 3; j++) w.data(stream, body.subarray(0, sizes[(i + j) % sizes.length]!), j === 2);
    w.windowUpdate(0, 65_536);
    w.windowUpdate(stream, 32_768);
    if (i % 8 === 0) w.ping(body.subarray(0, 8));
  }
  return concatBytes(w.flush());
}

function dataStream(frameSize: number, total: number): Uint8Array {
  const w = new FrameWriter();
  for (let sent = 0; sent < total; sent += frameSize) w.data(1, body.subarray(0, frameSize));
  return concatBytes(w.flush());
}

interface Row {
  name: string;
  mbPerSecond: number;
  framesPerSecond: number;
}
const rows: Row[] = [];
let sink = 0;

function decodeRow(name: string, bytes: Uint8Array, chunkSize: number, maxFrameSize: number): void {
  const chunks = chunked(bytes, chunkSize);
  const frames = decodePass(chunks, maxFrameSize);
  const r = measure(() => decodePass(chunks, maxFrameSize));
  sink += r.sink;
  rows.push({ name, mbPerSecond: (bytes.length * r.passesPerSecond) / 1e6, framesPerSecond: frames * r.passesPerSecond });
}

decodeRow('decode mixed (HEADERS, DATA 100 B–16 KiB, WINDOW_UPDATE, PING), 16 KiB chunks', mixedStream(), 16_384, DEFAULT_MAX_FRAME_SIZE);
decodeRow('decode DATA 16 KiB frames, 64 KiB chunks', dataStream(16_384, 16 << 20), 65_536, DEFAULT_MAX_FRAME_SIZE);
decodeRow('decode DATA 1 MiB frames (max frame size raised), 64 KiB chunks', dataStream(1 << 20, 32 << 20), 65_536, MAX_MAX_FRAME_SIZE);
decodeRow('decode small control frames only (WINDOW_UPDATE, PING), 16 KiB chunks', (() => {
  const w = new FrameWriter();
  while (w.pendingBytes < 4 << 20) {
    w.windowUpdate(3, 1000);
    w.ping(body.subarray(0, 8), true);
  }
  return concatBytes(w.flush());
})(), 16_384, DEFAULT_MAX_FRAME_SIZE);

// ---- encoding ----

/** One response per iteration: HEADERS, four DATA frames (one small, three 16 KiB by reference), WINDOW_UPDATE. */
function encodePass(writer: FrameWriter, responses: number): number {
  let bytes = 0;
  for (let i = 0, stream = 1; i < responses; i++, stream += 2) {
    writer.headers(stream, block.subarray(0, 120), { endStream: false });
    writer.data(stream, body.subarray(0, 600), false);
    writer.data(stream, body.subarray(0, 16_384), false);
    writer.data(stream, body.subarray(16_384, 32_768), false);
    writer.data(stream, body.subarray(32_768, 49_152), true);
    writer.windowUpdate(0, 65_536);
    bytes += writer.pendingBytes;
    writer.flush();
  }
  return bytes;
}
{
  const writer = new FrameWriter();
  const bytesPerPass = encodePass(writer, 100);
  const r = measure(() => encodePass(writer, 100));
  sink += r.sink;
  rows.push({
    name: 'encode responses (HEADERS, DATA 600 B + 3×16 KiB by ref, WINDOW_UPDATE), flush each *',
    mbPerSecond: (bytesPerPass * r.passesPerSecond) / 1e6,
    framesPerSecond: 600 * r.passesPerSecond,
  });
}

function encodeControlPass(writer: FrameWriter): number {
  for (let i = 0; i < 1000; i++) {
    writer.windowUpdate(i * 2 + 1, 1000);
    writer.ping(block.subarray(0, 8), true);
    writer.rstStream(i * 2 + 1, 8);
    writer.data(i * 2 + 1, block.subarray(0, 100), true);
  }
  let bytes = 0;
  for (const c of writer.flush()) bytes += c.length;
  return bytes;
}
{
  const writer = new FrameWriter();
  const bytesPerPass = encodeControlPass(writer);
  const r = measure(() => encodeControlPass(writer));
  sink += r.sink;
  rows.push({
    name: 'encode small frames (WINDOW_UPDATE, PING, RST_STREAM, DATA 100 B), coalesced',
    mbPerSecond: (bytesPerPass * r.passesPerSecond) / 1e6,
    framesPerSecond: 4000 * r.passesPerSecond,
  });
}

// ---- report ----

const nameWidth = Math.max(...rows.map((r) => r.name.length));
console.log(`Node ${process.version}, ${SECONDS} s per measurement after warm-up\n`);
console.log(`${'workload'.padEnd(nameWidth)}  ${'MB/s'.padStart(9)}  ${'frames/s'.padStart(12)}`);
console.log(`${'-'.repeat(nameWidth)}  ${'-'.repeat(9)}  ${'-'.repeat(12)}`);
for (const r of rows) {
  console.log(
    `${r.name.padEnd(nameWidth)}  ${r.mbPerSecond.toFixed(0).padStart(9)}  ${Math.round(r.framesPerSecond).toLocaleString('en-US').padStart(12)}`,
  );
}
console.log('\n* MB/s counts the 16 KiB payloads, which the writer passes by reference without copying.');
if (sink === -1) console.log(sink); // keep results observable
