import { MAX_WINDOW_SIZE } from '@strand/frame';
import { DEFAULT_GROW_THRESHOLD, DEFAULT_MAX_CONNECTION_WINDOW, DEFAULT_MAX_STREAM_WINDOW } from './defaults.js';
import type { ReceiveWindow } from './receive-window.js';

export interface WindowTunerOptions {
  /** Cap for the connection receive window. Default 64 MiB. */
  maxConnectionWindow?: number;
  /** Cap for each stream receive window. Default 16 MiB. */
  maxStreamWindow?: number;
  /** Double a window when this share of it is consumed within one RTT. Default 2/3. */
  growThreshold?: number;
}

/**
 * Receive-window auto-tuning toward the bandwidth-delay product, one per connection, shared by its windows.
 * The engine feeds PING round trips (RFC 9113 §6.7) to onRtt(); each ReceiveWindow with this tuner reports its
 * consumed bytes with a timestamp. When a window sees ≥ growThreshold × target consumed within one smoothed RTT,
 * the window, not the link, was the limit: its target doubles, up to the cap. It never shrinks anything.
 * Deterministic: time only comes in through the arguments.
 */
export class WindowTuner {
  readonly maxConnectionWindow: number;
  readonly maxStreamWindow: number;
  readonly growThreshold: number;
  /** Smoothed round trip in ms (RFC 6298-style, gain 1/8); -1 until the first sample, and no tuning until then. */
  rttMs = -1;
  /** When the last RTT sample arrived; the engine may PING again when this gets old. */
  lastRttAtMs = -Infinity;
  /** Largest target any stream window has grown to: a starting point for new streams' targets. */
  learnedStreamWindow = 0;

  constructor(options: WindowTunerOptions = {}) {
    this.maxConnectionWindow = Math.min(options.maxConnectionWindow ?? DEFAULT_MAX_CONNECTION_WINDOW, MAX_WINDOW_SIZE);
    this.maxStreamWindow = Math.min(options.maxStreamWindow ?? DEFAULT_MAX_STREAM_WINDOW, MAX_WINDOW_SIZE);
    this.growThreshold = options.growThreshold ?? DEFAULT_GROW_THRESHOLD;
    if (!(this.growThreshold > 0 && this.growThreshold <= 1)) throw new RangeError('growThreshold must be in (0, 1]');
  }

  /** A PING round trip of `rttMs` was measured at `nowMs`. */
  onRtt(rttMs: number, nowMs: number): void {
    if (!(rttMs >= 0 && rttMs < Infinity)) throw new RangeError(`bad RTT sample ${rttMs}`);
    this.rttMs = this.rttMs < 0 ? rttMs : this.rttMs + (rttMs - this.rttMs) / 8;
    this.lastRttAtMs = nowMs;
  }

  /** Called by ReceiveWindow when `n` bytes were consumed at `nowMs`; may raise the window's target. */
  sample(window: ReceiveWindow, n: number, nowMs: number): void {
    const rtt = this.rttMs;
    if (rtt < 0) return;
    const sample = window.sample!;
    if (nowMs - sample.startMs >= rtt) {
      // A new RTT-long interval starts with these bytes; the finished one is the bytes-per-RTT estimate.
      sample.bytesPerRtt = sample.bytes;
      sample.startMs = nowMs;
      sample.bytes = n;
    } else {
      sample.bytes += n;
    }
    const target = window.target;
    const cap = window.streamId === 0 ? this.maxConnectionWindow : this.maxStreamWindow;
    if (target === 0 || target >= cap || sample.bytes < target * this.growThreshold) return;
    const next = target * 2 < cap ? target * 2 : cap;
    window.setTarget(next);
    sample.bytesPerRtt = sample.bytes;
    sample.startMs = nowMs;
    sample.bytes = 0;
    if (window.streamId !== 0 && next > this.learnedStreamWindow) this.learnedStreamWindow = next;
  }
}
