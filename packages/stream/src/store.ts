import { connectionError, ErrorCode, MAX_STREAM_ID, streamError, type ErrorCodeValue } from '@strand/frame';
import { ClosedRing } from './closed-ring.js';
import { isStreamId } from './ids.js';
import { IdMap } from './id-map.js';
import { frameInput, Input, INPUT_COUNT, inputLabel } from './inputs.js';
import { isActive, isClosed, STATE_NAMES, StreamState, type StreamStateValue } from './states.js';
import { Stream } from './stream.js';
import { KIND_CONNECTION_ERROR, KIND_NEXT, KIND_USAGE, PACKED } from './table.js';
import { StreamUsageError } from './usage-error.js';

export type Role = 'client' | 'server';

/** Totals since the store was created. `opened - closed` per side is the number of live streams of that side. */
export interface StreamCounters {
  /** Streams this endpoint created: requests (client) or promises (server). */
  openedLocal: number;
  /** Streams the peer created, including the ones refused for MAX_CONCURRENT_STREAMS. */
  openedRemote: number;
  closedLocal: number;
  closedRemote: number;
  /** RST_STREAM frames this endpoint sends: `send(…RST_STREAM…)` plus every stream error `receive` throws. */
  resetsSent: number;
  /** RST_STREAM frames received without error, on live or closed streams. */
  resetsReceived: number;
  /** Peer streams refused with REFUSED_STREAM because they exceeded our MAX_CONCURRENT_STREAMS. */
  refused: number;
}

export interface StreamStoreOptions<T> {
  /** How many closed streams to remember with their closure reason (default 1024). */
  closedMemory?: number;
  /** Creates `stream.ext` for each new stream; required unless `T` includes undefined (then `ext` starts undefined). */
  init?: (id: number, local: boolean) => T;
}

type OptionsArgument<T> = undefined extends T
  ? [options?: StreamStoreOptions<T>]
  : [options: StreamStoreOptions<T> & { init: (id: number, local: boolean) => T }];

/** Default number of closed streams remembered. */
export const DEFAULT_CLOSED_MEMORY = 1024;

// §5.1 stream states of one connection, for one endpoint. Sans-IO: the engine reports every stream frame it
// receives or sends; the store answers with the stream, null (discard), or a thrown error.
export class StreamStore<T = undefined> {
  readonly role: Role;
  readonly counters: Readonly<StreamCounters> = {
    openedLocal: 0,
    openedRemote: 0,
    closedLocal: 0,
    closedRemote: 0,
    resetsSent: 0,
    resetsReceived: 0,
    refused: 0,
  };

  private readonly live = new IdMap<Stream<T>>();
  private readonly closed: ClosedRing;
  private readonly init: ((id: number, local: boolean) => T) | undefined;
  /** Parity of the ids this endpoint initiates: 1 for a client (odd), 0 for a server (even). §5.1.1 */
  private readonly localParity: number;
  private highestLocal = 0;
  private highestRemote = 0;
  private activeLocalCount = 0;
  private activeRemoteCount = 0;
  /** Our SETTINGS_MAX_CONCURRENT_STREAMS: limits streams the peer opens. */
  private localMax = Infinity;
  /** The peer's SETTINGS_MAX_CONCURRENT_STREAMS: limits streams we open. */
  private remoteMax = Infinity;

  /** `init` is required when `T` does not include undefined. */
  constructor(role: Role, ...[options = {}]: OptionsArgument<T>) {
    if (role !== 'client' && role !== 'server') throw new TypeError(`role must be 'client' or 'server', got ${String(role)}`);
    this.role = role;
    this.localParity = role === 'client' ? 1 : 0;
    this.closed = new ClosedRing(options.closedMemory ?? DEFAULT_CLOSED_MEMORY);
    this.init = options.init;
  }

  // ---- Reading ----

  /** The live stream with this id (not idle, not closed), or undefined. O(1). */
  get(id: number): Stream<T> | undefined {
    return this.live.get(id);
  }

