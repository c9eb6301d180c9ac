// Shapes shared by the attack modules, the child-process target and the runners.
import type { ConnectionOptions } from '@strand/connection';

export type Impl = 'strand' | 'node';

/** How the child process serves: strand with engine options, or node:http2. */
export interface TargetConfig {
  impl: Impl;
  engine?: Partial<ConnectionOptions>;
  node?: { timeoutMs?: number };
}

/** What the server process spent on one attack (measured inside it, from 'mark' to 'measure'). */
export interface Measures {
  /** CPU time, user + system. */
  cpuMs: number;
  /** Peak RSS during the attack minus RSS at the mark (after GC). */
  rssGrowthMiB: number;
  /** Peak heapUsed + external (Buffers) during the attack minus the same at the mark. */
  heapGrowthMiB: number;
  /** heapUsed + external after the attack and a GC, minus the mark: what stayed behind. */
  retainedMiB: number;
}

export type TargetMessage =
  | { type: 'ready'; port: number }
  | { type: 'mark' }
  | { type: 'marked' }
  | { type: 'measure' }
  | { type: 'measures'; measures: Measures }
  | { type: 'stop' };

/** The most an attack may cost strand's server process (the CI test asserts both). */
export interface Budget {
  rssMiB: number;
  cpuMs: number;
}

/** What the attacking client saw. */
export interface Outcome {
  /** One line: GOAWAY code and debug text, resets, 431s, close. */
  seen: string;
  /** The server stopped or contained the attack (by the attack's own criterion, the same for strand and node:http2). */
  stopped: boolean;
  /** Where strand's documented answer was not seen (empty when all was as docs/security.md says). */
  problems: string[];
}

export interface Attack {
  id: string;
  title: string;
  cve: string;
  /** Options of strand's server for this attack (short timeouts for slowloris, the RFC 7540 tree for PRIORITY churn). */
  strand?: Partial<ConnectionOptions>;
  /** node:http2 counterpart where one exists (server.setTimeout). */
  node?: { timeoutMs?: number };
  budget: Budget;
  run(port: number): Promise<Outcome>;
}
