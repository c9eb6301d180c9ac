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
 * Longest the pump keeps a socket read after it arrived (EnginePump.lastRead): a connection gone quiet with a stream
 * open has no engine deadline, and would otherwise keep its last read (up to 64 KiB) for as long as the stream lives.
 */
const READ_HOLD_MS = 1000;
/**
 * While the socket waits for a drain, a deadline still due after the engine's tick is one it cannot act on until bytes
 * move: it is checked again after this long, not at once (a timer firing every millisecond). The engine itself puts
 * off idle compaction that finds bytes in its writer (compactRetryAt); this guards the pump against any other such.
 */
const DRAIN_RECHECK_MS = 1000;

/** The pump of a socket, for the socket listeners below (shared functions: no closures per connection). */
const kPump = Symbol('strand.pump');
/** What the shared listeners and the flush queue call on a pump, whatever its receiver type. */
interface PumpHooks {
  receive(chunk: Uint8Array): void;
  onDrain(): void;
  onClose(): void;
  onTimer(): void;
  dropRead(): void;
  flushScheduledNow(): void;
  reschedule(): void;
}
type PumpedSocket = Socket & { [kPump]: PumpHooks };

/**
 * Pumps that asked for a flush in this tick, flushed together from one microtask: one shared callback instead of a
 * closure per connection, and every connection's writes of a tick leave in the same turn of the loop.
 */
let flushQueue: PumpHooks[] = [];
let flushQueued = false;
/** Pull/deliver rounds in one flush before yielding to the event loop. */
const MAX_FLUSH_ROUNDS = 64;

function flushScheduledPumps(): void {
  // A flush may schedule again (an application call inside an event): those go to a fresh queue and microtask.
  const pumps = flushQueue;
  flushQueue = [];
  flushQueued = false;
  let i = 0;
  try {
    for (; i < pumps.length; i++) pumps[i]!.flushScheduledNow();
  } catch (error) {
    // An application listener threw during one connection's flush: the others must still be flushed (each had its
    // own microtask before), so they go back in the queue before the error propagates.
    for (i++; i < pumps.length; i++) pumps[i]!.reschedule();
    throw error;
  }
}

/**
 * Moves bytes between one socket and one sans-IO H2Connection: socket data → receive() → events to `onEvents`
 * (called with `receiver` as `this` when one is given, so a caller needs no closure either); pull() → one corked
 * batch of writes. Pauses reading while the socket's write backlog is high, so the engine never buffers without
 * bound. One pump per connection; no per-frame or per-connection closures.
 */
export class EnginePump<R = unknown> {
  readonly socket: Socket;
  readonly conn: H2Connection;
  private readonly onEvents: (this: R, events: H2Event[]) => void;
  private readonly receiver: R;
  /** In the global flush queue (one entry per pump at most). */
  private flushScheduled = false;
  /** Something was submitted since the last flush: the queued flush has work (a flush that ran since, e.g. at the
   *  end of a read, clears it, and the queued one is skipped). */
  private flushWanted = false;
  private waitingDrain = false;
  /** Delivering the events of a socket read: its own flush follows, so schedule() needs no microtask meanwhile. */
  private receiving = false;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private ended = false;
  private lingerTimer: NodeJS.Timeout | null = null;
  private discarded = 0;
  /**
   * @internal The last socket read, kept until the next one, READ_HOLD_MS at most, or the end (written, never read:
   * holding it is the point). The engine holds no read once it is parsed (DATA comes in pieces), so without this
   * every read buffer died young and in bulk, and glibc gave the freed heap top back to the kernel only to fault it in
   * again: 34–70 minor faults per MiB uploaded against 2–6 with one read held per connection, and 9 % fewer uploads
   * per second (docs/benchmarks.md).
   */
  lastRead: Uint8Array | null = null;
  /** Lets go of lastRead READ_HOLD_MS after it was armed (by a read while none was armed). */
  private holdTimer: NodeJS.Timeout | null = null;

  constructor(socket: Socket, conn: H2Connection, onEvents: (this: R, events: H2Event[]) => void, head?: Uint8Array, receiver?: R) {
    this.socket = socket;
    this.conn = conn;
    this.onEvents = onEvents;
    this.receiver = receiver as R;
    (socket as PumpedSocket)[kPump] = this;
    socket.setNoDelay(true);
    socket.on('data', onSocketData);
    socket.on('drain', onSocketDrain);
    socket.on('close', onSocketClose);
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
    this.lastRead = chunk;
    if (this.holdTimer === null) {
      this.holdTimer = setTimeout(onPumpHoldTimer, READ_HOLD_MS, this);
      this.holdTimer.unref();
    }
    const events = this.conn.receive(chunk);
    this.receiving = true;
    try {
      this.deliver(events);
    } catch (error) {
      // The application threw: the flush below does not run, so what it asked for, and what the engine answered to
      // this read (a PING or SETTINGS ACK, WINDOW_UPDATE, RST_STREAM), goes out from a microtask.
      this.receiving = false;
      this.schedule();
      throw error;
    }
    this.receiving = false;
    this.flush();
  }

