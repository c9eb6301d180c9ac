/** An RFC 9218 priority: urgency 0..7 (0 first) and whether the response is processed incrementally. */
export interface Priority {
  urgency: number;
  incremental: boolean;
}

/**
 * An RFC 7540 §5.3 priority: the stream this one depends on (0 = the connection), a weight 1..256 and the
 * exclusive flag. This is what a HEADERS frame with the PRIORITY flag or a PRIORITY frame carries
 * (with the wire's weight byte already turned into 1..256).
 */
export interface StreamDependency {
  parent: number;
  weight: number;
  exclusive: boolean;
}

/** Either kind of priority signal; each scheduler uses the kind it understands and ignores the other. */
export type PrioritySignal = Priority | StreamDependency;

/** True when the signal is an RFC 7540 dependency rather than an RFC 9218 priority. */
export function isDependency(signal: PrioritySignal): signal is StreamDependency {
  return (signal as StreamDependency).parent !== undefined;
}

/**
 * Decides which stream's DATA goes next. Pure state: no I/O, no timers.
 *
 * The engine's write loop:
 *   - `open(id, signal?)` when a stream opens, `close(id)` when it closes, `update(id, signal)` on a
 *     PRIORITY / PRIORITY_UPDATE frame;
 *   - `push(id)` when a stream has DATA queued and send window (stream and connection) to send some;
 *     `park(id)` when it no longer has either;
 *   - `pop()` names the stream to serve (0 = none); it does not change state, so asking twice is harmless;
 *   - after sending one frame for it, `sent(id, bytes, stillReady)` charges the bytes (sharing is by bytes)
 *     and says whether the stream still has data and window.
 */
export interface StreamScheduler {
  /** 'rfc9218' (urgency buckets) or 'rfc7540' (weighted dependency tree). */
  readonly kind: 'rfc9218' | 'rfc7540';
  /** Streams marked ready right now. */
  readonly readyCount: number;
  open(id: number, signal?: PrioritySignal): void;
  update(id: number, signal: PrioritySignal): void;
  close(id: number): void;
  push(id: number): void;
  park(id: number): void;
  pop(): number;
  sent(id: number, bytes: number, stillReady: boolean): void;
  isReady(id: number): boolean;
  /** Optional: give back memory kept from the busiest moment (the engine calls it when the connection is idle). */
  compact?(): void;
}
