import { ErrorCode, type ErrorCodeValue } from '@strand/frame';
import { INPUT_COUNT, INPUT_NAMES, type InputName } from './inputs.js';
import { STATE_COUNT, StreamState as S, type StreamStateValue } from './states.js';

/** What one (state, input) pair of the RFC 9113 §5.1 machine does. `rfc` names the text that decides it. */
export type Outcome =
  /** Accepted; the stream moves to `state` (which may be the state it is in). */
  | { readonly kind: 'next'; readonly state: StreamStateValue; readonly rfc: string }
  /** Discarded after minimal processing (decode header blocks, charge DATA to the connection window). */
  | { readonly kind: 'ignore'; readonly rfc: string }
  /** A protocol error: GOAWAY (connection scope) or RST_STREAM (stream scope) with `code`. */
  | { readonly kind: 'error'; readonly scope: 'connection' | 'stream'; readonly code: ErrorCodeValue; readonly rfc: string }
  /** Sending this is forbidden in this state: a StreamUsageError, nothing is sent. */
  | { readonly kind: 'usage'; readonly rfc: string };

const to = (state: StreamStateValue, rfc: string): Outcome => ({ kind: 'next', state, rfc });
const ignore = (rfc: string): Outcome => ({ kind: 'ignore', rfc });
const usage = (rfc: string): Outcome => ({ kind: 'usage', rfc });
const connection = (code: ErrorCodeValue, rfc: string): Outcome => ({ kind: 'error', scope: 'connection', code, rfc });
const stream = (code: ErrorCodeValue, rfc: string): Outcome => ({ kind: 'error', scope: 'stream', code, rfc });

const PROTOCOL = ErrorCode.PROTOCOL_ERROR;
const STREAM_CLOSED = ErrorCode.STREAM_CLOSED;

type Row = Record<InputName, Outcome>;

// RFC 9113 §5.1 "closed": only PRIORITY may be sent on a closed stream. RST_STREAM is the exception this engine
// needs to answer a stream error on a recently closed stream (§5.4.2); afterwards late frames are ignored.
function sendsWhenClosed(self: StreamStateValue): Pick<Row, Extract<InputName, `SEND_${string}`>> {
  const closed = usage('5.1 closed: MUST NOT send frames other than PRIORITY');
  return {
    SEND_HEADERS: closed,
    SEND_HEADERS_END_STREAM: closed,
    SEND_DATA: closed,
    SEND_DATA_END_STREAM: closed,
    SEND_PUSH_PROMISE: usage('6.6: only on open or half-closed (remote)'),
    SEND_PROMISED: usage('6.6: the promised stream must be idle'),
    SEND_RST_STREAM:
      self === S.CLOSED_UNUSED
        ? usage('5.1.1: never opened, nothing to reset')
        : to(S.CLOSED_RESET_SENT, '5.4.2: a stream error is answered with RST_STREAM'),
    SEND_WINDOW_UPDATE: closed,
    SEND_PRIORITY: to(self, '5.1: PRIORITY in any state'),
  };
}

const idle: Row = {
  RECV_HEADERS: to(S.OPEN, '5.1 idle'),
  RECV_HEADERS_END_STREAM: to(S.HALF_CLOSED_REMOTE, '5.1 idle'),
  RECV_DATA: connection(PROTOCOL, '5.1 idle: only HEADERS or PRIORITY'),
  RECV_DATA_END_STREAM: connection(PROTOCOL, '5.1 idle: only HEADERS or PRIORITY'),
  RECV_PUSH_PROMISE: connection(PROTOCOL, '6.6: associated stream not open or half-closed (local)'),
  RECV_PROMISED: to(S.RESERVED_REMOTE, '5.1 idle'),
  RECV_RST_STREAM: connection(PROTOCOL, '6.4: RST_STREAM on an idle stream'),
  RECV_WINDOW_UPDATE: connection(PROTOCOL, '5.1 idle: only HEADERS or PRIORITY'),
  RECV_PRIORITY: to(S.IDLE, '5.1: PRIORITY in any state'),
  SEND_HEADERS: to(S.OPEN, '5.1 idle'),
  SEND_HEADERS_END_STREAM: to(S.HALF_CLOSED_LOCAL, '5.1 idle'),
  SEND_DATA: usage('5.1 idle: not open yet'),
  SEND_DATA_END_STREAM: usage('5.1 idle: not open yet'),
  SEND_PUSH_PROMISE: usage('6.6: only on open or half-closed (remote)'),
  SEND_PROMISED: to(S.RESERVED_LOCAL, '5.1 idle'),
  SEND_RST_STREAM: usage('6.4: MUST NOT be sent for an idle stream'),
  SEND_WINDOW_UPDATE: usage('5.1 idle: peer would answer PROTOCOL_ERROR'),
  SEND_PRIORITY: to(S.IDLE, '5.1: PRIORITY in any state'),
};

