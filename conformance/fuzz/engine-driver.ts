// Plays one fuzz run against a sans-IO H2Connection (server or client role) in memory and checks the invariants after
// every step. Throws Violation, with the step, on the first one broken:
//  - receive(), pull(), tick() and takeEvents() never throw; application calls throw nothing but StreamUsageError;
//  - no connection error of type INTERNAL_ERROR (the engine's name for a bug of its own that it caught);
//  - everything pull() returns parses as well-formed frames (@strand/frame's FrameDecoder), a client's after its preface;
//  - once a GOAWAY with an error code went out, nothing follows it;
//  - open streams never exceed what SETTINGS_MAX_CONCURRENT_STREAMS allows (plus what the application opened itself);
//  - outbound bytes stay within a fixed multiple of inbound bytes plus the application's own data (no amplification);
//  - DATA per stream (whole frames or, with dataPieces, pieces of frames): no 'data' event after the stream's END_STREAM,
//    reset or close; every byte delivered was charged to flow control by that event or an earlier one (a frame's
//    flowControlledLength comes with its first event); no more bytes delivered than the peer sent as DATA content.
import { CONNECTION_PREFACE, ErrorCode, FrameDecoder, concatBytes, FrameType, FrameWriter, H2Error, errorCodeName, frameTypeName } from '@strand/frame';
import { Encoder } from '@strand/hpack';
import { StreamUsageError } from '@strand/stream';
import { H2Connection, type ConnectionOptions, type H2Event } from '@strand/connection';
import { NEW_STREAM, RAW_STREAM, STREAM_ZERO, type Action, type BodyAction, type FrameAction } from './actions.js';

export class Violation extends Error {
  override name = 'Violation';
}

export type Prelude = 'preface+settings' | 'preface+settings+ack' | 'preface' | 'bad-preface' | 'nothing';

export interface Run {
  role: 'server' | 'client';
  prelude: Prelude;
  options: Partial<ConnectionOptions>;
  actions: Action[];
  /** At most this many bytes per receive() call (default: as the actions deliver them). */
  chunk?: number;
}

/** What the runs played so far exercised (for the long mode's report). */
export const coverage = { runs: 0, pieceRuns: 0 };

const PREFACE = new TextEncoder().encode(CONNECTION_PREFACE);
const GET: Array<[string, string]> = [[':method', 'GET'], [':scheme', 'http'], [':authority', 'localhost'], [':path', '/']];
/** Outbound bytes allowed per inbound byte, over and above the application's own data and a fixed allowance. */
const AMPLIFICATION = 8;
const ALLOWANCE = 8 * 1024;

class Driver {
  private now = 0;
  readonly conn: H2Connection;
  private readonly peerHpack = new Encoder();
  private readonly w = new FrameWriter();
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private readonly out = new FrameDecoder({ maxFrameSize: 16_777_215 });
  private prefaceLeft: number;
  private errorGoaway = '';
  private inBytes = 0;
  private outBytes = 0;
  private appBytes = 0;
  private localOpened = 0;
  /** Streams the application may act on (requests received, or its own requests). */
  private readonly streams: number[] = [];
  private step = 'start';
  /** Streams the peer's frames may target: those it opened (server role) or the client's own and promised ones. */
  private readonly targets: number[] = [];
  /** The next stream id the peer would open: odd for a client's requests, even for a server's promises. */
  private nextNew: number;
  /** DATA bytes received and not yet consumed, per stream (manual flow control). */
  private readonly unconsumed = new Map<number, number>();
  /** Per stream: DATA content the peer sent, bytes delivered, flow-controlled bytes reported; streams that ended. */
  private readonly sentContent = new Map<number, number>();
  private readonly delivered = new Map<number, number>();
  private readonly charged = new Map<number, number>();
  private readonly ended = new Set<number>();
  /** Garbage went in: frame boundaries are no longer what the driver wrote, so sentContent is no bound. */
  private garbled = false;
  private sawPieces = false;

  constructor(readonly run: Run) {
    this.conn = new H2Connection({ ...run.options, role: run.role, clock: () => this.now });
    this.prefaceLeft = run.role === 'client' ? PREFACE.length : 0;
    this.nextNew = run.role === 'server' ? 1 : 2;
  }

