// Http2Session: one HTTP/2 connection as node:http2 shows it — an EventEmitter over an H2Connection and its
// EnginePump. Engine events become node events ('stream', 'response', 'goaway', 'remoteSettings', …).
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { ErrorCode } from '@strand/frame';
import { IdMap } from '@strand/stream';
import { H2Connection } from '../engine/connection.js';
import type { H2Event } from '../engine/events.js';
import type { ConnectionOptions } from '../engine/options.js';
import { invalidSession, nodeError, sessionError } from './errors.js';
import { toHeaderObject } from './headers.js';
import { EnginePump } from './pump.js';
import { toEngineSettings, toNodeSettings, type Http2Settings } from './settings.js';
import { ClientHttp2Stream } from './client-stream.js';
import { ServerHttp2Stream } from './server-stream.js';
import type { Http2Stream } from './stream.js';

/** Options every session takes (node's names; strand's own knobs below them). */
export interface SessionOptions {
  settings?: Http2Settings;
  /** Server: time for the client preface and first SETTINGS (ms, default 10 000, 0 = off). */
  prefaceTimeout?: number;
  /** Time for a header block's CONTINUATION frames to complete (ms, default 10 000, 0 = off). */
  headerBlockTimeout?: number;
  /** GOAWAY NO_ERROR after this long without streams (ms; server default 300 000, client default 0 = off). */
  idleTimeout?: number;
  /** Time for the peer to ACK our SETTINGS (ms, default 10 000). */
  settingsTimeout?: number;
  /** Connection receive window (default 16 MiB). */
  connectionWindow?: number;
  /** 'rfc9218' (default) or 'rfc7540'. */
  scheduler?: 'rfc9218' | 'rfc7540';
  /** Engine limits and flood limits (see docs/security.md). */
  limits?: ConnectionOptions['limits'];
  abuse?: ConnectionOptions['abuse'];
}

// Frame flags node reports with 'stream', 'response', 'headers' and 'trailers'.
const FLAG_END_STREAM = 0x1;
const FLAG_END_HEADERS = 0x4;
const FLAG_PRIORITY = 0x20;

type PingCallback = (error: Error | null, duration: number, payload: Buffer) => void;
type SettingsCallback = (error: Error | null, settings: Http2Settings, duration: number) => void;

export abstract class Http2Session extends EventEmitter {
  /** NGHTTP2_SESSION_SERVER (0) or NGHTTP2_SESSION_CLIENT (1). */
  abstract readonly type: number;
  readonly conn: H2Connection;
  readonly socket: Socket;
  closed = false;
  destroyed = false;
  connecting = false;
  /** 'h2' over TLS, 'h2c' in cleartext. */
  alpnProtocol: string | undefined = undefined;
  /** @internal The code streams are reset with when the session is destroyed. */
  destroyCode: number = ErrorCode.NO_ERROR;

  protected pump: EnginePump<Http2Session> | null = null;
  protected readonly streams = new IdMap<Http2Stream>();
  /** PING callbacks by payload, created on the first ping(). */
  private pings: Map<string, PingCallback> | null = null;
  private readonly settingsQueue: Array<{ callback: SettingsCallback | null; sentAt: number }> = [];
  private error: Error | null = null;

  constructor(role: 'server' | 'client', socket: Socket, options: SessionOptions) {
    super();
    this.socket = socket;
    this.conn = new H2Connection({
      role,
      settings: toEngineSettings(options.settings),
      manualFlowControl: true,
      allocate: Buffer.allocUnsafe,
      dataPieces: true,
      ...(options.connectionWindow !== undefined && { connectionWindow: options.connectionWindow }),
      ...(options.scheduler !== undefined && { scheduler: options.scheduler }),
      ...(options.settingsTimeout !== undefined && { settingsTimeout: options.settingsTimeout }),
      ...(options.prefaceTimeout !== undefined && { prefaceTimeout: options.prefaceTimeout }),
      ...(options.headerBlockTimeout !== undefined && { headerBlockTimeout: options.headerBlockTimeout }),
      idleTimeout: options.idleTimeout ?? (role === 'server' ? 300_000 : 0),
      ...(options.limits !== undefined && { limits: options.limits }),
      ...(options.abuse !== undefined && { abuse: options.abuse }),
    });
    this.settingsQueue.push({ callback: null, sentAt: Date.now() });
    this.alpnProtocol = socket instanceof TLSSocket ? 'h2' : 'h2c';
    // Shared listeners that find the session on the socket: no bound functions per connection.
    (socket as SessionSocket)[kSession] = this;
    socket.on('error', onSocketError);
    socket.on('close', onSocketClose);
    socket.on('timeout', onSocketTimeout);
  }

