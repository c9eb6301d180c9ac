// Coalesced flushing: a connection written to from many I/O callbacks in one event-loop turn (responses arriving on
// hundreds of HTTP/1.1 backend sockets, requests from many clients) is flushed once, after the poll phase, in one
// writev — instead of once per callback. Fewer, fuller TCP segments for the peer too.
import type { EnginePump } from '@strand/connection';

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

  run(): void {
    this.pending = false;
    this.pump.flush();
  }
}

function runFlush(f: FlushScheduler): void {
  f.run();
}
