// The HTTP/1.1 request head (RFC 9112 §3, §5) written as bytes: one pooled Buffer per request instead of a string
// built by concatenation and flattened again by the socket write (most of the proxy's per-request garbage).
import type { HeaderList } from '../translate/head.js';

const HTTP11_CRLF = ' HTTP/1.1\r\n';

/**
 * `METHOD path HTTP/1.1`, each field as `name: value`, then `extra` (complete `name: value\r\n` lines, or ''), then
 * the empty line. Every char is written as its low octet, as Node's 'latin1' encoding does (field values are octets),
 * so nothing is checked here: a char above 0xFF would lose its high byte (U+010A writes LF). Client text was checked by
 * checkRequestHead (no CTLs, nothing above 0xFF); values from the config must be checked where they are read.
 */
export function requestHeadBytes(method: string, path: string, headers: HeaderList, extra: string): Buffer {
  let length = method.length + 1 + path.length + HTTP11_CRLF.length + extra.length + 2;
  for (let i = 0; i < headers.length; i++) {
    const field = headers[i]!;
    length += field[0].length + field[1].length + 4;
  }
  const out = Buffer.allocUnsafe(length); // small heads come from Node's shared pool
  let at = put(out, 0, method);
  out[at++] = 0x20;
  at = put(out, at, path);
  at = put(out, at, HTTP11_CRLF);
  for (let i = 0; i < headers.length; i++) {
    const field = headers[i]!;
    at = put(out, at, field[0]);
    out[at++] = 0x3a; // ':'
    out[at++] = 0x20;
    at = put(out, at, field[1]);
    out[at++] = 0x0d;
    out[at++] = 0x0a;
  }
  at = put(out, at, extra);
  out[at++] = 0x0d;
  out[at] = 0x0a;
  return out;
}

function put(out: Buffer, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) out[at++] = text.charCodeAt(i);
  return at;
}
