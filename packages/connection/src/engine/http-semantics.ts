// RFC 9113 §8: HTTP semantics of header lists. A list that breaks a rule is "malformed" (§8.1.1): the engine answers
// with a stream error PROTOCOL_ERROR, never a connection error, so other streams are unaffected.

import { RememberedValues } from './remembered-values.js';

export type HeaderList = Array<[string, string]>;

/** Which header block of a stream is being checked. */
export type BlockKind = 'request' | 'response' | 'trailers' | 'push-request';

/** What a valid request or response block told us, so the engine need not scan the list again. */
export interface BlockInfo {
  method: string;
  status: number;
  /** -1 when absent. Checked against the DATA received (§8.1.1). */
  contentLength: number;
  /** :protocol of an extended CONNECT (RFC 8441), '' otherwise. */
  protocol: string;
}

// RFC 9113 §8.2.2: connection-specific fields are forbidden.
const CONNECTION_SPECIFIC = new Set(['connection', 'proxy-connection', 'keep-alive', 'transfer-encoding', 'upgrade']);

// RFC 9110 §5.1 token characters, lowercase only (§8.2.1 forbids uppercase in HTTP/2 field names).
const NAME_CHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz") NAME_CHAR[c.charCodeAt(0)] = 1;

/** RFC 9113 §8.2.1: a field name is a non-empty lowercase token. Returns an error text or ''. */
function checkFieldName(name: string, start: number): string {
  if (name.length <= start) return 'empty field name';
  for (let i = start; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 128 || NAME_CHAR[c] === 0) {
      return c >= 0x41 && c <= 0x5a ? `uppercase field name "${name}"` : `invalid character in field name "${name}"`;
    }
  }
  return '';
}

// Classes of regular field names, cached per name so the common names are checked once per process, not per request.
const NAME_REGULAR = 0;
export const NAME_CONNECTION_SPECIFIC = 1;
export const NAME_TE = 2;
const NAME_CONTENT_LENGTH = 3;
const NAME_HOST = 4;
const NAME_CACHE_LIMIT = 2048;
const nameClasses = new Map<string, number>();

/** The class of a valid regular field name, or -1 when the name is invalid (see checkFieldName). */
export function classifyName(name: string): number {
  const cached = nameClasses.get(name);
  if (cached !== undefined) return cached;
  if (checkFieldName(name, 0) !== '') return -1;
  const cls = CONNECTION_SPECIFIC.has(name)
    ? NAME_CONNECTION_SPECIFIC
    : name === 'te'
      ? NAME_TE
      : name === 'content-length'
        ? NAME_CONTENT_LENGTH
        : name === 'host'
          ? NAME_HOST
          : NAME_REGULAR;
  if (nameClasses.size < NAME_CACHE_LIMIT) nameClasses.set(name, cls);
  return cls;
}

/** The names last classified at each of the first 32 positions of a block, and their classes (valid names only). */
// Each position starts as a name that really is regular ('x'), never as '': an empty name must reach classifyName.
const namesAt: string[] = new Array<string>(32).fill('x');
const classesAt: number[] = new Array<number>(32).fill(NAME_REGULAR);

/**
 * classifyName for the field at position `i` of its block. A peer repeats its fields in the same order, with the same
 * name strings when HPACK indexed them (table entries, static names): a comparison, most often by reference, instead
 * of a Map lookup per field (~0.8 % of a proxy's CPU in perf).
 */
function classifyNameAt(name: string, i: number): number {
  if (i < 32 && namesAt[i] === name) return classesAt[i]!;
  const cls = classifyName(name);
  if (i < 32 && cls >= 0) {
    namesAt[i] = name;
    classesAt[i] = cls;
  }
  return cls;
}

/** Values of checked blocks (received ones, and our own pushPromise requests) that passed checkFieldValue (the check
 *  depends on the value alone). */
const validValues = new RememberedValues();

/** checkFieldValue for the field at position `i` of its block, skipped for a value that passed there last time. */
function checkFieldValueAt(name: string, value: string, i: number): string {
  if (validValues.has(i, value)) return '';
  const error = checkFieldValue(name, value);
  if (error === '') validValues.add(i, value);
  return error;
}

/** RFC 9113 §8.2.1: no NUL, CR or LF in a value, no leading or trailing SP/HTAB. Returns an error text or ''. */
function checkFieldValue(name: string, value: string): string {
  const n = value.length;
  if (n === 0) return '';
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(n - 1);
  if (first === 0x20 || first === 0x09 || last === 0x20 || last === 0x09) {
    return `leading or trailing whitespace in the value of "${name}"`;
  }
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c === 0 || c === 0x0a || c === 0x0d) return `NUL, CR or LF in the value of "${name}"`;
  }
  return '';
}

function parseContentLength(value: string): number {
  // RFC 9110 §8.6: 1*DIGIT. A list of identical values is tolerated by some; HTTP/2 peers must not send one.
  if (value.length === 0 || value.length > 15) return -2;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -2;
  }
  return Number(value);
}

/**
 * Checks one header block against RFC 9113 §8 and fills `info`. Returns '' when valid, else the reason it is
 * malformed (used as debug text). `connectProtocolEnabled`: we sent SETTINGS_ENABLE_CONNECT_PROTOCOL=1 (RFC 8441 §4).
 */
