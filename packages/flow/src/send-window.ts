import { DEFAULT_INITIAL_WINDOW_SIZE } from '@strand/frame';
import { adjustWindow, increaseWindow } from './window.js';

/**
 * The peer's receive window as we see it: how many flow-controlled bytes we may still send (RFC 9113 §5.2, §6.9).
 * Stream id 0 is the connection window. The size may be negative after the peer lowers SETTINGS_INITIAL_WINDOW_SIZE
 * (§6.9.2); nothing may be sent until WINDOW_UPDATEs make it positive again.
 */
export class SendWindow {
  readonly streamId: number;
  private _size: number;

  /** `initial`: the peer's SETTINGS_INITIAL_WINDOW_SIZE for a stream; always 65,535 for the connection (§6.9.2). */
  constructor(streamId: number, initial: number = DEFAULT_INITIAL_WINDOW_SIZE) {
    this.streamId = streamId;
    this._size = initial;
  }

  /** Current window; negative when the peer shrank the initial size below what was already sent. */
  get size(): number {
    return this._size;
  }

  /** Bytes this window alone allows now: max(size, 0). */
  get available(): number {
    return this._size > 0 ? this._size : 0;
  }

  /** Count `n` sent flow-controlled bytes (DATA payload including padding, §6.9.1). More than `available` is a bug. */
  consume(n: number): void {
    if (!(n >= 0 && n <= this.available)) {
      throw new RangeError(`cannot send ${n} bytes on stream ${this.streamId}: window is ${this._size}`);
    }
    this._size -= n;
  }

  /**
   * A WINDOW_UPDATE arrived. Throws H2Error on a zero increment (PROTOCOL_ERROR) or overflow (FLOW_CONTROL_ERROR),
   * scoped to this window (§6.9, §6.9.1). Returns true when the window went from ≤ 0 to > 0: reschedule the sender.
   */
  update(increment: number): boolean {
    const before = this._size;
    this._size = increaseWindow(before, increment, this.streamId);
    return before <= 0 && this._size > 0;
  }

  /**
   * The peer changed SETTINGS_INITIAL_WINDOW_SIZE by `delta` (stream windows only, §6.9.2). Throws a connection
   * FLOW_CONTROL_ERROR if the window would pass 2^31-1. Returns true when the window went from ≤ 0 to > 0.
   */
  adjustInitial(delta: number): boolean {
    if (this.streamId === 0) throw new RangeError('SETTINGS_INITIAL_WINDOW_SIZE does not apply to the connection window');
    const before = this._size;
    this._size = adjustWindow(before, delta, this.streamId);
    return before <= 0 && this._size > 0;
  }
}

/** Bytes that may be sent on `stream` now: min(stream window, connection window), never below 0 (§5.2.1). */
export function sendable(stream: SendWindow, connection: SendWindow): number {
  const s = stream.size < connection.size ? stream.size : connection.size;
  return s > 0 ? s : 0;
}

/** Count `n` sent bytes against both the stream and the connection window. */
export function consumeSent(stream: SendWindow, connection: SendWindow, n: number): void {
  if (n > sendable(stream, connection)) {
    throw new RangeError(`cannot send ${n} bytes on stream ${stream.streamId}: only ${sendable(stream, connection)} allowed`);
  }
  stream.consume(n);
  connection.consume(n);
}

/**
 * Apply a SETTINGS_INITIAL_WINDOW_SIZE `delta` to every window in `windows` (§6.9.2). Windows that went from ≤ 0
 * to > 0 are pushed onto `opened` when given; returns how many opened. On overflow it throws a connection
 * FLOW_CONTROL_ERROR part-way through: the connection is over, so the half-applied state does not matter.
 */
export function applyInitialWindowDelta(windows: Iterable<SendWindow>, delta: number, opened?: SendWindow[]): number {
  let count = 0;
  for (const w of windows) {
    if (w.adjustInitial(delta)) {
      count++;
      if (opened !== undefined) opened.push(w);
    }
  }
  return count;
}