  /** @internal Starts moving bytes; `head` are bytes already read from the socket (preface sniffing). */
  start(head?: Uint8Array): void {
    if (this.pump !== null || this.destroyed) return;
    this.pump = new EnginePump<Http2Session>(this.socket, this.conn, dispatchEvents, undefined, this);
    // Fed after the pump is known, so events it causes (a connection error) can flush through it.
    if (head !== undefined && head.length > 0) this.pump.receive(head);
  }

  get encrypted(): boolean {
    return this.socket instanceof TLSSocket;
  }

  get localSettings(): Http2Settings {
    return toNodeSettings(this.conn.localSettings);
  }

  get remoteSettings(): Http2Settings {
    return toNodeSettings(this.conn.remoteSettings);
  }

  get pendingSettingsAck(): boolean {
    return this.settingsQueue.length > 0;
  }

  get state(): { outboundQueueSize: number; localSettings: Http2Settings; activeStreams: number } {
    return { outboundQueueSize: this.socket.writableLength, localSettings: this.localSettings, activeStreams: this.conn.activeStreams };
  }

  /** @internal Asks the pump to write what the engine has (after this tick's calls). */
  schedule(): void {
    this.pump?.schedule();
  }

  /** Sends a PING; `callback(err, durationMs, payload)` when it is acknowledged. */
  ping(payload?: Uint8Array | PingCallback, callback?: PingCallback): boolean {
    if (typeof payload === 'function') {
      callback = payload;
      payload = undefined;
    }
    if (this.destroyed) throw invalidSession();
    if (payload !== undefined && payload.length !== 8) {
      throw nodeError('ERR_HTTP2_PING_LENGTH', 'HTTP2 ping payload must be 8 bytes', RangeError);
    }
    const sent = this.conn.ping(payload);
    if (callback !== undefined) (this.pings ??= new Map()).set(pingKey(sent), callback);
    this.schedule();
    return true;
  }

  /** Sends SETTINGS; `callback(err, settings, duration)` once the peer acknowledges them. */
  settings(settings: Http2Settings, callback?: SettingsCallback): void {
    if (this.destroyed) throw invalidSession();
    this.conn.settings(toEngineSettings(settings));
    this.settingsQueue.push({ callback: callback ?? null, sentAt: Date.now() });
    this.schedule();
  }

  /** Graceful close: GOAWAY, in-flight streams finish, no new ones; 'close' when the socket is gone. */
  close(callback?: () => void): void {
    if (callback !== undefined) this.once('close', callback);
    if (this.closed || this.destroyed) return;
    this.closed = true;
    this.conn.close();
    this.flushNow();
  }