export function checkHeaderBlock(
  headers: HeaderList,
  kind: BlockKind,
  info: BlockInfo,
  connectProtocolEnabled = false,
): string {
  info.method = '';
  info.status = 0;
  info.contentLength = -1;
  info.protocol = '';
  let scheme = '';
  let path = '';
  let authority: string | undefined;
  let host: string | undefined;
  let seenRegular = false;
  let seenStatus = false;
  let seenPath = false;
  let seenPseudo = 0; // bitmask of request pseudo-headers seen, to reject duplicates
  for (let i = 0; i < headers.length; i++) {
    const field = headers[i]!;
    const name = field[0];
    const value = field[1];
    const valueError = checkFieldValueAt(name, value, i);
    if (valueError) return valueError;
    if (name.charCodeAt(0) === 0x3a) {
      // ':' — a pseudo-header. The defined ones are recognised by comparison (static-table names compare by
      // reference); only another name needs the character check for its error text.
      const bit = name === ':method' ? 1 : name === ':scheme' ? 2 : name === ':authority' ? 4 : name === ':path' ? 8 : name === ':protocol' ? 16 : 0;
      if (bit === 0 && name !== ':status') {
        const nameError = checkFieldName(name, 1);
        if (nameError) return nameError;
      }
      // RFC 9113 §8.3: pseudo-headers come first, only the defined ones, each once, none in trailers.
      if (kind === 'trailers') return `pseudo-header ${name} in trailers`;
      if (seenRegular) return `pseudo-header ${name} after a regular field`;
      if (kind === 'response') {
        if (name !== ':status') return `pseudo-header ${name} in a response`;
        if (seenStatus) return 'duplicate :status';
        seenStatus = true;
        const status = value.length === 3 ? parseStatus(value) : -1;
        if (status < 100) return `invalid :status "${value}"`;
        info.status = status;
        continue;
      }
      if (bit === 0) return `pseudo-header ${name} in a request`;
      if (seenPseudo & bit) return `duplicate ${name}`;
      seenPseudo |= bit;
      switch (bit) {
        case 1:
          info.method = value;
          break;
        case 2:
          scheme = value;
          break;
        case 4:
          authority = value;
          break;
        case 8:
          path = value;
          seenPath = true;
          break;
        default:
          info.protocol = value;
      }
      continue;
    }
    seenRegular = true;
    const cls = classifyNameAt(name, i);
    if (cls === NAME_REGULAR) continue;
    if (cls < 0) return checkFieldName(name, 0);
    if (cls === NAME_CONNECTION_SPECIFIC) return `connection-specific field "${name}"`;
    if (cls === NAME_TE && value !== 'trailers') return `te: "${value}" (only "trailers" is allowed)`;
    if (cls === NAME_CONTENT_LENGTH && kind !== 'trailers') {
      const n = parseContentLength(value);
      if (n === -2 || (info.contentLength >= 0 && info.contentLength !== n)) return `invalid content-length "${value}"`;
      info.contentLength = n;
    } else if (cls === NAME_HOST) {
      host = value;
    }
  }
  if (kind === 'trailers') return '';
  if (kind === 'response') return seenStatus ? '' : 'missing :status';
  // Requests, RFC 9113 §8.3.1 and RFC 8441 §4.
  if (!(seenPseudo & 1)) return 'missing :method';
  if (info.protocol !== '') {
    if (!connectProtocolEnabled) return ':protocol without SETTINGS_ENABLE_CONNECT_PROTOCOL';
    if (info.method !== 'CONNECT') return ':protocol on a non-CONNECT request';
  }
  if (info.method === 'CONNECT' && info.protocol === '') {
    // §8.5: plain CONNECT has only :method and :authority.
    if (seenPseudo & (2 | 8)) return 'CONNECT with :scheme or :path';
    if (!authority) return 'CONNECT without :authority';
    return '';
  }
  if (!(seenPseudo & 2)) return 'missing :scheme';
  if (!seenPath) return 'missing :path';
  if (path === '') return 'empty :path';
  if ((scheme === 'http' || scheme === 'https') && path.charCodeAt(0) !== 0x2f && !(path === '*' && info.method === 'OPTIONS')) {
    return `invalid :path "${path}"`;
  }
  if (kind === 'push-request' && info.method !== 'GET' && info.method !== 'HEAD') {
    return `pushed request with method ${info.method} (must be safe and cacheable, §8.4)`;
  }
  // §8.3.1: Host and :authority must not disagree.
  if (authority !== undefined && host !== undefined && authority !== host) return ':authority and host differ';
  return '';
}

/** Three ASCII digits → their value, else -1. */
function parseStatus(v: string): number {
  const a = v.charCodeAt(0) - 48;
  const b = v.charCodeAt(1) - 48;
  const c = v.charCodeAt(2) - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9 || c < 0 || c > 9) return -1;
  return a * 100 + b * 10 + c;
}

export function newBlockInfo(): BlockInfo {
  return { method: '', status: 0, contentLength: -1, protocol: '' };
}
