// Coalesced flushing: a connection written to from many I/O callbacks in one event-loop turn (responses arriving on
// hundreds of HTTP/1.1 backend sockets, requests from many clients) is flushed once, after the poll phase, in one
// writev — instead of once per callback. Fewer, fuller TCP segments for the peer too.
import type { EnginePump } from '@strand/connection';
import type { HeaderList } from '../translate/head.js';

/** Writes at least this large are flushed at the end of the current callback rather than coalesced. */
export const BULK_BYTES = 16 * 1024;

export class FlushScheduler {
  private readonly pump: EnginePump;
  private pending = false;

  constructor(pump: EnginePump) {
    this.pump = pump;
  }

  /** Flushes the pump once, after the current I/O callbacks (setImmediate). */
  request(): void {
    if (this.pending) return;
    this.pending = true;
    setImmediate(runFlush, this);
  }

  /**
   * submitData, then a flush: at the end of this callback for bulk data, coalesced for small pieces. False when the
   * stream's queue is over its mark (a 'drain' follows); true when the stream is gone (its reset event follows).
   */
  data(id: number, chunk: Uint8Array): boolean {
    let ok: boolean;
    try {
      ok = this.pump.conn.submitData(id, chunk);
    } catch {
      return true;
    }
    if (chunk.length >= BULK_BYTES) this.pump.schedule();
    else this.request();
    return ok;
  }

  /** Ends a stream, with trailers when given; a no-op when the engine already closed it. */
  end(id: number, trailers: HeaderList | null): void {
    try {
      if (trailers !== null && trailers.length > 0) this.pump.conn.end(id, trailers);
      else this.pump.conn.end(id);
    } catch {
      return;
    }
    this.request();
  }

  run(): void {
    this.pending = false;
    this.pump.flush();
  }
}

function runFlush(f: FlushScheduler): void {
  f.run();
}
