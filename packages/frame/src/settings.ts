import { DEFAULT_MAX_FRAME_SIZE, ErrorCode, MAX_MAX_FRAME_SIZE, MAX_WINDOW_SIZE, SettingId } from './constants.js';
import { connectionError, type H2Error } from './errors.js';

/**
 * The RFC 9113 §6.5.2 range rule for one SETTINGS parameter (plus RFC 8441 §3 and RFC 9218 §2.1), as the
 * connection error to send, or null when the value is acceptable. Unknown identifiers are always
 * acceptable (§6.5.2: they MUST be ignored).
 */
export function settingError(id: number, value: number): H2Error | null {
  switch (id) {
    case SettingId.ENABLE_PUSH:
      return value > 1 ? booleanSettingError('SETTINGS_ENABLE_PUSH', value, 'RFC 9113 §6.5.2') : null;
    case SettingId.INITIAL_WINDOW_SIZE:
      return value > MAX_WINDOW_SIZE
        ? connectionError(
            ErrorCode.FLOW_CONTROL_ERROR,
            `SETTINGS_INITIAL_WINDOW_SIZE ${value} exceeds 2^31-1 (RFC 9113 §6.5.2)`,
          )
        : null;
    case SettingId.MAX_FRAME_SIZE:
      return value < DEFAULT_MAX_FRAME_SIZE || value > MAX_MAX_FRAME_SIZE
        ? connectionError(
            ErrorCode.PROTOCOL_ERROR,
            `SETTINGS_MAX_FRAME_SIZE ${value} is outside [16384, 16777215] (RFC 9113 §6.5.2)`,
          )
        : null;
    case SettingId.ENABLE_CONNECT_PROTOCOL:
      return value > 1 ? booleanSettingError('SETTINGS_ENABLE_CONNECT_PROTOCOL', value, 'RFC 8441 §3') : null;
    case SettingId.NO_RFC7540_PRIORITIES:
      return value > 1 ? booleanSettingError('SETTINGS_NO_RFC7540_PRIORITIES', value, 'RFC 9218 §2.1') : null;
    default:
      return null;
  }
}

function booleanSettingError(name: string, value: number, section: string): H2Error {
  return connectionError(ErrorCode.PROTOCOL_ERROR, `${name} must be 0 or 1, got ${value} (${section})`);
}
