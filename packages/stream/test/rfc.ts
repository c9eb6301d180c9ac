// RFC 9113 §5.1/§6 expectations written here from the RFC text, rule by rule, independently of src/table.ts:
// which frames each state may send or receive, and what END_STREAM and RST_STREAM do. Used by the exhaustive
// table test and as the transition function of the model-based test.

export type Frame = 'HEADERS' | 'DATA' | 'PUSH_PROMISE' | 'PROMISED' | 'RST_STREAM' | 'WINDOW_UPDATE' | 'PRIORITY';
export type Expected = string; // "→ <state>", "ignore", "usage", "connection <CODE>", "stream <CODE>"

export const PE = 'connection PROTOCOL_ERROR';

export function parseInput(name: string): { sending: boolean; frame: Frame; endStream: boolean } {
  const sending = name.startsWith('SEND_');
  const rest = name.slice(5);
  const endStream = rest.endsWith('_END_STREAM');
  return { sending, frame: (endStream ? rest.slice(0, -'_END_STREAM'.length) : rest) as Frame, endStream };
}

// §5.1, frame by frame: what a state lets the peer send us without error.
const mayReceive: Record<string, readonly Frame[]> = {
  idle: ['HEADERS', 'PROMISED', 'PRIORITY'],
  'reserved (local)': ['RST_STREAM', 'PRIORITY', 'WINDOW_UPDATE'],
  'reserved (remote)': ['HEADERS', 'RST_STREAM', 'PRIORITY'],
  // "An endpoint can receive any type of frame in this state" (half-closed (local)); open is used by both peers.
  open: ['HEADERS', 'DATA', 'PUSH_PROMISE', 'RST_STREAM', 'WINDOW_UPDATE', 'PRIORITY'],
  'half-closed (local)': ['HEADERS', 'DATA', 'PUSH_PROMISE', 'RST_STREAM', 'WINDOW_UPDATE', 'PRIORITY'],
  'half-closed (remote)': ['WINDOW_UPDATE', 'PRIORITY', 'RST_STREAM'],
};

// §5.1 and §6.6, what this endpoint may send.
const maySend: Record<string, readonly Frame[]> = {
  idle: ['HEADERS', 'PROMISED', 'PRIORITY'],
  'reserved (local)': ['HEADERS', 'RST_STREAM', 'PRIORITY'],
  'reserved (remote)': ['RST_STREAM', 'WINDOW_UPDATE', 'PRIORITY'],
  open: ['HEADERS', 'DATA', 'PUSH_PROMISE', 'RST_STREAM', 'WINDOW_UPDATE', 'PRIORITY'],
  'half-closed (local)': ['WINDOW_UPDATE', 'PRIORITY', 'RST_STREAM'],
  'half-closed (remote)': ['HEADERS', 'DATA', 'PUSH_PROMISE', 'RST_STREAM', 'WINDOW_UPDATE', 'PRIORITY'],
};

function afterEndStream(state: string, sending: boolean): string {
  // "An endpoint sending an END_STREAM flag causes the stream state to become half-closed (local); an endpoint
  // receiving an END_STREAM flag causes the stream state to become half-closed (remote)." Both → closed.
  if (state === 'open') return sending ? 'half-closed (local)' : 'half-closed (remote)';
  return 'closed [END_STREAM]';
}

export function expectReceive(state: string, frame: Frame, endStream: boolean): Expected {
  if (frame === 'PRIORITY') return `→ ${state}`; // "PRIORITY can be sent and received in any stream state"
  if (state.startsWith('closed')) return expectReceiveClosed(state, frame);
  if (frame === 'PROMISED') return state === 'idle' ? '→ reserved (remote)' : PE; // §6.6: promised must be idle
  if (!mayReceive[state]!.includes(frame)) {
    if (state === 'half-closed (remote)' && frame !== 'PUSH_PROMISE') return 'stream STREAM_CLOSED';
    return PE; // idle/reserved rules, §6.4 (RST_STREAM on idle), §6.6 (PUSH_PROMISE on other states)
  }
  if (frame === 'RST_STREAM') return '→ closed [reset received]';
  if (frame === 'HEADERS' && state === 'idle') return endStream ? '→ half-closed (remote)' : '→ open';
  if (frame === 'HEADERS' && state === 'reserved (remote)') {
    return endStream ? '→ closed [END_STREAM]' : '→ half-closed (local)';
  }
  if (endStream) return `→ ${afterEndStream(state, false)}`;
  return `→ ${state}`;
}

function expectReceiveClosed(state: string, frame: Frame): Expected {
  if (frame === 'PROMISED') return PE; // §6.6: an id that is not idle is illegal
  if (state === 'closed [unused]') return PE; // never opened; a lower new id is unexpected (§5.1.1)
  // §5.1: WINDOW_UPDATE or RST_STREAM may arrive after we sent END_STREAM or RST_STREAM; §6.9, §5.4.2.
  if (frame === 'RST_STREAM' || frame === 'WINDOW_UPDATE') return 'ignore';
  // §5.1: after sending RST_STREAM, minimally process and discard; allowed for all closed streams.
  if (state === 'closed [reset sent]' || state === 'closed [forgotten]') return 'ignore';
  if (frame === 'PUSH_PROMISE') return PE; // §6.6
  if (state === 'closed [reset received]') return 'stream STREAM_CLOSED'; // RFC 7540 §5.1, h2spec 5.1
  return 'connection STREAM_CLOSED'; // closed [END_STREAM]: §5.1, h2spec 5.1
}

export function expectSend(state: string, frame: Frame, endStream: boolean): Expected {
  if (frame === 'PRIORITY') return `→ ${state}`;
  if (state.startsWith('closed')) {
    // "An endpoint MUST NOT send frames other than PRIORITY on a closed stream" — except the RST_STREAM that
    // answers a stream error (§5.4.2) on a stream that was once open.
    return frame === 'RST_STREAM' && state !== 'closed [unused]' ? '→ closed [reset sent]' : 'usage';
  }
  if (!maySend[state]!.includes(frame)) return 'usage';
  if (frame === 'RST_STREAM') return '→ closed [reset sent]';
  if (frame === 'PROMISED') return '→ reserved (local)';
  if (frame === 'HEADERS' && state === 'idle') return endStream ? '→ half-closed (local)' : '→ open';
  if (frame === 'HEADERS' && state === 'reserved (local)') {
    return endStream ? '→ closed [END_STREAM]' : '→ half-closed (remote)';
  }
  if (endStream) return `→ ${afterEndStream(state, true)}`;
  return `→ ${state}`;
}
