// fast-check arbitraries for the engine fuzzer: a run is a list of actions — frames from the peer (well-formed or not,
// header blocks as header lists that the driver HPACK-encodes in order), raw garbage, application calls and clock
// steps — plus engine options with small limits so the abuse guards trip inside short runs.
import fc from 'fast-check';
import { ErrorCode, FrameType, SettingId, concatBytes } from '@strand/frame';
import type { ConnectionOptions } from '@strand/connection';

export type Fields = Array<[string, string]>;

/** A frame from the peer. `payload` is used as is, except HEADERS/PUSH_PROMISE/CONTINUATION whose `fields` are encoded. */
export interface FrameAction {
  kind: 'frame';
  type: number;
  flags: number;
  /** Which stream: STREAM_ZERO, NEW_STREAM, RAW_STREAM (use `rawId`), or k ≥ 0 = the k-th stream the driver knows (mod). */
  target: number;
  rawId: number;
  payload: Uint8Array;
  /** Header list to HPACK-encode into the payload (header-carrying frames); null = use `payload` as the block. */
  fields: Fields | null;
  /** Split the encoded block over this many CONTINUATION frames (0 = one frame). */
  continuations: number;
  /** Bytes of all input so far handed to receive() after this frame: a random chunk boundary. */
  deliver: number;
}

export type AppAction =
  | { kind: 'respond'; pick: number; body: number; end: boolean; trailers: boolean }
  | { kind: 'request'; fields: Fields; body: number; end: boolean }
  | { kind: 'reset'; pick: number; code: number }
  | { kind: 'ping' }
  | { kind: 'settings'; initialWindowSize: number }
  | { kind: 'consume'; pick: number; bytes: number }
  | { kind: 'push'; pick: number }
  | { kind: 'close' }
  | { kind: 'destroy' }
  | { kind: 'tick'; ms: number }
  | { kind: 'garbage'; bytes: Uint8Array; deliver: number };

/** A well-formed message from the peer: a request (server role) or a response on the newest stream (client role),
 *  unless `headers` is false (more body on a known stream), then DATA frames of these contents and pad lengths. */
export interface BodyAction {
  kind: 'body';
  headers: boolean;
  /** With `headers` false: the k-th stream the driver knows (mod). */
  target: number;
  frames: Array<{ content: number; pad: number | null }>;
  end: boolean;
  deliver: number;
}

export type Action = FrameAction | AppAction | BodyAction;

export const STREAM_ZERO = -1;
/** The next stream id in order: a new request from a client, a new promised stream from a server. */
export const NEW_STREAM = -2;
export const RAW_STREAM = -3;

export const streamId = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(0, 1, 3, 5, 2, 0x7fffffff) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x7fffffff }) });

const known = fc.nat({ max: 7 });

/** Mostly the stream a frame of this type belongs on, sometimes the wrong one. */
function targetFor(type: number): fc.Arbitrary<number> {
  const w = (zero: number, fresh: number, existing: number, raw: number) =>
    fc.oneof(
      { weight: zero, arbitrary: fc.constant(STREAM_ZERO) },
      { weight: fresh, arbitrary: fc.constant(NEW_STREAM) },
      { weight: existing, arbitrary: known },
      { weight: raw, arbitrary: fc.constant(RAW_STREAM) },
    );
  switch (type) {
    case FrameType.SETTINGS:
    case FrameType.PING:
    case FrameType.GOAWAY:
    case FrameType.PRIORITY_UPDATE:
    case 0x0c: // ORIGIN
      return w(30, 0, 1, 1);
    case FrameType.WINDOW_UPDATE:
      return w(6, 1, 10, 1);
    case FrameType.HEADERS:
      return w(1, 20, 8, 1);
    default:
      return w(1, 2, 20, 1);
  }
}

const token = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
const value = fc.oneof(fc.stringMatching(/^[ -~]{0,12}$/), fc.constantFrom('', ' lead', 'trail ', 'a\r\nb', '0', '5', '100', 'trailers', 'gzip'));

