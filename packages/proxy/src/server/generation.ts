// One configuration in force: the router and the clusters built from a ProxyConfig. reload() builds the next
// generation and swaps it atomically; requests keep the generation they started with until they finish.
import type { ClusterConfig, ProxyConfig, RouteRequest, RouteResult } from '../config/types.js';
import { UpstreamCluster, type ClusterOptions } from '../upstream/cluster.js';

/** What the data path needs of the router (packages/proxy/src/routing). */
export interface RouteMatcher {
  match(request: RouteRequest): RouteResult | null;
}

export type RouterFactory = (config: ProxyConfig) => RouteMatcher;

export class Generation {
  readonly config: ProxyConfig;
  readonly router: RouteMatcher;
  readonly clusters: Map<string, UpstreamCluster>;

  constructor(config: ProxyConfig, router: RouteMatcher, clusters: Map<string, UpstreamCluster>) {
    this.config = config;
    this.router = router;
    this.clusters = clusters;
  }

  /**
   * Builds a generation for `config`, reusing clusters of `previous` whose configuration did not change (their warm
   * connections carry over). Returns the clusters of `previous` that are no longer used, to be closed gracefully.
   */
  static build(config: ProxyConfig, makeRouter: RouterFactory, options: ClusterOptions, previous: Generation | null): { generation: Generation; retired: UpstreamCluster[] } {
    const clusters = new Map<string, UpstreamCluster>();
    const reused = new Set<UpstreamCluster>();
    for (const [name, cc] of config.clusters) {
      const old = previous?.clusters.get(name);
      if (old !== undefined && sameCluster(old.config, cc)) {
        clusters.set(name, old);
        reused.add(old);
      } else {
        const c = new UpstreamCluster(cc, options);
        c.startHealthChecks();
        clusters.set(name, c);
      }
    }
    const retired: UpstreamCluster[] = [];
    if (previous !== null) for (const c of previous.clusters.values()) if (!reused.has(c)) retired.push(c);
    return { generation: new Generation(config, makeRouter(config), clusters), retired };
  }
}

function sameCluster(a: ClusterConfig, b: ClusterConfig): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
