import { DEFAULT_INITIAL_WINDOW_SIZE, ErrorCode, MAX_WINDOW_SIZE, connectionError } from '@strand/frame';
import { DEFAULT_CONNECTION_RECEIVE_WINDOW, DEFAULT_MIN_UPDATE, DEFAULT_UPDATE_RATIO } from './defaults.js';
import type { WindowTuner } from './tuner.js';
import { windowError } from './window.js';

export interface ReceiveWindowOptions {
  /**
   * Window we want the peer to have when everything is consumed. Default: `initial` for a stream,
   * DEFAULT_CONNECTION_RECEIVE_WINDOW (16 MiB) for the connection. Above `initial`, the first takeUpdate() announces
   * the difference.
   */
  target?: number;
  /** Manual mode: received bytes count as consumed only when consume() is called. Default false (automatic). */
  manual?: boolean;
  /** Announce credit once it reaches max(target × updateRatio, minUpdate), capped at target. Default 0.25. */
  updateRatio?: number;
  /** Default 16 KiB. */
  minUpdate?: number;
  /** Grow `target` toward the bandwidth-delay product (tuner.ts). Default none: the window stays at `target`. */
  tuner?: WindowTuner | null;
}

/**
 * The replenish policy of a set of windows (the options without `target`), validated once. Build one per connection
 * and pass it for every stream window: a window then carries one reference instead of its own copy of the policy.
 */
export class ReceivePolicy {
  readonly manual: boolean;
  readonly updateRatio: number;
  readonly minUpdate: number;
  readonly tuner: WindowTuner | null;

  constructor(options: ReceiveWindowOptions = {}) {
    this.manual = options.manual ?? false;
    this.updateRatio = options.updateRatio ?? DEFAULT_UPDATE_RATIO;
    this.minUpdate = options.minUpdate ?? DEFAULT_MIN_UPDATE;
    this.tuner = options.tuner ?? null;
    if (!(this.updateRatio > 0 && this.updateRatio <= 1)) throw new RangeError('updateRatio must be in (0, 1]');
    // A window-bound peer gets between (1 - updateRatio) and 1 of the target through per RTT; the tuner must be able
    // to tell that apart from a link-bound one, so its bar has to sit below the lower end.
    if (this.tuner !== null && this.tuner.growThreshold >= 1 - this.updateRatio) {
      throw new RangeError(`tuner growThreshold ${this.tuner.growThreshold} must be below 1 - updateRatio`);
    }
  }
}

const DEFAULT_POLICY = new ReceivePolicy();

/** Tuner state of one window: start of the current RTT-long sample, bytes consumed in it, and in the last one. */
export class TunerSample {
  startMs = -Infinity;
  bytes = 0;
  bytesPerRtt = 0;
}

/**
 * Our receive window for one stream (or the connection, stream id 0) and the policy that decides when to send
 * WINDOW_UPDATE (RFC 9113 §6.9). Invariant: size + buffered + unacked === target, where
 *   size     — bytes the peer may still send (what it sees),
 *   buffered — received, not yet consumed by the application (manual mode only),
 *   unacked  — consumed (or target raised) but not yet announced by WINDOW_UPDATE; negative after a target cut.
 * Small on purpose (one per stream): the policy is shared, tuner state exists only with a tuner, and every field
 * holds a small integer (a double-valued field would cost a heap number per window).
 */
export class ReceiveWindow {
  readonly streamId: number;
  readonly policy: ReceivePolicy;
  /** With a tuner only. */
  readonly sample: TunerSample | null;

  private _size: number;
  private _target: number;
  private _buffered = 0;
  private _unacked: number;
  private _threshold = 0;

  /**
   * `initial`: the window the peer currently assumes — our acknowledged SETTINGS_INITIAL_WINDOW_SIZE for a stream,
   * 65,535 for the connection (§6.9.2). Options are not retained; pass a ReceivePolicy to share one among windows.
   */
  constructor(streamId: number, initial: number = DEFAULT_INITIAL_WINDOW_SIZE, options: ReceiveWindowOptions | ReceivePolicy = DEFAULT_POLICY) {
    const policy = options instanceof ReceivePolicy ? options : new ReceivePolicy(options);
    const target = (options instanceof ReceivePolicy ? undefined : options.target) ?? (streamId === 0 ? DEFAULT_CONNECTION_RECEIVE_WINDOW : initial);
    checkTarget(initial);
    checkTarget(target);
    this.streamId = streamId;
    this.policy = policy;
    this.sample = policy.tuner === null ? null : new TunerSample();
    this._size = initial;
    this._target = target;
    this._unacked = target - initial;
    this.refreshThreshold();
  }