const request = fc
      .tuple(fc.constantFrom('GET', 'POST', 'HEAD', 'CONNECT', 'OPTIONS'), fc.constantFrom('/', '/a', '*', '', '/big'), fc.array(fc.tuple(token, value), { maxLength: 4 }))
  .map(([method, path, extra]): Fields => [[':method', method], [':scheme', 'http'], [':authority', 'localhost'], [':path', path], ...extra]);
const response = fc
  .tuple(fc.constantFrom('200', '200', '204', '100', '103', '304', '101', 'abc'), fc.array(fc.tuple(token, value), { maxLength: 3 }))
  .map(([status, extra]): Fields => [[':status', status], ...extra]);
const trailers = fc.array(fc.tuple(token, value), { maxLength: 4 });
const broken = fc.array(
  fc.tuple(fc.constantFrom(':method', ':path', ':status', ':protocol', 'Upper', '', 'connection', 'te', 'content-length', 'host', 'x y', ':bogus'), value),
  { minLength: 1, maxLength: 5 },
);

/** Header lists: mostly what `role`'s peer sends (requests to a server, responses to a client), and the usual mistakes. */
export function fieldsFor(role: 'server' | 'client'): fc.Arbitrary<Fields> {
  return fc.oneof(
    { weight: 6, arbitrary: role === 'server' ? request : response },
    { weight: 1, arbitrary: role === 'server' ? response : request },
    { weight: 1, arbitrary: trailers },
    { weight: 2, arbitrary: broken },
  );
}

export const fields = fc.oneof(request, response, trailers, broken);

const bytes = (max: number) => fc.uint8Array({ maxLength: max });

function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

const settingsPayload = fc
  .array(
    fc.tuple(
      fc.oneof(fc.constantFrom(...Object.values(SettingId)), fc.integer({ min: 0, max: 0xffff })),
      fc.oneof(fc.constantFrom(0, 1, 2, 100, 16_383, 16_384, 65_535, 1 << 20, 0x7fffffff, 0x80000000, 0xffffffff), fc.nat()),
    ),
    { maxLength: 40 },
  )
  .map((entries) => new Uint8Array(entries.flatMap(([id, v]) => [(id >> 8) & 0xff, id & 0xff, ...u32(v >>> 0)])));

/** A payload shaped for the frame type (mostly right, sometimes the wrong length or values). */
function payloadFor(type: number): fc.Arbitrary<Uint8Array> {
  switch (type) {
    case FrameType.PRIORITY:
      return fc.oneof({ weight: 15, arbitrary: fc.tuple(streamId, fc.boolean(), fc.integer({ min: 0, max: 255 })).map(([d, e, w]) => new Uint8Array([...u32((d | (e ? 0x80000000 : 0)) >>> 0), w])) }, { weight: 1, arbitrary: bytes(8) });
    case FrameType.RST_STREAM:
      return fc.oneof({ weight: 15, arbitrary: fc.integer({ min: 0, max: 0x10 }).map((c) => new Uint8Array(u32(c))) }, { weight: 1, arbitrary: bytes(6) });
    case FrameType.SETTINGS:
      return fc.oneof({ weight: 15, arbitrary: settingsPayload }, { weight: 1, arbitrary: bytes(10) });
    case FrameType.PING:
      return fc.oneof({ weight: 15, arbitrary: fc.uint8Array({ minLength: 8, maxLength: 8 }) }, { weight: 1, arbitrary: bytes(10) });
    case FrameType.GOAWAY:
      return fc.tuple(streamId, fc.integer({ min: 0, max: 0x10 }), bytes(12)).map(([last, code, debug]) => new Uint8Array([...u32(last), ...u32(code), ...debug]));
    case FrameType.WINDOW_UPDATE:
      return fc.oneof(
        { weight: 15, arbitrary: fc.oneof(fc.constantFrom(1, 100, 65_535, 0, 0x7fffffff), fc.integer({ min: 0, max: 0x7fffffff })).map((n) => new Uint8Array(u32(n))) },
        { weight: 1, arbitrary: bytes(6) },
      );
    case FrameType.PUSH_PROMISE:
      return fc.oneof({ weight: 4, arbitrary: fc.constant(new Uint8Array(0)) }, { weight: 1, arbitrary: streamId.map((id) => new Uint8Array(u32(id))) }); // empty: the driver promises the next even id
    case FrameType.DATA:
      // Raw bytes, or content of up to a few hundred octets laid out for the PADDED flag (pad length, content,
      // padding), so that frames straddle receive() calls and arrive in pieces (ConnectionOptions.dataPieces).
      return fc.oneof(
        { weight: 3, arbitrary: bytes(40) },
        { weight: 2, arbitrary: fc.tuple(bytes(300), fc.integer({ min: 0, max: 20 })).map(([content, pad]) => concatBytes([new Uint8Array([pad]), content, new Uint8Array(pad)])) },
      );
    case FrameType.PRIORITY_UPDATE:
      return fc.tuple(streamId, fc.constantFrom('u=1', 'u=7, i', 'i', 'u=9', 'garbage(', '')).map(([id, v]) => new Uint8Array([...u32(id), ...new TextEncoder().encode(v)]));
    default:
      return bytes(40);
  }
}

