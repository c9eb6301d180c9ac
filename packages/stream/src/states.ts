/**
 * Stream states of RFC 9113 §5.1. The terminal state "closed" is split by how the stream got there, because that
 * decides how a late frame is classified (§5.1 "closed", §5.4.2). The numbers index the transition table.
 */
export const StreamState = {
  IDLE: 0,
  RESERVED_LOCAL: 1,
  RESERVED_REMOTE: 2,
  OPEN: 3,
  HALF_CLOSED_LOCAL: 4,
  HALF_CLOSED_REMOTE: 5,
  /** Closed after END_STREAM was both sent and received. */
  CLOSED_END_STREAM: 6,
  /** Closed by a RST_STREAM this endpoint sent (or abandoned locally): frames already in flight are expected. */
  CLOSED_RESET_SENT: 7,
  /** Closed by a RST_STREAM the peer sent. */
  CLOSED_RESET_RECEIVED: 8,
  /** An idle id closed implicitly because its side used a higher id (§5.1.1); it was never opened. */
  CLOSED_UNUSED: 9,
  /** Closed so long ago that the bounded memory no longer knows how. */
  CLOSED_FORGOTTEN: 10,
} as const;
export type StreamStateValue = (typeof StreamState)[keyof typeof StreamState];

/** Number of rows of the transition table. */
export const STATE_COUNT = 11;

/** Names as RFC 9113 §5.1 writes them, with the closure reason in brackets. Indexed by state. */
export const STATE_NAMES: readonly string[] = [
  'idle',
  'reserved (local)',
  'reserved (remote)',
  'open',
  'half-closed (local)',
  'half-closed (remote)',
  'closed [END_STREAM]',
  'closed [reset sent]',
  'closed [reset received]',
  'closed [unused]',
  'closed [forgotten]',
];

/** True for every "closed" variant. */
export function isClosed(state: number): boolean {
  return state >= StreamState.CLOSED_END_STREAM;
}

/** True for the states that count toward SETTINGS_MAX_CONCURRENT_STREAMS: open and both half-closed (§5.1.2). */
export function isActive(state: number): boolean {
  return state >= StreamState.OPEN && state <= StreamState.HALF_CLOSED_REMOTE;
}
