// Applying a rule's filters (Gateway API HTTPRouteFilter semantics) to a request or response header list.
// Header lists are modified in place (names are lowercase, as in HTTP/2); pseudo-headers are never touched because
// modifier names are tokens, which cannot start with ':'.
import type { HeaderModifier, RouteFilter, RouteResult } from '../config/types.js';
import { authorityPort, routingHost } from './host.js';

export type HeaderPairs = Array<[string, string]>;

export interface FilteredRequest {
  /** :path to send upstream (query string preserved). */
  path: string;
  /** :authority / Host to send upstream. */
  authority: string;
  headers: HeaderPairs;
  /** Set when a RequestRedirect filter applies: answer with this status and Location, do not proxy. */
  redirect: { statusCode: number; location: string } | null;
}

function removeAll(headers: HeaderPairs, name: string): void {
  let w = 0;
  for (let r = 0; r < headers.length; r++) {
    const h = headers[r]!;
    if (h[0] !== name) headers[w++] = h;
  }
  headers.length = w;
}

/** Gateway API HTTPHeaderFilter: set replaces every field of that name, add appends one, remove drops all. */
export function applyHeaderModifier(headers: HeaderPairs, m: HeaderModifier): HeaderPairs {
  for (const name of m.remove) removeAll(headers, name);
  for (const [name, value] of m.set) {
    removeAll(headers, name);
    headers.push([name, value]);
  }
  for (const [name, value] of m.add) headers.push([name, value]);
  return headers;
}

/**
 * HTTPPathModifier ReplacePrefixMatch: the matched prefix (element-wise) becomes `replacement`:
 * prefix "/foo" → "/xyz": "/foo/bar" → "/xyz/bar"; "/foo" → "/": "/foo/bar" → "/bar"; "/" → "/httpbin/": "/get" →
 * "/httpbin/get". `path` is the path without query.
 */
export function replacePrefix(path: string, prefix: string, replacement: string): string {
  const trimmed = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  const rest = path.slice(trimmed.length);
  const head = replacement.endsWith('/') ? replacement.slice(0, -1) : replacement;
  const out = rest === '' && replacement.endsWith('/') ? replacement : head + rest;
  return out === '' ? '/' : out;
}

function rewritePath(path: string, modifier: { type: 'ReplaceFullPath' | 'ReplacePrefixMatch'; value: string }, result: RouteResult): string {
  const q = path.indexOf('?');
  const pathOnly = q < 0 ? path : path.slice(0, q);
  const query = q < 0 ? '' : path.slice(q);
  if (modifier.type === 'ReplaceFullPath') return modifier.value + query;
  const prefix = result.match.path?.type === 'PathPrefix' ? result.match.path.value : '/';
  return replacePrefix(pathOnly, prefix, modifier.value) + query;
}

function redirectLocation(f: Extract<RouteFilter, { type: 'RequestRedirect' }>, result: RouteResult, path: string, authority: string, scheme: 'http' | 'https'): string {
  const toScheme = f.scheme ?? scheme;
  const host = f.hostname ?? routingHost(authority);
  // Gateway API: no port given → the well-known port of a changed scheme, else the port the request came to.
  let port = f.port !== null ? String(f.port) : f.scheme !== null ? '' : authorityPort(authority);
  if ((toScheme === 'http' && port === '80') || (toScheme === 'https' && port === '443')) port = '';
  const target = f.path === null ? path : rewritePath(path, f.path, result);
  return `${toScheme}://${host}${port === '' ? '' : ':' + port}${target}`;
}

/**
 * Applies the request-side filters of `result.route`: RequestHeaderModifier (in place on `headers`), URLRewrite
 * (path and authority) and RequestRedirect (→ `redirect`). `path` is the :path with query, `authority` the request's
 * :authority / Host, `scheme` the downstream scheme (for redirects).
 */
export function applyRequestFilters(result: RouteResult, headers: HeaderPairs, path: string, authority = '', scheme: 'http' | 'https' = 'http'): FilteredRequest {
  const out: FilteredRequest = { path, authority, headers, redirect: null };
  for (const f of result.route.filters) {
    switch (f.type) {
      case 'RequestHeaderModifier':
        applyHeaderModifier(headers, f.modifier);
        break;
      case 'URLRewrite':
        if (f.path !== null) out.path = rewritePath(path, f.path, result);
        if (f.hostname !== null) {
          out.authority = f.hostname;
          for (let i = 0; i < headers.length; i++) if (headers[i]![0] === 'host') headers[i] = ['host', f.hostname]; // fields may be shared: replace, never modify
        }
        break;
      case 'RequestRedirect':
        out.redirect = { statusCode: f.statusCode, location: redirectLocation(f, result, path, authority, scheme) };
        break;
    }
  }
  return out;
}

/** Applies ResponseHeaderModifier filters of `result.route` to the response header list, in place. */
export function applyResponseFilters(result: RouteResult, headers: HeaderPairs): HeaderPairs {
  for (const f of result.route.filters) if (f.type === 'ResponseHeaderModifier') applyHeaderModifier(headers, f.modifier);
  return headers;
}
