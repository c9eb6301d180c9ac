// A raw-socket HTTP/2 attacker for the attack suite: writes whatever frames an attack builds with FrameWriter (valid or
// not), as fast as the socket takes them, and keeps only counters of what the server answers (an attack may draw
// hundreds of thousands of frames). Reading can be paused to play a client that never reads its socket.
import * as net from 'node:net';
import { CONNECTION_PREFACE, ErrorCode, FrameDecoder, FrameType, FrameWriter, errorCodeName, type Frame } from '@strand/frame';
import { Decoder, Encoder } from '@strand/hpack';

export type Fields = Array<[string, string]>;

export const GET: Fields = [
  [':method', 'GET'],
  [':scheme', 'http'],
  [':authority', 'localhost'],
  [':path', '/'],
];

export function request(path: string, method = 'GET'): Fields {
  return [
    [':method', method],
    [':scheme', 'http'],
    [':authority', 'localhost'],
    [':path', path],
  ];
}

/** The GOAWAY the server sent, decoded. */
export interface Goaway {
  code: number;
  debug: string;
  lastStreamId: number;
}

/** One response as far as it came: status, body bytes, whether it ended. */
export interface Response {
  status: number;
  bytes: number;
  ended: boolean;
}

const utf8 = new TextDecoder();

export class AttackClient {
  readonly w = new FrameWriter();
  readonly hpack = new Encoder();
  /** Frames received, by type code (unknown types under 255). */
  readonly received = new Array<number>(256).fill(0);
  /** RST_STREAM frames received, by error code. */
  readonly resets = new Map<number, number>();
  readonly responses = new Map<number, Response>();
  goaway: Goaway | null = null;
  /** The server closed or reset the connection (ms since connect), or -1. */
  closedAt = -1;
  /** Frames the server sent after its GOAWAY with an error code (should be 0). */
  afterGoaway = 0;
  /** Their frame types. */
  readonly afterGoawayTypes = new Set<number>();
  readonly connectedAt = Date.now();
  /** ACK the server's SETTINGS as they come (a slowloris client turns it off). */
  autoAck = true;
  private readonly decoder = new FrameDecoder({ maxFrameSize: 16_777_215 });
  private readonly hpackIn = new Decoder();
  private readonly waiters = new Set<() => void>();
  private remoteSettings = false;
  private block: { id: number; parts: Uint8Array[] } | null = null;
  private decodeFailed = '';

