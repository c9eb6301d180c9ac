// Bodies for the read-slab tests (proxy-slabs, proxy-h1-slabs): a byte pattern in which a misplaced or overwritten run
// shows, GETs that read it back, and the scenario every backend kind must pass while slabs are reused.
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as assert from 'uvu/assert';
import { upstreamSlabs } from '../src/upstream/slabs.js';

/** Byte `i` of body `seed`: changes every byte and every 256, so a misplaced or overwritten run shows. */
export function patternByte(seed: number, i: number): number {
  return (seed * 131 + i * 7 + (i >>> 8)) & 0xff;
}

export function pattern(seed: number, size: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) b[i] = patternByte(seed, i);
  return b;
}

/** The first offset where `body` differs from body `seed` of `size` bytes, or -1. */
export function firstDifference(body: Buffer, seed: number, size: number): number {
  if (body.length !== size) return Math.min(body.length, size);
  for (let i = 0; i < size; i++) if (body[i] !== patternByte(seed, i)) return i;
  return -1;
}

/** A response body (an HTTP/2 stream or node:http response) as the backends of these tests send it. */
interface BodyWriter {
  write(chunk: Uint8Array): boolean;
  once(event: 'drain', listener: () => void): unknown;
  end(): void;
}

/** Writes `body` 64 KiB at a time as `out` takes it, then ends it. */
export function writeInPieces(out: BodyWriter, body: Uint8Array): void {
  let at = 0;
  const more = (): void => {
    while (at < body.length) {
      const piece = body.subarray(at, (at += 65_536));
      if (!out.write(piece)) return void out.once('drain', more);
    }
    out.end();
  };
  more();
}

/** GET `path` on `session`; `slow` stops reading for 300 ms after 300 000 bytes. */
export function getPath(session: http2.ClientHttp2Session, path: string, slow = false): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = session.request({ ':path': path });
    const chunks: Buffer[] = [];
    let got = 0;
    let paused = false;
    req.on('data', (c: Buffer) => {
      chunks.push(c);
      got += c.length;
      if (slow && !paused && got > 300_000) {
        // Stop reading for a while: the proxy's queue for this stream fills and the slabs it came from move on.
        paused = true;
        req.pause();
        setTimeout(() => req.resume(), 300);
      }
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Through the proxy on `port`, bodies of 1.5 MB arrive byte-exact while upstream slabs are reused: six at once on one
 * connection (sent one after another, RFC 9218 non-incremental, so five wait with views of the slabs queued), a slow
 * reader and a stream beside it, a reset, an HTTP/1.1 client, and whole bodies after the reset. `path(seed, size)` is
 * where the backend serves body `seed`.
 */
export async function bodiesStayExact(port: number, path: (seed: number, size: number) => string): Promise<void> {
  const reusedBefore = upstreamSlabs.reused;
  const SIZE = 1_500_000;
  const a = http2.connect(`http://127.0.0.1:${port}`);
  const b = http2.connect(`http://127.0.0.1:${port}`);
  try {
    const reset = new Promise<number>((resolve) => {
      const req = b.request({ ':path': path(99, SIZE) });
      let got = 0;
      req.on('data', (c: Buffer) => {
        got += c.length;
        if (got > 200_000) req.close(http2.constants.NGHTTP2_CANCEL);
      });
      req.on('close', () => resolve(got));
      req.on('error', () => undefined);
    });
    const h1 = new Promise<Buffer>((resolve, reject) => {
      http.get({ port, host: '127.0.0.1', path: path(77, SIZE) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks)));
        res.on('error', reject);
      }).on('error', reject);
    });
    const seeds = [1, 2, 3, 4, 5, 6];
    const bodies = await Promise.all([...seeds.map((s) => getPath(a, path(s, SIZE))), getPath(b, path(50, SIZE), true), getPath(b, path(51, SIZE))]);
    for (let i = 0; i < seeds.length; i++) assert.is(firstDifference(bodies[i]!, seeds[i]!, SIZE), -1, `body ${seeds[i]}`);
    assert.is(firstDifference(bodies[6]!, 50, SIZE), -1, 'the slow reader');
    assert.is(firstDifference(bodies[7]!, 51, SIZE), -1, 'the stream beside the slow reader');
    assert.is(firstDifference(await h1, 77, SIZE), -1, 'HTTP/1.1 client');
    assert.ok((await reset) < SIZE, 'the reset stream stopped early');
    // After the reset, the connection goes on with whole bodies.
    assert.is(firstDifference(await getPath(b, path(52, SIZE)), 52, SIZE), -1, 'after the reset');
    assert.ok(upstreamSlabs.reused - reusedBefore >= 3, `slabs reused: ${upstreamSlabs.reused - reusedBefore}`);
  } finally {
    a.close();
    b.close();
  }
}