  private resolve(target: number, rawId: number, type = -1): number {
    if (target === STREAM_ZERO) return 0;
    if (target === RAW_STREAM) return rawId;
    // A server answers on the client's streams: its "new" HEADERS go to the newest one.
    if (target === NEW_STREAM && type === FrameType.HEADERS && this.run.role === 'client') target = this.targets.length - 1;
    if (target === NEW_STREAM) {
      const id = this.nextNew;
      this.nextNew += 2;
      this.targets.push(id);
      return id;
    }
    if (this.targets.length === 0) this.openOne();
    return this.targets.length > 0 ? this.targets[Math.max(0, target) % this.targets.length]! : 1;
  }

  /** A frame for an existing stream when there is none yet: open one first (a request from either side). */
  private openOne(): void {
    if (this.run.role === 'server') {
      const id = this.resolve(NEW_STREAM, 0);
      this.w.headers(id, this.peerHpack.encode(GET).slice(), { endStream: false });
    } else {
      this.call(() => {
        const id = this.conn.request(GET, { endStream: true });
        this.localOpened++;
        this.streams.push(id);
        this.targets.push(id);
      });
    }
  }

  play(): void {
    coverage.runs++;
    this.prelude();
    this.run.actions.forEach((action, i) => {
      this.step = `action ${i} (${action.kind === 'frame' ? frameTypeName(action.type) : action.kind})`;
      if (action.kind === 'frame') {
        this.writeFrame(action);
        this.deliver(action.deliver);
      } else if (action.kind === 'body') {
        this.writeBody(action);
        this.deliver(action.deliver);
      } else if (action.kind === 'garbage') {
        this.garbled ||= action.bytes.length > 0;
        this.queue(action.bytes);
        this.deliver(action.deliver);
      } else {
        this.app(action);
      }
      this.drain();
    });
    this.step = 'end';
    this.deliver(Infinity);
    this.drain();
    if (this.sawPieces) coverage.pieceRuns++;
  }