/** Mostly the flags that make sense for the type (END_HEADERS on HEADERS), sometimes any octet. */
function flagsFor(type: number): fc.Arbitrary<number> {
  const sensible =
    type === FrameType.HEADERS ? fc.constantFrom(0x4, 0x5, 0x4, 0x5, 0x24, 0x25, 0xc, 0xd, 0x2d, 0x0, 0x1)
    : type === FrameType.DATA ? fc.constantFrom(0x0, 0x0, 0x1, 0x8, 0x9)
    : type === FrameType.PUSH_PROMISE || type === FrameType.CONTINUATION ? fc.constantFrom(0x4, 0x4, 0x0)
    : type === FrameType.SETTINGS || type === FrameType.PING ? fc.constantFrom(0x0, 0x0, 0x1)
    : fc.constant(0);
  return fc.oneof({ weight: 15, arbitrary: sensible }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) });
}

const type = (t: number, weight: number) => ({ weight, arbitrary: fc.constant(t) });
const knownType = (role: 'server' | 'client') => fc.oneof(
  type(FrameType.DATA, 5),
  type(FrameType.HEADERS, role === 'server' ? 6 : 9),
  type(FrameType.PRIORITY, 2),
  type(FrameType.RST_STREAM, 2),
  type(FrameType.SETTINGS, 2),
  type(FrameType.PUSH_PROMISE, role === 'server' ? 1 : 3),
  type(FrameType.PING, 2),
  type(FrameType.GOAWAY, 1),
  type(FrameType.WINDOW_UPDATE, 4),
  type(FrameType.CONTINUATION, 1),
  type(FrameType.PRIORITY_UPDATE, role === 'server' ? 2 : 1),
  type(0x0a, 1), // ALTSVC
  type(0x0c, 1), // ORIGIN
  type(0x21, 1), // unknown
);

const deliver = fc.oneof({ weight: 3, arbitrary: fc.constant(Infinity) }, { weight: 2, arbitrary: fc.integer({ min: 0, max: 200 }) });

const frameAction = (role: 'server' | 'client'): fc.Arbitrary<FrameAction> => knownType(role).chain((type) =>
  fc.record({
    kind: fc.constant('frame' as const),
    type: fc.constant(type),
    flags: flagsFor(type),
    target: targetFor(type),
    rawId: streamId,
    payload: payloadFor(type),
    fields:
      type === FrameType.HEADERS || type === FrameType.CONTINUATION ? fc.option(fieldsFor(role), { freq: 6 })
      : type === FrameType.PUSH_PROMISE ? fc.option(request, { freq: 6 })
      : fc.constant(null),
    continuations: type === FrameType.HEADERS ? fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 4 }) }) : fc.constant(0),
    deliver,
  }),
);

const pick = fc.nat({ max: 7 });

