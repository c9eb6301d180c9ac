import {
  DEFAULT_MAX_FRAME_SIZE,
  DataPiece,
  ErrorCode,
  FRAME_HEADER_LENGTH,
  Flag,
  FrameType,
  MAX_MAX_FRAME_SIZE,
  frameTypeName,
} from './constants.js';
import { H2Error, connectionError } from './errors.js';
import { EMPTY_BYTES, readUint31 } from './bytes.js';
import { checkDataStart, parseFrame } from './parse.js';
import type { DataFrame, Frame } from './types.js';

export interface FrameDecoderOptions {
  /** Our SETTINGS_MAX_FRAME_SIZE as the peer knows it; larger frames are a FRAME_SIZE_ERROR. Default 16384. */
  maxFrameSize?: number;
  /** Allocates the buffer a frame that straddles chunks is gathered into (default `new Uint8Array`, zero-filled;
   *  the Node layer passes `Buffer.allocUnsafe`: every byte is overwritten, and the payload is a Buffer at once). */
  allocate?: (size: number) => Uint8Array;
  /** Return a DATA frame whose payload has not all arrived in pieces, as its bytes come (DataFrame.piece), instead of
   *  waiting for the whole frame and gathering it: nothing is copied, and no pushed chunk is held between pushes for
   *  a DATA payload. Default false. */
  dataPieces?: boolean;
}

function zeroed(size: number): Uint8Array {
  return new Uint8Array(size);
}

const HEADER_SCRATCH = new Uint8Array(FRAME_HEADER_LENGTH);

/**
 * Sans-IO, resumable HTTP/2 frame decoder (RFC 9113 §4). Push bytes as they arrive, then call `next()`
 * until it returns null. It does not consume the client connection preface.
 *
 * Pushed chunks are held by reference, not concatenated. A frame lying wholly inside one chunk is returned
 * as views into that chunk; only a frame that straddles chunks is copied, once, into a buffer of its own
 * size (and only when all its bytes have arrived) — except DATA with `dataPieces`, returned in pieces as its
 * bytes come, each a view (DataFrame.piece). So callers must not overwrite a chunk after pushing it.
 *
 * Errors: `next()` throws H2Error. A connection-scope error leaves the decoder failed (every later `next()`
 * throws the same error); a stream-scope error has consumed its frame, and decoding can go on.
 */
export class FrameDecoder {
  private maxFrameSize: number;
  /** Pushed chunks not yet fully consumed; `chunks[head]` is read from offset `pos`. */
  private chunks: Uint8Array[] = [];
  private head = 0;
  private pos = 0;
  /** Unread octets across `chunks`. */
  private queued = 0;
  /** Whether the header of the frame in progress has been read into the h* fields. */
  private haveHeader = false;
  private hLength = 0;
  private hType = 0;
  private hFlags = 0;
  private hStreamId = 0;
  private failure: H2Error | null = null;
  private readonly allocate: (size: number) => Uint8Array;
  private readonly dataPieces: boolean;
  /** A DATA frame is being returned in pieces: its content and padding octets still to come. */
  private inPieces = false;
  private contentLeft = 0;
  private padLeft = 0;

  constructor(options: FrameDecoderOptions = {}) {
    this.maxFrameSize = checkMaxFrameSize(options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE);
    this.allocate = options.allocate ?? zeroed;
    this.dataPieces = options.dataPieces === true;
  }

  /** Octets pushed but not yet returned as part of a frame (a frame header already read counts, unless a first
   *  piece of its DATA has been returned). */
  get buffered(): number {
    return this.queued + (this.haveHeader && !this.inPieces ? FRAME_HEADER_LENGTH : 0);
  }

  /** The largest frame payload currently accepted. */
  get maxFrameSizeLimit(): number {
    return this.maxFrameSize;
  }

  /** The connection error that stopped this decoder, if any. */
  get error(): H2Error | null {
    return this.failure;
  }

  /**
   * Raise (or lower) the accepted payload size; the engine calls this once the peer has ACKed our
   * SETTINGS_MAX_FRAME_SIZE (RFC 9113 §6.5.3). Takes effect from the next frame header read.
   */
  setMaxFrameSize(size: number): void {
    this.maxFrameSize = checkMaxFrameSize(size);
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.queued += chunk.length;
  }

