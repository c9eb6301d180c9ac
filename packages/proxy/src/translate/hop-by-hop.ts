// Hop-by-hop fields (RFC 9110 §7.6.1): they describe one connection and never cross the proxy. HTTP/2 forbids them
// outright (RFC 9113 §8.2.2); HTTP/1.1 names more of them in Connection.
import type { HeaderList } from './head.js';

/**
 * Always removed, whatever Connection says. `te` is special-cased by the callers (only "trailers" survives to h2).
 * Also: http2-settings (RFC 7540 §3.2.1, only meaningful on an h2c upgrade, which the proxy never forwards),
 * proxy-authenticate and proxy-authorization. Matched by length first: called for every field of every request and
 * response, and almost every name fails on its length alone (a Set lookup hashes the name each time).
 */
export function isHopByHop(name: string): boolean {
  switch (name.length) {
    case 2:
      return name === 'te';
    case 7:
      return name === 'upgrade';
    case 10:
      return name === 'connection' || name === 'keep-alive';
    case 14:
      return name === 'http2-settings';
    case 16:
      return name === 'proxy-connection';
    case 17:
      return name === 'transfer-encoding';
    case 18:
      return name === 'proxy-authenticate';
    case 19:
      return name === 'proxy-authorization';
    default:
      return false;
  }
}

/**
 * The extra field names a message's Connection fields list (lowercase), or null when there are none worth a set.
 * `close` and `keep-alive` are options, not field names, but removing fields by those names is harmless.
 */
export function connectionNamed(headers: HeaderList): Set<string> | null {
  let named: Set<string> | null = null;
  for (let i = 0; i < headers.length; i++) {
    const field = headers[i]!;
    const name = field[0];
    const value = field[1];
    if (name !== 'connection') continue;
    for (const token of value.split(',')) {
      const t = token.trim().toLowerCase();
      if (t === '' || t === 'close' || t === 'keep-alive') continue;
      (named ??= new Set()).add(t);
    }
  }
  return named;
}

/** True when the comma-separated `value` lists `token` (lowercase), whatever its case and spacing (RFC 9110 §5.6.1). */
export function listHasToken(value: string, token: string): boolean {
  for (const part of value.split(',')) if (part.trim().toLowerCase() === token) return true;
  return false;
}

/** True when `te` lists "trailers" (the only TE value HTTP/2 carries, RFC 9113 §8.2.2). */
export function teHasTrailers(value: string): boolean {
  for (const token of value.split(',')) {
    const t = token.trim().toLowerCase();
    if (t === 'trailers' || t.startsWith('trailers;')) return true;
  }
  return false;
}
