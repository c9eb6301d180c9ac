// Route resolution shared by the forwarder and the WebSocket paths: router match, request filters (routing/filters),
// cluster lookup.
import type { RouteRequest, RouteResult } from '../config/types.js';
import { applyRequestFilters, type FilteredRequest } from '../routing/filters.js';
import type { HeaderList, RequestHead } from '../translate/head.js';
import type { UpstreamCluster } from '../upstream/cluster.js';
import type { Generation } from './generation.js';

export type Resolution =
  | { ok: true; result: RouteResult; filtered: FilteredRequest; cluster: UpstreamCluster }
  | { ok: false; status: number; message: string; flag: string; details: string; location?: string; route?: RouteResult };

export function headerMap(headers: HeaderList): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i < headers.length; i++) {
    const [name, value] = headers[i]!;
    const prev = map.get(name);
    map.set(name, prev === undefined ? value : name === 'cookie' ? `${prev}; ${value}` : `${prev}, ${value}`);
  }
  return map;
}

/** Matches a route and applies its request filters to a copy of the head's fields. */
export function resolve(gen: Generation, head: RequestHead, grpc: boolean): Resolution {
  const request: RouteRequest = {
    authority: head.authority,
    path: head.path,
    method: head.method,
    headers: headerMap(head.headers),
    listener: head.listener,
    grpc,
  };
  const result = gen.router.match(request);
  if (result === null) return { ok: false, status: 404, message: 'no route', flag: 'NR', details: 'route_not_found' };
  const filtered = result.route.filters.length === 0
    ? { path: head.path, authority: head.authority, headers: head.headers, redirect: null }
    : applyRequestFilters(result, head.headers.slice(), head.path, head.authority, head.secure ? 'https' : 'http');
  if (filtered.redirect !== null) {
    return { ok: false, status: filtered.redirect.statusCode, message: '', flag: '', details: 'redirect', location: filtered.redirect.location, route: result };
  }
  if (result.backend.cluster === '') return { ok: false, status: 500, message: 'route has no backend', flag: 'NR', details: 'no_backend', route: result };
  const cluster = gen.clusters.get(result.backend.cluster);
  if (cluster === undefined) return { ok: false, status: 503, message: `no cluster ${result.backend.cluster}`, flag: 'NR', details: 'cluster_not_found', route: result };
  return { ok: true, result, filtered, cluster };
}
