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

/**
 * RouteRequest.headers, filled on first read: most routes never look at headers, so most requests never pay for the
 * map. Repeated fields are joined with ", " (cookies with "; ").
 */
export class LazyHeaderMap extends Map<string, string> {
  private source: HeaderList | null;

  constructor(source: HeaderList) {
    super();
    this.source = source;
  }

  private fill(): void {
    const headers = this.source;
    if (headers === null) return;
    this.source = null;
    for (let i = 0; i < headers.length; i++) {
      const field = headers[i]!;
      const name = field[0];
      const value = field[1];
      const prev = super.get(name);
      super.set(name, prev === undefined ? value : name === 'cookie' ? `${prev}; ${value}` : `${prev}, ${value}`);
    }
  }

  override get(name: string): string | undefined {
    this.fill();
    return super.get(name);
  }

  override has(name: string): boolean {
    this.fill();
    return super.has(name);
  }

  override get size(): number {
    this.fill();
    return super.size;
  }

  override forEach(callback: (value: string, key: string, map: Map<string, string>) => void, thisArg?: unknown): void {
    this.fill();
    super.forEach(callback, thisArg);
  }

  override entries(): MapIterator<[string, string]> {
    this.fill();
    return super.entries();
  }

  override keys(): MapIterator<string> {
    this.fill();
    return super.keys();
  }

  override values(): MapIterator<string> {
    this.fill();
    return super.values();
  }

  override [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }
}

/** The router's view of a request head; the header map is built only if a route looks at headers. */
class HeadRouteRequest implements RouteRequest {
  readonly authority: string;
  readonly path: string;
  readonly method: string;
  readonly listener: string;
  readonly grpc: boolean;
  private readonly fields: HeaderList;
  private map: LazyHeaderMap | null = null;

  constructor(head: RequestHead, grpc: boolean) {
    this.authority = head.authority;
    this.path = head.path;
    this.method = head.method;
    this.listener = head.listener;
    this.grpc = grpc;
    this.fields = head.headers;
  }

  get headers(): Map<string, string> {
    return (this.map ??= new LazyHeaderMap(this.fields));
  }
}

/** Matches a route and applies its request filters to a copy of the head's fields. */
export function resolve(gen: Generation, head: RequestHead, grpc: boolean): Resolution {
  const request = new HeadRouteRequest(head, grpc);
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