  private constructor(readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onClose());
    socket.on('close', () => this.onClose());
    socket.on('error', () => this.onClose()); // EPIPE / ECONNRESET: the server went away
  }

  static connect(port: number, host = '127.0.0.1'): Promise<AttackClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.removeListener('error', reject);
        resolve(new AttackClient(socket));
      });
    });
  }

  get closed(): boolean {
    return this.closedAt >= 0;
  }

  /** Why a frame or header block from the server could not be decoded ('' when all was well-formed). */
  get protocolTrouble(): string {
    return this.decodeFailed;
  }

  count(type: number): number {
    return this.received[type] ?? 0;
  }

  resetCount(code?: number): number {
    if (code !== undefined) return this.resets.get(code) ?? 0;
    let n = 0;
    for (const v of this.resets.values()) n += v;
    return n;
  }

  /** Preface + SETTINGS, then waits for the server's SETTINGS and ACKs it. */
  async handshake(settings: Array<[number, number]> = [], timeoutMs = 3000): Promise<void> {
    this.socket.write(CONNECTION_PREFACE);
    this.w.settings(settings);
    await this.send();
    if (!(await this.waitFor(() => this.remoteSettings, timeoutMs))) throw new Error(`no SETTINGS from the server within ${timeoutMs} ms`);
  }

  /**
   * Writes everything the writer holds; waits for 'drain' when the socket pushes back, until the connection ends or
   * `deadline` (Date.now() ms) passes (then the rest stays in the socket's buffer).
   */
  async send(deadline = Infinity): Promise<void> {
    for (const chunk of this.w.flush()) {
      if (this.closed || this.socket.destroyed) return;
      if (!this.socket.write(chunk) && Date.now() < deadline) await this.drained(deadline);
    }
  }

  /** Writes raw bytes (a partial preface, say). */
  sendRaw(bytes: Uint8Array | string): void {
    if (!this.closed && !this.socket.destroyed) this.socket.write(bytes);
  }

  /**
   * Sends `count` units built by `build(i)` in batches, as fast as the socket takes them, until the count is reached,
   * the connection closes, or `deadline` (Date.now() ms) passes. Returns how many units were written.
   */
  async flood(count: number, build: (i: number) => void, deadline: number, batch = 256): Promise<number> {
    let i = 0;
    while (i < count && !this.closed && Date.now() < deadline) {
      const end = Math.min(count, i + batch);
      for (; i < end; i++) build(i);
      await this.send(deadline);
    }
    return i;
  }

  headers(id: number, fields: Fields, endStream = true): void {
    this.w.headers(id, this.hpack.encode(fields), { endStream });
  }

  pauseReading(): void {
    this.socket.pause();
  }

  resumeReading(): void {
    this.socket.resume();
  }

  /** Resolves true once `done()` holds (checked after every read and on close), false after `timeoutMs`. */
  waitFor(done: () => boolean, timeoutMs: number): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = () => {
        if (!done() && !this.closed) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(done());
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        resolve(done());
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  /** Waits until the server closes the connection (or sent GOAWAY with an error), up to `timeoutMs`. */
  waitForEnd(timeoutMs: number): Promise<boolean> {
    return this.waitFor(() => this.closed || (this.goaway !== null && this.goaway.code !== ErrorCode.NO_ERROR), timeoutMs);
  }

  close(): void {
    this.socket.destroy();
    this.onClose();
  }

  /** One line on what the server did: GOAWAY code and text, resets, close. */
  describe(): string {
    const parts: string[] = [];
    if (this.goaway !== null) parts.push(`GOAWAY ${errorCodeName(this.goaway.code)} "${this.goaway.debug}"`);
    const resets = [...this.resets].map(([code, n]) => `${n}×${errorCodeName(code)}`);
    if (resets.length > 0) parts.push(`RST_STREAM ${resets.join(', ')}`);
    if (this.closed) parts.push(`closed after ${this.closedAt} ms`);
    if (parts.length > 0) return parts.join('; ');
    const frames = this.received.reduce((a, b) => a + b, 0);
    return frames > 0 ? `no reaction (${frames} frames)` : 'no reaction';
  }

  private drained(deadline: number): Promise<void> {
    return new Promise((resolve) => {
      const onClosed = () => {
        if (this.closed) done();
      };
      const done = () => {
        clearTimeout(timer);
        this.socket.removeListener('drain', done);
        this.waiters.delete(onClosed);
        resolve();
      };
      const timer = setTimeout(done, Math.min(deadline - Date.now(), 60_000));
      this.socket.once('drain', done);
      this.waiters.add(onClosed);
    });
  }

  private onClose(): void {
    if (this.closedAt < 0) this.closedAt = Date.now() - this.connectedAt;
    this.wake();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private onData(chunk: Buffer): void {
    this.decoder.push(chunk);
    try {
      for (let f = this.decoder.next(); f !== null; f = this.decoder.next()) this.onFrame(f);
    } catch (error) {
      this.decodeFailed ||= `frame: ${(error as Error).message}`;
      this.socket.destroy();
    }
    this.wake();
  }

  private onFrame(f: Frame): void {
    if (this.goaway !== null && this.goaway.code !== ErrorCode.NO_ERROR) {
      this.afterGoaway++;
      this.afterGoawayTypes.add(f.type);
    }
    const type = f.type < 0 ? 255 : f.type;
    this.received[type] = (this.received[type] ?? 0) + 1;
    switch (f.type) {
      case FrameType.SETTINGS:
        if (!f.ack) {
          this.remoteSettings = true;
          if (!this.autoAck) return;
          this.w.settingsAck();
          void this.send();
        }
        return;
      case FrameType.GOAWAY:
        this.goaway = { code: f.errorCode, debug: utf8.decode(f.debugData), lastStreamId: f.lastStreamId };
        return;
      case FrameType.RST_STREAM:
        this.resets.set(f.errorCode, (this.resets.get(f.errorCode) ?? 0) + 1);
        this.responseOf(f.streamId).ended = true;
        return;
      case FrameType.HEADERS:
        this.block = { id: f.streamId, parts: [f.fragment] };
        if (f.endHeaders) this.endBlock();
        if (f.endStream) this.responseOf(f.streamId).ended = true;
        return;
      case FrameType.CONTINUATION:
        this.block?.parts.push(f.fragment);
        if (f.endHeaders) this.endBlock();
        return;
      case FrameType.DATA: {
        const r = this.responseOf(f.streamId);
        r.bytes += f.data.length;
        if (f.endStream) r.ended = true;
        return;
      }
    }
  }

  /** Decodes every response header block, in order, so the HPACK table stays in step with the server's. */
  private endBlock(): void {
    const block = this.block!;
    this.block = null;
    let size = 0;
    for (const p of block.parts) size += p.length;
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const p of block.parts) {
      bytes.set(p, at);
      at += p.length;
    }
    try {
      for (const [name, value] of this.hpackIn.decode(bytes)) if (name === ':status') this.responseOf(block.id).status = Number(value);
    } catch (error) {
      this.decodeFailed ||= `HPACK: ${(error as Error).message}`;
    }
  }

  private responseOf(id: number): Response {
    let r = this.responses.get(id);
    if (r === undefined) {
      r = { status: 0, bytes: 0, ended: false };
      this.responses.set(id, r);
    }
    return r;
  }
}

/** Connects, plays `attack` on the connection, and closes it whatever happened. */
export async function withClient<T>(port: number, attack: (c: AttackClient) => Promise<T>): Promise<T> {
  const c = await AttackClient.connect(port);
  try {
    return await attack(c);
  } finally {
    c.close();
  }
}

/** A fresh connection asking GET / : what a normal client gets right after an attack. */
export async function probe(port: number, timeoutMs = 3000): Promise<{ status: number; bytes: number; detail: string }> {
  let client: AttackClient;
  try {
    client = await AttackClient.connect(port);
  } catch (error) {
    return { status: 0, bytes: 0, detail: `connect failed: ${(error as Error).message}` };
  }
  try {
    await client.handshake([], timeoutMs);
    client.headers(1, GET);
    await client.send();
    await client.waitFor(() => client.responses.get(1)?.ended === true, timeoutMs);
    const r = client.responses.get(1);
    return { status: r?.status ?? 0, bytes: r?.bytes ?? 0, detail: r?.ended ? 'ok' : `no complete response (${client.describe()})` };
  } catch (error) {
    return { status: 0, bytes: 0, detail: (error as Error).message };
  } finally {
    client.close();
  }
}
