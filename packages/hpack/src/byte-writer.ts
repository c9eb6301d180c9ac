/**
 * A growable output buffer. `Encoder.encode(headers, writer)` appends into it, so an engine that
 * builds a whole HEADERS frame can reserve the frame header, let the encoder append the header
 * block behind it, and send `writer.bytes()` without copying the block.
 */
export class ByteWriter {
  /** The backing store; replaced by a larger one when it fills up. Bytes live in `[0, pos)`. */
  buf: Uint8Array;
  /** Where the next byte goes (= number of bytes written). */
  pos = 0;

  constructor(initialCapacity = 1024) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
  }

  /** Makes room for `extra` more bytes after `pos`. */
  ensure(extra: number): void {
    const needed = this.pos + extra;
    if (needed > this.buf.length) this.grow(needed);
  }

  private grow(needed: number): void {
    let capacity = this.buf.length * 2;
    while (capacity < needed) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** Appends raw bytes. */
  write(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** A view of everything written so far (no copy; invalid after the next write that grows the buffer). */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  /** Forgets the content but keeps the memory. */
  reset(): void {
    this.pos = 0;
  }
}