  /** The next complete frame, or null when more bytes are needed. */
  next(): Frame | null {
    if (this.failure !== null) throw this.failure;
    if (!this.haveHeader) {
      if (this.queued < FRAME_HEADER_LENGTH) return null;
      const chunk = this.chunks[this.head];
      if (chunk.length - this.pos >= FRAME_HEADER_LENGTH) {
        this.readHeader(chunk, this.pos);
        this.skip(FRAME_HEADER_LENGTH);
      } else {
        // A header split across chunks: gathered in one scratch shared by every decoder (read at once, never kept).
        this.copyOut(HEADER_SCRATCH, FRAME_HEADER_LENGTH);
        this.readHeader(HEADER_SCRATCH, 0);
      }
      if (this.hLength > this.maxFrameSize) {
        // RFC 9113 §4.2. Treated as a connection error whatever the type: the payload is never buffered.
        this.failure = connectionError(
          ErrorCode.FRAME_SIZE_ERROR,
          `${frameTypeName(this.hType)} frame of ${this.hLength} octets on stream ${this.hStreamId} exceeds ` +
            `SETTINGS_MAX_FRAME_SIZE ${this.maxFrameSize} (RFC 9113 §4.2)`,
        );
        throw this.failure;
      }
      this.haveHeader = true;
    }

    const length = this.hLength;
    if (this.queued < length || this.inPieces) {
      if (!this.dataPieces || this.hType !== FrameType.DATA || this.queued === 0) return null;
      return this.nextPiece();
    }
    let buf: Uint8Array;
    let start = 0;
    if (length === 0) {
      buf = EMPTY_BYTES;
    } else {
      const chunk = this.chunks[this.head];
      if (chunk.length - this.pos >= length) {
        buf = chunk;
        start = this.pos;
        this.skip(length);
      } else {
        buf = this.allocate(length);
        this.copyOut(buf, length);
      }
    }
    this.haveHeader = false;

    try {
      return parseFrame(this.hType, this.hFlags, this.hStreamId, buf, start, length);
    } catch (error) {
      if (error instanceof H2Error && error.scope === 'connection') this.failure = error;
      throw error;
    }
  }

  /** The next piece of a DATA frame whose payload is arriving (there are queued octets). RFC 9113 §6.1. */
  private nextPiece(): DataFrame | null {
    let piece: number = DataPiece.MIDDLE;
    let padLength = 0;
    let flowControlledLength = 0;
    if (!this.inPieces) {
      const padded = (this.hFlags & Flag.PADDED) !== 0;
      try {
        padLength = checkDataStart(this.hFlags, this.hStreamId, this.chunks[this.head]!, this.pos, this.hLength);
      } catch (error) {
        this.failure = error as H2Error; // both checks are connection errors
        throw error;
      }
      if (padded) this.skip(1);
      this.inPieces = true;
      this.contentLeft = this.hLength - (padded ? 1 : 0) - padLength;
      this.padLeft = padLength;
      piece = DataPiece.FIRST;
      flowControlledLength = this.hLength;
    }
    let data = EMPTY_BYTES;
    if (this.contentLeft > 0 && this.queued > 0) {
      // One view per pushed chunk: never a copy.
      const chunk = this.chunks[this.head]!;
      const n = Math.min(this.contentLeft, chunk.length - this.pos);
      data = chunk.subarray(this.pos, this.pos + n);
      this.contentLeft -= n;
      this.skip(n);
    }
    if (this.contentLeft === 0) {
      while (this.padLeft > 0 && this.queued > 0) {
        const n = Math.min(this.padLeft, this.chunks[this.head]!.length - this.pos);
        this.padLeft -= n;
        this.skip(n);
      }
      if (this.padLeft === 0) {
        piece = DataPiece.LAST;
        this.inPieces = false;
        this.haveHeader = false;
      } else if (piece === DataPiece.MIDDLE && data.length === 0) {
        return null; // only padding went by
      }
    }
    return {
      type: FrameType.DATA,
      flags: this.hFlags,
      streamId: this.hStreamId,
      data,
      padLength,
      endStream: piece === DataPiece.LAST && (this.hFlags & Flag.END_STREAM) !== 0,
      flowControlledLength,
      piece,
    };
  }

  private readHeader(b: Uint8Array, o: number): void {
    this.hLength = (b[o] << 16) | (b[o + 1] << 8) | b[o + 2];
    this.hType = b[o + 3];
    this.hFlags = b[o + 4];
    this.hStreamId = readUint31(b, o + 5); // RFC 9113 §4.1: the reserved bit MUST be ignored on receipt
  }

  /** Advance `n` octets within the current chunk (the caller checked they are there). */
  private skip(n: number): void {
    this.queued -= n;
    this.pos += n;
    if (this.pos === this.chunks[this.head].length) this.dropHead();
  }

  /** Copy the next `n` queued octets (the caller checked they are queued) into `out[0..n)`, consuming them. */
  private copyOut(out: Uint8Array, n: number): void {
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[this.head];
      const take = Math.min(n - filled, chunk.length - this.pos);
      out.set(take === chunk.length ? chunk : chunk.subarray(this.pos, this.pos + take), filled);
      filled += take;
      this.pos += take;
      if (this.pos === chunk.length) this.dropHead();
    }
    this.queued -= n;
  }

  private dropHead(): void {
    this.chunks[this.head] = EMPTY_BYTES; // release the chunk without leaving a hole
    this.head++;
    this.pos = 0;
    if (this.head === this.chunks.length) {
      this.chunks.length = 0;
      this.head = 0;
    } else if (this.head >= 16) {
      // A frame straddles reads almost always under load, so the list is rarely empty: move the few unread chunks
      // down rather than let the array grow (a long-lived, ever-reallocated array is GC work for nothing).
      const chunks = this.chunks;
      const unread = chunks.length - this.head;
      for (let i = 0; i < unread; i++) chunks[i] = chunks[this.head + i]!;
      chunks.length = unread;
      this.head = 0;
    }
  }
}

function checkMaxFrameSize(size: number): number {
  if (!Number.isInteger(size) || size < DEFAULT_MAX_FRAME_SIZE || size > MAX_MAX_FRAME_SIZE) {
    throw new RangeError(`max frame size ${size} is outside [16384, 16777215] (RFC 9113 §6.5.2)`);
  }
  return size;
}
