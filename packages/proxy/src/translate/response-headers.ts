// Response and trailer translation toward the client (RFC 9110 §7.6, §6.5; RFC 9113 §8.2.2).
import type { HeaderField, HeaderList } from './head.js';
import { connectionNamed, isHopByHop } from './hop-by-hop.js';
import { VIA_11, VIA_2 } from './request-headers.js';

/** :status fields by code, shared by every response (header lists are never modified in place). */
const STATUS_FIELDS: Array<HeaderField | undefined> = [];

export function statusField(status: number): HeaderField {
  if (status < 100 || status > 999) return [':status', String(status)];
  return (STATUS_FIELDS[status] ??= [':status', String(status)]);
}

/**
 * Response fields for the client: hop-by-hop fields and what Connection names are dropped, Via gets this hop
 * (`upstreamVersion` is the protocol the backend answered with). Pseudo-header fields of the input are skipped; with
 * `status` > 0 the list starts with :status (HTTP/2 clients take it as is, HTTP/1.1 ones skip it).
 */
export function downstreamResponseHeaders(headers: HeaderList, upstreamVersion: 1 | 2, addVia = true, status = 0): HeaderList {
  const named = connectionNamed(headers);
  const out: HeaderList = [];
  if (status > 0) out.push(statusField(status));
  let via = '';
  for (let i = 0; i < headers.length; i++) {
    const field = headers[i]!;
    const name = field[0];
    if (name.charCodeAt(0) === 0x3a || isHopByHop(name)) continue;
    if (named !== null && named.has(name)) continue;
    if (name === 'via') {
      via = via === '' ? field[1] : `${via}, ${field[1]}`;
      continue;
    }
    out.push(field);
  }
  if (addVia) {
    const hop = upstreamVersion === 2 ? VIA_2 : VIA_11;
    out.push(via === '' ? hop : ['via', `${via}, ${hop[1]}`]);
  } else if (via !== '') {
    out.push(['via', via]);
  }
  return out;
}

/** Fields that must not appear in trailers (RFC 9110 §6.5.1) or cannot cross a hop. */
const NOT_IN_TRAILERS = new Set(['content-length', 'host', 'content-type', 'content-encoding', 'content-range', 'trailer', 'authorization', 'set-cookie']);

/** Trailer fields fit to forward: lowercase names, no pseudo-headers, no framing or hop-by-hop fields. */
export function forwardableTrailers(trailers: HeaderList): HeaderList {
  const out: HeaderList = [];
  for (let i = 0; i < trailers.length; i++) {
    const field = trailers[i]!;
    const name = field[0];
    if (name.charCodeAt(0) === 0x3a || isHopByHop(name) || NOT_IN_TRAILERS.has(name)) continue;
    out.push(field);
  }
  return out;
}

/** A flat [name, value, name, value, ...] array (node:http's raw form) as a HeaderList with lowercase names. */
export function fromRawHeaders(raw: string[]): HeaderList {
  const out: HeaderList = new Array(raw.length >> 1);
  for (let i = 0, j = 0; i < raw.length; i += 2, j++) out[j] = [raw[i]!.toLowerCase(), raw[i + 1]!];
  return out;
}

/** A HeaderList as node:http's flat raw array (pseudo-header fields left out). */
export function toRawHeaders(headers: HeaderList): string[] {
  const out: string[] = [];
  for (let i = 0; i < headers.length; i++) {
    const field = headers[i]!;
    const name = field[0];
    const value = field[1];
    if (name.charCodeAt(0) !== 0x3a) out.push(name, value);
  }
  return out;
}