const reservedLocal: Row = {
  RECV_HEADERS: connection(PROTOCOL, '5.1 reserved (local): only RST_STREAM, PRIORITY, WINDOW_UPDATE'),
  RECV_HEADERS_END_STREAM: connection(PROTOCOL, '5.1 reserved (local): only RST_STREAM, PRIORITY, WINDOW_UPDATE'),
  RECV_DATA: connection(PROTOCOL, '5.1 reserved (local): only RST_STREAM, PRIORITY, WINDOW_UPDATE'),
  RECV_DATA_END_STREAM: connection(PROTOCOL, '5.1 reserved (local): only RST_STREAM, PRIORITY, WINDOW_UPDATE'),
  RECV_PUSH_PROMISE: connection(PROTOCOL, '6.6: associated stream not open or half-closed (local)'),
  RECV_PROMISED: connection(PROTOCOL, '6.6: promised stream not idle'),
  RECV_RST_STREAM: to(S.CLOSED_RESET_RECEIVED, '5.1 reserved (local)'),
  RECV_WINDOW_UPDATE: to(S.RESERVED_LOCAL, '5.1 reserved (local)'),
  RECV_PRIORITY: to(S.RESERVED_LOCAL, '5.1: PRIORITY in any state'),
  SEND_HEADERS: to(S.HALF_CLOSED_REMOTE, '5.1 reserved (local)'),
  SEND_HEADERS_END_STREAM: to(S.CLOSED_END_STREAM, '5.1 reserved (local), then half-closed (remote)'),
  SEND_DATA: usage('5.1 reserved (local): only HEADERS, RST_STREAM, PRIORITY'),
  SEND_DATA_END_STREAM: usage('5.1 reserved (local): only HEADERS, RST_STREAM, PRIORITY'),
  SEND_PUSH_PROMISE: usage('6.6: only on open or half-closed (remote)'),
  SEND_PROMISED: usage('6.6: the promised stream must be idle'),
  SEND_RST_STREAM: to(S.CLOSED_RESET_SENT, '5.1 reserved (local)'),
  SEND_WINDOW_UPDATE: usage('5.1 reserved (local): only HEADERS, RST_STREAM, PRIORITY'),
  SEND_PRIORITY: to(S.RESERVED_LOCAL, '5.1: PRIORITY in any state'),
};