const appAction = (role: 'server' | 'client'): fc.Arbitrary<AppAction> => fc.oneof(
  { weight: role === 'server' ? 12 : 3, arbitrary: fc.record({ kind: fc.constant('respond' as const), pick, body: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 70_000 })), end: fc.boolean(), trailers: fc.boolean() }) },
  { weight: role === 'client' ? 12 : 3, arbitrary: fc.record({ kind: fc.constant('request' as const), fields: fc.oneof({ weight: 15, arbitrary: request }, { weight: 3, arbitrary: fields }), body: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 70_000 })), end: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('reset' as const), pick, code: fc.constantFrom(ErrorCode.CANCEL, ErrorCode.NO_ERROR, ErrorCode.INTERNAL_ERROR) }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'ping' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('settings' as const), initialWindowSize: fc.constantFrom(0, 1, 65_535, 1 << 20) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('consume' as const), pick, bytes: fc.integer({ min: 1, max: 100_000 }) }) },
  { weight: role === 'server' ? 3 : 0, arbitrary: fc.record({ kind: fc.constant('push' as const), pick }) },
  { weight: 3, arbitrary: fc.constantFrom({ kind: 'close' as const }, { kind: 'destroy' as const }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.constantFrom(0, 1, 50, 500, 5_000, 20_000) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('garbage' as const), bytes: bytes(30), deliver }) },
);

const bodyAction: fc.Arbitrary<BodyAction> = fc.record({
  kind: fc.constant('body' as const),
  headers: fc.boolean(),
  target: known,
  frames: fc.array(fc.record({ content: fc.oneof(fc.nat({ max: 40 }), fc.nat({ max: 3000 })), pad: fc.option(fc.nat({ max: 30 })) }), { minLength: 1, maxLength: 3 }),
  end: fc.boolean(),
  deliver,
});

export function actionsFor(role: 'server' | 'client'): fc.Arbitrary<Action[]> {
  return fc.array(fc.oneof({ weight: 4, arbitrary: frameAction(role) }, { weight: 2, arbitrary: appAction(role) }, { weight: 2, arbitrary: bodyAction }), { maxLength: 40 });
}

/** How many bytes at most each receive() gets: whole deliveries, or small chunks that cut DATA frames into pieces. */
export const chunkSize = fc.constantFrom(Infinity, Infinity, Infinity, 1, 2, 5, 16, 64);

/** Engine options: defaults, or limits small enough for every guard to trip within a 40-action run; half of the runs
 *  take DATA in pieces (ConnectionOptions.dataPieces, as the Node layer and the proxy do). */
export const engineOptions: fc.Arbitrary<Partial<ConnectionOptions>> = fc.tuple(fc.record(
  {
    settings: fc.record({ enablePush: fc.boolean(), maxConcurrentStreams: fc.constantFrom(1, 3, 100), maxHeaderListSize: fc.constantFrom(100, 1000, 65_536), initialWindowSize: fc.constantFrom(1, 65_535, 1 << 20) }, { requiredKeys: [] }),
    manualFlowControl: fc.boolean(),
    streamWindowBudget: fc.constantFrom(0, 65_536, 1 << 20),
    scheduler: fc.constantFrom('rfc9218' as const, 'rfc7540' as const),
    settingsTimeout: fc.constantFrom(0, 1000, 10_000),
    prefaceTimeout: fc.constantFrom(0, 1000),
    headerBlockTimeout: fc.constantFrom(0, 1000),
    idleTimeout: fc.constantFrom(0, 1000),
    limits: fc.record({ closedStreams: fc.constantFrom(2, 1024), maxContinuations: fc.constantFrom(2, 64), maxHeaderBlockBytes: fc.constantFrom(64, 131_072), writeBatchBytes: fc.constantFrom(1024, 262_144) }, { requiredKeys: [] }),
    abuse: fc.record(
      {
        resetBurst: fc.constantFrom(2, 1000),
        provokedResetBurst: fc.constantFrom(2, 1000),
        maxEmptyFrames: fc.constantFrom(1, 100),
        maxQueuedControlFrames: fc.constantFrom(3, 10_000),
        maxSettingsEntries: fc.constantFrom(2, 32),
        maxDribbleUpdates: fc.constantFrom(1, 1000),
        priorityBurst: fc.constantFrom(2, 10_000),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
), fc.boolean()).map(([options, pieces]) => (pieces ? { ...options, dataPieces: true } : options));
