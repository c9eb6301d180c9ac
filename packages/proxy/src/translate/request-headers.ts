// Request header translation toward a backend (RFC 9110 §7.6, RFC 9113 §8.2–8.3): hop-by-hop fields dropped,
// :authority ↔ Host, cookie crumbs joined for HTTP/1.1 (RFC 9113 §8.2.3), Via, X-Forwarded-*, x-request-id.
import { nextRequestId } from './request-id.js';
import type { HeaderList, RequestHead } from './head.js';
import { connectionNamed, isHopByHop, teHasTrailers } from './hop-by-hop.js';

/** Pseudonym for Via (RFC 9110 §7.6.3). */
export const VIA_NAME = 'strand-proxy';

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
  const out: HeaderList = [];
  if (target.version === 2) {
    out.push([':method', target.method], [':scheme', target.scheme], [':authority', target.authority], [':path', target.path]);
  } else {
    out.push(['host', target.authority]);
  }
  const named = connectionNamed(head.headers);
  let cookie = '';
  let xff = '';
  let via = '';
  let requestId = false;
  let te = false;
  const headers = head.headers;
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
  const hop = `${head.version === 2 ? '2' : '1.1'} ${VIA_NAME}`;
  out.push(['via', via === '' ? hop : `${via}, ${hop}`]);
  const peer = head.remoteAddress;
  out.push(['x-forwarded-for', xff === '' ? peer : `${xff}, ${peer}`]);
  out.push(['x-forwarded-proto', head.scheme]);
  out.push(['x-forwarded-host', head.authority]);
  if (!requestId) out.push(['x-request-id', nextRequestId()]);
  return out;
}

/** The x-request-id a request carries (after upstreamRequestHeaders added one when missing). */
export function requestIdOf(headers: HeaderList): string {
  for (let i = headers.length - 1; i >= 0; i--) if (headers[i]![0] === 'x-request-id') return headers[i]![1];
  return '';
}