  get manual(): boolean {
    return this.policy.manual;
  }
  get updateRatio(): number {
    return this.policy.updateRatio;
  }
  get minUpdate(): number {
    return this.policy.minUpdate;
  }
  get tuner(): WindowTuner | null {
    return this.policy.tuner;
  }

  /** Bytes the peer may still send; negative after our SETTINGS_INITIAL_WINDOW_SIZE decrease took effect. */
  get size(): number {
    return this._size;
  }
  /** Window we aim to give the peer. */
  get target(): number {
    return this._target;
  }
  /** Received but not yet consumed (manual mode). */
  get buffered(): number {
    return this._buffered;
  }
  /** Credit owed to the peer that no WINDOW_UPDATE has announced yet. */
  get unacked(): number {
    return this._unacked;
  }
  /** takeUpdate() returns non-zero once unacked reaches this. */
  get threshold(): number {
    return this._threshold;
  }

  /**
   * Count `n` received flow-controlled bytes: the DATA frame's whole payload including the Pad Length field and
   * padding (§6.1, §6.9.1). More than the window allows is a FLOW_CONTROL_ERROR, stream scope for a stream and
   * connection scope for stream 0. In automatic mode the bytes are consumed at once (`nowMs` feeds the tuner).
   */
  receive(n: number, nowMs = 0): void {
    if (n > this._size) {
      throw windowError(ErrorCode.FLOW_CONTROL_ERROR, this.streamId, `received ${n} bytes with a window of ${this._size}`);
    }
    this._size -= n;
    const policy = this.policy;
    if (policy.manual) {
      this._buffered += n;
    } else {
      this._unacked += n;
      if (policy.tuner !== null) policy.tuner.sample(this, n, nowMs);
    }
  }

  /** Manual mode: the application has really processed `n` received bytes; they become returnable credit. */
  consume(n: number, nowMs = 0): void {
    if (!(n >= 0 && n <= this._buffered)) {
      throw new RangeError(`cannot consume ${n} bytes on stream ${this.streamId}: ${this._buffered} buffered`);
    }
    this._buffered -= n;
    this._unacked += n;
    const tuner = this.policy.tuner;
    if (tuner !== null) tuner.sample(this, n, nowMs);
  }

  /**
   * The replenish policy: the WINDOW_UPDATE increment to send now, or 0 for nothing yet. A non-zero result is
   * counted as sent, so call it when the engine can write a frame. Never takes the window past 2^31-1.
   */
  takeUpdate(): number {
    const credit = this._unacked;
    if (credit <= 0 || credit < this._threshold) return 0;
    this._unacked = 0;
    this._size += credit;
    return credit;
  }

  /** Aim for a different window (grow: announced by the next takeUpdate(); shrink: withhold credit until repaid). */
  setTarget(target: number): void {
    checkTarget(target);
    this._unacked += target - this._target;
    this._target = target;
    this.refreshThreshold();
  }

  /**
   * Our own SETTINGS_INITIAL_WINDOW_SIZE change of `delta` was acknowledged, so the peer has moved this stream's
   * window by `delta` (§6.9.2); the target moves with it. A change that would take the window or target past 2^31-1
   * is a connection FLOW_CONTROL_ERROR (the peer would declare the same); choose the setting to avoid it.
   */
  adjustInitial(delta: number): void {
    if (this.streamId === 0) throw new RangeError('SETTINGS_INITIAL_WINDOW_SIZE does not apply to the connection window');
    const size = this._size + delta;
    const target = this._target + delta;
    if (size > MAX_WINDOW_SIZE || target > MAX_WINDOW_SIZE) {
      throw connectionError(
        ErrorCode.FLOW_CONTROL_ERROR,
        `SETTINGS_INITIAL_WINDOW_SIZE change of ${delta} overflows receive window of stream ${this.streamId}`,
      );
    }
    this._size = size;
    this._target = target;
    if (target < 0) this.setTarget(0);
    else this.refreshThreshold();
  }

  // threshold = min(target, max(target × ratio, minUpdate)): capped at target so an exhausted window always refills.
  private refreshThreshold(): void {
    const byRatio = Math.ceil(this._target * this.policy.updateRatio);
    const minUpdate = this.policy.minUpdate;
    const wanted = byRatio > minUpdate ? byRatio : minUpdate;
    this._threshold = wanted < this._target ? wanted : this._target;
  }
}

function checkTarget(value: number): void {
  if (!(value >= 0 && value <= MAX_WINDOW_SIZE)) throw new RangeError(`window ${value} is outside 0..2^31-1`);
}
