import type { AbuseLimits } from './guard.js';
import type { Settings } from './settings.js';

/** Limits that bound what a peer can make the engine hold or do (every one says which limit tripped). */
export interface ConnectionLimits {
  /** Closed streams remembered to classify late frames (default 1024). */
  closedStreams: number;
  /** CONTINUATION frames after one HEADERS/PUSH_PROMISE (default 64). */
  maxContinuations: number;
  /** Bytes of one header block, all fragments together, checked at each CONTINUATION (default 128 KiB). */
  maxHeaderBlockBytes: number;
  /**
   * Outbound bytes the engine produces per pull() before yielding to the socket (default 1 MiB). DATA is passed by
   * reference, so this bounds the size of one writev, not a copy: on Linux loopback a 1 MiB writev costs the kernel
   * about half as much per byte as four of 256 KiB (strace -c of 2 000 1 MiB downloads: 250 vs 455 ms of writev).
   */
  writeBatchBytes: number;
}

export interface ConnectionOptions {
  role: 'client' | 'server';
  /** Settings to advertise in our first SETTINGS frame; the rest stay at their RFC defaults. */
  settings?: Partial<Settings>;
  /** Connection receive window to grow to right after the preface (default 16 MiB, @strand/flow). */
  connectionWindow?: number;
  /**
   * Stream receive windows that share this many bytes (default 0: off, every stream keeps the
   * SETTINGS_INITIAL_WINDOW_SIZE we advertise). When on, each stream's window grows to this budget ÷ open streams,
   * never below SETTINGS_INITIAL_WINDOW_SIZE: a stream alone gets the whole budget (one WINDOW_UPDATE right after it
   * opens), many streams get their share each, and a stream's share is recomputed at every WINDOW_UPDATE decision, so
   * it shrinks (credit withheld) when more streams open and grows when they finish (@strand/flow sharedStreamWindow).
   * Advertise a small SETTINGS_INITIAL_WINDOW_SIZE with it (this engine's default is 1 MiB; 65,535 suits).
   */
  streamWindowBudget?: number;
  /**
   * Manual flow control: received DATA is acknowledged only when the application calls `consume(id, n)`
   * (default false: acknowledged as soon as it is received).
   */
  manualFlowControl?: boolean;
  /** 'rfc9218' (default) or 'rfc7540' (the weighted dependency tree). */
  scheduler?: 'rfc9218' | 'rfc7540';
  /** Milliseconds clock, injected so tests are deterministic (default Date.now). */
  clock?: () => number;
  /** Time for the peer to ACK our SETTINGS before SETTINGS_TIMEOUT (default 10 000 ms, 0 = off). */
  settingsTimeout?: number;
  /** Server: time for the client preface and first SETTINGS (default 10 000 ms, 0 = off). */
  prefaceTimeout?: number;
  /** Time for a header block's CONTINUATION frames to complete (default 10 000 ms, 0 = off). */
  headerBlockTimeout?: number;
  /** GOAWAY NO_ERROR after this long without streams (default 0 = off; the Node layer sets its own). */
  idleTimeout?: number;
  limits?: Partial<ConnectionLimits>;
  /** Allocates the buffers outbound frames are written into and those an inbound frame split across reads is
   *  gathered into (default `new Uint8Array`; the Node layer passes `Buffer.allocUnsafe`, so what `pull()` returns
   *  needs no conversion before a socket write and received DATA is a Buffer, not zero-filled first). */
  allocate?: (size: number) => Uint8Array;
  /**
   * Deliver DATA as it arrives (default false): a frame split across receive() calls becomes several 'data' events
   * (only the first carries its flowControlledLength; the last its endStream) instead of one, gathered when complete.
   * Nothing is copied, and no received chunk is held from one receive() to the next for a DATA payload (an unfinished
   * frame header or non-DATA frame still is). The Node layer turns it on.
   */
  dataPieces?: boolean;
  /**
   * Least credit a stream's WINDOW_UPDATE announces (default 16 KiB, @strand/flow's DEFAULT_MIN_UPDATE; the update
   * goes out once max(a quarter of the stream's window, this) is owed). Raising it sends fewer WINDOW_UPDATEs for
   * small windows: the proxy's upstream streams share a window budget and often get 64 KiB each, and one update per
   * 16 KiB DATA frame was work for the backend. The threshold never exceeds the window, but close to it a peer waits a
   * round trip at zero, and with manual flow control credit comes back only for what the application consumed.
   */
  minStreamWindowUpdate?: number;
  /**
   * Received header fields that HPACK indexed (static or dynamic table) are one shared [name, value] tuple per table
   * entry instead of a new one per field (default false): repeated requests allocate and hold less. Lists are still
   * new per block; the application must then never modify a field in place (replace it in the list instead), or it
   * changes every later list that indexes the same entry. The proxy turns it on.
   */
  shareHeaderFields?: boolean;
  /** Flood limits (docs/security.md). */
  abuse?: Partial<AbuseLimits>;
}

/** Settings we advertise unless told otherwise. */
export const DEFAULT_LOCAL_SETTINGS: Partial<Settings> = {
  maxConcurrentStreams: 100,
  initialWindowSize: 1024 * 1024,
  maxHeaderListSize: 64 * 1024,
};

/** Shared by every connection that does not override them (frozen: never copied, never changed). */
export const DEFAULT_LIMITS: ConnectionLimits = Object.freeze({
  closedStreams: 1024,
  maxContinuations: 64,
  maxHeaderBlockBytes: 128 * 1024,
  writeBatchBytes: 1024 * 1024,
});
