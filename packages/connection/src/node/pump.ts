import type { Socket } from 'node:net';
import type { H2Connection } from '../engine/connection.js';
import type { H2Event } from '../engine/events.js';

/** Bytes the socket may hold unwritten before we stop reading from the peer (backpressure, CVE-2019-9517). */
const WRITE_BACKLOG_LIMIT = 1024 * 1024;
/** A finished connection whose peer does not take its last bytes (GOAWAY) is destroyed after this long. */
const LINGER_MS = 5000;
/**
 * After the connection finished, input is read and dropped (so closing does not answer the peer's late bytes with a
 * TCP RST that could destroy our GOAWAY in flight) — but only this much: a flooding peer is then left unread, so it
 * cannot make us allocate read buffers at its own rate until the linger timer fires.
 */
const LINGER_DISCARD_BYTES = 256 * 1024;

/**
 * Moves bytes between one socket and one sans-IO H2Connection: socket data → receive() → events to `onEvents`;
 * pull() → one corked batch of writes. Pauses reading while the socket's write backlog is high, so the engine never
 * buffers without bound. One pump per connection; no per-frame closures.
 */
export class EnginePump {
  readonly socket: Socket;
  readonly conn: H2Connection;
  private readonly onEvents: (events: H2Event[]) => void;
  private flushScheduled = false;
  private waitingDrain = false;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private ended = false;
  private lingerTimer: NodeJS.Timeout | null = null;
  private discarded = 0;
  private readonly flushNow = () => {
    this.flushScheduled = false;
    this.flush();
  };
  private readonly onDrain = () => {
    this.waitingDrain = false;
    if (this.socket.isPaused() && this.conn.wantRead && !this.conn.finished) this.socket.resume();
    this.flush();
  };
  private readonly onTimer = () => {
    this.timer = null;
    this.timerAt = Infinity;
    this.conn.tick();
    this.deliver(this.conn.takeEvents());
    this.flush();
  };

  constructor(socket: Socket, conn: H2Connection, onEvents: (events: H2Event[]) => void, head?: Uint8Array) {
    this.socket = socket;
    this.conn = conn;
    this.onEvents = onEvents;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('drain', this.onDrain);
    socket.on('close', () => {
      this.stop();
      if (this.lingerTimer !== null) clearTimeout(this.lingerTimer);
    });
    if (head !== undefined && head.length > 0) this.receive(head);
    this.schedule();
  }

  /** Feeds bytes to the engine (the pump calls it for socket data; h2c detection hands it the peeked bytes). */
  receive(chunk: Uint8Array): void {
    if (this.ended || this.conn.finished) {
      this.discarded += chunk.length;
      if (this.discarded > LINGER_DISCARD_BYTES) this.socket.pause();
      return;
    }
    const events = this.conn.receive(chunk);
    this.deliver(events);
    this.flush();
  }

  /** Asks for a flush soon (after the application's synchronous calls of this tick). */
  schedule(): void {
    if (this.flushScheduled || this.ended) return;
    this.flushScheduled = true;
    queueMicrotask(this.flushNow);
  }

  /** Writes what the engine has, in one corked batch. */
  flush(): void {
    if (this.ended || this.waitingDrain) return;
    const socket = this.socket;
    for (let round = 0; round < 64; round++) {
      const chunks = this.conn.pull();
      const events = this.conn.takeEvents();
      if (chunks.length > 0) {
        socket.cork();
        let ok = true;
        for (let i = 0; i < chunks.length; i++) ok = socket.write(chunks[i]!);
        socket.uncork();
        if (!ok) {
          this.waitingDrain = true;
          if (socket.writableLength > WRITE_BACKLOG_LIMIT) socket.pause();
        }
      }
      if (events.length > 0) this.deliver(events);
      if (this.waitingDrain || (chunks.length === 0 && events.length === 0)) break;
      if (!this.conn.wantWrite) break;
    }
    if (this.conn.finished) {
      // The engine ignores further input; the GOAWAY goes out, then the socket ends, or dies if the peer never reads it.
      if (!this.waitingDrain) {
        this.stop();
        socket.end();
      }
      this.linger();
      return;
    }
    this.armTimer();
  }

  private deliver(events: H2Event[]): void {
    if (events.length > 0) this.onEvents(events);
  }

  private linger(): void {
    if (this.lingerTimer !== null) return;
    this.lingerTimer = setTimeout(() => this.socket.destroy(), LINGER_MS);
    this.lingerTimer.unref();
  }

  private armTimer(): void {
    // Only onTimer acts on timers; a timer that fires a little early finds nothing due and is simply armed again.
    const deadline = this.conn.nextDeadline();
    if (deadline === this.timerAt) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = deadline;
    if (deadline !== Infinity) {
      this.timer = setTimeout(this.onTimer, Math.max(0, deadline - Date.now()));
      this.timer.unref();
    }
  }

  /** Stops moving bytes (socket closed or connection finished). */
  stop(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
