// A raw HTTP/2 client connection for conformance cases: it writes whatever bytes a case asks for (valid or
// not), reads the server's frames into a queue, and offers the verdicts h2spec uses (connection error,
// stream error, close, HEADERS, PING ACK, ...). Every wait is bounded by the per-case timeout.
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { CONNECTION_PREFACE, DEFAULT_INITIAL_WINDOW_SIZE, FrameType, SettingId, frameTypeName } from '@strand/frame';
import { FrameReader, type WireFrame } from './reader.js';
import { type ConnEvent, type FrameOf, describe, describeFrame, endsStream, errorCodeOf, expectedFrame, hex, isType } from './events.js';
import { type Field, type HeaderBlockEncoder, newEncoder } from './headers.js';
import type { Target } from './target.js';
import * as wire from './wire.js';

/** A case did not see what the RFC requires: `expected` lists acceptable outcomes, `actual` what happened. */
export class CaseFailure extends Error {
  constructor(
    readonly expected: string[],
    readonly actual: string,
  ) {
    super(`expected ${expected.join(' or ')}, got ${actual}`);
    this.name = 'CaseFailure';
  }
}

/** A case does not apply to this server (e.g. it advertises no stream limit). */
export class CaseSkipped extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'CaseSkipped';
  }
}

export interface ClientOptions {
  /** Longest wait for any single event, in milliseconds. */
  timeoutMs: number;
  /** Header block encoder for this connection; @strand/hpack's (indexing everything) by default. */
  encoder?: HeaderBlockEncoder;
}

const CONNECTION_CLOSED = 'Connection closed';

export class H2Client {
  /** The settings the server sent in its preface (identifier → value). */
  readonly serverSettings = new Map<number, number>();
  readonly timeoutMs: number;
  private readonly encoder: HeaderBlockEncoder;
  private readonly reader = new FrameReader();
  private readonly queue: ConnEvent[] = [];
  private end: ConnEvent | undefined;
  private wake: (() => void) | undefined;
  private corked = false;
  /** Receive windows h2spec-style: refilled with WINDOW_UPDATE once a window is used up. */
  private readonly recvWindows = new Map<number, number>([[0, DEFAULT_INITIAL_WINDOW_SIZE]]);