  /** Asks for a flush soon (after the application's synchronous calls of this tick). */
  schedule(): void {
    if (this.ended) return;
    this.flushWanted = true;
    if (this.flushScheduled || this.receiving) return;
    this.flushScheduled = true;
    flushQueue.push(this);
    if (!flushQueued) {
      flushQueued = true;
      queueMicrotask(flushScheduledPumps);
    }
  }

  /** @internal The scheduled flush (flushScheduledPumps). */
  flushScheduledNow(): void {
    this.flushScheduled = false;
    if (this.flushWanted) this.flush();
  }

  /** @internal A scheduled flush that did not run (another pump's flush threw): schedule it again. */
  reschedule(): void {
    this.flushScheduled = false;
    this.schedule();
  }

  /** @internal The socket drained: resume reading if we paused it, write what waited. */
  onDrain(): void {
    this.waitingDrain = false;
    if (this.socket.isPaused() && this.conn.wantRead && !this.conn.finished) this.socket.resume();
    this.flush();
  }

  /** @internal The engine's next deadline came (armTimer). */
  onTimer(): void {
    this.timer = null;
    this.timerAt = Infinity;
    this.conn.tick();
    this.deliver(this.conn.takeEvents());
    this.flush();
  }

  /** @internal READ_HOLD_MS after a read armed it: the read held now (that one or a later one) is let go of. */
  dropRead(): void {
    this.holdTimer = null;
    this.lastRead = null;
  }

  /** @internal The socket closed. */
  onClose(): void {
    this.stop();
    if (this.lingerTimer !== null) clearTimeout(this.lingerTimer);
  }

  /** Writes what the engine has, in one corked batch. */
  flush(): void {
    if (this.ended) return;
    if (this.waitingDrain) {
      // The peer reads nothing for now: nothing can be written, but the engine's deadlines still run (a SETTINGS or
      // idle timeout), and a connection that finished meanwhile lingers out instead of waiting for a drain forever.
      if (this.conn.finished) this.linger();
      else this.armTimer(DRAIN_RECHECK_MS);
      return;
    }
    this.flushWanted = false;
    const socket = this.socket;
    let round = 0;
    for (; round < MAX_FLUSH_ROUNDS; round++) {
      const chunks = this.conn.pull();
      const events = this.conn.takeEvents();
      if (chunks.length > 0) {
        let ok: boolean;
        if (chunks.length === 1) {
          ok = socket.write(chunks[0]!); // one chunk (small exchanges): corking would only add a buffered entry
        } else {
          socket.cork();
          ok = true;
          for (let i = 0; i < chunks.length; i++) ok = socket.write(chunks[i]!);
          socket.uncork();
        }
        if (!ok) {
          this.waitingDrain = true;
          if (socket.writableLength > WRITE_BACKLOG_LIMIT) socket.pause();
        }
      }
      if (events.length > 0) this.deliver(events);
      if (this.waitingDrain || (chunks.length === 0 && events.length === 0)) break;
      if (!this.conn.wantWrite) break;
    }
    // Still busy after the last round (events kept producing output): go on in the next microtask, not never.
    if (round === MAX_FLUSH_ROUNDS) this.schedule();
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
    if (events.length > 0) this.onEvents.call(this.receiver, events);
  }

  private linger(): void {
    if (this.lingerTimer !== null) return;
    this.lingerTimer = setTimeout(destroySocket, LINGER_MS, this.socket);
    this.lingerTimer.unref();
  }

  /** `dueDelay`: a deadline already due is armed this long from now instead (while waiting for a drain). */
  private armTimer(dueDelay = 0): void {
    // Only onTimer acts on timers; a timer that fires early finds nothing due and is simply armed again. So a later
    // deadline leaves the armed timer alone: an idle deadline moves with every request that empties the connection
    // (one request at a time per connection, h2load -m 1), and re-arming it cost a clearTimeout + setTimeout each.
    let deadline = this.conn.nextDeadline();
    if (dueDelay > 0 && deadline <= Date.now()) deadline = Date.now() + dueDelay;
    if (deadline === this.timerAt || (deadline > this.timerAt && this.timer !== null)) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = deadline;
    if (deadline !== Infinity) {
      this.timer = setTimeout(onPumpTimer, Math.max(0, deadline - Date.now()), this);
      this.timer.unref();
    }
  }

  /** Stops moving bytes (socket closed or connection finished). */
  stop(): void {
    if (this.ended) return;
    this.ended = true;
    this.lastRead = null;
    if (this.holdTimer !== null) clearTimeout(this.holdTimer);
    this.holdTimer = null;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}

function onSocketData(this: PumpedSocket, chunk: Buffer): void {
  this[kPump].receive(chunk);
}

function onSocketDrain(this: PumpedSocket): void {
  this[kPump].onDrain();
}

function onSocketClose(this: PumpedSocket): void {
  this[kPump].onClose();
}

function onPumpTimer(pump: PumpHooks): void {
  pump.onTimer();
}

function onPumpHoldTimer(pump: PumpHooks): void {
  pump.dropRead();
}

function destroySocket(socket: Socket): void {
  socket.destroy();
}
