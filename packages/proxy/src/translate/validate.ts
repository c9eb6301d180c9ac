// Request-smuggling guard: a request head that could be read two ways by the proxy and a backend is refused with 400
// before any byte goes upstream. HTTP/2 heads were already checked by the engine (RFC 9113 §8.2.1, §8.3); HTTP/1.1
// heads by Node's parser. These checks are the common floor both must pass before translation.
import type { RequestHead } from './head.js';

/** RFC 9110 §5.6.2 tchar: 1 for token characters, by char code (below 128). */
export const TOKEN_CHARS = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") TOKEN_CHARS[c.charCodeAt(0)] = 1;

export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TOKEN_CHARS[c] === 0) return false;
  }
  return true;
}

/** RFC 9110 §5.5: field-value = *field-content; no CTLs but HTAB (so no CR, LF, NUL). obs-text (0x80–0xFF) allowed. */
export function isFieldValue(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f || c > 0xff) return false;
  }
  return true;
}

/** origin-form / asterisk-form request target: visible ASCII or obs-text, no spaces or controls. */
function isRequestTarget(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f || c > 0xff) return false;
  }
  return true;
}

/** host [":" port] (RFC 9110 §7.2): reg-name, IPv4 or an IP-literal; no userinfo, path, spaces or controls. */
function isAuthority(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || c === 0x2f /* / */ || c === 0x5c /* \ */ || c === 0x40 /* @ */ || c === 0x3f /* ? */ || c === 0x23 /* # */) {
      return false;
    }
  }
  return true;
}

/**
 * The fields of earlier heads that passed, by position: a field whose name (value) equals the one remembered at its
 * position was checked already. Validity depends only on the characters, and a client's repeated fields usually are
 * the very same strings (HPACK hands out its table's strings again; Node's HTTP/1.1 parser interns common names), so
 * the common request compares pointers instead of walking every character. Bounded: only the first fields.
 */
const CHECKED_FIELDS = 32;
const checkedNames: string[] = [];
const checkedValues: string[] = [];
/** null until one passed: '' is no valid authority, so it must not start out as "already checked". */
let checkedPath: string | null = null;
let checkedAuthority: string | null = null;

/**
 * Returns '' when the head is safe to forward, else why it is not (sent in the 400 body). Checks method, target,
 * authority, every field name and value, and content-length syntax (one value, digits only).
 */
export function checkRequestHead(head: RequestHead): string {
  if (!isToken(head.method)) return 'invalid method';
  // Plain CONNECT (authority-form) has no path; an extended CONNECT (RFC 8441) has one.
  const plainConnect = head.method === 'CONNECT' && head.protocol === '';
  const path = head.path;
  if (!plainConnect && !(path.charCodeAt(0) === 0x2f || (path === '*' && head.method === 'OPTIONS'))) {
    return 'invalid request target';
  }
  if (!plainConnect && path !== checkedPath) {
    if (!isRequestTarget(path)) return 'invalid request target';
    checkedPath = path;
  }
  const authority = head.authority;
  if (authority !== checkedAuthority) {
    if (!isAuthority(authority)) return authority === '' ? 'missing Host' : 'invalid Host';
    checkedAuthority = authority;
  }
  let contentLength: string | null = null;
  let hosts = 0;
  const headers = head.headers;
  for (let i = 0; i < headers.length; i++) {
    const field = headers[i]!;
    const name = field[0];
    const value = field[1];
    if (i >= CHECKED_FIELDS) {
      if (!isToken(name)) return 'invalid field name';
      if (!isFieldValue(value)) return `invalid value of ${name}`;
    } else {
      if (name !== checkedNames[i]) {
        if (!isToken(name)) return 'invalid field name';
        checkedNames[i] = name;
      }
      if (value !== checkedValues[i]) {
        if (!isFieldValue(value)) return `invalid value of ${name}`;
        checkedValues[i] = value;
      }
    }
    // RFC 9112 §3.2: more than one Host field is a 400.
    if (name === 'host' && ++hosts > 1) return 'more than one Host';
    if (name === 'content-length') {
      if (contentLength !== null && contentLength !== value) return 'conflicting content-length';
      if (!/^[0-9]{1,15}$/.test(value)) return 'invalid content-length';
      contentLength = value;
    }
  }
  return '';
}
