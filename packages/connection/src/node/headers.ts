// Node-style header objects ({ name: value | value[] }) ↔ the engine's header lists ([name, value][]).
// The engine carries field values as latin1 strings (one char per octet, RFC 9110 §5.5); values with characters
// above U+007F are sent as their UTF-8 octets and turned back into text when the received octets are valid UTF-8.
import { classifyName, NAME_CONNECTION_SPECIFIC, NAME_TE, type HeaderList } from '../engine/http-semantics.js';
import { RememberedValues } from '../engine/remembered-values.js';
import { nodeError } from './errors.js';

/** Outgoing headers as node:http2 takes them. */
export interface OutgoingHttpHeaders {
  [name: string]: number | string | readonly string[] | undefined;
}

/** Incoming headers as node:http2 gives them: `:status` is a number, `set-cookie` an array, repeats joined. */
export interface IncomingHttpHeaders {
  [name: string]: string | string[] | number | undefined;
}

/** node:http2's `sensitiveHeaders`: list field names under this key and they are never indexed (RFC 7541 §7.1.3). */
export const sensitiveHeaders: unique symbol = Symbol.for('nodejs.http2.sensitiveHeaders') as never;

// Fields node keeps one value of (the first); repeats of the others are joined (RFC 9110 §5.3).
const SINGLE_VALUE = new Set([
  ':status', ':method', ':authority', ':scheme', ':path', ':protocol',
  'access-control-allow-credentials', 'access-control-max-age', 'access-control-request-method', 'age',
  'authorization', 'content-encoding', 'content-language', 'content-length', 'content-location', 'content-md5',
  'content-range', 'content-type', 'date', 'dnt', 'etag', 'expires', 'from', 'host', 'if-match',
  'if-modified-since', 'if-none-match', 'if-range', 'if-unmodified-since', 'last-modified', 'location',
  'max-forwards', 'proxy-authorization', 'range', 'referer', 'retry-after', 'tk', 'upgrade-insecure-requests',
  'user-agent', 'x-content-type-options',
]);

// RFC 9113 §8.2.2: connection-specific fields must not appear in HTTP/2 (`te` only as "trailers").
export const CONNECTION_SPECIFIC = new Set(['connection', 'proxy-connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'http2-settings']);

const REQUEST_PSEUDO = new Set([':method', ':scheme', ':authority', ':path', ':protocol']);

type BlockKind = 'request' | 'response' | 'trailers';

/** What to do with fields HTTP/2 forbids: 'throw' like node:http2, or 'drop' silently (the compat layer). */
export type ConnectionHeaderPolicy = 'throw' | 'drop';

/**
 * Node-style object → engine list, pseudo-header fields first (RFC 9113 §8.3). Throws node's TypeErrors for
 * invalid names, values, pseudo-headers and connection-specific fields (unless `policy` is 'drop').
 */
export function toHeaderList(headers: OutgoingHttpHeaders | null | undefined, kind: BlockKind, policy: ConnectionHeaderPolicy = 'throw'): HeaderList {
  // One list: pseudo-header fields are kept in front of the first `pseudoCount` entries as they come.
  const list: HeaderList = [];
  let pseudoCount = 0;
  if (headers == null) return list;
  const sensitive = (headers as { [sensitiveHeaders]?: readonly string[] })[sensitiveHeaders];
  for (const key in headers) {
    const value = headers[key];
    // Own fields only, as node:http2 reads them (Object.keys): nothing inherited goes on the wire.
    if (value === undefined || value === null || !Object.hasOwn(headers, key)) continue;
    const name = lowercaseName(key);
    if (name.charCodeAt(0) === 0x3a) {
      checkPseudo(name, kind, list, pseudoCount);
      const field: [string, string] = [name, fieldValue(name, Array.isArray(value) ? value[0] : value)];
      if (pseudoCount === list.length) list.push(field);
      else list.splice(pseudoCount, 0, field);
      pseudoCount++;
      continue;
    }
    // The engine's check of received names, with its per-name cache (the name is lowercased already).
    const cls = classifyName(name);
    if (cls < 0) throw nodeError('ERR_INVALID_HTTP_TOKEN', `Header name must be a valid HTTP token ["${key}"]`, TypeError);
    // node:http2 also refuses http2-settings, which RFC 9113 §8.2.2 does not list (the engine lets it through).
    if (cls === NAME_CONNECTION_SPECIFIC || name === 'http2-settings' || (cls === NAME_TE && String(value).toLowerCase() !== 'trailers')) {
      if (policy === 'drop') continue;
      throw nodeError('ERR_HTTP2_INVALID_CONNECTION_HEADERS', `HTTP/1 Connection specific headers are forbidden: "${name}"`, TypeError);
    }
    const never = sensitive !== undefined && sensitive.includes(name);
    if (Array.isArray(value)) {
      if (value.length > 1 && SINGLE_VALUE.has(name)) {
        throw nodeError('ERR_HTTP2_HEADER_SINGLE_VALUE', `Header field "${name}" must only have a single value`, TypeError);
      }
      for (const v of value) push(list, name, fieldValue(name, v), never);
    } else {
      push(list, name, fieldValue(name, value), never);
    }
  }
  return list;
}

function push(list: HeaderList, name: string, value: string, never: boolean): void {
  // The HPACK encoder takes an optional third element: true = never indexed (RFC 7541 §6.2.3).
  list.push(never ? ([name, value, true] as unknown as [string, string]) : [name, value]);
}

function lowercaseName(key: string): string {
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) return key.toLowerCase();
  }
  return key;
}