const reservedRemote: Row = {
  RECV_HEADERS: to(S.HALF_CLOSED_LOCAL, '5.1 reserved (remote)'),
  RECV_HEADERS_END_STREAM: to(S.CLOSED_END_STREAM, '5.1 reserved (remote), then half-closed (local)'),
  RECV_DATA: connection(PROTOCOL, '5.1 reserved (remote): only HEADERS, RST_STREAM, PRIORITY'),
  RECV_DATA_END_STREAM: connection(PROTOCOL, '5.1 reserved (remote): only HEADERS, RST_STREAM, PRIORITY'),
  RECV_PUSH_PROMISE: connection(PROTOCOL, '6.6: associated stream not open or half-closed (local)'),
  RECV_PROMISED: connection(PROTOCOL, '6.6: promised stream not idle'),
  RECV_RST_STREAM: to(S.CLOSED_RESET_RECEIVED, '5.1 reserved (remote)'),
  RECV_WINDOW_UPDATE: connection(PROTOCOL, '5.1 reserved (remote): only HEADERS, RST_STREAM, PRIORITY'),
  RECV_PRIORITY: to(S.RESERVED_REMOTE, '5.1: PRIORITY in any state'),
  SEND_HEADERS: usage('5.1 reserved (remote): only RST_STREAM, WINDOW_UPDATE, PRIORITY'),
  SEND_HEADERS_END_STREAM: usage('5.1 reserved (remote): only RST_STREAM, WINDOW_UPDATE, PRIORITY'),
  SEND_DATA: usage('5.1 reserved (remote): only RST_STREAM, WINDOW_UPDATE, PRIORITY'),
  SEND_DATA_END_STREAM: usage('5.1 reserved (remote): only RST_STREAM, WINDOW_UPDATE, PRIORITY'),
  SEND_PUSH_PROMISE: usage('6.6: only on open or half-closed (remote)'),
  SEND_PROMISED: usage('6.6: the promised stream must be idle'),
  SEND_RST_STREAM: to(S.CLOSED_RESET_SENT, '5.1 reserved (remote)'),
  SEND_WINDOW_UPDATE: to(S.RESERVED_REMOTE, '5.1 reserved (remote)'),
  SEND_PRIORITY: to(S.RESERVED_REMOTE, '5.1: PRIORITY in any state'),
};

const open: Row = {
  RECV_HEADERS: to(S.OPEN, '5.1 open'),
  RECV_HEADERS_END_STREAM: to(S.HALF_CLOSED_REMOTE, '5.1 open: END_STREAM received'),
  RECV_DATA: to(S.OPEN, '5.1 open'),
  RECV_DATA_END_STREAM: to(S.HALF_CLOSED_REMOTE, '5.1 open: END_STREAM received'),
  RECV_PUSH_PROMISE: to(S.OPEN, '6.6'),
  RECV_PROMISED: connection(PROTOCOL, '6.6: promised stream not idle'),
  RECV_RST_STREAM: to(S.CLOSED_RESET_RECEIVED, '5.1 open'),
  RECV_WINDOW_UPDATE: to(S.OPEN, '5.1 open'),
  RECV_PRIORITY: to(S.OPEN, '5.1: PRIORITY in any state'),
  SEND_HEADERS: to(S.OPEN, '5.1 open'),
  SEND_HEADERS_END_STREAM: to(S.HALF_CLOSED_LOCAL, '5.1 open: END_STREAM sent'),
  SEND_DATA: to(S.OPEN, '5.1 open'),
  SEND_DATA_END_STREAM: to(S.HALF_CLOSED_LOCAL, '5.1 open: END_STREAM sent'),
  SEND_PUSH_PROMISE: to(S.OPEN, '6.6'),
  SEND_PROMISED: usage('6.6: the promised stream must be idle'),
  SEND_RST_STREAM: to(S.CLOSED_RESET_SENT, '5.1 open'),
  SEND_WINDOW_UPDATE: to(S.OPEN, '5.1 open'),
  SEND_PRIORITY: to(S.OPEN, '5.1: PRIORITY in any state'),
};

