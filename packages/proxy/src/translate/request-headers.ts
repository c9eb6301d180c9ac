// Request header translation toward a backend (RFC 9110 §7.6, RFC 9113 §8.2–8.3): hop-by-hop fields dropped,
// :authority ↔ Host, cookie crumbs joined for HTTP/1.1 (RFC 9113 §8.2.3), Via, X-Forwarded-*, x-request-id.
// Per request this allocates the output list and only the fields whose value is new: the client's own fields,
// pseudo-header fields and the forwarding fields of a repeated value are shared (header lists are never modified in
// place, see head.ts).
import { nextRequestId } from './request-id.js';
import type { HeaderField, HeaderList, RequestHead } from './head.js';
import { connectionNamed, isHopByHop, teHasTrailers } from './hop-by-hop.js';

/** Pseudonym for Via (RFC 9110 §7.6.3). */
export const VIA_NAME = 'strand-proxy';

/** This hop's Via field, by the protocol version it received the message with (RFC 9110 §7.6.3). */
export const VIA_2: HeaderField = ['via', `2 ${VIA_NAME}`];
export const VIA_11: HeaderField = ['via', `1.1 ${VIA_NAME}`];

const SCHEME_HTTP: HeaderField = [':scheme', 'http'];
const SCHEME_HTTPS: HeaderField = [':scheme', 'https'];
const PROTO_HTTP: HeaderField = ['x-forwarded-proto', 'http'];
const PROTO_HTTPS: HeaderField = ['x-forwarded-proto', 'https'];
const METHODS = new Map<string, HeaderField>(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'].map((m) => [m, [':method', m]]));

/** One-entry caches of Host and the forwarding fields: consecutive requests mostly share a client and authority. */
let lastForwardedFor: HeaderField = ['x-forwarded-for', ''];
let lastForwardedHost: HeaderField = ['x-forwarded-host', ''];
let lastHost: HeaderField = ['host', ''];

function forwardedFor(peer: string): HeaderField {
  if (lastForwardedFor[1] !== peer) lastForwardedFor = ['x-forwarded-for', peer];
  return lastForwardedFor;
}

function hostField(authority: string): HeaderField {
  if (lastHost[1] !== authority) lastHost = ['host', authority];
  return lastHost;
}

function forwardedHost(authority: string): HeaderField {
  if (lastForwardedHost[1] !== authority) lastForwardedHost = ['x-forwarded-host', authority];
  return lastForwardedHost;
}

/** `field` when it holds `value` already, else a new field. */
function fieldOf(name: string, value: string, field: HeaderField | undefined): HeaderField {
  return field !== undefined && field[1] === value ? field : [name, value];
}

export interface UpstreamTarget {
  /** HTTP version spoken to the backend. */
  version: 1 | 2;
  /** :scheme toward an HTTP/2 backend ('http' for h2c, 'https' over TLS). */
  scheme: string;
  /** Method, authority and path after filters (URLRewrite may change them). */
  method: string;
  authority: string;
  path: string;
  /** Keep Upgrade/Connection: upgrade (HTTP/1.1 WebSocket pass-through). */
  upgrade: string | null;
}

/**
 * Builds the header list sent upstream. For HTTP/2 the list starts with the pseudo-header fields; for HTTP/1.1 it
 * starts with Host. The client's own values are appended to, never trusted blindly: X-Forwarded-For gets the peer
 * address added, X-Forwarded-Proto/-Host are set from what this proxy saw.
 */
export function upstreamRequestHeaders(head: RequestHead, target: UpstreamTarget): HeaderList {
  // Built as a literal, not pushed onto []: a push of a value the compiler cannot type (a field loaded from a list)
  // onto a fresh array is a call to the generic push builtin instead of inline code (perf, small GETs).
  let out: HeaderList;
  if (target.version === 2) {
    const scheme = target.scheme === 'http' ? SCHEME_HTTP : target.scheme === 'https' ? SCHEME_HTTPS : ([':scheme', target.scheme] as HeaderField);
    out = [
      METHODS.get(target.method) ?? [':method', target.method],
      scheme,
      fieldOf(':authority', target.authority, head.authorityField),
      fieldOf(':path', target.path, head.pathField),
    ];
  } else {
    out = [hostField(target.authority)];
  }
  const headers = head.headers;
  const named = connectionNamed(headers);
  let cookie = '';
  let xff = '';
  let via = '';
  let requestId = false;
  let te = false;
  for (let i = 0; i < headers.length; i++) {
    const field = headers[i]!;
    const name = field[0];
    if (name === 'host') continue; // replaced by :authority / our own Host
    if (isHopByHop(name)) {
      if (name === 'te' && teHasTrailers(field[1])) te = true;
      continue;
    }
    if (named !== null && named.has(name)) continue;
    switch (name) {
      case 'cookie':
        if (target.version === 1) {
          cookie = cookie === '' ? field[1] : `${cookie}; ${field[1]}`;
          continue;
        }
        break;
      case 'x-forwarded-for':
        xff = xff === '' ? field[1] : `${xff}, ${field[1]}`;
        continue;
      case 'via':
        via = via === '' ? field[1] : `${via}, ${field[1]}`;
        continue;
      case 'x-forwarded-proto':
      case 'x-forwarded-host':
        continue;
      case 'x-request-id':
        requestId = true;
        break;
    }
    out.push(field);
  }
  if (cookie !== '') out.push(['cookie', cookie]);
  // HTTP/2 backends (gRPC) need TE: trailers to know trailers are understood end to end.
  if (te && target.version === 2) out.push(['te', 'trailers']);
  if (target.upgrade !== null) out.push(['connection', 'upgrade'], ['upgrade', target.upgrade]);
  const hop = head.version === 2 ? VIA_2 : VIA_11;
  const peer = head.remoteAddress;
  out.push(
    via === '' ? hop : ['via', `${via}, ${hop[1]}`],
    xff === '' ? forwardedFor(peer) : ['x-forwarded-for', `${xff}, ${peer}`],
    head.scheme === 'https' ? PROTO_HTTPS : head.scheme === 'http' ? PROTO_HTTP : ['x-forwarded-proto', head.scheme],
    forwardedHost(head.authority),
  );
  if (!requestId) out.push(['x-request-id', nextRequestId()]);
  return out;
}

/** The x-request-id a request carries (after upstreamRequestHeaders added one when missing). */
export function requestIdOf(headers: HeaderList): string {
  for (let i = headers.length - 1; i >= 0; i--) if (headers[i]![0] === 'x-request-id') return headers[i]![1];
  return '';
}
