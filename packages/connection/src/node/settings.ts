// node:http2's settings objects ↔ the engine's Settings.
import { SettingId } from '@strand/frame';
import { DEFAULT_LOCAL_SETTINGS } from '../engine/options.js';
import type { Settings } from '../engine/settings.js';
import { nodeError } from './errors.js';

/** Settings as node:http2 names them. */
export interface Http2Settings {
  headerTableSize?: number;
  enablePush?: boolean;
  initialWindowSize?: number;
  maxFrameSize?: number;
  maxConcurrentStreams?: number;
  maxHeaderListSize?: number;
  /** Alias of maxHeaderListSize. */
  maxHeaderSize?: number;
  enableConnectProtocol?: boolean;
  /** Settings by id (unknown to the protocol, sent as is). */
  customSettings?: Record<number, number>;
}

const UINT32_MAX = 4294967295;

/** The settings a strand session advertises unless told otherwise (node: `http2.getDefaultSettings()`). */
export function getDefaultSettings(): Http2Settings {
  return {
    headerTableSize: 4096,
    enablePush: true,
    initialWindowSize: DEFAULT_LOCAL_SETTINGS.initialWindowSize!,
    maxFrameSize: 16384,
    maxConcurrentStreams: DEFAULT_LOCAL_SETTINGS.maxConcurrentStreams!,
    maxHeaderListSize: DEFAULT_LOCAL_SETTINGS.maxHeaderListSize!,
    maxHeaderSize: DEFAULT_LOCAL_SETTINGS.maxHeaderListSize!,
    enableConnectProtocol: false,
  };
}

function checkRange(name: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw nodeError('ERR_HTTP2_INVALID_SETTING_VALUE', `Invalid value for setting "${name}": ${value}`, RangeError);
  }
}

/** Node-style settings → engine settings (validated like node: RangeError ERR_HTTP2_INVALID_SETTING_VALUE). */
export function toEngineSettings(input: Http2Settings | undefined): Partial<Settings> {
  const out: Partial<Settings> = {};
  if (input === undefined || input === null) return out;
  checkRange('headerTableSize', input.headerTableSize, 0, UINT32_MAX);
  checkRange('initialWindowSize', input.initialWindowSize, 0, 2 ** 31 - 1);
  checkRange('maxFrameSize', input.maxFrameSize, 16384, 2 ** 24 - 1);
  checkRange('maxConcurrentStreams', input.maxConcurrentStreams, 0, UINT32_MAX);
  checkRange('maxHeaderListSize', input.maxHeaderListSize, 0, UINT32_MAX);
  checkRange('maxHeaderSize', input.maxHeaderSize, 0, UINT32_MAX);
  if (input.headerTableSize !== undefined) out.headerTableSize = input.headerTableSize;
  if (input.enablePush !== undefined) out.enablePush = Boolean(input.enablePush);
  if (input.initialWindowSize !== undefined) out.initialWindowSize = input.initialWindowSize;
  if (input.maxFrameSize !== undefined) out.maxFrameSize = input.maxFrameSize;
  if (input.maxConcurrentStreams !== undefined) out.maxConcurrentStreams = input.maxConcurrentStreams;
  const listSize = input.maxHeaderListSize ?? input.maxHeaderSize;
  if (listSize !== undefined) out.maxHeaderListSize = listSize;
  if (input.enableConnectProtocol) out.enableConnectProtocol = true;
  if (input.customSettings !== undefined) {
    const custom = new Map<number, number>();
    for (const [id, value] of Object.entries(input.customSettings)) custom.set(Number(id), value);
    out.custom = custom;
  }
  return out;
}

/** Engine settings → the object node hands to 'localSettings'/'remoteSettings' listeners. */
export function toNodeSettings(s: Readonly<Settings>): Http2Settings {
  const out: Http2Settings = {
    headerTableSize: s.headerTableSize,
    enablePush: s.enablePush,
    initialWindowSize: s.initialWindowSize,
    maxFrameSize: s.maxFrameSize,
    maxConcurrentStreams: Number.isFinite(s.maxConcurrentStreams) ? s.maxConcurrentStreams : UINT32_MAX,
    maxHeaderListSize: Number.isFinite(s.maxHeaderListSize) ? s.maxHeaderListSize : UINT32_MAX,
    enableConnectProtocol: s.enableConnectProtocol,
  };
  out.maxHeaderSize = out.maxHeaderListSize!;
  if (s.custom.size > 0) out.customSettings = Object.fromEntries(s.custom);
  return out;
}

const PACK_ORDER: Array<[keyof Http2Settings, number]> = [
  ['headerTableSize', SettingId.HEADER_TABLE_SIZE],
  ['enablePush', SettingId.ENABLE_PUSH],
  ['maxConcurrentStreams', SettingId.MAX_CONCURRENT_STREAMS],
  ['initialWindowSize', SettingId.INITIAL_WINDOW_SIZE],
  ['maxFrameSize', SettingId.MAX_FRAME_SIZE],
  ['maxHeaderListSize', SettingId.MAX_HEADER_LIST_SIZE],
  ['enableConnectProtocol', SettingId.ENABLE_CONNECT_PROTOCOL],
];

/** The SETTINGS payload for `settings` (RFC 9113 §6.5.1: 6 bytes per setting), e.g. for an HTTP2-Settings header. */
export function getPackedSettings(settings: Http2Settings = {}): Buffer {
  toEngineSettings(settings); // validates
  const entries: Array<[number, number]> = [];
  for (const [name, id] of PACK_ORDER) {
    const value = settings[name];
    if (value !== undefined) entries.push([id, typeof value === 'boolean' ? (value ? 1 : 0) : value as number]);
  }
  if (settings.maxHeaderListSize === undefined && settings.maxHeaderSize !== undefined) entries.push([SettingId.MAX_HEADER_LIST_SIZE, settings.maxHeaderSize]);
  const out = Buffer.alloc(entries.length * 6);
  entries.forEach(([id, value], i) => {
    out.writeUInt16BE(id, i * 6);
    out.writeUInt32BE(value, i * 6 + 2);
  });
  return out;
}

/** Parses a SETTINGS payload back into a settings object. */
export function getUnpackedSettings(buf: Uint8Array): Http2Settings {
  if (buf.length % 6 !== 0) throw nodeError('ERR_HTTP2_INVALID_PACKED_SETTINGS_LENGTH', 'Packed settings length must be a multiple of six', RangeError);
  const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: Http2Settings = {};
  for (let i = 0; i < view.length; i += 6) {
    const id = view.readUInt16BE(i);
    const value = view.readUInt32BE(i + 2);
    const known = PACK_ORDER.find(([, n]) => n === id);
    if (known === undefined) (out.customSettings ??= {})[id] = value;
    else if (known[0] === 'enablePush' || known[0] === 'enableConnectProtocol') (out as Record<string, unknown>)[known[0]] = value !== 0;
    else (out as Record<string, unknown>)[known[0]] = value;
  }
  if (out.maxHeaderListSize !== undefined) out.maxHeaderSize = out.maxHeaderListSize;
  return out;
}
