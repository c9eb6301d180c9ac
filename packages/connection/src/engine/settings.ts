import { DEFAULT_INITIAL_WINDOW_SIZE, DEFAULT_MAX_FRAME_SIZE, SettingId } from '@strand/frame';

/** The settings of one side of a connection (RFC 9113 §6.5.2, RFC 8441 §3, RFC 9218 §2.1). */
export interface Settings {
  headerTableSize: number;
  enablePush: boolean;
  /** Infinity when the peer never said (§6.5.2: "initially, there is no limit"). */
  maxConcurrentStreams: number;
  initialWindowSize: number;
  maxFrameSize: number;
  /** Infinity when unset (§6.5.2: "the value of this setting is unlimited"). */
  maxHeaderListSize: number;
  enableConnectProtocol: boolean;
  noRfc7540Priorities: boolean;
  /** Settings with ids this engine does not know, as received or to be sent (id → value). */
  custom: Map<number, number>;
}

/** No custom settings: one shared map for every connection (copy on write in applySetting), refusing changes. */
class NoCustomSettings extends Map<number, number> {
  override set(): this {
    throw new TypeError('the shared empty custom-settings map is read-only');
  }
}
const NO_CUSTOM: Map<number, number> = new NoCustomSettings();

/** The values every side starts from before any SETTINGS frame (RFC 9113 §6.5.2). */
export function defaultSettings(): Settings {
  return {
    headerTableSize: 4096,
    enablePush: true,
    maxConcurrentStreams: Infinity,
    initialWindowSize: DEFAULT_INITIAL_WINDOW_SIZE,
    maxFrameSize: DEFAULT_MAX_FRAME_SIZE,
    maxHeaderListSize: Infinity,
    enableConnectProtocol: false,
    noRfc7540Priorities: false,
    custom: NO_CUSTOM,
  };
}

/** Applies one received (id, value) pair; the frame decoder has already range-checked known ids (§6.5.2). */
export function applySetting(s: Settings, id: number, value: number): void {
  switch (id) {
    case SettingId.HEADER_TABLE_SIZE:
      s.headerTableSize = value;
      break;
    case SettingId.ENABLE_PUSH:
      s.enablePush = value === 1;
      break;
    case SettingId.MAX_CONCURRENT_STREAMS:
      s.maxConcurrentStreams = value;
      break;
    case SettingId.INITIAL_WINDOW_SIZE:
      s.initialWindowSize = value;
      break;
    case SettingId.MAX_FRAME_SIZE:
      s.maxFrameSize = value;
      break;
    case SettingId.MAX_HEADER_LIST_SIZE:
      s.maxHeaderListSize = value;
      break;
    case SettingId.ENABLE_CONNECT_PROTOCOL:
      s.enableConnectProtocol = value === 1;
      break;
    case SettingId.NO_RFC7540_PRIORITIES:
      s.noRfc7540Priorities = value === 1;
      break;
    default:
      // §6.5.2: unknown settings are ignored by the protocol, but reported to the application.
      if (s.custom === NO_CUSTOM) s.custom = new Map();
      s.custom.set(id, value);
  }
}

/** The (id, value) pairs that move `from` to `to`; only what differs is sent. */
export function settingsDiff(from: Settings, to: Partial<Settings>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const num = (id: number, a: number, b: number | undefined) => {
    if (b !== undefined && b !== a && Number.isFinite(b)) out.push([id, b]);
  };
  const bool = (id: number, a: boolean, b: boolean | undefined) => {
    if (b !== undefined && b !== a) out.push([id, b ? 1 : 0]);
  };
  num(SettingId.HEADER_TABLE_SIZE, from.headerTableSize, to.headerTableSize);
  bool(SettingId.ENABLE_PUSH, from.enablePush, to.enablePush);
  num(SettingId.MAX_CONCURRENT_STREAMS, from.maxConcurrentStreams, to.maxConcurrentStreams);
  num(SettingId.INITIAL_WINDOW_SIZE, from.initialWindowSize, to.initialWindowSize);
  num(SettingId.MAX_FRAME_SIZE, from.maxFrameSize, to.maxFrameSize);
  num(SettingId.MAX_HEADER_LIST_SIZE, from.maxHeaderListSize, to.maxHeaderListSize);
  // RFC 8441 §3 / RFC 9218 §2.1: once sent as 1 these must not go back to 0; only ever send 1.
  if (to.enableConnectProtocol && !from.enableConnectProtocol) out.push([SettingId.ENABLE_CONNECT_PROTOCOL, 1]);
  if (to.noRfc7540Priorities && !from.noRfc7540Priorities) out.push([SettingId.NO_RFC7540_PRIORITIES, 1]);
  if (to.custom) for (const [id, v] of to.custom) if (from.custom.get(id) !== v) out.push([id, v]);
  return out;
}

export function cloneSettings(s: Settings): Settings {
  return { ...s, custom: s.custom.size === 0 ? NO_CUSTOM : new Map(s.custom) };
}
