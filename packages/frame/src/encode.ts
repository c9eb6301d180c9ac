import { FrameDecoder, type FrameDecoderOptions } from './decoder.js';
import { FrameWriter } from './writer.js';
import type { Frame, FrameInit } from './types.js';

/**
 * Serializes one frame exactly as described (no splitting, no protocol checks) into a new buffer. For tests
 * and tools; the hot path uses FrameWriter. See `FrameWriter.write` for how flags are derived.
 */
export function encodeFrame(frame: FrameInit): Uint8Array {
  const writer = new FrameWriter({ slabSize: 0, copyThreshold: Infinity });
  writer.write(frame);
  return concatBytes(writer.flush());
}

/** Decodes a buffer holding whole frames; throws H2Error as FrameDecoder does, or Error if bytes are left over. */
export function decodeFrames(bytes: Uint8Array, options?: FrameDecoderOptions): Frame[] {
  const decoder = new FrameDecoder(options);
  decoder.push(bytes);
  const frames: Frame[] = [];
  for (let frame = decoder.next(); frame !== null; frame = decoder.next()) frames.push(frame);
  if (decoder.buffered !== 0) throw new Error(`${decoder.buffered} octets left after the last whole frame`);
  return frames;
}

/** Joins chunks (e.g. `FrameWriter.flush()` output) into one buffer; returns a single chunk as is. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  let length = 0;
  for (const c of chunks) length += c.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
