// Random bytes at the two decoders that face the network. Only their documented errors may escape:
//  - FrameDecoder.next() throws H2Error alone; after a connection-scope error every later call throws that same error;
//    a stream-scope error consumed its frame and decoding goes on; once next() returns null, less than one frame
//    (header + SETTINGS_MAX_FRAME_SIZE) stays buffered. With dataPieces, the pieces of a DATA frame come in order
//    (FIRST, MIDDLE…, LAST of one frame, nothing in between) and, joined, give the frames the whole-frame decoder
//    returns for the same pushes; it fails where that one fails (or earlier, on a frame that never completed).
//  - hpack Decoder.decode() throws HpackError or HeaderListTooLargeError alone; after an HpackError it refuses every
//    later block (HpackError 'decoder-failed'); a HeaderListTooLargeError leaves it usable. A decoder sharing indexed
//    fields (shareIndexedFields) decodes the same, and what it handed out never changes afterwards.
import { isDeepStrictEqual } from 'node:util';
import { DataPiece, FrameDecoder, FrameType, H2Error, concatBytes, type DataFrame, type Frame } from '@strand/frame';
import { Decoder, HeaderListTooLargeError, HpackError } from '@strand/hpack';
import { Violation } from './engine-driver.js';

/** Pushes `bytes` cut at `cuts` (offsets, any order) and drains next() after each push; with `pieces`, on a decoder
 *  that returns DATA in pieces, checked against one that does not. */
export function playFrameDecoder(bytes: Uint8Array, cuts: number[], maxFrameSize: number, pieces = false): void {
  if (!pieces) {
    decodeChecked(bytes, cuts, maxFrameSize, false);
    return;
  }
  const whole = decodeChecked(bytes, cuts, maxFrameSize, false);
  const joined = decodeChecked(bytes, cuts, maxFrameSize, true);
  if (!isDeepStrictEqual(joined.frames, whole.frames)) throw new Violation('joined DATA pieces differ from the frames decoded whole');
  if (whole.failure !== null && joined.failure?.code !== whole.failure.code) {
    throw new Violation(`in pieces: ${joined.failure?.message ?? 'no error'}; whole: ${whole.failure.message}`);
  }
  if (joined.failure !== null && whole.failure === null && whole.buffered === 0) throw new Violation(`only in pieces: ${joined.failure.message}`);
}

interface Decoded {
  /** Frames returned (DATA pieces joined into one frame), then the connection error if any, and what stayed buffered. */
  frames: Frame[];
  failure: H2Error | null;
  buffered: number;
}

function decodeChecked(bytes: Uint8Array, cuts: number[], maxFrameSize: number, dataPieces: boolean): Decoded {
  const decoder = new FrameDecoder({ maxFrameSize, dataPieces });
  const frames: Frame[] = [];
  let open: DataFrame | null = null;
  let parts: Uint8Array[] = [];
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
      if (frame.type !== FrameType.DATA || frame.piece === DataPiece.WHOLE) {
        if (open !== null) throw new Violation(`${frame.type} frame between the pieces of a DATA frame`);
        frames.push(frame);
      } else if (frame.piece === DataPiece.FIRST) {
        if (open !== null || frame.endStream) throw new Violation('a FIRST piece inside a frame, or ending the stream');
        open = frame;
        parts = [frame.data];
      } else {
        if (open === null || frame.streamId !== open.streamId || frame.flags !== open.flags || frame.flowControlledLength !== 0) {
          throw new Violation('a later piece that does not follow a FIRST piece of its frame');
        }
        parts.push(frame.data);
        if (frame.piece === DataPiece.LAST) {
          frames.push({ ...open, data: concatBytes(parts), endStream: frame.endStream, piece: DataPiece.WHOLE });
          open = null;
        } else if (frame.endStream) throw new Violation('a MIDDLE piece ending the stream');
      }
    }
  }
  return { frames, failure, buffered: decoder.buffered };
}

/** One decode's outcome, as text: the list, or the error's kind. */
function outcome(decoder: Decoder, block: Uint8Array): { text: string; fields: Array<[string, string]> | null; error: unknown } {
  try {
    const fields = decoder.decode(block);
    return { text: JSON.stringify(fields), fields, error: null };
  } catch (error) {
    const text = error instanceof HpackError ? `HpackError ${error.reason}` : error instanceof HeaderListTooLargeError ? 'HeaderListTooLargeError' : String(error);
    return { text, fields: null, error };
  }
}

/**
 * Decodes each block in turn on one decoder, and on a second that shares indexed fields (shareIndexedFields): both
 * give the same lists and errors, and no list handed out changes as later blocks are decoded (a shared tuple that
 * outlived its table entry would).
 */
export function playHpackDecoder(blocks: Uint8Array[], maxTableSize: number, maxHeaderListSize: number): void {
  const decoder = new Decoder({ maxTableSize, maxHeaderListSize });
  const sharing = new Decoder({ maxTableSize, maxHeaderListSize, shareIndexedFields: true });
  const handedOut: Array<{ fields: Array<[string, string]>; text: string }> = [];
  let failed = false;
  for (const block of blocks) {
    const plain = outcome(decoder, block);
    const shared = outcome(sharing, block);
    if (shared.text !== plain.text) throw new Violation(`shared fields decoded ${shared.text.slice(0, 80)} where a new tuple per field gave ${plain.text.slice(0, 80)}`);
    if (shared.fields !== null) handedOut.push({ fields: shared.fields, text: shared.text });
    const error = plain.error;
    if (error === null) {
      if (failed) throw new Violation('a failed HPACK decoder decoded a block');
      let size = 0;
      for (const [name, value] of plain.fields!) {
        if (typeof name !== 'string' || typeof value !== 'string') throw new Violation('a field that is not two strings');
        size += 32 + name.length + value.length;
      }
      if (size > maxHeaderListSize) throw new Violation(`a list of ${size} bytes over the limit of ${maxHeaderListSize} was returned`);
      continue;
    }
    if (error instanceof HeaderListTooLargeError) continue;
    if (!(error instanceof HpackError)) throw new Violation(`HPACK decoder threw ${String(error)}`);
    if (failed && error.reason !== 'decoder-failed') throw new Violation(`a failed decoder threw ${error.reason}`);
    failed = true;
  }
  for (const { fields, text } of handedOut) {
    if (JSON.stringify(fields) !== text) throw new Violation('a list handed out by a decoder sharing fields changed afterwards');
  }
}
