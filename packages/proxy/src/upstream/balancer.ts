// Load balancing over a cluster's available hosts: smooth weighted round-robin, least-request with the power of two
// choices (weights divide the load), and weighted random. Hosts failing health checks or ejected are skipped; when
// none is left every host is eligible again (panic mode: better a likely failure than a certain one).
import type { UpstreamHost } from './host.js';

export type BalancerKind = 'round-robin' | 'least-request' | 'random';

export class Balancer {
  private readonly kind: BalancerKind;
  private readonly hosts: UpstreamHost[];
  private readonly eligible: UpstreamHost[] = [];
  private readonly random: () => number;

  constructor(kind: BalancerKind, hosts: UpstreamHost[], random: () => number = Math.random) {
    this.kind = kind;
    this.hosts = hosts;
    this.random = random;
  }

  /** Picks a host, avoiding `avoid` (the host a retried attempt failed on) when another is available. */
  pick(now: number, avoid: UpstreamHost | null = null): UpstreamHost {
    const hosts = this.hosts;
    if (hosts.length === 1) return hosts[0]!;
    const eligible = this.eligible;
    eligible.length = 0;
    for (let i = 0; i < hosts.length; i++) {
      const h = hosts[i]!;
      if (h !== avoid && h.available(now)) eligible.push(h);
    }
    if (eligible.length === 0) {
      for (let i = 0; i < hosts.length; i++) if (hosts[i]!.available(now)) eligible.push(hosts[i]!);
    }
    if (eligible.length === 0) for (let i = 0; i < hosts.length; i++) eligible.push(hosts[i]!);
    if (eligible.length === 1) return eligible[0]!;
    switch (this.kind) {
      case 'round-robin':
        return this.roundRobin(eligible);
      case 'least-request':
        return this.leastRequest(eligible);
      default:
        return this.weightedRandom(eligible);
    }
  }

  /** Smooth weighted round-robin: every pick adds each weight to its host's credit, the richest wins and pays the total. */
  private roundRobin(hosts: UpstreamHost[]): UpstreamHost {
    let total = 0;
    let best: UpstreamHost = hosts[0]!;
    for (let i = 0; i < hosts.length; i++) {
      const h = hosts[i]!;
      h.current += h.weight;
      total += h.weight;
      if (h.current > best.current) best = h;
    }
    best.current -= total;
    return best;
  }

  /** Power of two choices: two distinct random hosts, the one with fewer requests per unit of weight. */
  private leastRequest(hosts: UpstreamHost[]): UpstreamHost {
    const n = hosts.length;
    const i = Math.floor(this.random() * n);
    let j = Math.floor(this.random() * (n - 1));
    if (j >= i) j++;
    const a = hosts[i]!;
    const b = hosts[j]!;
    return a.active / a.weight <= b.active / b.weight ? a : b;
  }

  private weightedRandom(hosts: UpstreamHost[]): UpstreamHost {
    let total = 0;
    for (let i = 0; i < hosts.length; i++) total += hosts[i]!.weight;
    let r = this.random() * total;
    for (let i = 0; i < hosts.length; i++) {
      r -= hosts[i]!.weight;
      if (r < 0) return hosts[i]!;
    }
    return hosts[hosts.length - 1]!;
  }
}