  /** The §5.1 state of any id: live, idle, or which kind of closed. */
  stateOf(id: number): StreamStateValue {
    if (!isStreamId(id)) throw new StreamUsageError('not a stream identifier (1 .. 2^31-1)', id);
    const stream = this.live.get(id);
    return stream === undefined ? this.resolve(id) : stream.state;
  }

  /** Live streams, in ascending id order (a snapshot: closing streams while iterating is safe). */
  streams(): Stream<T>[] {
    return this.live.values();
  }

  /** Gives back the room the live-stream table kept from its busiest moment (call when idle). */
  compact(): void {
    this.live.compact();
  }

  /** Number of live streams, reserved ones included. */
  get size(): number {
    return this.live.size;
  }

  /** Number of closed streams remembered (at most `closedMemory`). */
  get closedRemembered(): number {
    return this.closed.size;
  }

  /** Locally initiated streams that count toward the peer's MAX_CONCURRENT_STREAMS (open or half-closed, §5.1.2). */
  get activeLocal(): number {
    return this.activeLocalCount;
  }

  /** Peer-initiated streams that count toward our MAX_CONCURRENT_STREAMS. */
  get activeRemote(): number {
    return this.activeRemoteCount;
  }

  /** Highest id this endpoint has used; 0 before the first. */
  get highestLocalId(): number {
    return this.highestLocal;
  }

  /** Highest id the peer has used; 0 before the first. This is GOAWAY's last-stream-id (§6.8). */
  get highestRemoteId(): number {
    return this.highestRemote;
  }

  // ---- Limits and ids ----

  /** Our advertised SETTINGS_MAX_CONCURRENT_STREAMS, once the peer has acknowledged it. Initially unlimited. */
  setLocalMaxConcurrent(n: number): void {
    this.localMax = checkLimit(n);
  }

  /** The peer's SETTINGS_MAX_CONCURRENT_STREAMS. Initially unlimited (§6.5.2). */
  setRemoteMaxConcurrent(n: number): void {
    this.remoteMax = checkLimit(n);
  }

  /** Whether a new local stream may become active now; if not, queue it until a stream closes (§5.1.2). */
  canOpenLocal(): boolean {
    return this.activeLocalCount < this.remoteMax;
  }

  /** The id the next local stream must use, or -1 once ids are used up (§5.1.1). */
  nextLocalId(): number {
    const next = this.highestLocal === 0 ? 2 - this.localParity : this.highestLocal + 2;
    return next > MAX_STREAM_ID ? -1 : next;
  }

  /** True when no new local stream can be created: a client opens a new connection, a server sends GOAWAY. */
  get exhausted(): boolean {
    return this.nextLocalId() < 0;
  }

  // ---- Frames ----

  /**
   * A frame the peer sent on stream `id` (HEADERS, DATA, RST_STREAM, WINDOW_UPDATE, PRIORITY; call on the HEADERS,
   * not on its CONTINUATIONs). Returns the stream the frame belongs to, in its new state (a closed one has left the
   * store), or null when there is no live stream: discard the frame after minimal processing (decode its header
   * block, charge DATA to the connection window). Throws H2Error: connection scope → GOAWAY; stream scope → the
   * stream is already closed as reset and counted, write RST_STREAM with `error.code`.
   */
  receive(id: number, frameType: number, flags: number): Stream<T> | null {
    const input = frameInput(id, frameType, flags, false);
    if (!isStreamId(id)) throw connectionError(ErrorCode.PROTOCOL_ERROR, `frame on invalid stream ${id}`);
    const stream = this.live.get(id);
    if (stream !== undefined) return this.receiveOnLive(stream, input);
    const state = this.resolve(id);
    if (state === StreamState.IDLE && (input === Input.RECV_HEADERS || input === Input.RECV_HEADERS_END_STREAM)) {
      return this.openRemote(id, input);
    }
    const cell = PACKED[state * INPUT_COUNT + input]!;
    if (cell >> 8 >= KIND_CONNECTION_ERROR) this.failReceived(id, state, input, cell, undefined);
    if (input === Input.RECV_RST_STREAM) this.counters_.resetsReceived++;
    return null;
  }

