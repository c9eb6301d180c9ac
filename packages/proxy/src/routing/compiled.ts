// One route match compiled for the hot path, and the Gateway API precedence between two of them.
import type { BackendRef, RouteConfig, RouteMatch, RouteResult } from '../config/types.js';

export const PATH_NONE = 0;
export const PATH_EXACT = 1;
export const PATH_PREFIX = 2;
export const PATH_REGEX = 3;

/** Returned for rules without a usable backend (no backends, or every weight 0): the data path answers 500. */
export const NO_BACKEND: BackendRef = Object.freeze({ cluster: '', weight: 0 });

export interface CompiledMatch {
  route: RouteConfig;
  match: RouteMatch;
  /** Creation order: index of the route in the config, then of the match in the route. */
  routeIndex: number;
  matchIndex: number;
  grpc: boolean;
  pathKind: number;
  /** Exact: the path; PathPrefix: the prefix without a trailing '/' ('' for "/"). */
  pathValue: string;
  pathRegex: RegExp | null;
  /** Specificity: the path value's length as written. */
  pathLength: number;
  /** One preallocated RouteResult per backend, and cumulative weights for the weighted choice. */
  results: RouteResult[];
  cumulative: number[];
  totalWeight: number;
}

export function compileMatch(route: RouteConfig, routeIndex: number, match: RouteMatch, matchIndex: number): CompiledMatch {
  const results: RouteResult[] = [];
  const cumulative: number[] = [];
  let total = 0;
  for (const backend of route.backends) {
    if (backend.weight <= 0) continue;
    total += backend.weight;
    results.push({ route, backend, match });
    cumulative.push(total);
  }
  if (results.length === 0) results.push({ route, backend: NO_BACKEND, match });
  const p = match.path;
  let pathKind = PATH_NONE;
  let pathValue = '';
  if (p !== null) {
    pathKind = p.type === 'Exact' ? PATH_EXACT : p.type === 'PathPrefix' ? PATH_PREFIX : PATH_REGEX;
    pathValue = p.type === 'PathPrefix' && p.value.endsWith('/') ? p.value.slice(0, -1) : p.value;
  }
  return {
    route,
    match,
    routeIndex,
    matchIndex,
    grpc: match.grpc !== null,
    pathKind,
    pathValue,
    pathRegex: p?.type === 'RegularExpression' ? p.regex : null,
    pathLength: p === null ? 0 : p.value.length,
    results,
    cumulative,
    totalWeight: total,
  };
}

/**
 * Negative when `a` takes precedence over `b` (same hostname tier). gRPC matches come before HTTP matches; then
 * GRPCRoute rules (most service characters, most method characters, most header matches) or HTTPRoute rules
 * (Exact path, longest PathPrefix/regex — prefix before regex at equal length, method, most header matches, most
 * query matches); ties go to the route created first (config order), then the earlier match.
 */
export function comparePrecedence(a: CompiledMatch, b: CompiledMatch): number {
  if (a.grpc !== b.grpc) return a.grpc ? -1 : 1;
  if (a.grpc) {
    const ga = a.match.grpc!;
    const gb = b.match.grpc!;
    const d = (gb.service?.length ?? 0) - (ga.service?.length ?? 0) || (gb.method?.length ?? 0) - (ga.method?.length ?? 0);
    if (d !== 0) return d;
  } else {
    const exactA = a.pathKind === PATH_EXACT ? 1 : 0;
    const exactB = b.pathKind === PATH_EXACT ? 1 : 0;
    const d = exactB - exactA || b.pathLength - a.pathLength || a.pathKind - b.pathKind || (b.match.method !== null ? 1 : 0) - (a.match.method !== null ? 1 : 0);
    if (d !== 0) return d;
  }
  return (
    b.match.headers.length - a.match.headers.length ||
    b.match.queryParams.length - a.match.queryParams.length ||
    a.routeIndex - b.routeIndex ||
    a.matchIndex - b.matchIndex
  );
}
