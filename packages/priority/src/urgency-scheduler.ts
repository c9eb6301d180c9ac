import { IdMap } from '@strand/stream';
import { type HeapItem, MinHeap } from './binary-heap.js';
import { DEFAULT_INCREMENTAL, DEFAULT_MAX_PENDING_UPDATES, DEFAULT_URGENCY, ROUND_ROBIN_QUANTUM } from './constants.js';
import { isUrgency } from './priority-field.js';
import { isDependency, type Priority, type PrioritySignal, type StreamScheduler } from './types.js';

class StreamEntry implements HeapItem {
  readonly id: number;
  /** Heap key: the stream id, so the lowest id is served first among non-incremental streams. */
  readonly key: number;
  heapIndex = -1;
  urgency: number;
  incremental: boolean;
  ready = false;
  // Ring links and byte credit (deficit round robin) while queued as incremental.
  prev: StreamEntry | null = null;
  next: StreamEntry | null = null;
  credit = 0;
  constructor(id: number, urgency: number, incremental: boolean) {
    this.id = id;
    this.key = id;
    this.urgency = urgency;
    this.incremental = incremental;
  }
}

/** The ready streams of one urgency. */
class UrgencyLevel {
  /** Non-incremental ready streams, lowest id on top. */
  readonly serial = new MinHeap<StreamEntry>();
  /** Incremental ready streams in a ring; `turn` is the one whose turn it is. */
  turn: StreamEntry | null = null;
  /** Bytes sent for the serial side minus bytes for the incremental side, while both have ready streams. */
  balance = 0;
}

export interface UrgencySchedulerOptions {
  /** Most PRIORITY_UPDATE values kept for streams not yet open (oldest dropped first). Default 100. */
  maxPendingUpdates?: number;
}

/** An urgency that is an integer 0..7, else the default: never trust a caller-built object blindly. */
function urgencyOf(p: Priority): number {
  return isUrgency(p.urgency) ? p.urgency : DEFAULT_URGENCY;
}

/**
 * RFC 9218 §10 scheduling. Urgency is strict: nothing of urgency u+1 is sent while a stream of urgency
 * u (0 first) is ready. Within one urgency:
 *   - non-incremental streams are served one at a time, lowest stream id first, each until it is no
 *     longer ready (so the first one opened finishes first);
 *   - incremental streams take turns, ROUND_ROBIN_QUANTUM bytes per turn (deficit round robin);
 *   - when both kinds are ready, the first non-incremental stream and the incremental ring as a whole
 *     split the bytes half and half, so neither kind can starve the other.
 * RFC 7540 dependency signals are ignored. Every call is O(1) except heap updates of non-incremental
 * streams, O(log n).
 */
export class UrgencyScheduler implements StreamScheduler {
  readonly kind = 'rfc9218';
  // Not a Map: streams come and go in batches, and a Map rehashes at every doubling and shrink (see IdMap).
  private readonly streams = new IdMap<StreamEntry>();
  /** Created on first use: most connections only ever use the default urgency (small idle footprint). */
  private readonly levels: Array<UrgencyLevel | undefined> = [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined];
  /** Bit u set when urgency u has a ready stream. */
  private readyMask = 0;
  private ready = 0;
  /** PRIORITY_UPDATE values for streams that are not open yet (RFC 9218 §7.1), oldest first. */
  private pending: Map<number, Priority> | null = null;
  private readonly maxPending: number;

  constructor(options: UrgencySchedulerOptions = {}) {
    this.maxPending = options.maxPendingUpdates ?? DEFAULT_MAX_PENDING_UPDATES;
  }

  get readyCount(): number {
    return this.ready;
  }

  /** Streams currently open in the scheduler. */
  get size(): number {
    return this.streams.size;
  }

  /** The priority in force for `id` (a buffered PRIORITY_UPDATE for a stream not yet open counts). */
  priorityOf(id: number): Priority | undefined {
    const e = this.streams.get(id);
    if (e !== undefined) return { urgency: e.urgency, incremental: e.incremental };
    const p = this.pending?.get(id);
    return p === undefined ? undefined : { urgency: p.urgency, incremental: p.incremental };
  }