  /**
   * A frame this endpoint is about to send on stream `id`. Returns the live stream in its new state (a closed one
   * has left the store), or null when no live stream is involved (PRIORITY on idle/closed, RST_STREAM on closed).
   * Throws StreamUsageError if the state forbids it; nothing changes then. Opening beyond the peer's
   * MAX_CONCURRENT_STREAMS is not checked here: ask `canOpenLocal()` first.
   */
  send(id: number, frameType: number, flags: number): Stream<T> | null {
    const input = frameInput(id, frameType, flags, true);
    if (!isStreamId(id)) throw new StreamUsageError('not a stream identifier (1 .. 2^31-1)', id);
    const stream = this.live.get(id);
    const state = stream === undefined ? this.resolve(id) : stream.state;
    if (stream === undefined && state === StreamState.IDLE) {
      if (input === Input.SEND_HEADERS || input === Input.SEND_HEADERS_END_STREAM) return this.openLocal(id, input);
    }
    const cell = PACKED[state * INPUT_COUNT + input]!;
    if (cell >> 8 === KIND_USAGE) {
      throw new StreamUsageError(`cannot ${inputLabel(input).replace('sending', 'send')} in state ${STATE_NAMES[state]}`, id);
    }
    const next = (cell & 0xff) as StreamStateValue;
    if (input === Input.SEND_RST_STREAM) this.counters_.resetsSent++;
    if (stream !== undefined) {
      if (next !== state) this.move(stream, next);
      return stream;
    }
    if (next !== state) this.closed.set(id, next); // RST_STREAM on a closed stream: late frames are now ignored
    return null;
  }

  /**
   * A PUSH_PROMISE the peer sent on `associatedId`, promising `promisedId` (client only). Returns the promised
   * stream, reserved (remote). It is reserved even when we had reset the associated stream (§5.1, §6.6); then
   * `get(associatedId)` is undefined and the engine should reset the promised stream (CANCEL). Throws H2Error
   * (always connection scope). The engine checks SETTINGS_ENABLE_PUSH itself.
   */
  receivePushPromise(associatedId: number, promisedId: number): Stream<T> {
    if (this.role === 'server') throw connectionError(ErrorCode.PROTOCOL_ERROR, 'PUSH_PROMISE received by a server (§8.4)');
    if (!isStreamId(associatedId) || !isStreamId(promisedId)) {
      throw connectionError(ErrorCode.PROTOCOL_ERROR, `PUSH_PROMISE ${associatedId} → ${promisedId}: invalid stream id`);
    }
    if (!this.isLocalId(associatedId)) {
      throw connectionError(ErrorCode.PROTOCOL_ERROR, `PUSH_PROMISE on stream ${associatedId}, which the client did not open (§6.6)`);
    }
    if (this.isLocalId(promisedId)) {
      throw connectionError(ErrorCode.PROTOCOL_ERROR, `PUSH_PROMISE promising odd stream ${promisedId} (§5.1.1)`);
    }
    const associated = this.live.get(associatedId);
    const associatedState = associated === undefined ? this.resolve(associatedId) : associated.state;
    const cell = PACKED[associatedState * INPUT_COUNT + Input.RECV_PUSH_PROMISE]!;
    if (cell >> 8 >= KIND_CONNECTION_ERROR) this.failReceived(associatedId, associatedState, Input.RECV_PUSH_PROMISE, cell, associated);
    const promisedState = this.stateOf(promisedId);
    const promisedCell = PACKED[promisedState * INPUT_COUNT + Input.RECV_PROMISED]!;
    if (promisedCell >> 8 !== KIND_NEXT) this.failReceived(promisedId, promisedState, Input.RECV_PROMISED, promisedCell, undefined);
    this.highestRemote = promisedId;
    return this.create(promisedId, false, (promisedCell & 0xff) as StreamStateValue);
  }