  /** Immediate end: GOAWAY with `code` (INTERNAL_ERROR when there is an error), streams are closed. */
  destroy(error?: Error | null, code?: number): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.closed = true;
    this.destroyCode = code ?? (error ? ErrorCode.INTERNAL_ERROR : ErrorCode.NO_ERROR);
    this.error = error ?? null;
    this.conn.destroy(this.destroyCode);
    this.flushNow();
    this.abandonStreams(this.destroyCode, this.error);
    this.cancelPings();
    if (this.error !== null) process.nextTick(emitSessionError, this, this.error);
    if (!this.socket.destroyed) this.socket.destroySoon();
  }

  /** Sends GOAWAY: NO_ERROR announces a graceful shutdown, another code ends the connection. */
  goaway(code: number = ErrorCode.NO_ERROR, _lastStreamId?: number, opaqueData?: Uint8Array): void {
    if (this.destroyed) throw invalidSession();
    if (code === ErrorCode.NO_ERROR) {
      this.closed = true;
      this.conn.close();
    } else {
      this.conn.destroy(code, opaqueData === undefined ? '' : Buffer.from(opaqueData).toString('latin1'));
    }
    this.flushNow();
  }

  /** Emits 'timeout' after `ms` without socket activity (0 turns it off). */
  setTimeout(ms: number, callback?: () => void): void {
    if (callback !== undefined) this.on('timeout', callback);
    this.socket.setTimeout(ms);
  }

  /** strand grows the connection window itself (BDP tuner): accepted for compatibility, no effect. */
  setLocalWindowSize(size: number): void {
    if (!Number.isInteger(size) || size < 0 || size > 2 ** 31 - 1) {
      throw nodeError('ERR_OUT_OF_RANGE', `The value of "windowSize" is out of range: ${size}`, RangeError);
    }
  }

  ref(): void {
    this.socket.ref();
  }

  unref(): void {
    this.socket.unref();
  }

  /** @internal A stream was destroyed by the application (or ended): stop routing events to it. */
  forget(stream: Http2Stream): void {
    if (this.streams.get(stream.id) === stream) this.streams.delete(stream.id);
    this.schedule();
  }

  // ------------------------------------------------------------------ engine events

  /** @internal The engine's events, from the pump. */
  dispatchEvents(events: H2Event[]): void {
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      switch (e.type) {
        case 'headers':
          this.onHeaders(e);
          break;
        case 'data': {
          const stream = this.streams.get(e.streamId);
          if (stream === undefined) break;
          if (e.data.length > 0) stream.deliver(e.data);
          if (e.endStream) stream.deliverEnd();
          break;
        }
        case 'drain':
          this.streams.get(e.streamId)?.onDrain();
          break;
        case 'streamReset':
          this.streams.get(e.streamId)?.onReset(e.errorCode);
          break;
        case 'streamClosed': {
          const stream = this.streams.get(e.streamId);
          if (stream !== undefined) {
            this.streams.delete(e.streamId);
            stream.onClosed();
          }
          break;
        }
        case 'remoteSettings':
          this.emit('remoteSettings', toNodeSettings(e.settings));
          break;
        case 'localSettingsAcked': {
          const entry = this.settingsQueue.shift();
          const settings = toNodeSettings(e.settings);
          this.emit('localSettings', settings);
          if (entry?.callback) entry.callback(null, settings, Date.now() - entry.sentAt);
          break;
        }
        case 'ping':
          this.emit('ping', Buffer.from(e.payload));
          break;
        case 'pingAck': {
          const key = pingKey(e.payload);
          const callback = this.pings?.get(key);
          if (callback !== undefined) {
            this.pings!.delete(key);
            callback(null, e.rttMs, Buffer.from(e.payload));
          }
          break;
        }
        case 'goaway':
          this.onGoaway(e.errorCode, e.lastStreamId, e.debugData);
          break;
        case 'connectionError':
          this.destroy(nodeError('ERR_HTTP2_ERROR', `${e.message} (GOAWAY ${e.errorCode} sent)`), e.errorCode);
          break;
        case 'altsvc':
          this.emit('altsvc', e.fieldValue, e.origin, e.streamId);
          break;
        case 'origin':
          this.emit('origin', e.origins);
          break;
        case 'priority': {
          const stream = this.streams.get(e.streamId);
          if (stream !== undefined) stream.emit('priority', e.priority);
          break;
        }
        default:
          break;
      }
    }
    this.schedule();
  }

  private onHeaders(e: Extract<H2Event, { type: 'headers' }>): void {
    const raw: string[] = [];
    const headers = toHeaderObject(e.headers, raw);
    const flags = FLAG_END_HEADERS | (e.endStream ? FLAG_END_STREAM : 0) | (e.priority !== undefined ? FLAG_PRIORITY : 0);
    if (e.kind === 'request') {
      if (this.closed) return;
      const stream = new ServerHttp2Stream(this, e.streamId, String(headers[':method'] ?? ''));
      this.streams.set(e.streamId, stream);
      stream.endAfterHeaders = e.endStream;
      if (e.endStream) stream.markRemoteEnd();
      this.emit('stream', stream, headers, flags, raw);
      // After 'stream', so a body sink attached by a listener (the compat request) sees the end too.
      if (e.endStream) stream.deliverEnd();
      return;
    }
    const stream = this.streams.get(e.streamId);
    if (stream === undefined) return;
    if (e.kind === 'response') {
      if (e.endStream) stream.endAfterHeaders = true;
      stream.emit('response', headers, flags, raw);
      if (e.endStream) stream.deliverEnd();
    } else if (e.kind === 'informational') {
      stream.emit('headers', headers, flags, raw);
      if (headers[':status'] === 100) stream.emit('continue');
    } else {
      stream.emit('trailers', headers, flags, raw);
      if (e.endStream) stream.deliverEnd();
    }
  }

  private onGoaway(code: number, lastStreamId: number, debugData: Uint8Array): void {
    this.emit('goaway', code, lastStreamId, Buffer.from(debugData));
    if (code === ErrorCode.NO_ERROR) this.close();
    else this.destroy(sessionError(code), ErrorCode.NO_ERROR);
  }

  private flushNow(): void {
    if (this.pump !== null) this.pump.flush();
  }

  private abandonStreams(code: number, error: Error | null): void {
    for (const stream of this.streams.values()) stream.abandon(code, error);
    this.streams.clear();
  }

  private cancelPings(): void {
    const pings = this.pings;
    if (pings === null || pings.size === 0) return;
    const error = nodeError('ERR_HTTP2_PING_CANCEL', 'HTTP2 ping cancelled');
    for (const callback of pings.values()) callback(error, 0, Buffer.alloc(8));
    pings.clear();
  }

  /** @internal Socket gone: close what is left (streams reset as CANCEL, like node), then 'close'. */
  onSocketGone(): void {
    this.pump?.stop();
    if (!this.destroyed) {
      this.destroyed = true;
      this.closed = true;
      this.abandonStreams(ErrorCode.CANCEL, null);
      this.cancelPings();
    }
    this.emit('close');
  }

  /** @internal */
  emitErrorIfHandled(error: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }
}