  /**
   * A stream opened with the priority from its `priority` header (or the defaults). A PRIORITY_UPDATE
   * that arrived before the stream opened wins over the header (RFC 9218 §7.1).
   */
  open(id: number, signal?: PrioritySignal): void {
    if (id <= 0 || this.streams.has(id)) {
      if (signal !== undefined) this.update(id, signal);
      return;
    }
    let p = this.pending?.get(id);
    if (p !== undefined) this.pending!.delete(id);
    else if (signal !== undefined && !isDependency(signal)) p = signal;
    const entry =
      p === undefined
        ? new StreamEntry(id, DEFAULT_URGENCY, DEFAULT_INCREMENTAL)
        : new StreamEntry(id, urgencyOf(p), p.incremental === true);
    this.streams.set(id, entry);
  }

  /** A PRIORITY_UPDATE: re-files the stream, or buffers the value if the stream is not open yet. */
  update(id: number, signal: PrioritySignal): void {
    if (id <= 0 || isDependency(signal)) return;
    const urgency = urgencyOf(signal);
    const incremental = signal.incremental === true;
    const e = this.streams.get(id);
    if (e === undefined) {
      if (this.maxPending === 0) return;
      const pending = (this.pending ??= new Map());
      pending.delete(id);
      if (pending.size >= this.maxPending) {
        const oldest = pending.keys().next();
        if (!oldest.done) pending.delete(oldest.value);
      }
      pending.set(id, { urgency, incremental });
      return;
    }
    if (e.urgency === urgency && e.incremental === incremental) return;
    const wasReady = e.ready;
    if (wasReady) this.unqueue(e);
    e.urgency = urgency;
    e.incremental = incremental;
    if (wasReady) this.enqueue(e);
  }

  close(id: number): void {
    const e = this.streams.get(id);
    if (e === undefined) {
      this.pending?.delete(id);
      return;
    }
    if (e.ready) this.unqueue(e);
    this.streams.delete(id);
  }

  push(id: number): void {
    const e = this.streams.get(id);
    if (e !== undefined && !e.ready) this.enqueue(e);
  }

  park(id: number): void {
    const e = this.streams.get(id);
    if (e !== undefined && e.ready) this.unqueue(e);
  }

  pop(): number {
    const mask = this.readyMask;
    if (mask === 0) return 0;
    const level = this.levels[31 - Math.clz32(mask & -mask)]!;
    const serial = level.serial;
    const turn = level.turn;
    if (serial.length > 0 && (turn === null || level.balance <= 0)) return serial.top().id;
    return turn!.id;
  }

  sent(id: number, bytes: number, stillReady: boolean): void {
    const e = this.streams.get(id);
    if (e === undefined) return;
    if (e.ready) {
      const level = this.levels[e.urgency]!;
      const mixed = level.serial.length > 0 && level.turn !== null;
      if (e.incremental) {
        if (mixed) level.balance -= bytes;
        e.credit -= bytes;
        if (e.credit <= 0) {
          // Turn over: keep the overdraft so every stream gets the same bytes in the long run.
          e.credit += ROUND_ROBIN_QUANTUM;
          if (level.turn === e) level.turn = e.next;
        }
      } else if (mixed) {
        level.balance += bytes;
      }
    }
    if (!stillReady) this.park(id);
  }

  compact(): void {
    this.streams.compact();
  }

  isReady(id: number): boolean {
    return this.streams.get(id)?.ready ?? false;
  }

  private enqueue(e: StreamEntry): void {
    const level = (this.levels[e.urgency] ??= new UrgencyLevel());
    e.ready = true;
    this.ready++;
    this.readyMask |= 1 << e.urgency;
    if (!e.incremental) {
      level.serial.push(e);
      return;
    }
    e.credit = ROUND_ROBIN_QUANTUM;
    const turn = level.turn;
    if (turn === null) {
      e.prev = e.next = e;
      level.turn = e;
      return;
    }
    // Join at the back of the ring: just before the stream whose turn it is.
    const last = turn.prev!;
    e.prev = last;
    e.next = turn;
    last.next = e;
    turn.prev = e;
  }

  private unqueue(e: StreamEntry): void {
    const level = this.levels[e.urgency]!;
    e.ready = false;
    this.ready--;
    if (!e.incremental) {
      level.serial.remove(e);
    } else {
      if (e.next === e) {
        level.turn = null;
      } else {
        e.prev!.next = e.next;
        e.next!.prev = e.prev;
        if (level.turn === e) level.turn = e.next;
      }
      e.prev = e.next = null;
    }
    if (level.serial.length === 0 || level.turn === null) level.balance = 0;
    if (level.serial.length === 0 && level.turn === null) this.readyMask &= ~(1 << e.urgency);
  }
}