  /**
   * A PUSH_PROMISE this endpoint is about to send on `associatedId` (a client stream, open or half-closed (remote)),
   * promising `promisedId` (normally `nextLocalId()`). Server only. Returns the promised stream, reserved (local);
   * send its HEADERS when `canOpenLocal()` allows. Throws StreamUsageError.
   */
  sendPushPromise(associatedId: number, promisedId: number): Stream<T> {
    if (this.role === 'client') throw new StreamUsageError('a client cannot push (§8.4)', associatedId);
    if (!isStreamId(associatedId) || this.isLocalId(associatedId)) {
      throw new StreamUsageError('PUSH_PROMISE must be sent on a client-initiated stream (§6.6)', associatedId);
    }
    if (!isStreamId(promisedId) || !this.isLocalId(promisedId)) {
      throw new StreamUsageError('a promised stream id must be even (§5.1.1)', promisedId);
    }
    const associatedState = this.stateOf(associatedId);
    if (PACKED[associatedState * INPUT_COUNT + Input.SEND_PUSH_PROMISE]! >> 8 !== KIND_NEXT) {
      throw new StreamUsageError(`cannot send PUSH_PROMISE in state ${STATE_NAMES[associatedState]}`, associatedId);
    }
    const promisedState = this.stateOf(promisedId);
    const promisedCell = PACKED[promisedState * INPUT_COUNT + Input.SEND_PROMISED]!;
    if (promisedCell >> 8 !== KIND_NEXT) {
      throw new StreamUsageError(`cannot promise a stream in state ${STATE_NAMES[promisedState]}`, promisedId);
    }
    this.highestLocal = promisedId;
    return this.create(promisedId, true, (promisedCell & 0xff) as StreamStateValue);
  }

  /**
   * Close a live stream without a frame (streams above a received GOAWAY's last-stream-id, §6.8). Late frames on it
   * are ignored as after a RST_STREAM we sent. Returns the closed stream, or undefined if it was not live.
   */
  abandon(id: number): Stream<T> | undefined {
    const stream = this.live.get(id);
    if (stream !== undefined) this.move(stream, StreamState.CLOSED_RESET_SENT);
    return stream;
  }

  // ---- Internals ----

  private get counters_(): StreamCounters {
    return this.counters as StreamCounters;
  }

  private isLocalId(id: number): boolean {
    return (id & 1) === this.localParity;
  }

  /** State of an id with no live stream: idle above the highest id of its side, else some kind of closed. */
  private resolve(id: number): StreamStateValue {
    if (id > (this.isLocalId(id) ? this.highestLocal : this.highestRemote)) return StreamState.IDLE;
    const remembered = this.closed.get(id);
    if (remembered !== undefined) return remembered as StreamStateValue;
    return this.closed.mayHaveForgotten(id) ? StreamState.CLOSED_FORGOTTEN : StreamState.CLOSED_UNUSED;
  }

  private receiveOnLive(stream: Stream<T>, input: number): Stream<T> {
    const state = stream.state;
    const cell = PACKED[state * INPUT_COUNT + input]!;
    if (cell >> 8 !== KIND_NEXT) this.failReceived(stream.id, state, input, cell, stream);
    const next = (cell & 0xff) as StreamStateValue;
    if (next !== state) {
      // Only HEADERS on reserved (remote) activates a live peer stream: §5.1.2 applies to it too.
      if (!stream.local && isActive(next) && !isActive(state) && this.activeRemoteCount >= this.localMax) {
        this.refuse(stream.id, stream);
      }
      this.move(stream, next);
    }
    if (input === Input.RECV_RST_STREAM) this.counters_.resetsReceived++;
    return stream;
  }