const kSession = Symbol('strand.session');
type SessionSocket = Socket & { [kSession]: Http2Session };

function dispatchEvents(this: Http2Session, events: H2Event[]): void {
  this.dispatchEvents(events);
}

function onSocketError(this: SessionSocket, error: Error): void {
  const session = this[kSession];
  // A reset after GOAWAY is the peer's normal way out: not an error worth reporting.
  if ((error as { code?: string }).code === 'ECONNRESET' && session.closed) return session.destroy();
  session.destroy(error);
}

function onSocketClose(this: SessionSocket): void {
  this[kSession].onSocketGone();
}

function onSocketTimeout(this: SessionSocket): void {
  this[kSession].emit('timeout');
}

function emitSessionError(session: Http2Session, error: Error): void {
  session.emitErrorIfHandled(error);
}

function pingKey(payload: Uint8Array): string {
  return Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('latin1');
}

/** The server side of a connection: emits 'stream' for each request. */
export class ServerHttp2Session extends Http2Session {
  readonly type = 0;
  /** The server that accepted the connection. */
  readonly server: unknown;

  constructor(socket: Socket, options: SessionOptions, server: unknown) {
    super('server', socket, options);
    this.server = server;
  }

  /** Server push is not offered: always false (the client disables it, RFC 9113 §8.4). */
  get pushAllowed(): boolean {
    return false;
  }

  /** RFC 7838 ALTSVC is not sent by strand yet. */
  altsvc(): void {
    throw nodeError('ERR_HTTP2_ALTSVC_UNSUPPORTED', 'ALTSVC frames are not supported by strand');
  }

  /** RFC 8336 ORIGIN is not sent by strand yet. */
  origin(): void {
    throw nodeError('ERR_HTTP2_ORIGIN_UNSUPPORTED', 'ORIGIN frames are not supported by strand');
  }
}

export { ClientHttp2Stream, ServerHttp2Stream };