const halfClosedLocal: Row = {
  RECV_HEADERS: to(S.HALF_CLOSED_LOCAL, '5.1 half-closed (local): can receive any frame'),
  RECV_HEADERS_END_STREAM: to(S.CLOSED_END_STREAM, '5.1 half-closed (local): END_STREAM received'),
  RECV_DATA: to(S.HALF_CLOSED_LOCAL, '5.1 half-closed (local): can receive any frame'),
  RECV_DATA_END_STREAM: to(S.CLOSED_END_STREAM, '5.1 half-closed (local): END_STREAM received'),
  RECV_PUSH_PROMISE: to(S.HALF_CLOSED_LOCAL, '6.6'),
  RECV_PROMISED: connection(PROTOCOL, '6.6: promised stream not idle'),
  RECV_RST_STREAM: to(S.CLOSED_RESET_RECEIVED, '5.1 half-closed (local)'),
  RECV_WINDOW_UPDATE: to(S.HALF_CLOSED_LOCAL, '5.1 half-closed (local)'),
  RECV_PRIORITY: to(S.HALF_CLOSED_LOCAL, '5.1: PRIORITY in any state'),
  SEND_HEADERS: usage('5.1 half-closed (local): only WINDOW_UPDATE, PRIORITY, RST_STREAM'),
  SEND_HEADERS_END_STREAM: usage('5.1 half-closed (local): only WINDOW_UPDATE, PRIORITY, RST_STREAM'),
  SEND_DATA: usage('5.1 half-closed (local): only WINDOW_UPDATE, PRIORITY, RST_STREAM'),
  SEND_DATA_END_STREAM: usage('5.1 half-closed (local): only WINDOW_UPDATE, PRIORITY, RST_STREAM'),
  SEND_PUSH_PROMISE: usage('6.6: only on open or half-closed (remote)'),
  SEND_PROMISED: usage('6.6: the promised stream must be idle'),
  SEND_RST_STREAM: to(S.CLOSED_RESET_SENT, '5.1 half-closed (local)'),
  SEND_WINDOW_UPDATE: to(S.HALF_CLOSED_LOCAL, '5.1 half-closed (local)'),
  SEND_PRIORITY: to(S.HALF_CLOSED_LOCAL, '5.1: PRIORITY in any state'),
};

const halfClosedRemote: Row = {
  RECV_HEADERS: stream(STREAM_CLOSED, '5.1 half-closed (remote)'),
  RECV_HEADERS_END_STREAM: stream(STREAM_CLOSED, '5.1 half-closed (remote)'),
  RECV_DATA: stream(STREAM_CLOSED, '5.1 half-closed (remote); 6.1'),
  RECV_DATA_END_STREAM: stream(STREAM_CLOSED, '5.1 half-closed (remote); 6.1'),
  RECV_PUSH_PROMISE: connection(PROTOCOL, '6.6: associated stream not open or half-closed (local)'),
  RECV_PROMISED: connection(PROTOCOL, '6.6: promised stream not idle'),
  RECV_RST_STREAM: to(S.CLOSED_RESET_RECEIVED, '5.1 half-closed (remote)'),
  RECV_WINDOW_UPDATE: to(S.HALF_CLOSED_REMOTE, '5.1 half-closed (remote); 6.9'),
  RECV_PRIORITY: to(S.HALF_CLOSED_REMOTE, '5.1: PRIORITY in any state'),
  SEND_HEADERS: to(S.HALF_CLOSED_REMOTE, '5.1 half-closed (remote): can send any frame'),
  SEND_HEADERS_END_STREAM: to(S.CLOSED_END_STREAM, '5.1 half-closed (remote): END_STREAM sent'),
  SEND_DATA: to(S.HALF_CLOSED_REMOTE, '5.1 half-closed (remote): can send any frame'),
  SEND_DATA_END_STREAM: to(S.CLOSED_END_STREAM, '5.1 half-closed (remote): END_STREAM sent'),
  SEND_PUSH_PROMISE: to(S.HALF_CLOSED_REMOTE, '6.6'),
  SEND_PROMISED: usage('6.6: the promised stream must be idle'),
  SEND_RST_STREAM: to(S.CLOSED_RESET_SENT, '5.1 half-closed (remote)'),
  SEND_WINDOW_UPDATE: to(S.HALF_CLOSED_REMOTE, '5.1 half-closed (remote): can send any frame'),
  SEND_PRIORITY: to(S.HALF_CLOSED_REMOTE, '5.1: PRIORITY in any state'),
};