  constructor(
    private readonly socket: Duplex,
    options: ClientOptions,
  ) {
    this.timeoutMs = options.timeoutMs;
    this.encoder = options.encoder ?? newEncoder();
    socket.on('data', (chunk: Uint8Array) => this.onData(chunk));
    socket.on('end', () => this.finish({ kind: 'closed' }));
    socket.on('close', () => this.finish({ kind: 'closed' }));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // A reset or a write into a closed socket both mean the server has gone away.
      const gone = err.code === 'ECONNRESET' || err.code === 'EPIPE' || err.code === 'ECONNABORTED';
      this.finish(gone ? { kind: 'closed' } : { kind: 'error', message: err.message });
    });
  }

  /** Opens a TCP (or TLS with ALPN h2) connection to `target`; no bytes are sent yet. */
  static async connect(target: Target, options: ClientOptions): Promise<H2Client> {
    const connectTimeout = Math.max(options.timeoutMs * 3, 3000);
    const socket = await new Promise<Duplex>((resolve, reject) => {
      const s = target.tls
        ? tls.connect({
            host: target.host,
            port: target.port,
            servername: target.servername ?? (net.isIP(target.host) ? undefined : target.host),
            ALPNProtocols: ['h2'],
            rejectUnauthorized: false,
          })
        : net.connect({ host: target.host, port: target.port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new Error(`connect to ${target.host}:${target.port} timed out`));
      }, connectTimeout);
      s.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      s.once(target.tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        if (target.tls && (s as tls.TLSSocket).alpnProtocol !== 'h2') {
          s.destroy();
          reject(new Error('ALPN did not select h2'));
          return;
        }
        (s as net.Socket).setNoDelay(true);
        resolve(s);
      });
    });
    return new H2Client(socket, options);
  }

  /** True once the connection closed, failed or a wait timed out. */
  get closed(): boolean {
    return this.end !== undefined;
  }

  close(): void {
    this.socket.destroy();
  }

  // ── sending ────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Writes raw bytes; silently does nothing once the socket is gone (the verdict comes from reading).
   * Everything a case sends in one synchronous run goes out in one write, so the server reads the
   * frames together, as it would from a fast client, instead of racing its responses against them.
   */
  send(bytes: Uint8Array): void {
    if (this.socket.destroyed || this.socket.writableEnded) return;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(bytes);
  }

  encodeHeaders(fields: readonly Field[]): Uint8Array {
    return this.encoder.encode(fields);
  }

  sendPreface(): void {
    this.send(wire.ascii(CONNECTION_PREFACE));
  }

  sendSettings(...pairs: Array<readonly [number, number]>): void {
    this.send(wire.settingsFrame(pairs));
  }

  /** HEADERS carrying `fields` encoded with this connection's encoder. */
  sendHeaders(streamId: number, fields: readonly Field[], opts: Partial<Omit<wire.HeadersFields, 'streamId' | 'block'>> = {}): void {
    this.send(
      wire.headersFrame({
        streamId,
        block: this.encodeHeaders(fields),
        endStream: opts.endStream ?? true,
        endHeaders: opts.endHeaders ?? true,
        ...(opts.padLength !== undefined ? { padLength: opts.padLength } : {}),
        ...(opts.priority ? { priority: opts.priority } : {}),
      }),
    );
  }

  sendData(streamId: number, endStream: boolean, data: Uint8Array | string): void {
    this.send(wire.dataFrame(streamId, endStream, typeof data === 'string' ? wire.ascii(data) : data));
  }

  sendContinuation(streamId: number, endHeaders: boolean, fields: readonly Field[]): void {
    this.send(wire.continuationFrame(streamId, endHeaders, this.encodeHeaders(fields)));
  }

  sendPing(data: Uint8Array, ack = false): void {
    this.send(wire.pingFrame(ack, data));
  }

  // ── handshake ──────────────────────────────────────────────────────────────────────────────────────

  /**
   * RFC 9113 §3.4: preface + SETTINGS (INITIAL_WINDOW_SIZE 65535), then wait until the server's SETTINGS
   * arrived (and was ACKed) and our SETTINGS was ACKed. Other frames meanwhile are dropped.
   */
  async handshake(): Promise<void> {
    this.sendPreface();
    this.sendSettings([SettingId.INITIAL_WINDOW_SIZE, DEFAULT_INITIAL_WINDOW_SIZE]);
    const deadline = Date.now() + this.timeoutMs;
    let acked = false;
    let remote = false;
    while (!(acked && remote)) {
      const event = await this.take(deadline);
      if (event.kind !== 'frame') throw new CaseFailure(['SETTINGS exchange (handshake)'], describe(event));
      const f = event.frame;
      if (f.type !== FrameType.SETTINGS) continue;
      if (f.ack) {
        acked = true;
        continue;
      }
      remote = true;
      for (const [id, value] of f.settings) this.serverSettings.set(id, value);
      this.send(wire.settingsAckFrame());
    }
  }

  // ── receiving ──────────────────────────────────────────────────────────────────────────────────────

  /**
   * The next event, waiting at most the case timeout. After a close, error or timeout the connection is
   * finished and that same final event is returned again.
   */
  nextEvent(): Promise<ConnEvent> {
    return this.take(Date.now() + this.timeoutMs);
  }

  private async take(deadline: number): Promise<ConnEvent> {
    for (;;) {
      const queued = this.queue.shift();
      if (queued) return queued;
      if (this.end) return this.end;
      const left = deadline - Date.now();
      if (left <= 0) {
        this.end = { kind: 'timeout' };
        return this.end;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private onData(chunk: Uint8Array): void {
    if (this.end) return;
    let frames: WireFrame[];
    try {
      frames = this.reader.push(chunk);
    } catch (err) {
      this.finish({ kind: 'error', message: `undecodable frame from server: ${(err as Error).message}` });
      return;
    }
    for (const frame of frames) {
      if (frame.type === FrameType.DATA) this.consumeWindow(frame);
      this.queue.push({ kind: 'frame', frame });
    }
    this.wake?.();
  }

  private finish(event: ConnEvent): void {
    if (this.end) return;
    this.end = event;
    this.wake?.();
  }

  /** Like h2spec: when a receive window reaches zero, give back 65535 plus the overdraft. */
  private consumeWindow(frame: FrameOf<typeof FrameType.DATA>): void {
    for (const id of [frame.streamId, 0]) {
      const left = (this.recvWindows.get(id) ?? DEFAULT_INITIAL_WINDOW_SIZE) - frame.flowControlledLength;
      if (left <= 0) {
        const increment = DEFAULT_INITIAL_WINDOW_SIZE - left;
        this.send(wire.windowUpdateFrame(id, increment));
        this.recvWindows.set(id, left + increment);
      } else {
        this.recvWindows.set(id, left);
      }
    }
  }

  /**
   * Reads events until `accept` says yes (returns) or the connection ends / times out (throws). The
   * failure reports the last event seen before the end, as h2spec does.
   */
  private async until(expected: string[], accept: (event: ConnEvent) => boolean): Promise<void> {
    let last: ConnEvent | undefined;
    for (;;) {
      const event = await this.nextEvent();
      if (accept(event)) return;
      if (event.kind === 'timeout') throw new CaseFailure(expected, describe(last ?? event));
      last = event;
      if (event.kind !== 'frame') throw new CaseFailure(expected, describe(last));
    }
  }

  /** The first frame of `type`; throws with the last event seen if the connection ends first. */
  async waitForFrame<T extends number>(type: T): Promise<FrameOf<T>> {
    let found: FrameOf<T> | undefined;
    await this.until([`${frameTypeName(type)} frame`], (e) => {
      if (e.kind === 'frame' && isType(e.frame, type)) found = e.frame;
      return found !== undefined;
    });
    return found!;
  }

  // ── verdicts (each mirrors one h2spec verifier) ───────────────────────────────────────────────────

  /** RFC 9113 §5.4.1: GOAWAY with one of `codes`, or the connection closed. */
  expectConnectionError(...codes: number[]): Promise<void> {
    const expected = [...codes.map((c) => expectedFrame('GOAWAY', c)), CONNECTION_CLOSED];
    return this.until(expected, (e) => e.kind === 'closed' || carriesCode(e, [FrameType.GOAWAY], codes));
  }

  /** RFC 9113 §5.4.2: RST_STREAM or GOAWAY with one of `codes`, or the connection closed. */
  expectStreamError(...codes: number[]): Promise<void> {
    const expected = [
      ...codes.flatMap((c) => [expectedFrame('GOAWAY', c), expectedFrame('RST_STREAM', c)]),
      CONNECTION_CLOSED,
    ];
    return this.until(
      expected,
      (e) =>
        e.kind === 'closed' || carriesCode(e, [FrameType.GOAWAY, FrameType.RST_STREAM], codes),
    );
  }

  /** The server closes the TCP connection. */
  expectClose(): Promise<void> {
    return this.until([CONNECTION_CLOSED], (e) => e.kind === 'closed');
  }

  /** A stream ends: DATA or HEADERS with END_STREAM, or RST_STREAM(NO_ERROR). */
  expectStreamClose(): Promise<void> {
    return this.until(
      ['Stream closed (END_STREAM or RST_STREAM NO_ERROR)'],
      (e) => e.kind === 'frame' && (endsStream(e.frame) || (e.frame.type === FrameType.RST_STREAM && errorCodeOf(e.frame) === 0)),
    );
  }

  /** A PING ACK echoing `data`, or the connection closed. */
  expectPingOrClose(data: Uint8Array): Promise<void> {
    return this.until([CONNECTION_CLOSED, `PING frame (ACK, data:${hex(data)})`], (e) => e.kind === 'closed' || isPingAck(e, data));
  }

  /** The first PING from the server is an ACK echoing `data`. */
  async expectPing(data: Uint8Array): Promise<void> {
    const ping = await this.waitForFrame(FrameType.PING);
    if (!isPingAck({ kind: 'frame', frame: ping }, data)) throw new CaseFailure([`PING frame (ACK, data:${hex(data)})`], describeFrame(ping));
  }

  /** The first HEADERS from the server is on `streamId`. */
  async expectHeaders(streamId: number): Promise<void> {
    const headers = await this.waitForFrame(FrameType.HEADERS);
    if (headers.streamId !== streamId) throw new CaseFailure([`HEADERS frame (stream:${streamId})`], describeFrame(headers));
  }

  /** The first SETTINGS from the server is an ACK. */
  async expectSettingsAck(): Promise<void> {
    const settings = await this.waitForFrame(FrameType.SETTINGS);
    if (!settings.ack) throw new CaseFailure(['SETTINGS frame (ACK)'], describeFrame(settings));
  }

  /** The first DATA from the server carries exactly `length` octets. */
  async expectDataLength(streamId: number, length: number): Promise<void> {
    const data = await this.waitForFrame(FrameType.DATA);
    if (data.flowControlledLength !== length) throw new CaseFailure([`DATA frame (length:${length}, stream:${streamId})`], describeFrame(data));
  }
}

/** `e` is a frame of one of `types` (RST_STREAM / GOAWAY) whose error code is one of `codes`. */
function carriesCode(e: ConnEvent, types: number[], codes: number[]): boolean {
  return e.kind === 'frame' && types.includes(e.frame.type) && codes.includes(errorCodeOf(e.frame));
}

function isPingAck(e: ConnEvent, data: Uint8Array): boolean {
  if (e.kind !== 'frame' || !isType(e.frame, FrameType.PING) || !e.frame.ack) return false;
  const padded = new Uint8Array(8);
  padded.set(data.subarray(0, 8));
  return e.frame.opaqueData.every((b, i) => b === padded[i]);
}