  // RFC 9113 §5.1 idle + §5.1.1: only a client opens streams with HEADERS, on odd ids above all it used before.
  private openRemote(id: number, input: number): Stream<T> {
    if (this.role === 'client') {
      throw connectionError(ErrorCode.PROTOCOL_ERROR, `HEADERS on idle stream ${id}: a server opens streams only by PUSH_PROMISE (§5.1)`);
    }
    if (this.isLocalId(id)) {
      throw connectionError(ErrorCode.PROTOCOL_ERROR, `HEADERS on even stream ${id}: client streams are odd (§5.1.1)`);
    }
    this.highestRemote = id; // implicitly closes every lower idle id of the peer (§5.1.1)
    if (this.activeRemoteCount >= this.localMax) {
      this.counters_.openedRemote++; // the peer did open it; it closes at once
      this.counters_.closedRemote++;
      this.refuse(id, undefined);
    }
    return this.create(id, false, (PACKED[StreamState.IDLE * INPUT_COUNT + input]! & 0xff) as StreamStateValue);
  }

  private openLocal(id: number, input: number): Stream<T> {
    if (this.role === 'server') throw new StreamUsageError('a server opens streams only by PUSH_PROMISE (§5.1)', id);
    if (!this.isLocalId(id)) throw new StreamUsageError('client stream ids are odd (§5.1.1)', id);
    this.highestLocal = id; // implicitly closes every lower idle id of ours (§5.1.1)
    return this.create(id, true, (PACKED[StreamState.IDLE * INPUT_COUNT + input]! & 0xff) as StreamStateValue);
  }

  private create(id: number, local: boolean, state: StreamStateValue): Stream<T> {
    const stream = new Stream<T>(id, local, state, this.init === undefined ? (undefined as T) : this.init(id, local));
    this.live.set(id, stream);
    if (local) this.counters_.openedLocal++;
    else this.counters_.openedRemote++;
    if (isActive(state)) {
      if (local) this.activeLocalCount++;
      else this.activeRemoteCount++;
    }
    return stream;
  }

  private move(stream: Stream<T>, next: StreamStateValue): void {
    const delta = (isActive(next) ? 1 : 0) - (isActive(stream.state) ? 1 : 0);
    if (stream.local) this.activeLocalCount += delta;
    else this.activeRemoteCount += delta;
    stream.state = next;
    if (!isClosed(next)) return;
    this.live.delete(stream.id);
    this.closed.set(stream.id, next);
    if (stream.local) this.counters_.closedLocal++;
    else this.counters_.closedRemote++;
  }

  // RFC 9113 §5.1.2: over our limit → REFUSED_STREAM, so the client may retry it elsewhere.
  private refuse(id: number, stream: Stream<T> | undefined): never {
    this.counters_.refused++;
    this.resetFor(id, stream);
    throw streamError(ErrorCode.REFUSED_STREAM, id, `stream ${id} exceeds SETTINGS_MAX_CONCURRENT_STREAMS ${this.localMax} (§5.1.2)`);
  }

  private failReceived(id: number, state: number, input: number, cell: number, stream: Stream<T> | undefined): never {
    const code = (cell & 0xff) as ErrorCodeValue;
    const message = `${inputLabel(input)} on stream ${id} in state ${STATE_NAMES[state]}`;
    if (cell >> 8 === KIND_CONNECTION_ERROR) throw connectionError(code, message);
    this.resetFor(id, stream);
    throw streamError(code, id, message);
  }

  /** The engine will send RST_STREAM for this stream: record it as reset by us (§5.4.2). */
  private resetFor(id: number, stream: Stream<T> | undefined): void {
    this.counters_.resetsSent++;
    if (stream !== undefined) this.move(stream, StreamState.CLOSED_RESET_SENT);
    else this.closed.set(id, StreamState.CLOSED_RESET_SENT);
  }
}

function checkLimit(n: number): number {
  if (!(n >= 0) || (n !== Infinity && Math.floor(n) !== n)) {
    throw new RangeError(`MAX_CONCURRENT_STREAMS must be an integer >= 0 or Infinity, got ${n}`);
  }
  return n;
}