// Both ends sent END_STREAM, so the peer knows the stream is over: no frame it could still have in flight except
// WINDOW_UPDATE or RST_STREAM (§5.1 closed, §6.9). Anything else is its bug: connection STREAM_CLOSED (§5.1; h2spec 5.1).
const closedEndStream: Row = {
  RECV_HEADERS: connection(STREAM_CLOSED, '5.1 closed'),
  RECV_HEADERS_END_STREAM: connection(STREAM_CLOSED, '5.1 closed'),
  RECV_DATA: connection(STREAM_CLOSED, '5.1 closed'),
  RECV_DATA_END_STREAM: connection(STREAM_CLOSED, '5.1 closed'),
  RECV_PUSH_PROMISE: connection(PROTOCOL, '6.6: associated stream not open or half-closed (local)'),
  RECV_PROMISED: connection(PROTOCOL, '6.6: promised stream not idle'),
  RECV_RST_STREAM: ignore('5.1 closed: may arrive after END_STREAM was sent'),
  RECV_WINDOW_UPDATE: ignore('6.9: MUST NOT be treated as an error'),
  RECV_PRIORITY: to(S.CLOSED_END_STREAM, '5.1: PRIORITY in any state'),
  ...sendsWhenClosed(S.CLOSED_END_STREAM),
};

// We reset it: the peer may have sent anything before it saw our RST_STREAM. Minimally process and discard
// (§5.1 closed, §5.4.2); a PUSH_PROMISE still reserves its promised stream (§6.6).
const closedResetSent: Row = {
  RECV_HEADERS: ignore('5.1 closed: after RST_STREAM sent, discard'),
  RECV_HEADERS_END_STREAM: ignore('5.1 closed: after RST_STREAM sent, discard'),
  RECV_DATA: ignore('5.1 closed: after RST_STREAM sent, discard'),
  RECV_DATA_END_STREAM: ignore('5.1 closed: after RST_STREAM sent, discard'),
  RECV_PUSH_PROMISE: ignore('6.6: MUST handle PUSH_PROMISE after RST_STREAM sent'),
  RECV_PROMISED: connection(PROTOCOL, '6.6: promised stream not idle'),
  RECV_RST_STREAM: ignore('5.1 closed; 5.4.2: no RST_STREAM for RST_STREAM'),
  RECV_WINDOW_UPDATE: ignore('5.1 closed; 6.9'),
  RECV_PRIORITY: to(S.CLOSED_RESET_SENT, '5.1: PRIORITY in any state'),
  ...sendsWhenClosed(S.CLOSED_RESET_SENT),
};

// The peer reset it, so it sends nothing more but PRIORITY; h2spec 5.1 expects stream STREAM_CLOSED (RFC 7540 §5.1).
const closedResetReceived: Row = {
  RECV_HEADERS: stream(STREAM_CLOSED, '5.1 closed: after RST_STREAM received'),
  RECV_HEADERS_END_STREAM: stream(STREAM_CLOSED, '5.1 closed: after RST_STREAM received'),
  RECV_DATA: stream(STREAM_CLOSED, '5.1 closed: after RST_STREAM received; 6.1'),
  RECV_DATA_END_STREAM: stream(STREAM_CLOSED, '5.1 closed: after RST_STREAM received; 6.1'),
  RECV_PUSH_PROMISE: connection(PROTOCOL, '6.6: associated stream not open or half-closed (local)'),
  RECV_PROMISED: connection(PROTOCOL, '6.6: promised stream not idle'),
  RECV_RST_STREAM: ignore('5.4.2: no RST_STREAM for RST_STREAM'),
  RECV_WINDOW_UPDATE: ignore('6.9'),
  RECV_PRIORITY: to(S.CLOSED_RESET_RECEIVED, '5.1: PRIORITY in any state'),
  ...sendsWhenClosed(S.CLOSED_RESET_RECEIVED),
};