  private prelude(): void {
    const p = this.run.prelude;
    this.drain(); // the engine's own preface goes first
    if (this.run.role === 'server') {
      if (p === 'bad-preface') this.queue(new TextEncoder().encode('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
      else if (p !== 'nothing') this.queue(PREFACE);
    }
    if (p === 'preface+settings' || p === 'preface+settings+ack') this.w.settings([]);
    if (p === 'preface+settings+ack') this.w.settingsAck();
    for (const chunk of this.w.flush()) this.queue(chunk);
    this.deliver(Infinity);
    this.drain();
  }

  private writeFrame(a: FrameAction): void {
    const id = this.resolve(a.target, a.rawId, a.type);
    if (a.type === FrameType.DATA) this.sentContent.set(id, (this.sentContent.get(id) ?? 0) + dataContent(a.flags, a.payload));
    if (a.type === FrameType.PUSH_PROMISE && a.fields === null && a.payload.length === 0) {
      this.w.raw(a.type, a.flags, id, u32(this.resolve(NEW_STREAM, 0))); // a promise with an empty block
    } else if (a.fields === null || (a.type !== FrameType.HEADERS && a.type !== FrameType.PUSH_PROMISE && a.type !== FrameType.CONTINUATION)) {
      this.w.raw(a.type, a.flags, id, a.payload);
    } else {
      const block = this.peerHpack.encode(a.fields).slice();
      if (a.type === FrameType.HEADERS) this.writeHeaders(a, id, block);
      else if (a.type === FrameType.PUSH_PROMISE) {
        const promised = a.payload.length >= 4 ? a.payload.subarray(0, 4) : u32(this.resolve(NEW_STREAM, 0));
        this.w.raw(a.type, a.flags & ~0x8, id, concatBytes([promised, block]));
      } else this.w.raw(a.type, a.flags, id, block);
    }
    for (const chunk of this.w.flush()) this.queue(chunk);
  }

  /** A request or response with a body of DATA frames (padded or not). */
  private writeBody(a: BodyAction): void {
    const id = this.resolve(a.headers ? NEW_STREAM : a.target, 0, FrameType.HEADERS);
    if (a.headers) {
      const fields: Array<[string, string]> = this.run.role === 'server' ? [[':method', 'POST'], ...GET.slice(1)] : [[':status', '200']];
      this.w.headers(id, this.peerHpack.encode(fields).slice(), { endStream: false });
    }
    a.frames.forEach((f, i) => {
      this.sentContent.set(id, (this.sentContent.get(id) ?? 0) + f.content);
      this.w.data(id, new Uint8Array(f.content), a.end && i === a.frames.length - 1, f.pad ?? undefined);
    });
    for (const chunk of this.w.flush()) this.queue(chunk);
  }

  /** HEADERS with padding and priority laid out as the flags say, the block split over CONTINUATIONs when asked. */
  private writeHeaders(a: FrameAction, id: number, block: Uint8Array): void {
    const padded = (a.flags & 0x8) !== 0;
    const priority = (a.flags & 0x20) !== 0;
    const padLength = padded ? (a.payload[0] ?? 0) % 16 : 0;
    const parts = a.continuations + 1;
    const size = Math.ceil(block.length / parts);
    const first = block.subarray(0, size);
    const head: number[] = [];
    if (padded) head.push(padLength);
    if (priority) for (let i = 0; i < 5; i++) head.push(a.payload[1 + i] ?? 0);
    const payload = concatBytes([new Uint8Array(head), first, new Uint8Array(padLength)]);
    const flags = a.continuations > 0 ? a.flags & ~0x4 : a.flags;
    this.w.raw(FrameType.HEADERS, flags, id, payload);
    for (let i = 1; i < parts; i++) {
      const last = i === parts - 1;
      this.w.raw(FrameType.CONTINUATION, last ? 0x4 : 0, id, block.subarray(i * size, (i + 1) * size));
    }
  }

  private queue(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
  }

  /** Hands up to `n` pending bytes to receive(), cut anywhere. */
  private deliver(n: number): void {
    let left = Math.min(n, this.pendingBytes);
    while (left > 0) {
      const head = this.pending[0]!;
      const take = Math.min(left, head.length, this.run.chunk ?? Infinity);
      const chunk = take === head.length ? head : head.subarray(0, take);
      if (take === head.length) this.pending.shift();
      else this.pending[0] = head.subarray(take);
      this.pendingBytes -= take;
      left -= take;
      this.inBytes += take;
      this.events(this.guarded('receive', () => this.conn.receive(chunk)));
    }
  }

  private app(a: Exclude<Action, FrameAction | BodyAction | { kind: 'garbage' }>): void {
    const c = this.conn;
    const id = this.streams.length > 0 ? this.streams[('pick' in a ? a.pick : 0) % this.streams.length]! : 1;
    this.call(() => {
      switch (a.kind) {
        case 'respond':
          c.respond(id, [[':status', '200']], a.body === 0 && a.end);
          this.data(id, a.body, a.end, a.trailers);
          return;
        case 'request': {
          const sid = c.request(a.fields, { endStream: a.body === 0 && a.end });
          this.localOpened++;
          this.streams.push(sid);
          this.targets.push(sid);
          this.data(sid, a.body, a.end, false);
          return;
        }
        case 'reset':
          return c.rstStream(id, a.code);
        case 'ping':
          c.ping();
          return;
        case 'settings':
          return c.settings({ initialWindowSize: a.initialWindowSize });
        case 'consume': {
          // Only what arrived and was not consumed yet: consuming more is a RangeError by contract (@strand/flow).
          const n = Math.min(a.bytes, this.unconsumed.get(id) ?? 0);
          if (n > 0 && this.run.options.manualFlowControl) {
            this.unconsumed.set(id, (this.unconsumed.get(id) ?? 0) - n);
            c.consume(id, n);
          }
          return;
        }
        case 'push': {
          const promised = c.pushPromise(id, [[':method', 'GET'], [':scheme', 'http'], [':authority', 'localhost'], [':path', '/pushed']]);
          this.localOpened++;
          this.streams.push(promised);
          return;
        }
        case 'close':
          return c.close();
        case 'destroy':
          return c.destroy(ErrorCode.CANCEL, 'fuzz destroy');
        case 'tick':
          this.now += a.ms;
          this.guarded('tick', () => c.tick());
          return;
      }
    });
    this.events(this.guarded('takeEvents', () => c.takeEvents()));
  }

  private data(id: number, body: number, end: boolean, trailers: boolean): void {
    if (body > 0) {
      this.appBytes += body;
      this.conn.submitData(id, new Uint8Array(body), end && !trailers);
    }
    if (end && trailers) this.conn.end(id, [['x-trailer', 'yes']]);
    else if (end && body === 0) this.conn.end(id);
  }

  /** An application call: StreamUsageError is its documented refusal; anything else is a violation. */
  private call(f: () => void): void {
    try {
      f();
    } catch (error) {
      if (error instanceof StreamUsageError) return;
      if (error instanceof Violation) throw error;
      throw this.violation(`application call threw ${describe(error)}`);
    }
  }

  private guarded<T>(what: string, f: () => T): T {
    try {
      return f();
    } catch (error) {
      throw this.violation(`${what}() threw ${describe(error)}`);
    }
  }

  private events(events: H2Event[]): void {
    for (const e of events) {
      if (e.type === 'connectionError' && e.errorCode === ErrorCode.INTERNAL_ERROR) throw this.violation(`INTERNAL_ERROR: ${e.message}`);
      if (e.type === 'headers' && e.kind === 'request') this.streams.push(e.streamId);
      else if (e.type === 'pushPromise') this.streams.push(e.promisedStreamId);
      else if (e.type === 'data') this.onData(e);
      else if (e.type === 'streamReset' || e.type === 'streamClosed') this.ended.add(e.streamId);
    }
    if (this.streams.length > 64) this.streams.splice(0, this.streams.length - 64);
  }

  private onData(e: Extract<H2Event, { type: 'data' }>): void {
    const id = e.streamId;
    if (this.ended.has(id)) throw this.violation(`DATA event on stream ${id} after its END_STREAM, reset or close`);
    if (e.endStream) this.ended.add(id);
    if (e.data.length > 0 && e.flowControlledLength === 0) this.sawPieces = true;
    this.unconsumed.set(id, (this.unconsumed.get(id) ?? 0) + e.data.length);
    const delivered = (this.delivered.get(id) ?? 0) + e.data.length;
    const charged = (this.charged.get(id) ?? 0) + e.flowControlledLength;
    this.delivered.set(id, delivered);
    this.charged.set(id, charged);
    if (delivered > charged) throw this.violation(`stream ${id}: ${delivered} DATA bytes delivered, ${charged} charged to flow control`);
    const sent = this.sentContent.get(id) ?? 0;
    if (!this.garbled && delivered > sent) throw this.violation(`stream ${id}: ${delivered} DATA bytes delivered, the peer sent ${sent}`);
  }

  /** Pulls everything the engine has to write and checks it. */
  private drain(): void {
    for (let round = 0; round < 100; round++) {
      const chunks = this.guarded('pull', () => this.conn.pull());
      this.events(this.guarded('takeEvents', () => this.conn.takeEvents()));
      if (chunks.length === 0) break;
      for (const chunk of chunks) this.check(chunk);
    }
    const limit = (this.run.options.settings?.maxConcurrentStreams ?? 100) + this.localOpened;
    if (this.conn.activeStreams > limit) throw this.violation(`${this.conn.activeStreams} streams open, limit ${limit}`);
    const allowed = AMPLIFICATION * this.inBytes + this.appBytes + ALLOWANCE;
    if (this.outBytes > allowed) throw this.violation(`${this.outBytes} bytes written for ${this.inBytes} received (+${this.appBytes} of application data)`);
  }

  private check(chunk: Uint8Array): void {
    this.outBytes += chunk.length;
    let bytes = chunk;
    if (this.prefaceLeft > 0) {
      const offset = PREFACE.length - this.prefaceLeft;
      const n = Math.min(this.prefaceLeft, bytes.length);
      for (let i = 0; i < n; i++) if (bytes[i] !== PREFACE[offset + i]) throw this.violation('the client did not start with the connection preface');
      this.prefaceLeft -= n;
      bytes = bytes.subarray(n);
    }
    this.out.push(bytes);
    try {
      for (let f = this.out.next(); f !== null; f = this.out.next()) {
        if (this.errorGoaway) throw this.violation(`${frameTypeName(f.type)} on stream ${f.streamId} after ${this.errorGoaway}`);
        if (f.type === FrameType.GOAWAY && f.errorCode !== ErrorCode.NO_ERROR) {
          this.errorGoaway = `GOAWAY ${errorCodeName(f.errorCode)} "${new TextDecoder().decode(f.debugData)}"`;
        }
      }
    } catch (error) {
      if (error instanceof Violation) throw error;
      throw this.violation(`output does not parse: ${describe(error)}`);
    }
  }

  private violation(message: string): Violation {
    return new Violation(`${this.run.role}, ${this.step}: ${message}`);
  }
}

function describe(error: unknown): string {
  if (error instanceof H2Error) return `H2Error ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}\n${error.stack?.split('\n').slice(1, 4).join('\n')}`;
  return String(error);
}

/** Content octets of a DATA frame as written: the payload less the pad length octet and padding when PADDED and
 *  well-formed (a frame with bad padding is a connection error, 0 is as good a bound as any). */
function dataContent(flags: number, payload: Uint8Array): number {
  if ((flags & 0x8) === 0) return payload.length;
  return payload.length >= 1 && payload[0]! < payload.length ? payload.length - 1 - payload[0]! : 0;
}

function u32(n: number): Uint8Array {
  return new Uint8Array([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
}

/** Plays a run; throws Violation when an invariant breaks. */
export function playRun(run: Run): void {
  new Driver(run).play();
}
