import { ErrorCode, connectionError } from '@strand/frame';

/** Defaults in the spirit of nghttp2, Go and hyperium h2 (docs/security.md explains each). */
export interface AbuseLimits {
  /** RST_STREAM frames received: bucket size and refill per second (Rapid Reset, CVE-2023-44487). */
  resetBurst: number;
  resetRefillPerSecond: number;
  /** Stream errors the peer makes us send, same bucket shape (MadeYouReset, CVE-2025-8671). */
  provokedResetBurst: number;
  provokedResetRefillPerSecond: number;
  /** Consecutive empty DATA/HEADERS/CONTINUATION frames without END_STREAM (CVE-2019-9518). */
  maxEmptyFrames: number;
  /** ACKs and RST_STREAMs queued for one write batch (Ping / Settings / Reset floods, CVE-2019-9512/9515/9514). */
  maxQueuedControlFrames: number;
  /** Entries in one SETTINGS frame (nghttp2 uses 32). */
  maxSettingsEntries: number;
  /** Consecutive stream WINDOW_UPDATEs smaller than `dribbleBytes` while we have data to send (CVE-2019-9511). */
  maxDribbleUpdates: number;
  dribbleBytes: number;
  /** PRIORITY frames: bucket (CVE-2019-9513 is also bounded by the tree itself). */
  priorityBurst: number;
  priorityRefillPerSecond: number;
}

/** Shared by every connection that does not override them (frozen: never copied, never changed). */
export const DEFAULT_ABUSE_LIMITS: AbuseLimits = Object.freeze({
  resetBurst: 1000,
  resetRefillPerSecond: 33,
  provokedResetBurst: 1000,
  provokedResetRefillPerSecond: 33,
  maxEmptyFrames: 100,
  maxQueuedControlFrames: 10_000,
  maxSettingsEntries: 32,
  maxDribbleUpdates: 1000,
  dribbleBytes: 128,
  priorityBurst: 10_000,
  priorityRefillPerSecond: 1000,
});

/** A token bucket on an injected clock: `take()` is false when the peer has used its burst. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  take(now: number): boolean {
    if (now > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.perSecond) / 1000);
      this.last = now;
    }
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * Counts what a flooding peer does and ends the connection with GOAWAY ENHANCE_YOUR_CALM, naming the limit in the
 * debug text, when one trips. One per connection; every check is O(1).
 */
export class AbuseGuard {
  readonly limits: AbuseLimits;
  /** Which limit tripped, for stats ('' while none). */
  tripped = '';
  // Created full on first use (a bucket untouched since the connection began would be full anyway): a connection
  // that never sees a reset or a PRIORITY frame carries none of them.
  private resets: TokenBucket | null = null;
  private provoked: TokenBucket | null = null;
  private priorities: TokenBucket | null = null;
  private emptyFrames = 0;
  private queuedControl = 0;
  private dribble = 0;

  constructor(limits: AbuseLimits) {
    this.limits = limits;
  }

  resetReceived(now: number): void {
    const l = this.limits;
    if (!(this.resets ??= new TokenBucket(l.resetBurst, l.resetRefillPerSecond, now)).take(now)) this.trip('rapid reset', `more than ${this.limits.resetBurst} RST_STREAM frames received (refill ${this.limits.resetRefillPerSecond}/s)`);
  }

  resetProvoked(now: number): void {
    const l = this.limits;
    if (!(this.provoked ??= new TokenBucket(l.provokedResetBurst, l.provokedResetRefillPerSecond, now)).take(now)) this.trip('provoked resets', `peer caused more than ${this.limits.provokedResetBurst} stream errors (refill ${this.limits.provokedResetRefillPerSecond}/s)`);
  }

  priorityFrame(now: number): void {
    const l = this.limits;
    if (!(this.priorities ??= new TokenBucket(l.priorityBurst, l.priorityRefillPerSecond, now)).take(now)) this.trip('priority flood', `more than ${this.limits.priorityBurst} PRIORITY frames (refill ${this.limits.priorityRefillPerSecond}/s)`);
  }

  /** A DATA/HEADERS/CONTINUATION frame arrived; `empty` when it carried no payload and did not end the stream. */
  frameContent(empty: boolean): void {
    if (!empty) {
      this.emptyFrames = 0;
      return;
    }
    if (++this.emptyFrames > this.limits.maxEmptyFrames) this.trip('empty frames', `more than ${this.limits.maxEmptyFrames} consecutive empty frames`);
  }

  /** An ACK or RST_STREAM was queued for the next write batch. */
  controlQueued(): void {
    if (++this.queuedControl > this.limits.maxQueuedControlFrames) {
      this.trip('control queue', `more than ${this.limits.maxQueuedControlFrames} control frames queued while the peer is not reading`);
    }
  }

  /** The queued frames were handed to the socket. */
  flushed(): void {
    this.queuedControl = 0;
  }

  settingsEntries(n: number): void {
    if (n > this.limits.maxSettingsEntries) this.trip('settings entries', `SETTINGS with ${n} entries (limit ${this.limits.maxSettingsEntries})`);
  }

  /** A stream WINDOW_UPDATE arrived while that stream had data waiting for window. */
  windowUpdate(increment: number, starved: boolean): void {
    if (!starved || increment >= this.limits.dribbleBytes) {
      this.dribble = 0;
      return;
    }
    if (++this.dribble > this.limits.maxDribbleUpdates) {
      this.trip('data dribble', `more than ${this.limits.maxDribbleUpdates} WINDOW_UPDATEs under ${this.limits.dribbleBytes} bytes`);
    }
  }

  private trip(name: string, detail: string): never {
    this.tripped = name;
    throw connectionError(ErrorCode.ENHANCE_YOUR_CALM, `${name}: ${detail}`);
  }
}