// An idle id passed over by a higher one (§5.1.1): the peer never used it, so like idle, except that opening it
// now is an unexpected stream identifier.
const closedUnused: Row = {
  RECV_HEADERS: connection(PROTOCOL, '5.1.1: id not greater than the last one'),
  RECV_HEADERS_END_STREAM: connection(PROTOCOL, '5.1.1: id not greater than the last one'),
  RECV_DATA: connection(PROTOCOL, '5.1.1: stream never opened'),
  RECV_DATA_END_STREAM: connection(PROTOCOL, '5.1.1: stream never opened'),
  RECV_PUSH_PROMISE: connection(PROTOCOL, '6.6: associated stream not open or half-closed (local)'),
  RECV_PROMISED: connection(PROTOCOL, '6.6: promised stream not idle'),
  RECV_RST_STREAM: connection(PROTOCOL, '5.1.1: stream never opened'),
  RECV_WINDOW_UPDATE: connection(PROTOCOL, '5.1.1: stream never opened'),
  RECV_PRIORITY: to(S.CLOSED_UNUSED, '5.1: PRIORITY in any state'),
  ...sendsWhenClosed(S.CLOSED_UNUSED),
};

// Closed long ago, reason forgotten. The only legitimate sender is one that had not yet seen our RST_STREAM, and
// §5.1 allows minimal processing for every closed stream, so discard.
const closedForgotten: Row = {
  RECV_HEADERS: ignore('5.1 closed: minimal processing for all closed streams'),
  RECV_HEADERS_END_STREAM: ignore('5.1 closed: minimal processing for all closed streams'),
  RECV_DATA: ignore('5.1 closed: minimal processing for all closed streams'),
  RECV_DATA_END_STREAM: ignore('5.1 closed: minimal processing for all closed streams'),
  RECV_PUSH_PROMISE: ignore('6.6: MUST handle PUSH_PROMISE after RST_STREAM sent'),
  RECV_PROMISED: connection(PROTOCOL, '6.6: promised stream not idle'),
  RECV_RST_STREAM: ignore('5.4.2: no RST_STREAM for RST_STREAM'),
  RECV_WINDOW_UPDATE: ignore('6.9'),
  RECV_PRIORITY: to(S.CLOSED_FORGOTTEN, '5.1: PRIORITY in any state'),
  ...sendsWhenClosed(S.CLOSED_FORGOTTEN),
};

const rows: readonly Row[] = [
  idle,
  reservedLocal,
  reservedRemote,
  open,
  halfClosedLocal,
  halfClosedRemote,
  closedEndStream,
  closedResetSent,
  closedResetReceived,
  closedUnused,
  closedForgotten,
];

/** The RFC 9113 §5.1 machine: `TABLE[state][input]`. Total: every pair has an outcome. Frozen; walk it freely. */
export const TABLE: readonly (readonly Outcome[])[] = Object.freeze(
  rows.map((row) => Object.freeze(INPUT_NAMES.map((name) => Object.freeze(row[name])))),
);

/** The outcome of `input` in `state`. */
export function transition(state: StreamStateValue, input: number): Outcome {
  return TABLE[state]![input]!;
}

// The hot path reads a packed copy: (kind << 8) | state-or-error-code, one Uint16 per cell.
export const KIND_NEXT = 0;
export const KIND_IGNORE = 1;
export const KIND_CONNECTION_ERROR = 2;
export const KIND_STREAM_ERROR = 3;
export const KIND_USAGE = 4;

export const PACKED: Uint16Array = new Uint16Array(STATE_COUNT * INPUT_COUNT);
for (let state = 0; state < STATE_COUNT; state++) {
  for (let input = 0; input < INPUT_COUNT; input++) {
    PACKED[state * INPUT_COUNT + input] = pack(TABLE[state]![input]!);
  }
}

function pack(outcome: Outcome): number {
  switch (outcome.kind) {
    case 'next':
      return (KIND_NEXT << 8) | outcome.state;
    case 'ignore':
      return KIND_IGNORE << 8;
    case 'error':
      return ((outcome.scope === 'connection' ? KIND_CONNECTION_ERROR : KIND_STREAM_ERROR) << 8) | outcome.code;
    case 'usage':
      return KIND_USAGE << 8;
  }
}
