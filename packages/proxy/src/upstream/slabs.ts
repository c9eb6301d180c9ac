// Read slabs for cleartext upstream connections (HTTP/2 always, HTTP/1.1 while a large body streams: SlabReader in
// upstream/connect.ts), reused instead of allocated per MiB. A fresh 1 MiB slab per MiB downloaded is external memory
// V8 must collect: on Node 20 a scavenge every ~32 MB, on Node 22/24 a mark-compact every ~60 ms, and 1 MiB
// downloads through the proxy ran 7–18 % (Node 20) and 35–37 % (Node 24) slower than with reused slabs
// (docs/benchmarks.md).
//
// A slab's bytes are handed out as views (DATA payloads go to clients without a copy), so a retired slab is reused
// only once everything that may still read it has let go. Whoever keeps a view beyond the read callback registers a
// holder on readSlab(), asked when the slab is a candidate for reuse: a client connection copies what of it is still
// queued (a client served later, or a slow one, must not keep whole slabs) and holds it only while its socket has not
// sent the rest; the reader holds the bytes its engine has not parsed yet. A holder that never lets go only keeps
// its slab out of reuse; the slab is then dropped to the GC.
import type * as net from 'node:net';

/** Something that may still read views of a slab. Asked only when the slab is a candidate for reuse. */
export interface SlabHolder {
  /** Whether it still reads views of `buffer`; it may first copy what it keeps of them, and answer for the rest. */
  holdsSlabBytes(buffer: ArrayBufferLike): boolean;
  /** Whether it will never read or take a view again (its connection closed, its response finished): it is then
   *  dropped even while the slab is still being filled, so a slab does not keep closed connections alive. */
  gone?(): boolean;
}

/** What a holder reads of a client socket to tell whether the writes it was handed have completed. */
export type HolderSocket = Pick<net.Socket, 'destroyed' | 'bytesWritten' | 'writableLength'>;

/**
 * Whether `socket` has not yet completed the writes it had been handed when its bytesWritten was `handed`: Node counts
 * bytes as written once handed to the socket, and writableLength those whose write has not completed.
 */
export function stillWriting(socket: HolderSocket, handed: number): boolean {
  const written = socket.bytesWritten;
  return typeof written !== 'number' || written - socket.writableLength < handed;
}

/** Holders a slab registers before it drops the gone ones (then twice the rest): registration stays O(1). */
const PRUNE_AT = 64;

export class Slab {
  readonly bytes: Buffer;
  /** Holders registered while it was read into. */
  readonly holders: SlabHolder[] = [];
  /** Changes each time the slab is taken for reading (a holder registers once per fill, not per view). */
  fill = 0;
  /** holders.length at which hold() next drops the gone ones. */
  private pruneAt = PRUNE_AT;

  constructor(size: number) {
    this.bytes = Buffer.allocUnsafeSlow(size);
  }

  /**
   * Registers a holder for views of the current fill. A slab fills with the upstream bytes of many short exchanges
   * (1 MiB of small responses is thousands of client connections): those gone are dropped as holders accumulate.
   */
  hold(holder: SlabHolder): void {
    const holders = this.holders;
    holders.push(holder);
    if (holders.length < this.pruneAt) return;
    let kept = 0;
    for (let i = 0; i < holders.length; i++) {
      const h = holders[i]!;
      if (h.gone === undefined || !h.gone()) holders[kept++] = h;
    }
    holders.length = kept;
    this.pruneAt = Math.max(PRUNE_AT, kept * 2);
  }

  /** No holder reads it any more (holders found done are dropped, so each is asked until it lets go, not after). */
  isFree(): boolean {
    const holders = this.holders;
    const buffer = this.bytes.buffer;
    while (holders.length > 0) {
      if (holders[holders.length - 1]!.holdsSlabBytes(buffer)) return false;
      holders.pop();
    }
    this.pruneAt = PRUNE_AT;
    return true;
  }
}

/** Bytes one slab gives to reads before another is taken. */
export const SLAB_BYTES = 1024 * 1024;
/** Retired slabs kept for reuse (beyond this the oldest is left to the GC): 16 MiB per process at most. */
export const MAX_RETIRED_SLABS = 16;

export class SlabPool {
  readonly slabBytes: number;
  readonly maxRetired: number;
  /** The slab a read is being delivered from (set by the reader around its callback), else null. */
  reading: Slab | null = null;
  /** Slabs allocated and slabs reused, for tests and stats. */
  allocated = 0;
  reused = 0;
  private readonly retired: Slab[] = [];
  private fills = 0;

  constructor(slabBytes = SLAB_BYTES, maxRetired = MAX_RETIRED_SLABS) {
    this.slabBytes = slabBytes;
    this.maxRetired = maxRetired;
  }

  get retiredCount(): number {
    return this.retired.length;
  }

  /** A free retired slab (its holders cleared), else a new one. */
  take(): Slab {
    const retired = this.retired;
    // Every retired slab is looked at, oldest first: a few held by clients that stopped reading must not keep the
    // free ones behind them from reuse (a held slab answers at its first holder still holding).
    for (let i = 0; i < retired.length; i++) {
      const slab = retired[i]!;
      if (!slab.isFree()) continue;
      retired.splice(i, 1);
      this.reused++;
      slab.fill = ++this.fills;
      return slab;
    }
    this.allocated++;
    const slab = new Slab(this.slabBytes);
    slab.fill = ++this.fills;
    return slab;
  }

  /** The reader is done filling `slab`; `reader` holds it while its engine may still parse the slab's last bytes. */
  retire(slab: Slab, reader: SlabHolder): void {
    slab.holders.push(reader); // last: asked first (it never goes)
    const retired = this.retired;
    retired.push(slab);
    if (retired.length > this.maxRetired) retired.shift(); // still read by someone: the GC frees it once nobody does
  }
}

/** The pool of every cleartext upstream connection of this process (HTTP/2, and HTTP/1.1 large bodies). */
export const upstreamSlabs = new SlabPool();

/**
 * The slab the current read is delivered from, to register a holder on (`slab.hold`) for views kept beyond
 * the read callback; null outside a slab read (the bytes are then not from a reused slab).
 */
export function readSlab(pool: SlabPool = upstreamSlabs): Slab | null {
  return pool.reading;
}