/** A pseudo-header field must be allowed in this kind of block and not repeat one of the first `count` fields. */
function checkPseudo(name: string, kind: BlockKind, list: HeaderList, count: number): void {
  const allowed = kind === 'request' ? REQUEST_PSEUDO.has(name) : kind === 'response' && name === ':status';
  let repeated = false;
  for (let i = 0; i < count; i++) if (list[i]![0] === name) repeated = true;
  if (!allowed || repeated) {
    throw nodeError('ERR_HTTP2_INVALID_PSEUDOHEADER', `"${name}" is an invalid pseudoheader or is used incorrectly`, TypeError);
  }
}

/** A value as the engine carries it: text → latin1 octets (UTF-8 encoded when it has non-ASCII characters). */
function fieldValue(name: string, value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  let ascii = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0 || c === 0x0a || c === 0x0d) {
      throw nodeError('ERR_INVALID_CHAR', `Invalid character in header content ["${name}"]`, TypeError);
    }
    if (c > 0x7f) ascii = false;
  }
  return ascii ? text : utf8AsLatin1(text);
}

const encoder = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function utf8AsLatin1(text: string): string {
  const bytes = encoder.encode(text);
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += String.fromCharCode(bytes[i]!);
  return out;
}

/** Whether every character of `text` is ASCII (then its latin1 octets and its UTF-8 octets are the same). */
export function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Received values found ASCII (remembered by position; a non-ASCII value is decoded afresh each time). */
const asciiValues = new RememberedValues();

/** Received octets (latin1 string) at position `i` of its list → text: UTF-8 when valid UTF-8, else latin1. */
function decodeFieldValue(value: string, i: number): string {
  let ascii = asciiValues.has(i, value);
  if (!ascii && isAscii(value)) {
    ascii = true;
    asciiValues.add(i, value);
  }
  if (ascii) return value;
  const bytes = new Uint8Array(value.length);
  for (let i = 0; i < value.length; i++) bytes[i] = value.charCodeAt(i);
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return value;
  }
}

/**
 * Received header objects are built on an empty frozen prototype (nothing inherited: a field named `__proto__`,
 * `constructor` or `toString` is an own data property), then get a null prototype like node's. Built that way V8
 * keeps them in fast mode: a null-prototype object is a dictionary from birth and costs about twice as much to fill
 * with a request's seven fields (≈ 250–470 vs 120–190 ns, loop in Node 20).
 */
export const HEADERS_PROTOTYPE: object = Object.freeze(Object.create(null));

/**
 * Engine list → node-style object (null prototype, like node): `:status` as a number, `set-cookie` always an
 * array, `cookie` repeats joined with "; " (RFC 9113 §8.2.3), other repeats joined with ", " unless single-valued.
 * Fills `raw` with the flat [name, value, …] list when given.
 */
export function toHeaderObject(list: HeaderList, raw?: string[]): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = Object.create(HEADERS_PROTOTYPE);
  for (let i = 0; i < list.length; i++) {
    const field = list[i]!;
    const name = field[0];
    const value = decodeFieldValue(field[1], i);
    if (raw !== undefined) raw.push(name, value);
    // A repeated name is rare: look for it among the earlier fields (a keyed read of an absent property is slower).
    let repeated = false;
    for (let j = 0; j < i; j++) {
      if (list[j]![0] === name) {
        repeated = true;
        break;
      }
    }
    if (!repeated) {
      out[name] = name === ':status' ? Number(value) : name === 'set-cookie' ? [value] : value;
      continue;
    }
    const existing = out[name];
    if (name === 'set-cookie') {
      (existing as string[]).push(value);
    } else if (name === 'cookie') {
      out[name] = `${existing as string}; ${value}`;
    } else if (!SINGLE_VALUE.has(name)) {
      out[name] = `${existing as string}, ${value}`;
    }
  }
  (out as { [sensitiveHeaders]?: string[] })[sensitiveHeaders] = [];
  Object.setPrototypeOf(out, null);
  return out;
}
