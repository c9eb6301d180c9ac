// Random bytes at the two decoders that face the network. Only their documented errors may escape:
//  - FrameDecoder.next() throws H2Error alone; after a connection-scope error every later call throws that same error;
//    a stream-scope error consumed its frame and decoding goes on; once next() returns null, less than one frame
//    (header + SETTINGS_MAX_FRAME_SIZE) stays buffered.
//  - hpack Decoder.decode() throws HpackError or HeaderListTooLargeError alone; after an HpackError it refuses every
//    later block (HpackError 'decoder-failed'); a HeaderListTooLargeError leaves it usable.
import { FrameDecoder, H2Error } from '@strand/frame';
import { Decoder, HeaderListTooLargeError, HpackError } from '@strand/hpack';
import { Violation } from './engine-driver.js';

/** Pushes `bytes` cut at `cuts` (offsets, any order) and drains next() after each push. */
export function playFrameDecoder(bytes: Uint8Array, cuts: number[], maxFrameSize: number): void {
  const decoder = new FrameDecoder({ maxFrameSize });
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  points.push(bytes.length);
  let from = 0;
  let failure: H2Error | null = null;
  for (const to of points) {
    decoder.push(bytes.subarray(from, to));
    from = to;
    for (let guard = 0; guard < 100_000; guard++) {
      let frame;
      try {
        frame = decoder.next();
      } catch (error) {
        if (!(error instanceof H2Error)) throw new Violation(`FrameDecoder threw ${String(error)}`);
        if (failure !== null && error !== failure) throw new Violation(`a failed FrameDecoder threw a different error: ${error.message}`);
        if (error.scope === 'connection') {
          failure = error;
          break;
        }
        continue;
      }
      if (failure !== null) throw new Violation('a failed FrameDecoder returned a frame');
      if (frame === null) {
        if (decoder.buffered >= 9 + maxFrameSize) throw new Violation(`${decoder.buffered} bytes buffered with no frame to return`);
        break;
      }
      if (frame.streamId < 0 || frame.streamId > 0x7fffffff) throw new Violation(`stream id ${frame.streamId}`);
    }
  }
}

/** Decodes each block in turn on one decoder. */
export function playHpackDecoder(blocks: Uint8Array[], maxTableSize: number, maxHeaderListSize: number): void {
  const decoder = new Decoder({ maxTableSize, maxHeaderListSize });
  let failed = false;
  for (const block of blocks) {
    try {
      const fields = decoder.decode(block);
      if (failed) throw new Violation('a failed HPACK decoder decoded a block');
      let size = 0;
      for (const [name, value] of fields) {
        if (typeof name !== 'string' || typeof value !== 'string') throw new Violation('a field that is not two strings');
        size += 32 + name.length + value.length;
      }
      if (size > maxHeaderListSize) throw new Violation(`a list of ${size} bytes over the limit of ${maxHeaderListSize} was returned`);
    } catch (error) {
      if (error instanceof Violation) throw error;
      if (error instanceof HeaderListTooLargeError) continue;
      if (!(error instanceof HpackError)) throw new Violation(`HPACK decoder threw ${String(error)}`);
      if (failed && error.reason !== 'decoder-failed') throw new Violation(`a failed decoder threw ${error.reason}`);
      failed = true;
    }
  }
}
