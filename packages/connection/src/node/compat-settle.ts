// The end of a compat request that nobody read or listened to. When its stream closes, a request whose body came
// complete but was never read must still end up as node leaves it (readableEnded, destroyed, closed), so that a later
// finished(req) or req.readableEnded sees a finished message. With no listener on req, the 'end' and 'close' events
// are unobservable: the reader's state is set to where read() → 'end' → autoDestroy → 'close' would leave it, without
// the two ticks, the destroy closure and the empty emits that sequence costs per request.
import type * as http from 'node:http';

/** The Readable state fields this touches: plain fields on Node 20, bit-flag accessors on Node 22 and later. */
interface ReaderState {
  ended: boolean;
  endEmitted: boolean;
  destroyed: boolean;
  closed: boolean;
  closeEmitted: boolean;
  errored: unknown;
  length: number;
}

/**
 * Settles `req` if nothing can observe its 'end' and 'close': no listeners at all, the body ended (push(null)) and
 * none of it left in the buffer. Returns false (and does nothing) otherwise; the caller then reads it to the end.
 */
export function settleUnobservedRequest(req: http.IncomingMessage): boolean {
  if ((req as unknown as { _eventsCount: number })._eventsCount !== 0) return false;
  const state = (req as unknown as { _readableState: ReaderState | undefined })._readableState;
  if (state === undefined || !state.ended || state.length !== 0 || state.endEmitted || state.destroyed || state.errored != null) return false;
  state.endEmitted = true;
  state.destroyed = true;
  state.closed = true;
  state.closeEmitted = true;
  return true;
}
